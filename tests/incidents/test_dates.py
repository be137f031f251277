"""Date expressions resolved against the article date (geomap.incidents.dates)."""

from __future__ import annotations

from datetime import date

import pytest

from geomap.incidents.dates import find_dates, resolve_weekday

THU = date(2017, 2, 9)  # a Thursday
SAT = date(2017, 2, 11)


def one(text: str, anchor: date | None) -> tuple[date | None, int, str]:
    hits = find_dates(text, anchor=anchor)
    assert len(hits) == 1, hits
    return hits[0].value, hits[0].precision, hits[0].rule


def test_thursday_on_a_thursday_is_the_same_day() -> None:
    assert one("early on Thursday a strike hit", THU) == (THU, 1, "weekday")


def test_thursday_on_a_saturday_is_two_days_before() -> None:
    assert one("on Thursday", SAT)[0] == date(2017, 2, 9)


def test_last_thursday_on_a_thursday_is_a_week_before() -> None:
    assert one("last Thursday", THU)[0] == date(2017, 2, 2)


@pytest.mark.parametrize(
    ("phrase", "expected", "precision"),
    [
        ("earlier in the day", THU, 1),
        ("today", THU, 1),
        ("this morning", THU, 1),
        ("yesterday", date(2017, 2, 8), 1),
        ("last night", date(2017, 2, 8), 1),
        ("three days ago", date(2017, 2, 6), 1),
        ("last week", date(2017, 2, 2), 2),
        ("last month", date(2017, 1, 1), 3),
        ("last year", date(2016, 1, 1), 3),
    ],
)
def test_relative_expressions(phrase: str, expected: date, precision: int) -> None:
    value, prec, _ = one(f"It happened {phrase}.", THU)
    assert (value, prec) == (expected, precision)


def test_last_november_is_the_previous_years_november_at_month_precision() -> None:
    assert one("as it did last November", THU)[:2] == (date(2016, 11, 1), 3)


def test_explicit_other_year_is_never_redated() -> None:
    value, precision, _ = one("shot down a Su-24 in November 2015", THU)
    assert (value, precision) == (date(2015, 11, 1), 3)
    assert find_dates("in November 2015", anchor=THU)[0].explicit_year


@pytest.mark.parametrize(
    "text",
    ["9 February 2017", "February 9, 2017", "Feb. 9, 2017", "2017-02-09", "09/02/2017",
     "9th of February 2017"],
)  # fmt: skip
def test_explicit_days(text: str) -> None:
    assert one(text, None)[:2] == (THU, 1)


def test_day_month_without_year_takes_the_article_year_unless_in_the_future() -> None:
    assert one("on 7 February", THU)[0] == date(2017, 2, 7)
    assert one("on 20 December", THU)[0] == date(2016, 12, 20)


def test_weekday_before_an_explicit_date_is_one_hit() -> None:
    hits = find_dates("Thursday 9 February 2017 11:42 GMT", anchor=None)
    assert [(h.value, h.rule) for h in hits] == [(THU, "day-month-year")]


def test_unanchored_weekday_keeps_the_weekday() -> None:
    (hit,) = find_dates("on Thursday morning", anchor=None)
    assert hit.value is None and hit.weekday == 3


def test_may_the_verb_is_no_month() -> None:
    assert find_dates("Russia may have carried out the strike", anchor=THU) == []


def test_resolve_weekday_every_offset() -> None:
    for back in range(7):
        day = date(2017, 2, 9 - back)
        assert resolve_weekday(THU, day.weekday()) == day
