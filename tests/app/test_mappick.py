"""A map click as a new place (geomap.app.mappick) and the map's "Review this incident"
value (geomap.app.mapcomponent.review_request), on the bundled gazetteer and a real store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geomap.app.mapcomponent import review_request
from geomap.app.mappick import NAMED_WITHIN_KM, clicked_place, clicked_point, nearest_place
from geomap.gazetteer.lookup import Gazetteer
from geomap.ingest.readers import make_article
from geomap.models import METHOD_GAZETTEER, IncidentCandidate, Mention, Place, Resolution
from geomap.store.review import edit_incident, iter_log, review_state
from geomap.store.sqlite import get_incident, iter_incidents, open_store, write_article

ALBAB = Place(174018, "Al Bāb", 36.37, 37.52, "P", "PPL", "SY", "09", "Aleppo", "Syria")


@pytest.mark.parametrize(
    "value",
    [None, "36.3,37.5", [36.3, 37.5], {"lat": 36.3}, {"lat": "36.3", "lon": 37.5},
     {"lat": True, "lon": 37.5}, {"lat": float("nan"), "lon": 1.0}, {"lat": 90.5, "lon": 0},
     {"lat": 0, "lon": -180.01}, {"review": "abc"}],
)  # fmt: skip
def test_a_value_that_is_not_a_click_is_none(value: object) -> None:
    assert clicked_point(value) is None


def test_a_click_is_rounded_to_five_decimals() -> None:
    assert clicked_point({"lat": 36.351234567, "lon": -0.0000049}) == (36.35123, -0.0)
    assert clicked_point({"lat": -90, "lon": 180}) == (-90.0, 180.0)


def test_the_nearest_place_is_measured(gazetteer: Gazetteer) -> None:
    found = nearest_place(gazetteer, 36.3705, 37.5157)
    assert found is not None
    place, km = found
    assert (place.name, place.country) == ("Al Bāb", "Syria") and km < 0.1
    assert nearest_place(gazetteer, 0.0, -140.0) is None  # mid-Pacific: nothing within 200 km


def test_a_click_near_a_place_takes_its_name_and_area(gazetteer: Gazetteer) -> None:
    record = {"admin1": "Ankara", "country": "Turkey"}  # the wrong, dateline place
    place, line = clicked_place(gazetteer, 36.37, 37.52, record)
    assert (place.name, place.admin1, place.country) == ("Al Bāb", "Aleppo", "Syria")
    assert (place.lat, place.lon, place.geonameid) == (36.37, 37.52, None)
    assert line == "place at 36.37, 37.52 (nearest gazetteer place: Al Bāb, 0 km)"


def test_a_click_far_from_places_is_named_by_its_coordinates(gazetteer: Gazetteer) -> None:
    place, line = clicked_place(gazetteer, 36.6, 39.9, {"admin1": "A", "country": "Syria"})
    found = nearest_place(gazetteer, 36.6, 39.9)
    assert found is not None and found[1] > NAMED_WITHIN_KM
    assert place.name == "36.6000, 39.9000" and place.country == found[0].country
    assert line.startswith("place at 36.60, 39.90 (nearest gazetteer place: ")
    far, far_line = clicked_place(gazetteer, 0.0, -140.0, {"admin1": "A", "country": "B"})
    assert (far.name, far.admin1, far.country) == ("0.0000, -140.0000", "A", "B")
    assert far_line == "place at 0.00, -140.00 (no gazetteer place within 200 km)"


def test_applying_a_click_is_a_logged_review_edit(tmp_path: Path, gazetteer: Gazetteer) -> None:
    """What "Set place here" does: the same review edit as typed coordinates."""
    with open_store(tmp_path / "s.sqlite") as store:
        article, _ = make_article("Strike near al-Bab.", origin="x.txt", source="Wire")
        res = Resolution(Mention(0, 3, "al-Bab"), ALBAB, 0.9, METHOD_GAZETTEER)
        cand = IncidentCandidate(
            article.id, "Explosions/Remote violence", "Air/drone strike", date(2017, 2, 9),
            2, res, 1, fatalities=3, excerpt="Strike near al-Bab.",
        )  # fmt: skip
        write_article(store, article, [res], [cand])
        (record,) = iter_incidents(store)
        iid = record["incident_id"]
        point = clicked_point({"lat": 36.2021, "lon": 37.1343})  # Aleppo city
        assert point is not None
        place, _ = clicked_place(gazetteer, *point, record)
        entries = edit_incident(
            store,
            iid,
            {"location": place},
            by="Ana",
            expect_version=review_state(store, iid).version,
        )
        moved = get_incident(store, iid)
        assert (moved["latitude"], moved["longitude"]) == point
        nearest = nearest_place(gazetteer, *point)
        assert nearest is not None and moved["location"] == nearest[0].name
        assert moved["country"] == "Syria" and moved["location_method"] == "manual"
        assert moved["geo_precision"] == 1
        assert [(e.action, e.field, e.reviewer) for e in iter_log(store)] == [
            ("edit", "location", "Ana")
        ]
        assert entries[0].old_value is not None and "Al Bāb" in entries[0].old_value


def test_a_review_request_is_an_incident_id_or_none() -> None:
    assert review_request({"review": "037f902b9b115eb4", "n": 3}) == "037f902b9b115eb4"
    for value in (None, "037f902b", {"review": 5}, {"review": "a b"}, {"review": "x" * 65},
                  {"lat": 1.0, "lon": 2.0}, {"review": "<img src=x>"}):  # fmt: skip
        assert review_request(value) is None
