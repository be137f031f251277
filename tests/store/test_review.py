"""Review decisions (geomap.store.review): each one lasts through re-ingest, new reports and an
export read back with GDAL; edits carry their derived values; two analysts never lose an edit.
Real SQLite files, real ingest."""

from __future__ import annotations

import io
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from geomap.config import Settings
from geomap.errors import ConflictError, NotFoundError, ReviewError
from geomap.export import write_csv, write_geojson
from geomap.gazetteer.lookup import Gazetteer
from geomap.ingest.readers import make_article
from geomap.mapview.popups import popup_html
from geomap.models import (
    METHOD_GAZETTEER,
    IncidentCandidate,
    IncidentFilter,
    Mention,
    Place,
    Resolution,
)
from geomap.pipeline import ingest_paths
from geomap.store.queue import review_queue
from geomap.store.review import (
    edit_incident,
    iter_log,
    merge_incidents,
    resolve_incident_id,
    review_state,
    set_status,
    split_source,
)
from geomap.store.schema import MIGRATIONS
from geomap.store.sqlite import Store, get_incident, iter_incidents, open_store, write_article

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "geomap" / "samples"
THIRD = (
    "Five Turkish soldiers killed in Russian strike near al-Bab\nFriday 10 February 2017\n\n"
    "ISTANBUL (Harbour Times) - Five Turkish soldiers were killed and nine wounded on Thursday "
    "when a Russian air strike near al-Bab in northern Syria hit their building by mistake, the "
    "Turkish army said on Friday.\n"
)
ALBAB = Place(174018, "Al Bāb", 36.37, 37.52, "P", "PPL", "SY", "09", "Aleppo", "Syria")
RUSSIA = Place(2017370, "Russia", 60.0, 100.0, "A", "PCLI", "RU", "", "", "Russia")


def _ingest(settings: Settings, store: Store, gazetteer: Gazetteer, *paths: Path) -> None:
    report = ingest_paths(list(paths), settings=settings, store=store, gazetteer=gazetteer)
    assert report.ok, report.failed


def _albab(store: Store) -> dict[str, Any]:
    hits = [r for r in iter_incidents(store, IncidentFilter(include_rejected=True))
            if r["location"] == "Al Bāb"]  # fmt: skip
    assert len(hits) == 1
    return hits[0]


def _read_back(records: list[dict[str, Any]], tmp_path: Path) -> Any:
    import pyogrio

    path = tmp_path / "out.geojson"
    with path.open("w", encoding="utf-8") as out:
        write_geojson(records, out)
    return pyogrio.read_dataframe(path)


def _direct(store: Store, text: str, place: Place, *, killed: int = 3, replace: bool = False,
            precision: int = 1) -> str:  # fmt: skip
    """One article with one incident at ``place``, written without extraction; its article id."""
    article, _ = make_article(text, origin=f"{abs(hash(text))}.txt", source="Wire")
    res = Resolution(Mention(0, len(place.name), place.name), place, 0.4, METHOD_GAZETTEER)
    cand = IncidentCandidate(
        article.id, "Explosions/Remote violence", "Air/drone strike", date(2017, 2, 9), 1,
        res, precision, actor1="Military Forces of Russia", fatalities=killed,
        excerpt=text,
    )  # fmt: skip
    write_article(store, article, [res], [cand], replace=replace)
    return article.id


@pytest.fixture()
def settings(settings: Settings, store_location: str) -> Settings:
    """The shared offline settings, with the store on each backend."""
    return settings.with_overrides(db_path=store_location)


@pytest.fixture()
def store(settings: Settings) -> Any:
    s = open_store(settings.db_path)
    yield s
    s.close()


def test_verified_values_survive_reingest_and_a_new_report(
    settings: Settings, store: Store, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    _ingest(settings, store, gazetteer, SAMPLES / "albab-wire.txt", SAMPLES / "albab-local.txt")
    inc = _albab(store)
    assert (inc["fatalities"], inc["source_count"]) == (3, 2)
    set_status(store, inc["incident_id"], "verified", by="Ana", reason="two outlets agree")
    third = tmp_path / "third.txt"
    third.write_text(THIRD, encoding="utf-8")
    _ingest(settings, store, gazetteer, SAMPLES / "albab-wire.txt", third)  # same + new report
    after = _albab(store)
    assert after["incident_id"] == inc["incident_id"]
    assert after["source_count"] == 3  # the new report joined ...
    assert (after["fatalities"], after["injured"]) == (3, 11)  # ... without changing values
    assert after["review_status"] == "verified" and after["reviewed_by"] == "Ana"
    assert any("verified by Ana" in r and "kept" in r for r in after["link_reasons"])
    frame = _read_back(list(iter_incidents(store)), tmp_path)
    row = frame[frame["incident_id"] == inc["incident_id"]].iloc[0]
    assert (row["review_status"], row["reviewed_by"]) == ("verified", "Ana")
    assert row["fatalities"] == 3 and str(row["reviewed_at"]).startswith("20")


def test_rejected_is_hidden_kept_stays_rejected_and_reversible(
    settings: Settings, store: Store, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    _ingest(settings, store, gazetteer, SAMPLES / "albab-wire.txt")
    iid = _albab(store)["incident_id"]
    set_status(store, iid, "rejected", by="Ana", reason="test")
    assert iid not in {r["incident_id"] for r in iter_incidents(store)}
    assert [r["incident_id"] for r in iter_incidents(
        store, IncidentFilter(review_statuses=("rejected",)))] == [iid]  # fmt: skip
    third = tmp_path / "third.txt"
    third.write_text(THIRD, encoding="utf-8")
    _ingest(settings, store, gazetteer, SAMPLES / "albab-local.txt", third)
    again = _albab(store)
    assert again["review_status"] == "rejected" and again["source_count"] == 3
    assert any("stays rejected" in r for r in again["link_reasons"])
    buf = io.StringIO()
    assert write_csv(iter_incidents(store), buf) == 0 or iid not in buf.getvalue()
    frame = _read_back(list(iter_incidents(store, IncidentFilter(include_rejected=True))),
                       tmp_path)  # fmt: skip
    assert "rejected" in set(frame["review_status"])
    set_status(store, iid, "verified", by="Ben")  # reversible
    assert iid in {r["incident_id"] for r in iter_incidents(store)}
    actions = [(e.action, e.old_value, e.new_value, e.reviewer) for e in iter_log(store)]
    assert actions == [("reject", "unreviewed", "rejected", "Ana"),
                       ("verify", "rejected", "verified", "Ben")]  # fmt: skip


def test_place_edit_moves_every_derived_value(store: Store, tmp_path: Path) -> None:
    """The issue's case: an incident placed at 'Russia' (region level, ±75 km) moved by hand."""
    _direct(store, "Russia says its jets struck targets.", RUSSIA, precision=3)
    iid = next(iter_incidents(store))["incident_id"]
    before = popup_html(get_incident(store, iid))
    assert "approximate" in before and "<mark>Russia</mark>" in before
    (entry,) = edit_incident(store, iid, {"location": ALBAB}, by="Ana", reason="the strike site")
    rec = get_incident(store, iid)
    assert (rec["location"], rec["geo_precision"], rec["location_method"]) == (
        "Al Bāb",
        1,
        "manual",
    )
    assert (rec["iso3"], rec["country"], rec["confidence"]) == ("SYR", "Syria", 1.0)
    popup = popup_html(rec)
    assert "approximate" not in popup and "(manual)" in popup and "<mark>" not in popup
    assert [e["value"] for e in rec["evidence"] if e["field"] == "location"] == ["Al Bāb"]
    assert (entry.field, entry.old_value, entry.reviewer) == ("location", "Russia (60.00000, "
                                                              "100.00000)", "Ana")  # fmt: skip
    frame = _read_back([rec], tmp_path)
    assert frame.geometry.iloc[0].x == pytest.approx(37.52)


def test_merge_counts_once_and_survives_reingest(store: Store) -> None:
    """After moving the 'Russia' incident to al-Bab it is merged with the real one: the 3
    killed are counted once, and re-ingesting the report keeps it merged."""
    a = _direct(store, "Report A: strike near al-Bab, three killed.", ALBAB)
    b_text = "Report B: Russia says three killed."
    b = _direct(store, b_text, RUSSIA, precision=3)
    ids = [r["incident_id"] for r in iter_incidents(store)]
    assert len(ids) == 2
    first = next(r["incident_id"] for r in iter_incidents(store) if r["location"] == "Al Bāb")
    other = next(i for i in ids if i != first)
    merge_incidents(store, [first, other], by="Ana", reason="same strike")
    records = list(iter_incidents(store))
    assert len(records) == 1 and sum(r["fatalities"] for r in records) == 3
    assert records[0]["source_count"] == 2
    assert any("merged into" in r for r in records[0]["link_reasons"])
    with pytest.raises(NotFoundError, match="merged it into"):
        resolve_incident_id(store, other)
    _direct(store, b_text, RUSSIA, precision=3, replace=True)  # the article processed again
    records = list(iter_incidents(store))
    assert [(r["incident_id"], r["source_count"]) for r in records] == [(first, 2)]
    assert {s["article_id"] for s in records[0]["sources"]} == {a, b}


def test_split_stays_apart_and_unreviewed(store: Store) -> None:
    a = _direct(store, "Report A: strike near al-Bab.", ALBAB)
    b = _direct(store, "Report B: strike near al-Bab.", ALBAB)
    ids = sorted(r["incident_id"] for r in iter_incidents(store))
    merge_incidents(store, ids, by="Ana")
    (survivor,) = [r["incident_id"] for r in iter_incidents(store)]
    set_status(store, survivor, "verified", by="Ana")
    with pytest.raises(NotFoundError):
        split_source(store, survivor, "not-an-article", by="Ana")
    new = split_source(store, survivor, b[:10], by="Ben", reason="another building")
    assert get_incident(store, new)["review_status"] == "unreviewed"
    assert get_incident(store, survivor)["source_count"] == 1
    with pytest.raises(ReviewError, match="only source"):
        split_source(store, survivor, a, by="Ben")
    _direct(store, "Report B: strike near al-Bab.", ALBAB, replace=True)
    assert sorted(r["source_count"] for r in iter_incidents(store)) == [1, 1]
    assert get_incident(store, survivor)["review_status"] == "verified"


def test_edits_validate_and_skip_no_ops(store: Store) -> None:
    _direct(store, "Report A: strike near al-Bab.", ALBAB)
    iid = next(iter_incidents(store))["incident_id"]
    with pytest.raises(ReviewError, match="unknown event type"):
        edit_incident(store, iid, {"event_type": "Skirmish"}, by="Ana")
    with pytest.raises(ReviewError, match="YYYY-MM-DD"):
        edit_incident(store, iid, {"event_date": "9 Feb"}, by="Ana")
    with pytest.raises(ReviewError, match="reviewer name"):
        edit_incident(store, iid, {"fatalities": 4}, by="  ")
    assert edit_incident(store, iid, {"fatalities": 3}, by="Ana") == []
    entries = edit_incident(
        store, iid, {"event_type": "Battles", "sub_event_type": "Armed clash",
                     "event_date": "2017-02-10", "actor2": "Islamic State", "injured": 2},
        by="Ana",
    )  # fmt: skip
    assert {e.field for e in entries} == {"event_type", "sub_event_type", "event_date",
                                          "actor2", "injured"}  # fmt: skip
    rec = get_incident(store, iid)
    assert (rec["event_type"], rec["event_date"], rec["time_precision"]) == (
        "Battles", "2017-02-10", 1)  # fmt: skip


def test_two_analysts_never_lose_an_edit(settings: Settings, store: Store) -> None:
    _direct(store, "Report A: strike near al-Bab.", ALBAB)
    iid = next(iter_incidents(store))["incident_id"]
    seen = review_state(store, iid).version  # both open the incident
    with open_store(settings.db_path) as other:
        edit_incident(other, iid, {"fatalities": 5}, by="Ben", expect_version=seen)
    with pytest.raises(ConflictError, match=r"changed since you opened it.*Ben"):
        edit_incident(store, iid, {"fatalities": 4}, by="Ana", expect_version=seen)
    assert get_incident(store, iid)["fatalities"] == 5
    fresh = review_state(store, iid).version
    edit_incident(store, iid, {"injured": 1}, by="Ana", expect_version=fresh)
    rec = get_incident(store, iid)
    assert (rec["fatalities"], rec["injured"]) == (5, 1)


def test_queue_puts_disagreement_and_low_confidence_first(store: Store) -> None:
    _direct(store, "Quiet report.", ALBAB, killed=0)
    _direct(store, "Russia report.", RUSSIA, precision=3, killed=0)
    queue = review_queue(store)
    assert queue[0].record["location"] == "Russia"
    assert "region-level place" in queue[0].reasons
    assert queue[0].priority > queue[1].priority


def test_a_version_1_store_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + ";PRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO incident (id, location, created_at, updated_at) VALUES ('x1', 'Aleppo', "
        "'2017-01-01', '2017-01-01')"
    )
    db.commit()
    db.close()
    with open_store(path) as s:
        assert s.schema_version == len(MIGRATIONS) == 4
        rec = get_incident(s, "x1")
        assert (rec["review_status"], rec["reviewed_by"], rec["reviewed_at"]) == (
            "unreviewed", "", None)  # fmt: skip
