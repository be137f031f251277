"""The ingest pipeline end to end over the real gazetteer, geoparser, extraction and linking."""

from __future__ import annotations

import json
from pathlib import Path

from geomap.config import Settings
from geomap.gazetteer.lookup import Gazetteer
from geomap.models import Article, Place
from geomap.pipeline import IngestReport, ingest_articles, ingest_paths
from geomap.store.sqlite import (
    add_correction,
    count_incidents,
    iter_incidents,
    iter_mentions,
    open_store,
)

# Our own sample texts (no third-party article text in the repo).
# Paragraphs are single lines, as scraped text usually is.
REPORT_A = (
    "Air strike kills three near al-Bab\nThursday 9 February 2017\n\n"
    "ANKARA, Feb 9 (Wire A) - An air strike killed three soldiers and wounded eleven near the "
    "Syrian town of al-Bab on Thursday, the army said in a statement in Ankara.\n"
)
REPORT_B = (
    "Deadly strike near al-Bab\n09/02/2017 18:40\n\n"
    "BEIRUT, Feb 9 (Wire B) - Three soldiers were killed on Thursday when an air strike hit a "
    "building near al-Bab in northern Syria, a war monitor said.\n"
)
REPORT_C = (
    "Clashes in Idlib\n\n"
    "DAMASCUS, March 3 (Wire C) - Heavy clashes between rebels and government forces in the "
    "city of Idlib killed seven fighters on Friday, a monitor said.\n"
)


def write_folder(root: Path) -> Path:
    folder = root / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (folder / "sub" / "b.txt").write_text(REPORT_B, encoding="utf-8")
    rec = {
        "text": REPORT_C,
        "url": "https://c.example/idlib",
        "source": "Wire C",
        "published": "2017-03-03",
    }
    (folder / "c.jsonl").write_text(json.dumps(rec) + "\n{broken\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


def run(paths: list[Path | str], settings: Settings, gaz: Gazetteer, db: Path) -> IngestReport:
    with open_store(db) as store:
        return ingest_paths(paths, settings=settings, store=store, gazetteer=gaz)


def stored(db: Path) -> list[dict[str, object]]:
    with open_store(db) as store:
        return list(iter_incidents(store, order_by="incident_id"))


def test_ingest_reports_counts_and_failures(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer
) -> None:
    folder = write_folder(tmp_path)
    db = tmp_path / "s.sqlite"
    report = run([folder, tmp_path / "missing.txt"], settings, gazetteer, db)
    assert (report.new, report.known) == (3, 0)
    failed = dict(report.failed)
    assert failed == {
        f"{folder / 'c.jsonl'}:2": failed[f"{folder / 'c.jsonl'}:2"],
        str(folder / "empty.txt"): "empty file",
        str(tmp_path / "missing.txt"): "no such file or directory",
    }
    assert "invalid JSON" in failed[f"{folder / 'c.jsonl'}:2"]
    assert not report.ok and report.elapsed > 0
    with open_store(db) as store:
        n_incidents = count_incidents(store)
        n_candidates = store.conn.execute("SELECT count(*) FROM candidate").fetchone()[0]
        mentions = list(iter_mentions(store, resolved_only=True))
    assert n_incidents == report.incidents_created >= 1
    assert n_candidates == report.incidents_created + report.incidents_merged
    assert any(m["name"] == "Al Bāb" for m in mentions)
    assert report.summary().startswith("articles: 3 new, 0 already known, 3 failed; incidents: ")


def test_reingest_is_a_no_op(tmp_path: Path, settings: Settings, gazetteer: Gazetteer) -> None:
    folder = write_folder(tmp_path)
    db = tmp_path / "s.sqlite"
    run([folder], settings, gazetteer, db)
    before = stored(db)
    again = run([folder, folder / "a.txt"], settings, gazetteer, db)
    assert (again.new, again.known, again.incidents_created, again.incidents_merged) == (0, 4, 0, 0)
    assert stored(db) == before


def test_same_inputs_give_the_same_incidents(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer
) -> None:
    folder = write_folder(tmp_path)
    run([folder], settings, gazetteer, tmp_path / "one.sqlite")
    run([folder], settings, gazetteer, tmp_path / "two.sqlite")
    one, two = stored(tmp_path / "one.sqlite"), stored(tmp_path / "two.sqlite")
    assert [r["incident_id"] for r in one] == [r["incident_id"] for r in two]
    assert one == two


def test_two_reports_of_one_strike_become_one_incident(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer
) -> None:
    folder = write_folder(tmp_path)
    db = tmp_path / "s.sqlite"
    report = run([folder], settings, gazetteer, db)
    assert report.incidents_merged >= 1
    bab = [r for r in stored(db) if r["location"] == "Al Bāb"]
    assert len(bab) == 1
    assert bab[0]["source_count"] == 2
    assert bab[0]["event_date"] == "2017-02-09"
    assert bab[0]["link_reasons"]


def test_progress_is_reported_per_file(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer
) -> None:
    folder = write_folder(tmp_path)
    calls: list[tuple[int, int | None]] = []
    with open_store(tmp_path / "s.sqlite") as store:
        ingest_paths(
            [folder], settings=settings, store=store, gazetteer=gazetteer,
            progress=lambda done, total: calls.append((done, total)),
        )  # fmt: skip
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_stored_corrections_apply_to_later_articles(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer
) -> None:
    db = tmp_path / "s.sqlite"
    first = tmp_path / "a.txt"
    first.write_text(REPORT_A, encoding="utf-8")
    run([first], settings, gazetteer, db)
    with open_store(db) as store:
        bab = next(m for m in iter_mentions(store) if m["surface"] == "al-Bab")
        fixed = Place(None, "Al Bab (corrected)", 36.37, 37.52, country_code="SY", country="Syria")
        add_correction(store, scope="mention", target=f"{bab['article_id']}:{bab['start']}",
                       place=fixed)  # fmt: skip
    second = tmp_path / "b.txt"
    second.write_text(REPORT_B, encoding="utf-8")
    run([second], settings, gazetteer, db)
    with open_store(db) as store:
        later = [m for m in iter_mentions(store) if m["article_id"] != bab["article_id"]]
    hits = [m for m in later if m["surface"] == "al-Bab"]
    assert hits and all(m["method"] == "manual" for m in hits)
    assert hits[0]["name"] == "Al Bab (corrected)"


def test_offline_ingest_makes_no_geocoder_requests(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer
) -> None:
    doc = tmp_path / "x.txt"
    doc.write_text("Clashes broke out in Qwertyuiopville on Monday, residents said.", "utf-8")
    db = tmp_path / "s.sqlite"
    report = run([doc], settings.with_overrides(offline=True), gazetteer, db)
    assert report.new == 1 and report.ok
    with open_store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM geocode_cache").fetchone()[0] == 0


def test_store_blocking_uses_the_linker_date_windows() -> None:
    from geomap.incidents import link
    from geomap.store import sqlite as store

    assert store.DATE_SLACK_DAYS == link.DATE_SLACK_DAYS


def test_two_processes_ingesting_the_same_folder_store_each_article_once(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    import os
    import re
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(30):
        text = REPORT_A.replace("three soldiers", f"{i + 2} soldiers")
        (folder / f"{i:02}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "shared.sqlite"
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    cmd = [sys.executable, "-m", "geomap", "ingest", str(folder), "--db", str(db), "--offline"]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    counts = [
        re.match(r"articles: (\d+) new, (\d+) already known", out).groups() for out, _ in outs
    ]
    assert sum(int(new) for new, _ in counts) == 30
    assert sum(int(known) for _, known in counts) == 30
    with open_store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM article").fetchone()[0] == 30
        n_candidates = store.conn.execute("SELECT count(*) FROM candidate").fetchone()[0]
        dupes = store.conn.execute(
            "SELECT count(*) FROM (SELECT article_id, idx FROM candidate"
            " GROUP BY article_id, idx HAVING count(*) > 1)"
        ).fetchone()[0]
    assert n_candidates >= 30 and dupes == 0


def test_every_ingest_query_uses_an_index(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer
) -> None:
    # Issue 15: Gazetteer.admin1_place scanned every place (30 ms a call) and linking read a
    # country's reports. Every statement of an ingest (store and gazetteer) is checked with
    # EXPLAIN QUERY PLAN: no full-table SCAN.
    folder = write_folder(tmp_path)
    (folder / "d.txt").write_text(
        "Clashes in Hama province on 4 March 2017 killed two soldiers.\n", encoding="utf-8"
    )
    seen: list[tuple[str, str]] = []
    with open_store(settings.db_path) as store:
        store.conn.set_trace_callback(lambda q: seen.append(("store", q)))
        gazetteer._db.set_trace_callback(lambda q: seen.append(("gazetteer", q)))
        try:
            ingest_paths([folder], settings=settings, store=store, gazetteer=gazetteer)
            ingest_paths([folder], settings=settings, store=store, gazetteer=gazetteer)
            assert gazetteer.admin1_place("SY", "09") is not None
        finally:
            store.conn.set_trace_callback(None)
            gazetteer._db.set_trace_callback(None)
        checked = 0
        for where, sql in dict.fromkeys(seen):
            if not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
                continue
            conn = store.conn if where == "store" else gazetteer._db
            plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
            scans = [
                p
                for p in plan
                if p.startswith("SCAN") and "INDEX" not in p and "VIRTUAL TABLE" not in p
                and p != "SCAN CONSTANT ROW"
            ]  # fmt: skip
            assert not scans, f"{where}: {sql[:160]} -> {plan}"
            checked += 1
    assert checked >= 10
    assert any("admin1" in sql and "fcode = 'ADM1'" in sql for _, sql in seen)


def test_an_article_that_cannot_be_stored_fails_alone(tmp_path: Path, gazetteer: Gazetteer) -> None:
    # Issue 15: only sqlite3.Error was caught around the write; anything else stopped the run.
    # A lone surrogate (an Article built by a caller, not by the readers) cannot be encoded.
    items = [
        Article("x", "Shelling hit Aleppo on Monday, killing 3 \ud800.", origin="x.txt"),
        Article("y", "Shelling hit Hama on 2 May 2018, killing 2.", origin="y.txt"),
    ]
    with open_store(tmp_path / "s.sqlite") as store:
        tally = ingest_articles(items, store=store, gazetteer=gazetteer)
    assert tally.new == 1
    assert [(s, m.split(":")[0]) for s, m in tally.failed] == [("x.txt", "could not store")]
    assert "UnicodeEncodeError" in tally.failed[0][1]


# A county paper of our own invention: located reports, then reports that name no place.
COUNTY_LINES = [
    "On 3 May 2021, traders protested in Kisumu town against new market fees.",
    "On 4 May 2021, motorcycle taxi riders protested in Nakuru town over police harassment.",
    "On 5 May 2021, students protested in Eldoret town over a rise in fees.",
    "On 6 May 2021, residents protested in Kakamega town over a broken water supply.",
    "On 7 May 2021, teachers protested in Kisumu town over delayed salaries.",
    "On 8 May 2021, hundreds of nurses protested over unpaid allowances.",
]
PLACELESS_LATER = "On 8 May 2021, hundreds of nurses protested again over unpaid allowances."
PLACELESS_ELSEWHERE = "On 8 May 2021, hundreds of cleaners protested over unpaid wages."


def write_feed(path: Path, lines: list[str], source: str) -> Path:
    rows = [{"text": t, "url": f"https://{path.stem}.example/{i}", "source": source}
            for i, t in enumerate(lines)]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_report_naming_no_place_takes_its_outlets_focus_country(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer, store_location: str
) -> None:
    first = write_feed(tmp_path / "county.jsonl", COUNTY_LINES, "County Chronicle")
    later = write_feed(tmp_path / "later.jsonl", [PLACELESS_LATER], "County Chronicle")
    world = write_feed(tmp_path / "world.jsonl", [PLACELESS_ELSEWHERE], "World Desk")
    with open_store(store_location) as store:
        ingest_paths([first], settings=settings, store=store, gazetteer=gazetteer)
        # a later run learns the outlet's focus from the store (one indexed query)
        ingest_paths([later, world], settings=settings, store=store, gazetteer=gazetteer)
        rows = list(iter_incidents(store, order_by="incident_id"))
    by_url = {s["url"]: r for r in rows for s in r["sources"]}
    assert len(by_url) == len(rows) == 8  # nothing merged
    for i in range(5):
        r = by_url[f"https://county.example/{i}"]
        assert (r["country"], r["location_method"]) == ("Kenya", "gazetteer")
    for url in ("https://county.example/5", "https://later.example/0"):
        r = by_url[url]
        assert (r["country"], r["location_method"], r["geo_precision"]) == ("Kenya", "outlet", 3)
        why = [e["rule"] for e in r["evidence"] if e["field"] == "location"]
        assert why == ["outlet-country: no place named; 5 of the 5 located reports of "
                       "'County Chronicle' are in Kenya"]  # fmt: skip
    # an outlet with nothing located says nothing of where
    assert by_url["https://world.example/0"]["country"] == ""


def test_the_same_text_at_another_address_is_listed_as_a_copy_not_a_new_source(
    tmp_path: Path, settings: Settings, gazetteer: Gazetteer, store_location: str
) -> None:
    rec = {"text": REPORT_C, "url": "https://c.example/idlib", "source": "Wire C"}
    copy = {**rec, "url": "https://mirror.example/idlib-copy", "source": "Mirror"}
    (tmp_path / "a.jsonl").write_text(json.dumps(rec) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps(copy) + "\n" + json.dumps(rec) + "\n",
                                      encoding="utf-8")  # fmt: skip
    with open_store(store_location) as store:
        first = ingest_paths([tmp_path / "a.jsonl"], settings=settings, store=store,
                             gazetteer=gazetteer)  # fmt: skip
        second = ingest_paths([tmp_path / "b.jsonl"], settings=settings, store=store,
                              gazetteer=gazetteer)  # fmt: skip
        again = ingest_paths([tmp_path / "b.jsonl"], settings=settings, store=store,
                             gazetteer=gazetteer)  # fmt: skip
        (row,) = iter_incidents(store)
    assert first.new == 1 and first.incidents_created == 1
    assert (second.new, second.known, second.copies) == (0, 2, 1)
    assert "(1 at a new address)" in second.summary()
    assert (again.known, again.copies) == (2, 0)  # idempotent: the copy is recorded once
    assert row["source_count"] == 1
    assert [(s["name"], s["url"], s.get("copy_of")) for s in row["sources"]] == [
        ("Wire C", "https://c.example/idlib", None),
        ("Mirror", "https://mirror.example/idlib-copy", "https://c.example/idlib"),
    ]
    assert row["sources"][1]["excerpt"] == row["sources"][0]["excerpt"]
