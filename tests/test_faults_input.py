"""Bad input to ``geomap ingest``, the pipeline and the app's upload path.

Every bad input gets a failure line naming it; every good input of the same batch is stored;
the exit status is 1 when anything failed. Big inputs are refused (or streamed) with bounded
memory, and a folder of thousands of small files is counted right.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from faulthelpers import article_text, failed_lines, run_geomap, run_measured

from geomap.app.state import ingest_uploads
from geomap.config import Settings
from geomap.gazetteer.lookup import Gazetteer
from geomap.pipeline import ingest_paths
from geomap.store.sqlite import open_store

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
ARABIC = "قصف مدفعي على مدينة حلب يوم الاثنين أدى إلى مقتل ثلاثة مدنيين"
FRENCH = (
    "Des obus ont frappé la ville d'Alep lundi, tuant trois civils, a indiqué un observateur "
    "à Beyrouth. Les secours sont arrivés très tard."
)
NESTING = 100_000


@dataclass
class Batch:
    """Files written for one bad-input batch and what must happen to each."""

    folder: Path
    paths: list[Path] = field(default_factory=list)  # what to pass to ingest
    good: dict[str, str] = field(default_factory=dict)  # file name -> a text it must store
    bad: dict[str, str] = field(default_factory=dict)  # source suffix -> message fragment
    uploads: list[tuple[str, bytes]] = field(default_factory=list)  # (name, bytes) for the app


def make_batch(root: Path) -> Batch:
    folder = root / "batch"
    folder.mkdir()
    batch = Batch(folder)

    def put(name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)
        batch.uploads.append((name, data))

    # good inputs
    put("good.txt", article_text(1).encode())
    batch.good["good.txt"] = "Report number 1."
    put("arabic.txt", f"ALEPPO, March 6\n\n{ARABIC}.\n".encode("cp1256"))
    batch.good["arabic.txt"] = ARABIC
    put("french.txt", FRENCH.encode("latin-1"))
    batch.good["french.txt"] = "frappé la ville d'Alep"
    records = [{"title": "Record one", "text": article_text(2)}, {"title": "no text here"}]
    put("records.json", json.dumps(records).encode())
    batch.good["records.json"] = "Report number 2."
    one_line = {i: article_text(i).replace("\n", " ") for i in (3, 4)}
    rows = (
        "title,text,url\n"
        f'Row two,"{one_line[3]}",https://csv.example/2\n'
        "Row three has no text cell\n"
        f'Row four,"{one_line[4]}",https://csv.example/4,extra,cells\n'
    )
    put("table.csv", rows.encode())
    batch.good["table.csv"] = "Report number 3."
    page = f"<html><head><title>Page</title></head><body><p>{article_text(5)}</p></body></html>"
    put("page.html", page.encode())
    batch.good["page.html"] = "Report number 5."
    headless = f"<html><head><title>No body tag</title></head>{article_text(6)}</html>"
    put("headtext.html", headless.encode())
    batch.good["headtext.html"] = "Report number 6."

    # bad inputs, each with the message it must get
    bad = {
        "empty.txt": (b"", "empty file"),
        "blank.txt": (b" \n\t\r\n  ", "empty file"),
        "nul.txt": (b"Shelling hit Idlib\x00\x00\x01 on Monday", "binary content"),
        "scan.html": (PNG_HEADER + b"\x00" * 64, "binary content"),
        "deep.json": (b"[" * NESTING + b"]" * NESTING, "nested too deeply"),
        "deep.jsonl": (b"[" * NESTING + b"]" * NESTING + b"\n", "nested too deeply"),
        "truncated.json": (b'{"title": "Cut", "text": "Shelling hit Idl', "invalid JSON"),
        "nocolumn.csv": (b"title,body_html\nA,B\n", "no 'text' column"),
        "nobody.html": (b"<html><head><title>Nothing</title></head></html>", "no text found"),
    }
    for name, (data, message) in bad.items():
        put(name, data)
        line = ":1" if name in ("deep.jsonl", "truncated.json") else ""  # JSON errors name the line
        batch.bad[name + line] = message
    batch.bad["records.json[2]"] = "no 'text' field"
    batch.bad["table.csv:3"] = "no 'text' field"

    # named explicitly: a PNG picture and a path that does not exist
    picture = root / "picture.png"
    picture.write_bytes(PNG_HEADER + b"\x00" * 64)
    batch.uploads.append(("picture.png", picture.read_bytes()))
    batch.bad["picture.png"] = "binary content"
    missing = root / "no" / "such" / "file.txt"
    batch.bad["file.txt"] = "no such file or directory"
    batch.paths = [folder, picture, missing]
    return batch


def stored_texts(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT text FROM article ORDER BY text")]
    finally:
        conn.close()


GOOD_ARTICLES = 8  # table.csv holds two good rows


def check_failures(failed: list[tuple[str, str]], batch: Batch) -> None:
    """Exactly the bad inputs failed, each named, with its message."""
    assert len(failed) == len(batch.bad), failed
    for suffix, message in batch.bad.items():
        hits = [(s, m) for s, m in failed if s.endswith(f"/{suffix}") or s == suffix]
        assert len(hits) == 1, (suffix, failed)
        assert message in hits[0][1], (suffix, hits)


def check_good(texts: list[str], batch: Batch) -> None:
    assert len(texts) == GOOD_ARTICLES
    for name, snippet in batch.good.items():
        assert any(snippet in t for t in texts), (name, snippet)
    assert any("Report number 4." in t for t in texts)  # the CSV row with extra cells


def test_cli_names_every_bad_input_keeps_the_good_ones_and_exits_1(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    batch = make_batch(tmp_path)
    db = tmp_path / "store.sqlite"
    result = run_geomap("ingest", *batch.paths, "--db", db)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    failed = [tuple(line[len("geomap: failed: ") :].split(": ", 1)) for line in failed_lines(
        result.stderr)]  # fmt: skip
    check_failures(failed, batch)  # type: ignore[arg-type]
    assert f"articles: {GOOD_ARTICLES} new, 0 already known, {len(batch.bad)} failed" in (
        result.stdout
    )
    notes = [line for line in result.stderr.splitlines() if line.startswith("geomap: note: ")]
    assert any("arabic.txt" in n and "cp1256" in n for n in notes), notes
    assert any("french.txt" in n and "cp1252" in n for n in notes), notes
    check_good(stored_texts(db), batch)

    # a second run: the good ones are known, the bad ones fail again, still exit 1
    again = run_geomap("ingest", *batch.paths, "--db", db)
    assert again.returncode == 1
    assert f"articles: 0 new, {GOOD_ARTICLES} already known, {len(batch.bad)} failed" in (
        again.stdout
    )


def test_library_reports_the_same_failures(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer
) -> None:
    batch = make_batch(tmp_path)
    with open_store(settings.db_path) as store:
        report = ingest_paths(batch.paths, settings=settings, store=store, gazetteer=gazetteer)
    assert not report.ok
    check_failures(list(report.failed), batch)
    assert report.new == GOOD_ARTICLES
    check_good(stored_texts(settings.db_path), batch)


def test_app_upload_path_reports_failures_under_the_uploaded_names(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer
) -> None:
    batch = make_batch(tmp_path)
    hostile_name = "../../etc/<b>x</b>.txt"
    uploads = [*batch.uploads, (hostile_name, PNG_HEADER)]
    with open_store(settings.db_path) as store:
        report = ingest_uploads(
            uploads, text="   ", settings=settings, store=store, gazetteer=gazetteer
        )
    bad = dict(batch.bad)
    del bad["file.txt"]  # a missing path cannot be uploaded
    bad[hostile_name] = "binary content"
    failed = {source: message for source, message in report.failed}
    assert set(failed) == set(bad), failed
    for name, message in bad.items():
        assert message in failed[name], (name, failed[name])
    assert report.new == GOOD_ARTICLES
    check_good(stored_texts(settings.db_path), batch)
    # nothing was written outside the upload's private folder
    assert not (tmp_path.parent / "etc").exists()


def test_undecodable_file_name_is_ingested(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer
) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/rapport-\xff\xfe.txt"  # not UTF-8: a surrogate in Python
    with open(raw, "wb") as fh:
        fh.write(article_text(7).encode())
    (folder / "plain.txt").write_text(article_text(8), encoding="utf-8")
    with open_store(settings.db_path) as store:
        report = ingest_paths([folder], settings=settings, store=store, gazetteer=gazetteer)
        origins = [r[0] for r in store.conn.execute("SELECT origin FROM article ORDER BY origin")]
    assert report.failed == ()
    assert report.new == 2
    assert any(o.endswith("rapport-\ufffd\ufffd.txt") for o in origins), origins

    result = run_geomap("ingest", folder, "--db", tmp_path / "cli.sqlite")
    assert result.returncode == 0, result.stderr
    assert "articles: 2 new" in result.stdout


MB = 2**20


def test_50_mb_inputs_are_refused_with_bounded_memory(tmp_path: Path, gazetteer: Gazetteer) -> None:
    big_txt = tmp_path / "huge.txt"
    line = article_text(9).replace("\n", " ").encode() + b"\n"
    with big_txt.open("wb") as fh:
        for _ in range(50 * MB // len(line) + 1):
            fh.write(line)
    big_jsonl = tmp_path / "huge.jsonl"  # one 50 MB line (streamed, so refused line by line)
    with big_jsonl.open("wb") as fh:
        fh.write(b'{"text": "' + b"Shelling hit Idlib. " * (50 * MB // 20) + b'"}\n')
        fh.write(json.dumps({"text": article_text(10)}).encode() + b"\n")
    good = tmp_path / "good.txt"
    good.write_text(article_text(11), encoding="utf-8")
    assert big_txt.stat().st_size >= 50 * MB and big_jsonl.stat().st_size >= 50 * MB

    db = tmp_path / "store.sqlite"
    result, peak = run_measured("ingest", big_txt, big_jsonl, good, "--db", db)
    print(f"50 MB inputs: peak RSS {peak / MB:.0f} MB, exit {result.returncode}")
    assert result.returncode == 1, result.stderr
    lines = failed_lines(result.stderr)
    assert len(lines) == 2, result.stderr
    assert f"{big_txt}: larger than the 20 MB limit" in lines[0]
    assert f"{big_jsonl}:1: line longer than 20 MB" in lines[1]
    assert "articles: 2 new, 0 already known, 2 failed" in result.stdout
    texts = stored_texts(db)
    assert any("Report number 10." in t for t in texts)
    assert any("Report number 11." in t for t in texts)
    # never the whole 50 MB file (let alone decoded copies of it) in memory
    assert peak < 160 * MB, f"peak RSS {peak / MB:.0f} MB"


def _small_files(folder: Path, count: int) -> None:
    towns = ("Aleppo", "Idlib", "Homs", "Mosul", "Kirkuk")
    for i in range(count):
        sub = folder / f"d{i // 100:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"n{i:05d}.txt").write_text(
            f"Traders from {towns[i % 5]} met on Sunday to discuss the price of bread, note {i}.\n",
            encoding="utf-8",
        )
    (folder / ".hidden.txt").write_text("Shelling hit Idlib on Monday.", encoding="utf-8")
    (folder / "d00" / "notes.docx").write_bytes(b"PK\x03\x04 not ours")


@pytest.mark.slow
def test_folder_of_3000_small_files(tmp_path: Path, gazetteer: Gazetteer) -> None:
    small, many = tmp_path / "small", tmp_path / "many"
    _small_files(small, 30)
    _small_files(many, 3000)
    base, base_peak = run_measured("ingest", small, "--db", tmp_path / "small.sqlite")
    assert base.returncode == 0, base.stderr
    result, peak = run_measured("ingest", many, "--db", tmp_path / "many.sqlite", timeout=150)
    print(f"30 files: peak {base_peak / MB:.0f} MB; 3000 files: peak {peak / MB:.0f} MB")
    assert result.returncode == 0, result.stderr
    assert "articles: 3000 new, 0 already known, 0 failed" in result.stdout
    conn = sqlite3.connect(tmp_path / "many.sqlite")
    try:
        assert conn.execute("SELECT count(*) FROM article").fetchone()[0] == 3000
        assert conn.execute("SELECT count(DISTINCT origin) FROM article").fetchone()[0] == 3000
    finally:
        conn.close()
    # memory does not grow with the number of files (streamed, one article at a time)
    assert peak - base_peak < 40 * MB, (base_peak / MB, peak / MB)
