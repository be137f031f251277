"""Tolls stated outright ("1 fatality.", "Fatalities coded as 0")."""

from __future__ import annotations

from datetime import date

import pytest

from geomap.incidents.extract import extract_incidents
from geomap.incidents.tallies import find_tallies
from geomap.models import Article


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("1 fatality.", [("killed", 1, "stated-toll")]),
        ("[2 fatalities split among 3 events]", [("killed", 2, "stated-toll")]),
        ("Fatalities coded as 0 (the group claimed 3).", [("killed", 0, "coded-toll")]),
        ("Neither injuries nor fatalities were reported.", [("killed", 0, "no-fatalities")]),
        ("The clashes resulted in the death of 3 fighters.", [("killed", 3, "death-of")]),
        ("2 members of the regime's Air Force Intelligence were killed.",
         [("killed", 2, "long-subject")]),
        ("Between 6 and 11 fighters from rebel factions were wounded.",
         [("injured", 6, "long-subject")]),  # the lower figure, as ACLED codes ranges
        ("The mayor said the road was closed.", []),
    ],
)  # fmt: skip
def test_find_tallies(sentence: str, expected: list[tuple[str, int, str]]) -> None:
    assert [(t.kind, t.value, t.rule) for t in find_tallies(sentence)] == expected


def test_a_coded_toll_overrides_the_reported_count() -> None:
    text = (
        "On 15 March 2020, militants attacked an army post, killing 2 soldiers. "
        "Fatalities coded as 0 (a spokesman reported 2)."
    )
    (c,) = extract_incidents(Article("t", text, published=date(2020, 3, 15)), [])
    assert c.fatalities == 0
    assert any(e.field == "fatalities" and e.rule.startswith("coded-toll") for e in c.evidence)


def test_a_stated_toll_fills_in_a_long_subject() -> None:
    text = "On 4 May 2020, unidentified gunmen opened fire on a patrol near the bridge. 1 fatality."
    (c,) = extract_incidents(Article("t", text, published=date(2020, 5, 4)), [])
    assert c.fatalities == 1
