"""The SQLite store: schema, transactions, merged incidents, filters, corrections."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from geomap.errors import NotFoundError, StoreError
from geomap.ingest.readers import make_article
from geomap.mapview.popups import popup_html
from geomap.models import (
    INCIDENT_FIELDS,
    METHOD_GAZETTEER,
    Article,
    Evidence,
    IncidentCandidate,
    IncidentFilter,
    Mention,
    Place,
    Resolution,
)
from geomap.store.schema import SCHEMA_VERSION
from geomap.store.sqlite import (
    Store,
    add_correction,
    count_incidents,
    facet_values,
    find_correction,
    get_incident,
    has_article,
    incident_id_for,
    incident_ids,
    iter_candidates,
    iter_incidents,
    iter_mentions,
    open_store,
    unlink_candidate,
    with_reports,
    write_article,
)

BAB = Place(170000, "Al Bāb", 36.3705, 37.5157, "P", "PPL", "SY", "09", "Aleppo", "Syria", 63000)
IDLIB = Place(169388, "Idlib", 35.9306, 36.6339, "P", "PPLA", "SY", "08", "Idlib", "Syria", 128840)
MOSUL = Place(99072, "Mosul", 36.335, 43.1189, "P", "PPLA", "IQ", "15", "Nineveh", "Iraq", 664221)


def res(place: Place | None, surface: str, start: int = 0) -> Resolution:
    mention = Mention(start, start + len(surface), surface, "name", "near")
    return Resolution(mention, place, 0.9 if place else 0.0, METHOD_GAZETTEER, ("test",))


def cand(
    article: Article,
    place: Place | None,
    *,
    when: date | None = date(2017, 2, 9),
    kind: str = "Explosions/Remote violence",
    killed: int | None = 3,
    injured: int | None = None,
    precision: int = 1,
) -> IncidentCandidate:
    return IncidentCandidate(
        article_id=article.id,
        event_type=kind,
        sub_event_type="Air/drone strike",
        event_date=when,
        time_precision=1,
        location=res(place, place.name if place else "somewhere"),
        geo_precision=precision,
        actor1="Military Forces of Turkey",
        fatalities=killed,
        injured=injured,
        notes="An air strike.",
        excerpt=f"excerpt of {article.origin}",
        evidence=(Evidence("fatalities", str(killed), "Three were killed.", "digits"),),
    )


def art(text: str, **kw: Any) -> Article:
    article, _ = make_article(text, origin=kw.pop("origin", "in.txt"), **kw)
    return article


@dataclass(frozen=True)
class Choice:
    target_id: str | None
    reasons: tuple[str, ...]
    score: float = 1.0


def same_place_linker(candidate: IncidentCandidate, rows: list[dict[str, Any]]) -> Choice:
    """A test linker: join the first stored report at the same geonameid and date."""
    place = candidate.location.place if candidate.location else None
    for row in rows:
        if (
            place
            and row["geonameid"] == place.geonameid
            and row["event_date"] == str(candidate.event_date)
        ):
            return Choice(row["incident_id"], (f"same place {place.name}",))
    return Choice(None, ("no match",))


@pytest.fixture()
def store(store_location: str) -> Store:
    """A new store on each backend (SQLite file, PostgreSQL database)."""
    s = open_store(store_location)
    yield s
    s.close()


# -- opening ---------------------------------------------------------------------------------
def test_open_creates_dirs_wal_version_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "s.sqlite"
    with open_store(path) as s:
        assert path.exists()
        assert s.journal_mode == "wal"
        assert s.schema_version == SCHEMA_VERSION == 4
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
    with open_store(path) as s:  # reopening migrates nothing and keeps the version
        assert s.schema_version == SCHEMA_VERSION


def test_newer_schema_and_foreign_files_are_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this geomap"):
        open_store(newer)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE people (name TEXT)")
    with pytest.raises(StoreError, match="not a geomap store"):
        open_store(other)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match=r"cannot open store .*junk\.sqlite"):
        open_store(junk)


def test_readonly_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "none.sqlite", readonly=True)
    with open_store(tmp_path / "s.sqlite") as s:
        write_article(s, art("A strike."), [], [])
    with open_store(tmp_path / "s.sqlite", readonly=True) as ro:
        assert count_incidents(ro) == 0
        with pytest.raises(sqlite3.OperationalError):
            ro.conn.execute("DELETE FROM article")


def test_store_geocode_cache(store: Store) -> None:
    cache = store.geocode_cache
    assert cache.get("k") is None
    cache.put("k", '{"a": 1}')
    cache.put("k", '{"a": 2}')
    assert cache.get("k") == '{"a": 2}'


# -- writing ---------------------------------------------------------------------------------
def test_write_article_is_idempotent(store: Store) -> None:
    a = art("Strike near al-Bab kills three.", published="2017-02-09")
    first = write_article(store, a, [res(BAB, "al-Bab", 12)], [cand(a, BAB)])
    again = write_article(store, a, [res(BAB, "al-Bab", 12)], [cand(a, BAB)])
    assert first.new and first.incidents_created == (incident_id_for(a.id, 0),)
    assert not again.new and again.incidents_created == ()
    assert has_article(store, a.id)
    counts = [
        store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("article", "mention", "candidate", "incident")
    ]
    assert counts == [1, 1, 1, 1]


def test_a_failure_mid_article_leaves_nothing_of_it(store: Store) -> None:
    good = art("First report.")
    write_article(store, good, [res(BAB, "al-Bab")], [cand(good, BAB)])
    bad = art("Second report.")
    broken = cand(bad, IDLIB, killed=object())  # type: ignore[arg-type]  # cannot be bound
    with pytest.raises(store.db_errors):
        write_article(store, bad, [res(IDLIB, "Idlib")], [cand(bad, IDLIB), broken])
    assert not has_article(store, bad.id)
    for table, column in (("mention", "article_id"), ("candidate", "article_id")):
        n = store.conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (bad.id,))
        assert n.fetchone()[0] == 0
    assert count_incidents(store) == 1  # only the good article's incident
    assert not store.conn.in_transaction
    # and the store still takes writes afterwards
    assert write_article(store, bad, [], [cand(bad, IDLIB)]).new


def test_killed_process_keeps_committed_articles_whole(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite"
    script = textwrap.dedent(
        f"""
        import os, signal
        from datetime import date
        from geomap.ingest.readers import make_article
        from geomap.store.sqlite import open_store, write_article
        from tests.store.test_store import BAB, cand, res
        s = open_store({str(db)!r})
        for i in range(40):
            a, _ = make_article(f"Report {{i}} of a strike.", origin=f"{{i}}.txt")
            if i == 25:
                s.conn.execute("BEGIN IMMEDIATE")
                s.conn.execute(
                    "INSERT INTO article (id, text, ingested_at) VALUES ('half', 'x', 'now')"
                )
                os.kill(os.getpid(), signal.SIGKILL)
            write_article(s, a, [res(BAB, "al-Bab")], [cand(a, BAB)])
        """
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True)
    assert proc.returncode == -9, proc.stderr.decode()
    with open_store(db) as s:
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert s.conn.execute("SELECT count(*) FROM article").fetchone()[0] == 25
        assert not has_article(s, "half")
        rows = s.conn.execute(
            "SELECT a.id, (SELECT count(*) FROM mention m WHERE m.article_id = a.id),"
            " (SELECT count(*) FROM candidate c WHERE c.article_id = a.id) FROM article a"
        ).fetchall()
        assert {(m, c) for _, m, c in rows} == {(1, 1)}
        assert count_incidents(s) == 25


def test_linked_reports_merge_with_chosen_values(store: Store) -> None:
    a = art("Wire report.", source="Wire A", url="https://a.example/1", published="2017-02-09")
    b = art("Second report.", url="https://www.b.example/2", origin="/in/b.txt")
    c = art("Third report.", origin="/in/c.txt")
    write_article(store, a, [], [cand(a, BAB, killed=3, precision=2)], linker=same_place_linker)
    write_article(store, b, [], [cand(b, BAB, killed=5, injured=7)], linker=same_place_linker)
    r = write_article(store, c, [], [cand(c, IDLIB)], linker=same_place_linker)
    assert r.incidents_created == (incident_id_for(c.id, 0),)
    assert count_incidents(store) == 2
    inc = get_incident(store, incident_id_for(a.id, 0))
    assert set(inc) == set(INCIDENT_FIELDS)
    # Sources disagree (3 vs 5 killed): low, high and the lower median as best, UCDP style.
    assert (inc["fatalities_low"], inc["fatalities"], inc["fatalities_high"]) == (3, 3, 5)
    assert inc["injured"] == 7
    assert inc["geo_precision"] == 1  # the more precise report's location
    assert (inc["source_count"], inc["source"]) == (2, "Wire A; b.example")
    assert [s["name"] for s in inc["sources"]] == ["Wire A", "b.example"]
    assert inc["sources"][0] == {
        "name": "Wire A",
        "url": "https://a.example/1",
        "published": "2017-02-09",
        "excerpt": "excerpt of in.txt",
        "article_id": a.id,
        "fatalities": 3,
        "injured": None,
    }
    assert inc["link_reasons"][0] == "same place Al Bāb"
    assert "killed: best 3 (low 3, high 5; median of sources) from " in inc["link_reasons"][-2]
    assert (inc["iso3"], inc["country"], inc["event_date"]) == ("SYR", "Syria", "2017-02-09")
    per_source = [row["fatalities"] for row in iter_candidates(store, inc["incident_id"])]
    assert per_source == [3, 5]
    assert get_incident(store, incident_id_for(c.id, 0))["source"] == "c.txt"
    # each report's own figures and the low/high range, for the popup and the table (#14)
    merged, single = sorted(
        with_reports(store, iter_incidents(store)), key=lambda r: -r["source_count"]
    )
    assert [(x["source"], x["fatalities"], x["injured"]) for x in merged["reports"]] == [
        ("Wire A", 3, None),
        ("b.example", 5, 7),
    ]
    assert (merged["fatalities_low"], merged["fatalities_high"]) == (3, 5)
    assert "reports" not in single and "injured_low" not in single
    popup = popup_html(merged)
    assert "Each source says" in popup and "(low 3, high 5)" in popup


def test_linking_only_sees_the_country_and_date_window(store: Store) -> None:
    seen: list[list[str]] = []

    def spy(candidate: IncidentCandidate, rows: list[dict[str, Any]]) -> Choice:
        seen.append([r["event_date"] for r in rows])
        return Choice(None, ())

    stored = [  # (date, time_precision, place): windows are +-1, +-7, +-31 days
        (date(2017, 2, 8), 1, BAB),  # 1 day off, both day-precise: overlaps
        (date(2017, 2, 12), 1, BAB),  # 3 days off: no overlap
        (date(2017, 2, 14), 2, BAB),  # week-precise, 5 days off: overlaps
        (date(2017, 3, 5), 3, BAB),  # month-precise, 24 days off: overlaps
        (date(2017, 3, 20), 3, BAB),  # 39 days off: no overlap
        (date(2017, 2, 9), 1, MOSUL),  # another country
    ]
    for i, (when, precision, place) in enumerate(stored):
        a = art(f"Report {i}.")
        c = replace(cand(a, place, when=when), time_precision=precision)
        write_article(store, a, [], [c], linker=spy)
    a = art("The new report.")
    write_article(store, a, [], [cand(a, BAB, when=date(2017, 2, 9))], linker=spy)
    assert sorted(seen[-1]) == ["2017-02-08", "2017-02-14", "2017-03-05"]


def test_reports_without_any_date_are_offered_to_dated_ones(store: Store) -> None:
    seen: list[list[str | None]] = []

    def spy(candidate: IncidentCandidate, rows: list[dict[str, Any]]) -> Choice:
        seen.append([r["article_id"] for r in rows])
        return Choice(rows[0]["incident_id"] if rows else None, ("spy",))

    undated = art("An undated report without a publication date.")
    assert undated.published is None
    write_article(store, undated, [], [cand(undated, BAB, when=None)], linker=spy)
    dated = art("A dated report.", published="2017-02-09")
    result = write_article(store, dated, [], [cand(dated, BAB)], linker=spy)
    assert seen == [[], [undated.id]]
    assert result.incidents_merged == (incident_id_for(undated.id, 0),)
    assert get_incident(store, incident_id_for(undated.id, 0))["event_date"] == "2017-02-09"
    explain = "EXPLAIN QUERY PLAN" if store.journal_mode == "wal" else "EXPLAIN"
    if store.journal_mode != "wal":  # PostgreSQL: a tiny table would be read whole
        store.conn.execute("SET enable_seqscan = off")
    plan = " ".join(
        str(r)
        for r in store.conn.execute(
            f"{explain} SELECT * FROM candidate WHERE country = ? AND anchor_date BETWEEN ? AND ?",
            ("Syria", "2017-01-01", "2017-03-01"),
        )
    )
    assert "candidate_block" in plan


# -- reading ---------------------------------------------------------------------------------
@pytest.fixture()
def filled(store: Store) -> Store:
    rows = [
        ("One.", BAB, date(2017, 2, 9), "Explosions/Remote violence", "Wire A"),
        ("Two.", IDLIB, date(2017, 3, 1), "Battles", "Wire B"),
        ("Three.", MOSUL, date(2016, 10, 20), "Explosions/Remote violence", "Wire B"),
        ("Four.", None, None, "Protests", ""),
    ]
    for text, place, when, kind, source in rows:
        a = art(text, source=source)
        write_article(store, a, [res(place, "x")], [cand(a, place, when=when, kind=kind)])
    return store


def test_iter_incidents_filters(filled: Store) -> None:
    def locs(**kw: Any) -> list[str]:
        return [r["location"] for r in iter_incidents(filled, IncidentFilter(**kw))]

    assert locs() == ["Mosul", "Al Bāb", "Idlib", ""]  # by date, undated last
    assert locs(date_from=date(2017, 1, 1)) == ["Al Bāb", "Idlib"]
    assert locs(date_to=date(2017, 2, 9)) == ["Mosul", "Al Bāb"]
    # "include undated" (the app's default): a date range keeps the undated incident
    assert locs(date_from=date(2017, 1, 1), include_undated=True) == ["Al Bāb", "Idlib", ""]
    assert locs(include_undated=True) == locs()  # no date range: nothing to keep apart
    assert locs(event_types=("Battles", "Protests")) == ["Idlib", ""]
    assert locs(countries=("Iraq",)) == locs(countries=("irq",)) == ["Mosul"]
    assert locs(countries=("IQ",)) == ["Mosul"]
    assert locs(sources=("Wire B",)) == ["Mosul", "Idlib"]
    assert locs(actors=("Military Forces of Turkey",)) == ["Mosul", "Al Bāb", "Idlib", ""]
    assert locs(text="AL BĀB") == ["Al Bāb"]
    # spelled as the articles spell it: the gazetteer's match key (#14)
    assert locs(text="Al Bab") == locs(text="El Bab") == locs(text="al-Bab") == ["Al Bāb"]
    assert locs(text="!!!") == []
    assert locs(bbox=(36.0, 35.0, 38.0, 37.0)) == ["Al Bāb", "Idlib"]
    assert locs(min_confidence=0.5) == ["Mosul", "Al Bāb", "Idlib"]
    assert count_incidents(filled, IncidentFilter(countries=("Syria",))) == 2
    assert incident_ids(filled) == {r["incident_id"] for r in iter_incidents(filled)}
    newest = [r["location"] for r in iter_incidents(filled, order_by="-event_date")]
    assert newest == ["", "Idlib", "Al Bāb", "Mosul"]
    with pytest.raises(ValueError, match="order_by"):
        list(iter_incidents(filled, order_by="text; DROP TABLE incident"))


def test_records_have_the_contract_types(filled: Store) -> None:
    for rec in iter_incidents(filled):
        assert list(rec) == list(INCIDENT_FIELDS)
        for key, kind in INCIDENT_FIELDS.items():
            value = rec[key]
            if kind == "json":
                assert isinstance(value, list)
            elif value is not None:
                expected = {"str": str, "int": int, "float": float, "date": str}[kind]
                assert isinstance(value, expected), (key, value)


def test_get_incident_unknown_raises(filled: Store) -> None:
    with pytest.raises(NotFoundError, match="no incident 'nope'"):
        get_incident(filled, "nope")


def test_facets_and_mentions(filled: Store) -> None:
    facets = facet_values(filled)
    assert facets["countries"] == ["Iraq", "Syria"]
    assert facets["event_types"] == ["Battles", "Explosions/Remote violence", "Protests"]
    assert facets["sources"] == ["Wire A", "Wire B", "in.txt"]
    assert facets["actors"] == ["Military Forces of Turkey"]
    assert facets["dates"] == ["2016-10-20", "2017-03-01"]
    mentions = list(iter_mentions(filled))
    assert len(mentions) == 4
    resolved = list(iter_mentions(filled, resolved_only=True))
    assert {m["name"] for m in resolved} == {"Al Bāb", "Idlib", "Mosul"}
    one = resolved[0]
    assert {"article_id", "start", "end", "surface", "latitude", "longitude", "title"} <= set(one)
    assert next(iter_mentions(filled, article_id=one["article_id"]))["surface"] == "x"


# -- corrections and unlinking ---------------------------------------------------------------
def test_incident_correction_survives_later_merges_and_is_reusable(store: Store) -> None:
    a = art("First.")
    write_article(store, a, [res(BAB, "al-Bab")], [cand(a, BAB)], linker=same_place_linker)
    iid = incident_id_for(a.id, 0)
    fixed = Place(None, "Qabasin", 36.3713, 37.6847, country_code="SY", country="Syria")
    add_correction(store, scope="incident", target=iid, place=fixed)
    inc = get_incident(store, iid)
    assert (inc["location"], inc["location_method"], inc["confidence"]) == (
        "Qabasin",
        "manual",
        1.0,
    )
    b = art("Second.")
    write_article(store, b, [], [cand(b, BAB)], linker=same_place_linker)
    inc = get_incident(store, iid)
    assert inc["source_count"] == 2 and inc["location"] == "Qabasin"
    cid, place = find_correction(store, surface="Al Bab", context=["SY"])  # type: ignore[misc]
    assert place.name == "Qabasin" and cid >= 1
    assert find_correction(store, surface="al-Bab", context=["IQ"]) is None
    assert find_correction(store, surface="al Bab", context=["LB", "SY"]) is not None  # overlap
    with pytest.raises(NotFoundError):
        add_correction(store, scope="incident", target="nope", place=fixed)


def test_mention_correction(store: Store) -> None:
    a = art("Clashes in Sakhour.")
    write_article(store, a, [res(None, "Sakhour", 11)], [])
    fixed = Place(None, "Al-Sakhour", 36.22, 37.18, country_code="SY", country="Syria")
    add_correction(store, scope="mention", target=f"{a.id}:11", place=fixed, context=["SY"])
    [m] = iter_mentions(store, article_id=a.id)
    assert (m["name"], m["method"], m["latitude"]) == ("Al-Sakhour", "manual", 36.22)
    assert find_correction(store, surface="sakhour", context=["SY"]) is not None
    with pytest.raises(NotFoundError):
        add_correction(store, scope="mention", target=f"{a.id}:99", place=fixed)


def test_unlink_reverses_a_merge(store: Store) -> None:
    a, b = art("First."), art("Second.")
    write_article(store, a, [], [cand(a, BAB, killed=3)], linker=same_place_linker)
    write_article(store, b, [], [cand(b, BAB, killed=9)], linker=same_place_linker)
    iid = incident_id_for(a.id, 0)
    assert get_incident(store, iid)["fatalities_high"] == 9
    new = unlink_candidate(store, f"{b.id}-0")
    assert new == incident_id_for(b.id, 0)
    assert get_incident(store, iid)["fatalities_high"] == 3
    assert get_incident(store, new)["fatalities"] == 9
    assert get_incident(store, new)["source_count"] == 1
    assert count_incidents(store) == 2
    with pytest.raises(NotFoundError):
        unlink_candidate(store, "missing-0")


# -- linking cost and rules over a real store (issue 15) -------------------------------------
def _grid_store(path: Path, side: int) -> int:
    """A store of ``side * side`` precise places in Syria, three reports each in one month."""
    from geomap.pipeline import make_linker

    linker = make_linker()
    with open_store(path) as s:
        for i in range(side):
            for j in range(side):
                place = replace(BAB, geonameid=1_000_000 + i * side + j, name=f"V{i}-{j}",
                                lat=34.0 + 0.1 * i, lon=36.0 + 0.1 * j)  # fmt: skip
                for k in range(3):
                    a = art(f"Report {i} {j} {k}.")
                    c = cand(a, place, when=date(2017, 2, 3 + 7 * k))
                    write_article(s, a, [], [c], linker=linker)
    return side * side * 3


def test_linking_cost_per_report_stays_flat_as_the_store_grows(tmp_path: Path) -> None:
    # Before, a report was compared with every report of its country in a +-62 day window
    # (152k comparisons for 1,500 ACLED notes); now only with reports whose date window and
    # place box overlap its own (an R*Tree), so 9x more reports cost the same.
    offered: dict[int, tuple[int, int]] = {}
    for side in (6, 18):
        path = tmp_path / f"grid{side}.sqlite"
        n = _grid_store(path, side)
        rows_seen: list[int] = []

        def counting(
            candidate: IncidentCandidate, rows: list[dict[str, Any]], seen: list[int] = rows_seen
        ) -> Choice:
            seen.append(len(rows))
            return Choice(None, ())

        queries: list[str] = []
        with open_store(path) as s:
            s.conn.set_trace_callback(queries.append)
            place = replace(BAB, geonameid=1_000_000, name="V0-0", lat=34.0, lon=36.0)
            a = art("The new report.")
            write_article(s, a, [], [cand(a, place, when=date(2017, 2, 10))], linker=counting)
            s.conn.set_trace_callback(None)
        # Our statements; R*Tree's own node reads ("-- SELECT data FROM ..._node") grow with
        # the tree's depth (log n) and are left out.
        offered[n] = (rows_seen[0], sum(not q.startswith("--") for q in queries))
    (small_rows, small_queries), (big_rows, big_queries) = offered[108], offered[972]
    assert big_rows == small_rows <= 3
    assert big_queries == small_queries


def test_daily_reports_near_one_town_do_not_chain_into_one_incident(store: Store) -> None:
    # Issue 15: 28 daily reports of clashes near one town became one incident dated 1 February
    # with 30 killed, each linking to the previous one.
    from geomap.pipeline import make_linker

    linker = make_linker()
    for day in range(1, 29):
        a = art(f"Clashes, day {day}.")
        c = replace(cand(a, BAB, when=date(2017, 2, day), killed=day + 2), geo_precision=2)
        write_article(store, a, [], [c], linker=linker)
    assert count_incidents(store) == 28
    tolls = sorted(r["fatalities"] for r in iter_incidents(store))
    assert tolls == list(range(3, 31))


def test_a_version_1_store_gets_its_linking_index_on_open(tmp_path: Path) -> None:
    from geomap.store.schema import MIGRATIONS

    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    conn.execute("INSERT INTO article (id, text, ingested_at) VALUES ('a', 'x', '2017-02-09')")
    conn.execute("INSERT INTO incident (id, created_at, updated_at) VALUES ('i', '', '')")
    conn.execute(
        "INSERT INTO candidate (id, article_id, idx, incident_id, event_date, anchor_date,"
        " time_precision, latitude, longitude, geo_precision, country)"
        " VALUES ('a-0', 'a', 0, 'i', '2017-02-09', '2017-02-09', 1, 36.37, 37.51, 1, 'Syria')"
    )
    conn.commit()
    conn.close()
    with open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.conn.execute("SELECT count(*) FROM candidate_box").fetchone()[0] == 1
