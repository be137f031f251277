"""Linking decisions (geomap.incidents.link): merge and no-merge cases with their reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from geomap.incidents.link import (
    blocking_window,
    date_window,
    link_candidate,
    target_from_candidate,
    target_from_record,
)
from geomap.models import Evidence, IncidentCandidate, Mention, Place, Resolution
from tests.incidents.incident_places import (
    AL_BAB,
    AL_RAI,
    ALEPPO,
    BINNISH,
    IDLIB_ADM1,
    SARMIN,
    SYRIA,
)

EXP, AIR, SHELL = (
    "Explosions/Remote violence",
    "Air/drone strike",
    "Shelling/artillery/missile attack",
)
RU, TR = "Military Forces of Russia", "Military Forces of Turkey"


def cand(
    place: Place | None,
    *,
    day: date | None = date(2017, 2, 9),
    precision: int = 1,
    geo: int = 1,
    etype: str = EXP,
    sub: str = AIR,
    actors: tuple[str, str] = (RU, TR),
    killed: int | None = 3,
    article: str = "a1",
    evidence: tuple[Evidence, ...] = (),
) -> IncidentCandidate:
    loc = Resolution(Mention(0, 3, "x"), place, 0.9, "gazetteer") if place else None
    return IncidentCandidate(
        article, etype, sub, day, precision, loc, geo, actors[0], actors[1], killed, 11, "", "",
        evidence,
    )  # fmt: skip


def target(c: IncidentCandidate, iid: str = "inc1"):  # type: ignore[no-untyped-def]
    return target_from_candidate(c, incident_id=iid)


def test_same_place_same_day_merges_with_reasons() -> None:
    d = link_candidate(cand(AL_BAB, geo=2), [target(cand(AL_BAB, geo=2, article="a0"))])
    assert d.target_id == "inc1"
    assert d.reasons[:5] == (
        "same country Syria",
        "dates overlap 2017-02-09",
        f"same type {EXP} / {AIR}",
        "same place Al Bāb (geonameid 174018)",
        f"actors compatible ({RU}; {TR})",
    )


def test_two_precise_villages_six_km_apart_never_merge() -> None:
    binnish = cand(BINNISH, sub=SHELL, actors=("Military Forces of Syria", ""))
    sarmin = cand(SARMIN, sub=SHELL, actors=("Military Forces of Syria", ""), article="a0")
    d = link_candidate(binnish, [target(sarmin)])
    assert d.target_id is None
    assert d.rejected == (("inc1", "different precise places Binnish and Sarmīn (5.9 km)"),)


def test_near_a_town_merges_with_the_town_within_the_combined_radius() -> None:
    near_rai = cand(AL_RAI, geo=2)
    # A report placing the same strike at al-Bab itself, 28 km away: too far even for "near".
    assert link_candidate(near_rai, [target(cand(AL_BAB, geo=1))]).target_id is None
    tadif = Place(163811, "Tādif", 36.34806, 37.53086, country_code="SY", admin1_code="09",
                  admin1="Aleppo", country="Syria")  # fmt: skip
    d = link_candidate(cand(tadif, geo=2), [target(cand(AL_BAB, geo=1))])
    assert d.target_id == "inc1"
    assert any(r.startswith("places within 22 km") for r in d.reasons)


def test_country_level_report_is_contained() -> None:
    d = link_candidate(cand(SYRIA, geo=3), [target(cand(AL_BAB, geo=2))])
    assert d.target_id == "inc1"
    assert "Al Bāb lies in Syria" in d.reasons


def test_admin1_level_report_contains_a_town_of_its_area() -> None:
    shell = {"sub": SHELL, "actors": ("Military Forces of Syria", "")}
    d = link_candidate(cand(IDLIB_ADM1, geo=3, **shell), [target(cand(BINNISH, **shell))])
    assert d.target_id == "inc1" and "Binnish lies in Idlib" in d.reasons
    assert link_candidate(cand(IDLIB_ADM1, geo=3, **shell), [target(cand(AL_BAB, **shell))]
                          ).target_id is None  # fmt: skip


def test_2015_and_2017_never_merge() -> None:
    old = cand(AL_BAB, day=date(2015, 11, 1), precision=3)
    d = link_candidate(cand(AL_BAB), [target(old)])
    assert d.target_id is None
    assert d.rejected[0][1] == "dates differ (2017-02-09 vs 2015-11-01)"


def test_different_types_do_not_merge_but_compatible_ones_do() -> None:
    protest = cand(AL_BAB, etype="Protests", sub="Peaceful protest", actors=("", ""))
    assert link_candidate(protest, [target(cand(AL_BAB))]).target_id is None
    riot = cand(AL_BAB, etype="Riots", sub="Violent demonstration", actors=("", ""))
    assert link_candidate(riot, [target(protest)]).target_id == "inc1"


def test_disjoint_actors_block_a_merge() -> None:
    other = cand(AL_BAB, actors=("Military Forces of Syria", "Rebels (Syria)"))
    d = link_candidate(other, [target(cand(AL_BAB))])
    assert d.target_id is None and d.rejected[0][1].startswith("actors differ")


def test_counts_differ_but_do_not_block() -> None:
    d = link_candidate(cand(AL_BAB, killed=4), [target(cand(AL_BAB, killed=3))])
    assert d.target_id == "inc1"
    assert d.reasons[-1] == "counts differ (not blocking): 4 vs 3 killed, 11 injured"


def test_undated_report_links_on_exact_place_and_weekday() -> None:
    thursday = (Evidence("event_date", "Thursday", "on Thursday", "weekday-unanchored"),)
    undated = cand(AL_BAB, day=None, precision=3, geo=2, evidence=thursday)
    d = link_candidate(undated, [target(cand(AL_BAB, geo=2))])
    assert d.target_id == "inc1"
    assert "one report undated; the other is dated 2017-02-09 (both Thursday)" in d.reasons
    friday = cand(AL_BAB, day=date(2017, 2, 10))
    assert link_candidate(undated, [target(friday)]).target_id is None
    # Without a date, "near the same area" is not enough: the place must match exactly.
    assert link_candidate(replace(undated, evidence=()), [target(cand(AL_RAI, geo=2))]
                          ).target_id is None  # fmt: skip


def test_best_of_several_targets_wins() -> None:
    far = target(cand(ALEPPO, geo=1), "aleppo")
    good = target(cand(AL_BAB, geo=2), "albab")
    d = link_candidate(cand(AL_BAB, geo=2), [far, good])
    assert d.target_id == "albab"
    assert d.rejected == (("aleppo", "places too far apart (Al Bāb ~ Aleppo, 36.9 km)"),)


def test_target_from_record_reads_the_flat_row() -> None:
    row = {
        "incident_id": "i9", "event_date": "2017-02-09", "time_precision": 1,
        "event_type": EXP, "sub_event_type": AIR, "country": "Syria", "admin1": "Aleppo",
        "location": "Al Bāb", "geonameid": 174018, "latitude": 36.37051, "longitude": 37.5157,
        "geo_precision": 2, "actor1": RU, "actor2": TR, "fatalities": 3, "injured": 11,
        "weekday": None,
    }  # fmt: skip
    t = target_from_record(row)
    assert (t.event_date, t.geonameid, t.weekday) == (date(2017, 2, 9), 174018, None)
    assert link_candidate(cand(AL_BAB, geo=2), [t]).target_id == "i9"
    area = target_from_record({**row, "location": "Syria", "country": "Syria", "geo_precision": 3})
    assert area.feature_code == "PCLI"


def test_windows() -> None:
    assert date_window(None, 1) is None
    assert date_window(date(2017, 2, 9), 2) == (date(2017, 2, 2), date(2017, 2, 16))
    assert blocking_window(cand(AL_BAB, precision=3)) == (date(2017, 1, 9), date(2017, 3, 12))


def test_no_country_no_link() -> None:
    d = link_candidate(cand(None), [target(cand(AL_BAB))])
    assert d.target_id is None and d.rejected[0][1] == "countries differ (? vs Syria)"


# -- issue 13 item 5 / issue 15 items 2 and 4 -----------------------------------------------
def test_two_day_precise_reports_with_different_dates_never_merge() -> None:
    old = target(cand(AL_BAB, day=date(2017, 2, 8), article="a0"))
    d = link_candidate(cand(AL_BAB, day=date(2017, 2, 9)), [old])
    assert d.target_id is None
    assert d.rejected == (("inc1", "different event dates (2017-02-09 vs 2017-02-08)"),)


def test_a_report_is_judged_against_every_report_of_the_incident() -> None:
    # Week-precise reports 10 days apart: the third fits the second but not the first, so it
    # does not join (before, it chained through the second).
    first = target(cand(AL_BAB, day=date(2017, 2, 1), precision=2, article="a0"))
    second = target(cand(AL_BAB, day=date(2017, 2, 11), precision=2, article="a1"))
    third = cand(AL_BAB, day=date(2017, 2, 21), precision=2, article="a2")
    assert link_candidate(third, [second]).target_id == "inc1"
    d = link_candidate(third, [first, second])
    assert d.target_id is None
    assert d.rejected[0][1].endswith("(one of its 2 reports)")


def test_a_merge_says_it_agrees_with_the_whole_incident() -> None:
    a = target(cand(AL_BAB, article="a0"))
    b = target(cand(AL_BAB, article="a1"))
    d = link_candidate(cand(AL_BAB, article="a2"), [a, b])
    assert d.target_id == "inc1"
    assert d.reasons[-1] == "agrees with all 2 reports of the incident"


def test_an_undated_report_joins_only_the_same_named_place_and_type_and_says_so() -> None:
    dated = target(cand(AL_BAB, article="a0"))
    d = link_candidate(cand(AL_BAB, day=None, precision=3), [dated])
    assert d.target_id == "inc1"
    assert any(r.startswith("undated: joined on named cues, the same place") for r in d.reasons)
    near = replace(AL_BAB, geonameid=999, name="Bab suburb", lat=AL_BAB.lat + 0.005)
    assert link_candidate(cand(near, day=None, precision=3), [dated]).target_id is None
    other_type = cand(AL_BAB, day=None, precision=3, sub="Shelling/artillery/missile attack")
    assert link_candidate(other_type, [dated]).target_id is None


def test_two_undated_reports_never_merge() -> None:
    undated = target(cand(AL_BAB, day=None, precision=3, article="a0"))
    d = link_candidate(cand(AL_BAB, day=None, precision=3), [undated])
    assert d.target_id is None
    assert "both reports undated" in d.rejected[0][1]


def test_an_undated_report_that_fits_two_incidents_joins_neither() -> None:
    one = target(cand(AL_BAB, day=date(2017, 2, 9), article="a0"), "inc1")
    two = target(cand(AL_BAB, day=date(2017, 5, 9), article="a1"), "inc2")
    d = link_candidate(cand(AL_BAB, day=None, precision=3), [one, two])
    assert d.target_id is None
    assert d.reasons == ("undated report fits 2 incidents (inc1, inc2): ambiguous, kept apart",)


def test_ties_go_to_the_smaller_incident_id_whatever_the_order() -> None:
    a = target(cand(AL_BAB, article="a0"), "inc-b")
    b = target(cand(AL_BAB, article="a1"), "inc-a")
    assert link_candidate(cand(AL_BAB), [a, b]).target_id == "inc-a"
    assert link_candidate(cand(AL_BAB), [b, a]).target_id == "inc-a"
