"""The publication date of an article: parse metadata values, or find it near the top of the text.

This is the date the page was published, not the date of the event it reports (that is
``geomap.incidents.dates``' job). Rule for text (see :func:`find_published`):

1. a *timestamp* in the first 600 characters of the text, skipping photo-caption lines
   ("Photo: ...", "... (AFP/Getty Images)"): ``09/02/2017 10:14`` (day first, unless the second
   number is above 12), ``Thursday 9 February 2017``,
   ``Feb 9, 2017``, ``2017-02-09T10:14``; the earliest in the text wins;
2. else a *dateline* at the start of a line in the first 1500 characters:
   ``ANKARA, Feb 9 (Reuters) -``. A dateline without a year takes the most recent year written
   anywhere in the text that is not in the future; without any year it gives no date.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

__all__ = ["TOP_CHARS", "find_published", "parse_date_value"]

#: How much of the text is searched for a timestamp.
TOP_CHARS = 600
#: How much of the text is searched for a dateline.
DATELINE_CHARS = 1500

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_ORD = r"(?:st|nd|rd|th)?"

_TIMESTAMPS = [
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ]\d{2}:\d{2})?", re.I),
    # A time whose UTC offset runs into the date, as scraped headers have it:
    # "16:42+309 February 2017" is 16:42 (UTC+3), 09 February 2017.
    re.compile(
        r"\b\d{1,2}:\d{2}\s*(?:GMT|UTC)?[+-]\d{1,2}(?P<d>[0-3]\d)\s+"
        + _MONTH
        + r",?\s+(?P<y>\d{4})\b",
        re.I,
    ),
    re.compile(r"\b(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})\b"),
    re.compile(
        _WEEKDAY + r"\b(?P<d>\d{1,2})" + _ORD + r"\s+" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.I
    ),
    re.compile(
        _WEEKDAY + r"\b" + _MONTH + r"\s+(?P<d>\d{1,2})" + _ORD + r",?\s+(?P<y>\d{4})\b", re.I
    ),
]
_DATELINE = re.compile(
    r"^[ \t]*[A-Z][A-Za-z .'\-]{1,40}?(?:,\s*[A-Z][A-Za-z .'\-]{1,30})?,\s*"
    r"(?:" + _MONTH + r"\s+(?P<d>\d{1,2})|(?P<d2>\d{1,2})\s+(?P<mon2>[A-Za-z]{3,9})\.?)"
    r"(?:,?\s+(?P<y>\d{4}))?\s*(?:\([^)\n]{1,40}\))?\s*[-\u2013\u2014]",
    re.M | re.I,
)
_CAPTION = re.compile(r"photo|picture|image|caption|getty|©|credit:", re.I)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def _make(y: int, m: int, d: int) -> date | None:
    if not 1900 <= y <= 2100:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _from_match(m: re.Match[str]) -> date | None:
    groups = m.groupdict()
    y = int(groups["y"])
    if groups.get("a"):
        a, b = int(groups["a"]), int(groups["b"])
        # Day first (most non-US sites) unless that is impossible.
        return _make(y, a, b) if b > 12 else _make(y, b, a)
    if groups.get("mon"):
        return _make(y, _MONTHS[groups["mon"].lower()], int(groups["d"]))
    return _make(y, int(groups["m"]), int(groups["d"]))


def _top_lines(text: str, limit: int) -> str:
    """The first ``limit`` characters with photo-caption lines blanked out."""
    lines = text[:limit].split("\n")
    return "\n".join("" if _CAPTION.search(line) else line for line in lines)


def _dateline(text: str, today: date) -> date | None:
    for m in _DATELINE.finditer(_top_lines(text, DATELINE_CHARS)):
        mon = (m.group("mon") or m.group("mon2") or "").lower()
        if mon not in _MONTHS:
            continue
        day = int(m.group("d") or m.group("d2"))
        if m.group("y"):
            found = _make(int(m.group("y")), _MONTHS[mon], day)
        else:
            years = [int(y) for y in _YEAR.findall(text) if int(y) <= today.year]
            found = _make(max(years), _MONTHS[mon], day) if years else None
        if found is not None:
            return found
    return None


def find_published(text: str, *, today: date | None = None) -> tuple[date | None, str]:
    """The publication date written in an article's text, and the rule that found it.

    Returns ``(date, "text:timestamp")``, ``(date, "text:dateline")`` or ``(None, "")``.

    Examples
    --------
    >>> find_published("Syria\\nPhoto: 1 Jan 2016\\nPosted Feb 9, 2017 10:14\\nText.")
    (datetime.date(2017, 2, 9), 'text:timestamp')
    >>> find_published("ANKARA, Feb 9 (Reuters) - Turkey said on Thursday ... in 2017.")
    (datetime.date(2017, 2, 9), 'text:dateline')
    """
    top = _top_lines(text, TOP_CHARS)
    best: tuple[int, date] | None = None
    for pattern in _TIMESTAMPS:
        for m in pattern.finditer(top):
            found = _from_match(m)
            if found is not None and not plausible_published(found, today=today):
                continue
            if found is not None and (best is None or m.start() < best[0]):
                best = (m.start(), found)
                break
    if best is not None:
        return best[1], "text:timestamp"
    found = _dateline(text, today or date.today())
    if found is not None and not plausible_published(found, today=today):
        found = None
    return (found, "text:dateline") if found else (None, "")


#: The earliest publication year accepted; the latest is next year (clocks and time zones).
EARLIEST_YEAR = 1900


def plausible_published(when: date, *, today: date | None = None) -> bool:
    """True when ``when`` can be a publication date: from 1900 up to the end of next year.

    Metadata such as 9999-12-31 or 0001-01-01 is refused: dates that far out overflow date
    arithmetic downstream and stretch every date range shown.

    >>> plausible_published(date(2017, 2, 9)), plausible_published(date(9999, 12, 31))
    (True, False)
    """
    return EARLIEST_YEAR <= when.year <= (today or date.today()).year + 1


def parse_date_value(value: object) -> date | None:
    """A metadata date value as a date: ISO dates and datetimes, RFC 2822, "Feb 9, 2017", ...

    Returns None when the value is empty or not understood.

    Examples
    --------
    >>> parse_date_value("2017-02-09T10:14:00Z"), parse_date_value("Thu, 09 Feb 2017 10:14:00 GMT")
    (datetime.date(2017, 2, 9), datetime.date(2017, 2, 9))
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in _TIMESTAMPS:
        m = pattern.search(raw)
        if m is not None:
            return _from_match(m)
    return None
