"""``geomap ingest`` and ``geomap incidents``: exit codes, messages, output formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from geomap.cli.main import main
from geomap.ingest.readers import make_article
from geomap.models import METHOD_GAZETTEER, IncidentCandidate, Mention, Place, Resolution
from geomap.store.sqlite import open_store, write_article

ROOT = Path(__file__).resolve().parents[2]
STRIKE = (
    "Strike near al-Bab\nThursday 9 February 2017\n\n"
    "ANKARA, Feb 9 (Wire A) - An air strike killed three soldiers and wounded eleven near the "
    "Syrian town of al-Bab on Thursday, the army said.\n"
)


def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def fill(db: Path, location: str = "Al Bāb", source: str = "Wire A") -> None:
    """A store with one incident written directly (no extraction involved)."""
    place = Place(170000, location, 36.37, 37.52, "P", "PPL", "SY", "09", "Aleppo", "Syria")
    article, _ = make_article(f"Report about {location}.", origin="a.txt", source=source)
    res = Resolution(Mention(13, 13 + len(location), location), place, 0.9, METHOD_GAZETTEER)
    cand = IncidentCandidate(
        article.id, "Explosions/Remote violence", "Air/drone strike", date(2017, 2, 9), 1,
        res, 1, fatalities=3, injured=11,
    )  # fmt: skip
    with open_store(db) as store:
        write_article(store, article, [res], [cand])


# -- ingest ----------------------------------------------------------------------------------
def test_ingest_help_has_an_example() -> None:
    result = invoke("ingest", "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output and "geomap ingest articles/" in result.output


def test_ingest_without_paths_is_a_usage_error() -> None:
    result = invoke("ingest")
    assert result.exit_code == 2
    assert "Missing argument 'PATH...'" in result.stderr


def test_ingest_failures_are_named_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    db = tmp_path / "s.sqlite"
    result = invoke("ingest", str(tmp_path / "empty.txt"), str(tmp_path / "nope.txt"), "--db",
                    str(db))  # fmt: skip
    assert result.exit_code == 1
    assert f"geomap: failed: {tmp_path / 'empty.txt'}: empty file" in result.stderr
    assert f"geomap: failed: {tmp_path / 'nope.txt'}: no such file or directory" in result.stderr
    assert result.stdout.startswith("articles: 0 new, 0 already known, 2 failed; incidents: 0")
    assert db.exists()


def test_ingest_then_reingest(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STRIKE, encoding="utf-8")
    db = str(tmp_path / "s.sqlite")
    first = invoke("--db", db, "ingest", str(tmp_path))
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("articles: 1 new, 0 already known, 0 failed; incidents: 1 ")
    again = invoke("ingest", str(tmp_path), "--db", db, "--offline")
    assert again.exit_code == 0
    assert again.stdout.startswith("articles: 0 new, 1 already known, 0 failed; incidents: 0 ")


def test_ingest_stdin_jsonl_with_a_bad_line(tmp_path: Path) -> None:
    feed = json.dumps({"text": STRIKE}) + "\nnot json\n"
    result = invoke("ingest", "-", "--db", str(tmp_path / "s.sqlite"), stdin=feed)
    # "not json" does not start with "{", so stdin is one plain-text article
    assert result.exit_code == 0
    feed = json.dumps({"text": STRIKE}) + "\n{not json\n"
    result = invoke("ingest", "-", "--db", str(tmp_path / "t.sqlite"), stdin=feed)
    assert result.exit_code == 1
    assert "geomap: failed: <stdin>:2: invalid JSON" in result.stderr
    assert result.stdout.startswith("articles: 1 new")


def test_ingest_notes_the_encoding(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Frappe près de la ville.".encode("cp1252"))
    result = invoke("ingest", str(tmp_path), "--db", str(tmp_path / "s.sqlite"))
    assert result.exit_code == 0
    assert f"geomap: note: {tmp_path / 'latin.txt'}: not valid UTF-8; decoded as cp1252" in (
        result.stderr
    )


# -- incidents -------------------------------------------------------------------------------
def test_incidents_table_and_json(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    fill(db)
    table = invoke("incidents", "--db", str(db))
    assert table.exit_code == 0
    header, row = table.stdout.splitlines()
    assert header.split() == ["date", "type", "location", "country", "killed", "injured", "sources"]
    assert row.split()[:3] == ["2017-02-09", "Air/drone", "strike"]
    assert "Al Bāb" in row and "Syria" in row and "1: Wire A" in row
    lines = invoke("incidents", "--db", str(db), "--json").stdout.splitlines()
    rec = json.loads(lines[0])
    assert (rec["location"], rec["fatalities"], rec["injured"]) == ("Al Bāb", 3, 11)
    assert rec["sources"][0]["name"] == "Wire A"


def test_incidents_filters(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    fill(db)
    for args, n in [
        (("--country", "Syria"), 1),
        (("--country", "SYR"), 1),
        (("--country", "Iraq"), 0),
        (("--since", "2017-02-10"), 0),
        (("--until", "2017-02-09"), 1),
        (("--type", "Battles"), 0),
        (("--source", "Wire A"), 1),
        (("--text", "bāb"), 1),
    ]:
        result = invoke("incidents", "--db", str(db), "--json", *args)
        assert result.exit_code == 0
        assert len(result.stdout.splitlines()) == n, args
        if n == 0:
            assert "no incidents match" in result.stderr


def test_incidents_usage_errors_and_missing_store(tmp_path: Path) -> None:
    bad = invoke("incidents", "--db", str(tmp_path / "s.sqlite"), "--since", "9 Feb")
    assert bad.exit_code == 2 and "--since" in bad.stderr
    missing = invoke("incidents", "--db", str(tmp_path / "none.sqlite"))
    assert missing.exit_code == 1
    assert missing.stderr.startswith("geomap: error: store ") and "does not exist" in (
        missing.stderr
    )
    assert not (tmp_path / "none.sqlite").exists()


def test_incidents_table_never_prints_control_characters(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    fill(db, location="Evil\x1b[2J\x07Town", source="Src\x1b]0;owned\x07")
    out = invoke("incidents", "--db", str(db)).stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "Evil [2J Town" in out


# -- as a real process -----------------------------------------------------------------------
@pytest.mark.slow
def test_python_m_geomap_ingest_and_list(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STRIKE, encoding="utf-8")
    db = tmp_path / "s.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "geomap", *args], cwd=tmp_path, env=env, text=True,
            capture_output=True, timeout=300,
        )  # fmt: skip

    done = run("ingest", str(tmp_path / "a.txt"), str(tmp_path / "gone.txt"), "--db", str(db))
    assert done.returncode == 1
    assert f"geomap: failed: {tmp_path / 'gone.txt'}: no such file or directory" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith("articles: 1 new, 0 already known, 1 failed;")
    listed = run("incidents", "--db", str(db), "--json")
    assert listed.returncode == 0
    assert [json.loads(line)["country"] for line in listed.stdout.splitlines()] == ["Syria"]
    usage = run("ingest")
    assert usage.returncode == 2


def test_out_of_range_metadata_dates_are_refused_and_the_batch_goes_on(tmp_path: Path) -> None:
    # Issue 15: published 9999-12-31 raised OverflowError in linking and stopped the batch.
    feed = tmp_path / "feed.jsonl"
    records = [
        {"text": "Shelling hit Aleppo on Monday, killing 3 people.", "published": "9999-12-31"},
        {"text": "Clashes in Homs killed 4 soldiers on Tuesday.", "published": "0001-01-01"},
        {"text": "An air strike hit Idlib on 3 March 2017, killing 5.", "published": "2017-03-04"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    later = tmp_path / "later.txt"
    later.write_text("Shelling hit Hama on 2 May 2018, killing 2.", encoding="utf-8")
    db = tmp_path / "s.sqlite"
    result = invoke("ingest", str(feed), str(later), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "articles: 4 new" in result.output
    assert "feed.jsonl:1: published date 9999-12-31 is outside 1900" in result.stderr
    assert "feed.jsonl:2: published date 0001-01-01 is outside 1900" in result.stderr
    with open_store(db) as store:
        years = [r[0] for r in store.conn.execute("SELECT published FROM article")]
    assert all(y is None or 1900 <= int(y[:4]) <= date.today().year + 1 for y in years)


def test_a_figure_too_large_for_a_toll_is_refused_and_the_article_stored(tmp_path: Path) -> None:
    # Issue 15: a count beyond SQLite's integers raised OverflowError while writing, failing
    # the article. Now a figure above 1,000,000 is not a toll: the article is stored, told.
    (tmp_path / "a.txt").write_text(
        "Shelling hit Aleppo on Monday, killing 99999999999999999999 people.", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text("Shelling hit Hama on 2 May 2018, killing 2.", "utf-8")
    result = invoke("ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                    "--db", str(tmp_path / "s.sqlite"))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "articles: 2 new, 0 already known, 0 failed" in result.output
    assert (
        f"geomap: note: {tmp_path / 'a.txt'}: 1 figure(s) above 1,000,000 not read as a toll:"
        ' "99999999999999999999"'
    ) in result.stderr


def test_an_article_past_the_stated_caps_is_named_in_a_notice(tmp_path: Path) -> None:
    # Issue 15: the caps that bound one huge article are stated, and the file is named.
    big = tmp_path / "big.txt"
    big.write_text("Shelling hit Aleppo on Monday. " * 600 + "\n" + "shelling hit Aleppo and "
                   * 200, encoding="utf-8")  # fmt: skip
    (tmp_path / "normal.txt").write_text(STRIKE, encoding="utf-8")
    result = invoke("ingest", str(big), str(tmp_path / "normal.txt"),
                    "--db", str(tmp_path / "s.sqlite"), "--offline")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("geomap: note:")]
    assert notes == [
        f"geomap: note: {big}: read the first 500 event sentences of 602 (cap 500); the rest"
        " stay mentions",
        f"geomap: note: {big}: sentences longer than 3,000 characters were read in 2 pieces of"
        " at most 3,000",
        f"geomap: note: {big}: read the first 60 sentences of an incident's report of 500 for"
        " its toll",
    ]  # (the run-on line's two pieces are event sentences 601 and 602); none for normal.txt


# -- manners (#14) -----------------------------------------------------------------------------
def test_ingest_names_skipped_types_and_empty_folders(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(STRIKE, encoding="utf-8")
    for name in ("b.docx", "c.docx", "notes.md"):
        (folder / name).write_bytes(b"x")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke("ingest", str(folder), str(empty), "--db", str(tmp_path / "s.sqlite"))
    assert result.exit_code == 0, result.stderr
    assert "geomap: skipped 3: .docx (2), .md (not an article format)" in result.stderr
    assert f"skipped {folder / 'notes.md'}" in result.stderr
    assert f"geomap: {empty}: no article files in this folder" in result.stderr


def test_first_run_says_it_builds_the_gazetteer(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STRIKE, encoding="utf-8")
    env = {"GEOMAP_GAZETTEER": str(tmp_path / "missing-gazetteer.sqlite")}
    result = CliRunner().invoke(
        main, ["ingest", str(tmp_path / "a.txt"), "--db", str(tmp_path / "s.sqlite")], env=env
    )
    assert "first run: building the gazetteer index" in result.stderr


def test_unknown_filter_values_get_a_did_you_mean(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    fill(db)
    result = invoke("export", "--db", str(db), "--country", "Sirya", "--type", "Airstrike")
    assert result.exit_code == 0
    assert "geomap: no incident has country 'Sirya'; did you mean 'Syria'?" in result.stderr
    assert "did you mean 'Explosions/Remote violence' (sub-event 'Air/drone strike')?" in (
        result.stderr
    )
    fine = invoke("export", "--db", str(db), "--country", "Syria", "--country", "SY")
    assert "did you mean" not in fine.stderr


def test_demo_loads_the_samples_apart_from_the_store(tmp_path: Path) -> None:
    db = tmp_path / "mine.sqlite"
    result = invoke("demo", "--db", str(db), "-o", str(tmp_path / "demo.html"))
    assert result.exit_code == 0, result.output
    demo = tmp_path / "mine-demo.sqlite"
    assert f"demo store: {demo}" in result.output
    with open_store(demo) as store:
        titles = [r[0] for r in store.conn.execute("SELECT origin FROM article")]
    assert titles and not any("README" in t for t in titles)
    assert not db.exists()  # the user's store is not touched
    assert "geomap demo" in (tmp_path / "demo.html").read_text(encoding="utf-8")
