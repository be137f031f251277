"""Date expressions in news text, resolved against the article's own date (the anchor).

We resolve weekdays ourselves: "on Thursday" is the most recent Thursday on or before the
anchor, so a Thursday article's "Thursday" is that same day (dateparser's
``PREFER_DATES_FROM=past`` would move it a week back). "last Thursday" is strictly before.
An explicit year is never re-dated ("in November 2015" stays 2015); "last November" is the
most recent November before the anchor's month. Numeric dates (``09/02/2017``) are read
day-first unless the second field cannot be a month.

time_precision: 1 day, 2 week, 3 month or vaguer (as in ACLED).
Without an anchor, relative expressions keep ``value=None`` (and weekdays keep ``weekday``)
so a caller can report them as unanchored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "DateHit",
    "find_dates",
    "month_number",
    "resolve_weekday",
]

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}

# Month names are matched capitalised only ("May", not the verb "may").
_MON = (
    r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso-date", re.compile(r"\b" + _YEAR + r"-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b")),
    (
        "numeric-date",
        re.compile(r"\b(?P<a>[0-3]?\d)[./](?P<b>[01]?\d)[./]" + _YEAR + r"\b"),
    ),
    ("day-month-year", re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MON + r",?\s+" + _YEAR)),
    ("month-day-year", re.compile(r"\b" + _MON + r"\s+" + _DAY + r",?\s+" + _YEAR + r"\b")),
    ("month-year", re.compile(r"\b" + _MON + r",?\s+" + _YEAR + r"\b")),
    ("day-month", re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MON + r"(?![a-z])")),
    ("month-day", re.compile(r"\b" + _MON + r"\s+" + _DAY + r"\b(?!:)")),
    ("last-month-name", re.compile(r"\b(?:[Ll]ast|[Pp]revious)\s+" + _MON + r"(?![a-z])")),
    ("in-month-name", re.compile(r"\b(?:[Ii]n|[Ee]arly|[Ll]ate|[Mm]id-?)\s+" + _MON + r"\b")),
    ("in-year", re.compile(r"\b(?:[Ii]n|[Ss]ince|[Dd]uring)\s+" + _YEAR + r"\b")),
    (
        "weekday",
        re.compile(r"\b(?P<last>[Ll]ast\s+|[Pp]revious\s+|[Tt]his\s+(?:past\s+)?)?" + _WD + r"\b"),
    ),
    (
        "today",
        re.compile(
            r"\b(?:today|this (?:morning|afternoon|evening)|tonight|earlier (?:in the day|today)"
            r"|on the same day|hours ago)\b",
            re.IGNORECASE,
        ),
    ),
    ("yesterday", re.compile(r"\b(?:yesterday|last night|overnight)\b", re.IGNORECASE)),
    (
        "days-ago",
        re.compile(r"\b(?P<n>\d|two|three|four|five|six|seven|ten)\s+days\s+(?:ago|earlier)\b"),
    ),
    ("last-week", re.compile(r"\b(?:last|previous) week\b|\ba week ago\b", re.IGNORECASE)),
    ("this-week", re.compile(r"\b(?:this|earlier this) week\b", re.IGNORECASE)),
    ("last-month", re.compile(r"\b(?:last|previous) month\b|\ba month ago\b", re.IGNORECASE)),
    ("this-month", re.compile(r"\bearlier this month\b", re.IGNORECASE)),
    ("last-year", re.compile(r"\b(?:last|previous) year\b|\ba year ago\b", re.IGNORECASE)),
)


@dataclass(frozen=True)
class DateHit:
    """One date expression: ``text[start:end]``, its day (or None when it has no anchor).

    ``explicit_year`` is True when the text itself names the year. ``weekday`` (0 Monday)
    is kept for weekday expressions so an unanchored "Thursday" can still be compared.
    """

    start: int
    end: int
    text: str
    value: date | None
    precision: int
    rule: str
    explicit_year: bool = False
    weekday: int | None = None


def month_number(name: str) -> int:
    """1..12 for a month name or abbreviation ("Feb." -> 2); raises KeyError otherwise."""
    return _MONTHS[name.rstrip(".").lower()]


def resolve_weekday(anchor: date, weekday: int, *, strictly_before: bool = False) -> date:
    """The most recent ``weekday`` (0 Monday) on or before ``anchor`` (strictly if asked).

    >>> resolve_weekday(date(2017, 2, 9), 3)   # Thursday on a Thursday: the same day
    datetime.date(2017, 2, 9)
    >>> resolve_weekday(date(2017, 2, 11), 3)  # Thursday on a Saturday: two days before
    datetime.date(2017, 2, 9)
    """
    back = (anchor.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return anchor - timedelta(days=back)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_back(anchor: date, months: int) -> date:
    total = anchor.year * 12 + anchor.month - 1 - months
    return date(total // 12, total % 12 + 1, 1)


def _resolve(rule: str, m: re.Match[str], anchor: date | None) -> tuple[date | None, int, bool]:
    """(value, precision, explicit_year) for one match; value None when unresolvable."""
    g = m.groupdict()
    if rule == "iso-date":
        return _safe_date(int(g["year"]), int(g["m"]), int(g["day"])), 1, True
    if rule == "numeric-date":
        a, b = int(g["a"]), int(g["b"])
        day, month = (a, b) if b <= 12 else (b, a)
        return _safe_date(int(g["year"]), month, day), 1, True
    if rule in ("day-month-year", "month-day-year"):
        return _safe_date(int(g["year"]), month_number(g["mon"]), int(g["day"])), 1, True
    if rule == "month-year":
        return date(int(g["year"]), month_number(g["mon"]), 1), 3, True
    if rule == "in-year":
        return date(int(g["year"]), 1, 1), 3, True
    if anchor is None:
        return None, 3, False
    if rule in ("day-month", "month-day"):
        value = _safe_date(anchor.year, month_number(g["mon"]), int(g["day"]))
        if value is not None and value > anchor + timedelta(days=2):
            value = _safe_date(anchor.year - 1, value.month, value.day)
        return value, 1, False
    if rule in ("last-month-name", "in-month-name"):
        month = month_number(g["mon"])
        strictly = rule == "last-month-name"
        same_year = month < anchor.month or (month == anchor.month and not strictly)
        year = anchor.year if same_year else anchor.year - 1
        return date(year, month, 1), 3, False
    if rule == "weekday":
        strictly = bool(g.get("last")) and g["last"].strip().lower() in ("last", "previous")
        return resolve_weekday(anchor, WEEKDAYS.index(g["wd"]), strictly_before=strictly), 1, False
    if rule == "today":
        return anchor, 1, False
    if rule == "yesterday":
        return anchor - timedelta(days=1), 1, False
    if rule == "days-ago":
        n = g["n"]
        days = int(n) if n.isdigit() else _NUMBER_WORDS[n]
        return anchor - timedelta(days=days), 1, False
    if rule == "last-week":
        return anchor - timedelta(days=7), 2, False
    if rule == "this-week":
        return anchor, 2, False
    if rule == "last-month":
        return _month_back(anchor, 1), 3, False
    if rule == "this-month":
        return date(anchor.year, anchor.month, 1), 3, False
    if rule == "last-year":
        return date(anchor.year - 1, 1, 1), 3, False
    raise AssertionError(rule)  # pragma: no cover - every rule is handled above


def find_dates(text: str, *, anchor: date | None) -> list[DateHit]:
    """Every date expression in ``text``, in order, resolved against ``anchor``.

    Earlier patterns win over later ones on overlapping spans ("9 February 2017" is one
    hit, not a day-month plus a year). A weekday right before an explicit date is dropped.

    Examples
    --------
    >>> [(h.value, h.precision) for h in find_dates("on Thursday", anchor=date(2017, 2, 9))]
    [(datetime.date(2017, 2, 9), 1)]
    >>> h = find_dates("shot down a jet in November 2015", anchor=date(2017, 2, 9))[0]
    >>> h.value, h.precision, h.explicit_year
    (datetime.date(2015, 11, 1), 3, True)
    """
    taken: list[tuple[int, int]] = []
    hits: list[DateHit] = []
    for rule, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            value, precision, explicit = _resolve(rule, m, anchor)
            if rule.startswith(("day-", "month-", "iso", "numeric")) and explicit and value is None:
                continue  # "31 February 2017" is no date
            wd = m.group("wd") if rule == "weekday" else None
            taken.append((s, e))
            hits.append(
                DateHit(
                    start=s,
                    end=e,
                    text=m.group(0),
                    value=value,
                    precision=precision,
                    rule=rule,
                    explicit_year=explicit,
                    weekday=WEEKDAYS.index(wd) if wd else None,
                )
            )
    hits.sort(key=lambda h: h.start)
    out: list[DateHit] = []
    for i, hit in enumerate(hits):
        nxt = hits[i + 1] if i + 1 < len(hits) else None
        if (
            hit.rule == "weekday"
            and nxt is not None
            and nxt.explicit_year
            and nxt.precision == 1
            and 0 <= nxt.start - hit.end <= 3
        ):
            continue
        out.append(hit)
    return out
