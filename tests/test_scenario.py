"""End to end: the two al-Bab reports through the real pipeline into one incident.

Two outlets report one incident: a wire report timestamped Thursday 9 February 2017, and a
local page with menus, banners, comments, a caption dated 2016 and no date at all. Both go
through ``geomap.pipeline.ingest_paths`` (ingest, geoparse on the bundled gazetteer, incident
extraction, linking) into a SQLite file, offline. The undated report takes the incident's
date from the dated one it links to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.config import SAMPLE_ARTICLES_DIR, Settings
from geomap.gazetteer.lookup import Gazetteer
from geomap.models import IncidentFilter
from geomap.pipeline import ingest_paths
from geomap.store.query import iter_incidents, iter_mentions
from geomap.store.sqlite import open_store

WIRE = SAMPLE_ARTICLES_DIR / "albab-wire.txt"
LOCAL = SAMPLE_ARTICLES_DIR / "albab-local.txt"
AL_BAB = 174018
MENTIONED = {"Ankara": 323786, "Moscow": 524901, "St. Petersburg": 498817,
             "al-Rai": 169138, "Aleppo": 170063}  # fmt: skip


def ingest(settings: Settings, gazetteer: Gazetteer, paths: list[Path]) -> list[dict]:  # type: ignore[type-arg]
    store = open_store(settings.db_path)
    try:
        report = ingest_paths(paths, settings=settings, store=store, gazetteer=gazetteer)
        assert report.ok, report.failed
        return list(iter_incidents(store, IncidentFilter()))
    finally:
        store.close()


@pytest.mark.parametrize("order", ["dated first", "undated first"])
def test_two_reports_make_one_incident(
    order: str, settings: Settings, gazetteer: Gazetteer
) -> None:
    paths = [WIRE, LOCAL] if order == "dated first" else [LOCAL, WIRE]
    incidents = ingest(settings, gazetteer, paths)
    assert len(incidents) == 1, [(i["location"], i["event_date"]) for i in incidents]
    (inc,) = incidents
    assert (inc["event_type"], inc["sub_event_type"]) == (
        "Explosions/Remote violence", "Air/drone strike",
    )  # fmt: skip
    assert (inc["event_date"], inc["time_precision"]) == ("2017-02-09", 1)
    assert (inc["geonameid"], inc["country"], inc["iso3"]) == (AL_BAB, "Syria", "SYR")
    assert inc["location"] == "Al Bāb" and inc["geo_precision"] == 2
    assert abs(inc["latitude"] - 36.37051) < 1e-4 and abs(inc["longitude"] - 37.5157) < 1e-4
    assert {inc["actor1"], inc["actor2"]} == {"Military Forces of Russia",
                                               "Military Forces of Turkey"}  # fmt: skip
    assert inc["actor1"] == "Military Forces of Russia"
    assert (inc["fatalities"], inc["injured"]) == (3, 11)
    assert inc["source_count"] == 2
    excerpts = [s["excerpt"] for s in inc["sources"]]
    assert len(excerpts) == 2 and all("al-Bab" in e for e in excerpts)
    assert any("eleven wounded" in e for e in excerpts)
    assert any("eleven were injured" in e for e in excerpts)
    assert "same place Al Bāb (geonameid 174018)" in inc["link_reasons"]
    fields = {e["field"] for e in inc["evidence"]}
    assert {"event_type", "event_date", "location", "actor1", "fatalities", "injured"} <= fields


def test_capitals_and_other_towns_are_mentions_not_locations(
    settings: Settings, gazetteer: Gazetteer
) -> None:
    incidents = ingest(settings, gazetteer, [WIRE, LOCAL])
    locations = {i["geonameid"] for i in incidents}
    assert locations == {AL_BAB}
    store = open_store(settings.db_path, readonly=True)
    try:
        mentioned = {(m["surface"], m["geonameid"]) for m in iter_mentions(store)}
    finally:
        store.close()
    for surface, gid in MENTIONED.items():
        assert (surface, gid) in mentioned, surface
        assert gid not in locations


def test_the_2015_shoot_down_is_not_an_incident_of_2017(
    settings: Settings, gazetteer: Gazetteer
) -> None:
    incidents = ingest(settings, gazetteer, [WIRE, LOCAL])
    assert [i["event_date"] for i in incidents] == ["2017-02-09"]
    assert all("2015" not in e["value"] for i in incidents for e in i["evidence"])


def test_reingest_changes_nothing(settings: Settings, gazetteer: Gazetteer) -> None:
    first = ingest(settings, gazetteer, [WIRE, LOCAL])
    store = open_store(settings.db_path)
    try:
        again = ingest_paths([WIRE, LOCAL], settings=settings, store=store, gazetteer=gazetteer)
        assert (again.new, again.known) == (0, 2)
        assert list(iter_incidents(store, IncidentFilter())) == first
    finally:
        store.close()


def test_whole_demo_folder(settings: Settings, gazetteer: Gazetteer) -> None:
    """The bundled demo: 15 reports, 12 incidents; the two shelled towns stay apart."""
    incidents = ingest(settings, gazetteer, [SAMPLE_ARTICLES_DIR])
    by_place = {(i["location"], i["event_date"]): i for i in incidents}
    assert len(incidents) == 12, sorted(by_place, key=str)
    assert by_place[("Al Bāb", "2017-02-09")]["source_count"] == 2
    assert by_place[("Khān Shaykhūn", "2017-02-14")]["source_count"] == 2
    assert by_place[("Binnish", "2017-02-22")]["source_count"] == 1
    assert by_place[("Sarmīn", "2017-02-22")]["source_count"] == 1
    types = {i["event_type"] for i in incidents}
    assert types == {"Explosions/Remote violence", "Battles", "Violence against civilians",
                     "Protests", "Riots", "Strategic developments"}  # fmt: skip
    assert ("Ankara", "2017-02-12") in by_place  # the protest, not the statement place


PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


@pytest.mark.parametrize("suffix", [".html", ".txt"])
def test_two_scraped_pages_of_one_strike_make_one_incident(
    suffix: str, settings: Settings, gazetteer: Gazetteer
) -> None:
    """Pages with photo captions of an older event, a "+309 February 2017" header,
    statements made in Ankara and Moscow, sharing widgets, comments and related links."""
    pages = sorted(PAGES.glob(f"*{suffix}"))
    assert len(pages) == 2
    incidents = ingest(settings, gazetteer, pages)
    assert [(i["location"], i["event_date"]) for i in incidents] == [("Al Bāb", "2017-02-09")]
    (inc,) = incidents
    assert (inc["sub_event_type"], inc["country"], inc["source_count"]) == (
        "Air/drone strike", "Syria", 2,
    )  # fmt: skip
    assert (inc["fatalities"], inc["injured"]) == (3, 11)
    store = open_store(settings.db_path)
    try:
        mentioned = {m["surface"] for m in iter_mentions(store)}
    finally:
        store.close()
    assert {"Ankara", "Moscow"} <= mentioned  # kept as mentions, not incident places
