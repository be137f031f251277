"""An outlet's focus country for reports that name no place (``geomap.incidents.outlets``)."""

from __future__ import annotations

from datetime import date

import pytest

from geomap.incidents.link import link_candidate, target_from_candidate
from geomap.incidents.outlets import MIN_PLACED, OutletFocus
from geomap.models import (
    METHOD_GAZETTEER,
    METHOD_OUTLET,
    Article,
    IncidentCandidate,
    Mention,
    Place,
    Resolution,
)

KENYA = Place(1, "Kenya", 1.0, 38.0, "A", "PCLI", "KE", country="Kenya")
UGANDA = Place(2, "Uganda", 1.5, 32.4, "A", "PCLI", "UG", country="Uganda")
TOWN = Place(3, "Lakeside", -0.1, 34.8, country_code="KE", admin1="Kisumu", country="Kenya")
ABROAD = Place(4, "Hilltop", 0.3, 32.6, country_code="UG", admin1="Central", country="Uganda")
COUNTRIES = {"KE": KENYA, "UG": UGANDA}


def country_of(iso2: str) -> Place:
    return COUNTRIES[iso2]


def candidate(place: Place | None, *, precision: int = 1, day: int = 3) -> IncidentCandidate:
    res = Resolution(Mention(0, 4, "Town"), place, 0.9, METHOD_GAZETTEER) if place else None
    return IncidentCandidate("a", "Protests", "Peaceful protest", date(2021, 5, day), 1, res,
                             precision if place else 3)  # fmt: skip


def article(n: int, source: str = "Lakeside Daily") -> Article:
    return Article(f"a{n}", "text", source=source)


def focus_after(places: list[Place], source: str = "Lakeside Daily") -> OutletFocus:
    focus = OutletFocus()
    for n, place in enumerate(places):  # as the pipeline does: settle, store, count
        focus.count(article(n, source), focus.settle(article(n, source), [candidate(place)], None))
    return focus


def test_an_outlet_whose_located_reports_are_mostly_in_one_country_has_it_as_focus() -> None:
    focus = focus_after([TOWN] * 4 + [ABROAD])
    assert focus.focus("Lakeside Daily") == ("KE", 4, 5)


def test_too_few_located_reports_or_no_clear_majority_give_no_focus() -> None:
    assert focus_after([TOWN] * (MIN_PLACED - 1)).focus("Lakeside Daily") is None
    assert focus_after([TOWN] * 3 + [ABROAD] * 2).focus("Lakeside Daily") is None  # 3 of 5
    assert focus_after([TOWN] * 9).focus("") is None  # no outlet named: nothing to learn


def test_only_places_the_text_locates_count_and_each_article_once_per_country() -> None:
    focus = OutletFocus()
    focus.settle(article(0), [], None)
    for n in range(6):  # a country guessed at precision 3 is not evidence of the outlet
        focus.count(article(n), [candidate(KENYA, precision=3)])
    assert focus.focus("Lakeside Daily") is None
    for n in range(6):  # an article with three reports in one country counts once
        focus.count(article(n), [candidate(TOWN)] * 3)
    assert focus.focus("Lakeside Daily") == ("KE", 6, 6)


def test_the_tally_starts_from_the_store_seed_once_per_outlet() -> None:
    asked: list[str] = []

    def seed(source: str) -> dict[str, int]:
        asked.append(source)
        return {"UG": 7, "KE": 1}

    focus = OutletFocus(seed=seed)
    assert focus.focus("Hill Radio") == ("UG", 7, 8)
    focus.count(article(1, "Hill Radio"), [candidate(ABROAD)])
    assert focus.focus("Hill Radio") == ("UG", 8, 9)
    assert asked == ["Hill Radio"]
    # an outlet first met after its article was stored: the seed already holds it
    late = OutletFocus(seed=seed)
    late.count(article(2, "Hill Radio"), [candidate(ABROAD)])
    assert late.focus("Hill Radio") == ("UG", 7, 8)


def test_a_placeless_report_takes_the_focus_country_and_says_why() -> None:
    focus = focus_after([TOWN] * 5)
    placed, placeless = candidate(TOWN), candidate(None)
    out = focus.settle(article(9), [placed, placeless], country_of)
    assert out[0] is placed  # a report with a place keeps it
    res = out[1].location
    assert res is not None and res.place == KENYA and res.method == METHOD_OUTLET
    assert out[1].geo_precision == 3
    (ev,) = [e for e in out[1].evidence if e.field == "location"]
    assert ev.rule.startswith("outlet-country:") and "5 of the 5" in ev.rule
    assert "'Lakeside Daily'" in ev.rule
    # no focus (another outlet) or no gazetteer: the report stays without a place
    assert focus.settle(article(9, "Wire"), [placeless], country_of)[0].location is None
    assert focus.settle(article(9), [placeless], None)[0].location is None


def test_a_country_missing_from_the_gazetteer_leaves_the_report_unplaced() -> None:
    focus = focus_after([TOWN] * 5)

    def missing(iso2: str) -> Place:
        raise KeyError(iso2)

    assert focus.settle(article(9), [candidate(None)], missing)[0].location is None


@pytest.mark.parametrize("other", [TOWN, None])
def test_a_country_guessed_from_the_outlet_links_on_nothing(other: Place | None) -> None:
    focus = focus_after([TOWN] * 5)
    (guessed,) = focus.settle(article(9), [candidate(None)], country_of)
    # the same day, type and country; a named town or another guess: still apart
    if other is None:
        (stored,) = focus.settle(article(8), [candidate(None)], country_of)
    else:
        stored = candidate(other)
    decision = link_candidate(guessed, [target_from_candidate(stored, incident_id="i1")])
    assert decision.target_id is None
    assert "guessed from the outlet" in decision.reasons[-1]
    back = link_candidate(stored, [target_from_candidate(guessed, incident_id="i2")])
    assert back.target_id is None


HOME_NAMESAKE = Place(5, "Hilltop", -0.5, 35.0, country_code="KE", admin1="Nakuru", country="Kenya")


def placed(place: Place, *, alts: tuple[Place, ...] = (), method: str = METHOD_GAZETTEER,
           precision: int = 1) -> IncidentCandidate:  # fmt: skip
    res = Resolution(Mention(10, 17, "Hilltop"), place, 0.6, method, ("in: Hilltop",), alts)
    return IncidentCandidate("a", "Protests", "Peaceful protest", date(2021, 5, 3), 1, res,
                             precision)  # fmt: skip


def test_a_small_namesake_abroad_that_nothing_points_to_is_read_at_home() -> None:
    focus = focus_after([TOWN] * 5)
    c = placed(ABROAD, alts=(ABROAD, HOME_NAMESAKE))
    assert c.location is not None
    (out,) = focus.settle(article(9), [c], country_of, [c.location])
    assert out.location is not None and out.location.place == HOME_NAMESAKE
    (ev,) = [e for e in out.evidence if e.rule.startswith("outlet-namesake:")]
    assert "'Hilltop' read as Hilltop, Uganda, a namesake" in ev.rule
    # no namesake at home: the focus country, said so
    c = placed(ABROAD)
    assert c.location is not None
    (out,) = focus.settle(article(9), [c], country_of, [c.location])
    assert out.location is not None and out.location.place == KENYA
    assert out.geo_precision == 3 and out.location.mention.surface == "Hilltop"


@pytest.mark.parametrize(
    "case", ["big city", "capital", "country named", "analyst's correction", "no focus"]
)
def test_a_place_abroad_stays_when_the_article_or_its_size_says_so(case: str) -> None:
    focus = focus_after([TOWN] * 5)
    place, method = ABROAD, METHOD_GAZETTEER
    if case == "big city":
        place = Place(6, "Lakeport", 0.3, 32.6, country_code="UG", population=150_000,
                      country="Uganda")  # fmt: skip
    elif case == "capital":
        place = Place(7, "Capital", 0.3, 32.6, "P", "PPLC", "UG", country="Uganda")
    elif case == "analyst's correction":
        method = "manual"
    c = placed(place, alts=(place, HOME_NAMESAKE), method=method)
    assert c.location is not None
    others = [c.location]
    if case == "country named":  # "Ugandan traders" elsewhere in the article
        others.append(Resolution(Mention(30, 37, "Ugandan", kind="demonym"), UGANDA, 0.9,
                                 METHOD_GAZETTEER))  # fmt: skip
    src = "Wire" if case == "no focus" else "Lakeside Daily"
    (out,) = focus.settle(article(9, src), [c], country_of, others)
    assert out == c
