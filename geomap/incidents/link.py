"""Deciding whether a new incident candidate reports an incident already in the store.

Pure functions over plain data: the store finds the existing incidents worth comparing
(:func:`blocking_window` gives the date range to query, by country), turns each into a
:class:`LinkTarget` (:func:`target_from_candidate` or :func:`target_from_record`), and
:func:`link_candidate` returns a :class:`LinkDecision` with the reasons either way. Nothing
here writes anything, so a merge is undone by re-linking the stored candidate elsewhere.

The rules, in order (each failure is a reason that is logged):

1. the same country (by name, as the gazetteer spells it);
2. overlapping date windows: +-1 day at time_precision 1, +-7 days at 2, +-31 days at 3;
   two day-precise reports with different dates never merge; a candidate without a date
   (an undated report) matches any date, but an unanchored weekday it mentions ("on
   Thursday") must agree with a day-precise target; two undated reports never merge;
3. compatible types: the same event_type, or a pair reporters confuse (Protests/Riots, an
   air strike or shelling on civilians reported as an attack on civilians);
4. compatible places: the same geonameid; one is the admin1 area or the country of the other
   (at geo_precision 3); or their distance is within the combined uncertainty (precision 1
   ~ 2 km, 2 ~ 20 km, 3 ~ 150 km). Two *different* places both located precisely (precision
   1) never merge, however close: ACLED has village events that share a coordinate; a
   country guessed from the outlet (location method ``outlet``: the text names no place)
   links on nothing;
5. compatible actors: when both sides name actors, they share at least one;
6. counts are compared but never block a merge (early reports undercount).

An undated candidate must also match the named place exactly (the same geonameid) and the
sub-event type, since its date cannot narrow the search, and the reasons say so; when more
than one incident qualifies it is ambiguous and joins none.

A new report is judged against every report of an incident (complete linkage), never only
against the nearest one, so a run of daily reports cannot chain into one incident.

Order dependence that remains: which incidents exist when a report arrives depends on what
was ingested before it. Two reports A and B that each fit incident X but not each other end
up as X+A and B, or X+B and A, by arrival order; an undated report that fits one incident
now may be ambiguous after more are stored. Ties between equally good incidents go to the
smaller incident id, not to storage order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from geomap.models import METHOD_OUTLET, IncidentCandidate

__all__ = [
    "DATE_SLACK_DAYS",
    "PLACE_RADIUS_KM",
    "LinkDecision",
    "LinkTarget",
    "blocking_window",
    "compare",
    "date_window",
    "haversine_km",
    "link_candidate",
    "target_from_candidate",
    "target_from_record",
]

#: Half-width of the date window per time_precision (1 day, 2 week, 3 month or vaguer).
DATE_SLACK_DAYS: dict[int, int] = {1: 1, 2: 7, 3: 31}
#: Uncertainty radius per geo_precision (1 the place, 2 near it / part of it, 3 region).
PLACE_RADIUS_KM: dict[int, float] = {1: 2.0, 2: 20.0, 3: 150.0}

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Cross-type pairs that two outlets may code differently for the same incident.
_COMPATIBLE_TYPES: frozenset[frozenset[str]] = frozenset(
    {
        frozenset({"Protests", "Riots"}),
        frozenset({"Explosions/Remote violence", "Violence against civilians"}),
        frozenset({"Battles", "Explosions/Remote violence"}),
    }
)
#: Sub-types that must not merge across these type pairs (a protest is no battle).
_CROSS_TYPE_SUBTYPES: dict[frozenset[str], frozenset[str]] = {
    frozenset({"Explosions/Remote violence", "Violence against civilians"}): frozenset(
        {"Air/drone strike", "Shelling/artillery/missile attack", "Attack"}
    ),
    frozenset({"Battles", "Explosions/Remote violence"}): frozenset(
        {"Armed clash", "Shelling/artillery/missile attack"}
    ),
}


@dataclass(frozen=True)
class LinkTarget:
    """An existing incident (or one stored candidate of it), as linking sees it.

    Field names follow the incident record (``INCIDENT_FIELDS``). ``country`` is the
    country's name as the gazetteer spells it; ``feature_code`` tells an admin area or a
    country apart from a town (``ADM1``, ``PCLI``) when geo_precision is 3; ``weekday`` is an
    unanchored weekday (0 Monday .. 6 Sunday) an undated report mentioned;
    ``location_method`` is how the place was found (``Resolution.method``).
    """

    incident_id: str
    event_type: str
    sub_event_type: str
    event_date: date | None
    time_precision: int
    country: str
    admin1: str = ""
    location: str = ""
    geonameid: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int = 3
    feature_code: str = ""
    actor1: str = ""
    actor2: str = ""
    fatalities: int | None = None
    injured: int | None = None
    weekday: int | None = None
    location_method: str = ""


@dataclass(frozen=True)
class LinkDecision:
    """The outcome: the incident to join (``target_id``) or None for a new incident.

    ``reasons`` explain the chosen link (or, when there is none, why the best-scoring
    target was refused); ``rejected`` maps every refused incident id to its first failed
    rule.
    """

    target_id: str | None
    reasons: tuple[str, ...]
    score: float = 0.0
    rejected: tuple[tuple[str, str], ...] = ()

    @property
    def merged(self) -> bool:
        return self.target_id is not None


# -- building targets ---------------------------------------------------------------------
def _weekday_hint(candidate: IncidentCandidate) -> int | None:
    for ev in candidate.evidence:
        if ev.field == "event_date" and ev.rule == "weekday-unanchored":
            name = ev.value.strip().capitalize()
            if name in _WEEKDAYS:
                return _WEEKDAYS.index(name)
    return None


def target_from_candidate(candidate: IncidentCandidate, *, incident_id: str) -> LinkTarget:
    """The link view of a candidate (a new one, or one stored under ``incident_id``).

    Examples
    --------
    >>> from geomap.models import IncidentCandidate
    >>> c = IncidentCandidate("a1", "Protests", "Peaceful protest", None, 3, None, 3)
    >>> target_from_candidate(c, incident_id="i1").country
    ''
    """
    place = candidate.location.place if candidate.location is not None else None
    return LinkTarget(
        incident_id=incident_id,
        event_type=candidate.event_type,
        sub_event_type=candidate.sub_event_type,
        event_date=candidate.event_date,
        time_precision=candidate.time_precision,
        country=place.country if place else "",
        admin1=place.admin1 if place else "",
        location=place.name if place else "",
        geonameid=place.geonameid if place else None,
        latitude=place.lat if place else None,
        longitude=place.lon if place else None,
        geo_precision=candidate.geo_precision,
        feature_code=place.feature_code if place else "",
        actor1=candidate.actor1,
        actor2=candidate.actor2,
        fatalities=candidate.fatalities,
        injured=candidate.injured,
        weekday=_weekday_hint(candidate),
        location_method=candidate.location.method if candidate.location is not None else "",
    )


def _opt_int(value: object) -> int | None:
    if value is None or value == "":
        return None
    return int(value)  # type: ignore[call-overload,no-any-return]


def _opt_float(value: object) -> float | None:
    if value is None or value == "":
        return None
    return float(value)  # type: ignore[arg-type]


def target_from_record(record: Mapping[str, object]) -> LinkTarget:
    """The link view of a flat incident record (the ``INCIDENT_FIELDS`` keys).

    ``event_date`` may be a :class:`date` or an ISO string; a ``feature_code`` key is used
    when present, else a precision-3 location named like its country or admin1 is taken as
    that area.
    """
    raw_date = record.get("event_date")
    if isinstance(raw_date, date):
        event_date: date | None = raw_date
    elif raw_date:
        event_date = date.fromisoformat(str(raw_date))
    else:
        event_date = None
    location = str(record.get("location") or "")
    country = str(record.get("country") or "")
    admin1 = str(record.get("admin1") or "")
    precision = _opt_int(record.get("geo_precision")) or 3
    feature_code = str(record.get("feature_code") or "")
    if not feature_code and precision == 3:
        if location and location == country:
            feature_code = "PCLI"
        elif location and location == admin1:
            feature_code = "ADM1"
    return LinkTarget(
        incident_id=str(record["incident_id"]),
        event_type=str(record.get("event_type") or ""),
        sub_event_type=str(record.get("sub_event_type") or ""),
        event_date=event_date,
        time_precision=_opt_int(record.get("time_precision")) or 3,
        country=country,
        admin1=admin1,
        location=location,
        geonameid=_opt_int(record.get("geonameid")),
        latitude=_opt_float(record.get("latitude")),
        longitude=_opt_float(record.get("longitude")),
        geo_precision=precision,
        feature_code=feature_code,
        actor1=str(record.get("actor1") or ""),
        actor2=str(record.get("actor2") or ""),
        fatalities=_opt_int(record.get("fatalities")),
        injured=_opt_int(record.get("injured")),
        weekday=_opt_int(record.get("weekday")),
        location_method=str(record.get("location_method") or ""),
    )


# -- windows ------------------------------------------------------------------------------
def date_window(event_date: date | None, time_precision: int) -> tuple[date, date] | None:
    """The days an incident may have happened on, or None when the date is unknown.

    >>> date_window(date(2017, 2, 9), 1)
    (datetime.date(2017, 2, 8), datetime.date(2017, 2, 10))
    """
    if event_date is None:
        return None
    slack = timedelta(days=DATE_SLACK_DAYS.get(time_precision, DATE_SLACK_DAYS[3]))
    return event_date - slack, event_date + slack


def blocking_window(candidate: IncidentCandidate) -> tuple[date, date] | None:
    """The range of existing incidents' dates worth comparing with this candidate.

    Query incidents of the same country whose own window overlaps this range; that is,
    whose ``event_date`` lies within the returned range widened by 31 days (the widest
    slack). None means "any date" (an undated report): compare with every incident of the
    country.
    """
    return date_window(candidate.event_date, candidate.time_precision)


# -- comparing ----------------------------------------------------------------------------
def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def _is_area(t: LinkTarget) -> str:
    """``country``/``admin1`` when the target's location is that whole area, else ``""``."""
    if t.feature_code.startswith("PCL"):
        return "country"
    if t.feature_code == "ADM1":
        return "admin1"
    return ""


def _types(a: LinkTarget, b: LinkTarget) -> tuple[bool, str, float]:
    if a.event_type == b.event_type:
        if a.sub_event_type == b.sub_event_type:
            return True, f"same type {a.event_type} / {a.sub_event_type}", 1.5
        return True, f"same type {a.event_type} ({a.sub_event_type} ~ {b.sub_event_type})", 1.0
    pair = frozenset({a.event_type, b.event_type})
    allowed = _CROSS_TYPE_SUBTYPES.get(pair)
    if pair in _COMPATIBLE_TYPES and (
        allowed is None or {a.sub_event_type, b.sub_event_type} <= allowed
    ):
        return True, f"compatible types {a.event_type} ~ {b.event_type}", 0.5
    return False, f"types differ ({a.event_type} vs {b.event_type})", 0.0


def _dates(a: LinkTarget, b: LinkTarget) -> tuple[bool, str, float]:
    wa, wb = (
        date_window(a.event_date, a.time_precision),
        date_window(b.event_date, b.time_precision),
    )
    for undated, dated in ((a, b), (b, a)):
        if undated.event_date is None and dated.event_date is not None:
            if (
                undated.weekday is not None
                and dated.time_precision == 1
                and dated.event_date.weekday() != undated.weekday
            ):
                return (
                    False,
                    f"weekday {_WEEKDAYS[undated.weekday]} does not match "
                    f"{dated.event_date.isoformat()}",
                    0.0,
                )
            hint = f" (both {_WEEKDAYS[undated.weekday]})" if undated.weekday is not None else ""
            return True, f"one report undated; the other is dated {dated.event_date}{hint}", 0.5
    if wa is None or wb is None:
        # Nothing places either report in time; being undated is no cue at all.
        return False, "both reports undated: nothing places them in time", 0.0
    if a.time_precision == 1 and b.time_precision == 1 and a.event_date != b.event_date:
        return False, f"different event dates ({a.event_date} vs {b.event_date})", 0.0
    if wa[0] > wb[1] or wb[0] > wa[1]:
        return False, f"dates differ ({a.event_date} vs {b.event_date})", 0.0
    if a.event_date == b.event_date:
        return True, f"dates overlap {a.event_date}", 1.0
    return True, f"dates overlap ({a.event_date} ~ {b.event_date})", 0.5


def _places(a: LinkTarget, b: LinkTarget, *, strict: bool) -> tuple[bool, str, float]:
    if METHOD_OUTLET in (a.location_method, b.location_method):
        return False, "no place named (a country guessed from the outlet)", 0.0
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True, f"same place {a.location} (geonameid {a.geonameid})", 3.0
    if strict:
        return False, "an undated report joins only the same named place", 0.0
    for wide, narrow in ((a, b), (b, a)):
        area = _is_area(wide)
        if strict or not area or wide.geo_precision < 3:
            continue
        if area == "country" and wide.country == narrow.country:
            return True, f"{narrow.location or 'place'} lies in {wide.location}", 1.0
        if area == "admin1" and narrow.admin1 and wide.admin1 == narrow.admin1:
            return True, f"{narrow.location or 'place'} lies in {wide.location}", 1.5
    for wide, narrow in ((a, b), (b, a)):
        if _is_area(wide) and wide.geo_precision >= 3 and not strict:
            # An area contains a place or not; its centroid says nothing about distance.
            return False, f"{narrow.location or 'place'} is not in {wide.location}", 0.0
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return False, "no coordinates to compare places", 0.0
    km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)  # type: ignore[arg-type]
    if a.geo_precision == 1 and b.geo_precision == 1 and a.geonameid != b.geonameid:
        return False, f"different precise places {a.location} and {b.location} ({km:.1f} km)", 0.0
    limit = PLACE_RADIUS_KM[1] if strict else 0.0
    if not strict:
        limit = PLACE_RADIUS_KM.get(a.geo_precision, 150.0) + PLACE_RADIUS_KM.get(
            b.geo_precision, 150.0
        )
    if km <= limit:
        return (
            True,
            f"places within {limit:.0f} km ({a.location} ~ {b.location}, {km:.1f} km)",
            (2.0 - km / max(limit, 1.0)),
        )
    return False, f"places too far apart ({a.location} ~ {b.location}, {km:.1f} km)", 0.0


def _actor_set(t: LinkTarget) -> set[str]:
    return {x for x in (t.actor1, t.actor2) if x}


def _actors(a: LinkTarget, b: LinkTarget) -> tuple[bool, str, float]:
    sa, sb = _actor_set(a), _actor_set(b)
    if not sa or not sb:
        return True, "actors not a constraint (one report names none)", 0.0
    shared = sorted(sa & sb)
    if shared:
        return True, f"actors compatible ({'; '.join(shared)})", 0.5 * len(shared)
    return False, f"actors differ ({'; '.join(sorted(sa))} vs {'; '.join(sorted(sb))})", 0.0


def _counts(a: LinkTarget, b: LinkTarget) -> str:
    parts = []
    for label, x, y in (("killed", a.fatalities, b.fatalities), ("injured", a.injured, b.injured)):
        if x is not None and y is not None:
            parts.append(f"{x} {label}" if x == y else f"{x} vs {y} {label}")
    if not parts:
        return "counts not compared"
    agree = all(" vs " not in p for p in parts)
    return ("counts agree: " if agree else "counts differ (not blocking): ") + ", ".join(parts)


def compare(new: LinkTarget, old: LinkTarget) -> tuple[bool, tuple[str, ...], float]:
    """Whether two incident views can be the same incident, the reasons, and a score.

    The reasons end at the first failed rule (which says why not).
    """
    reasons: list[str] = []
    score = 0.0
    if not new.country or new.country != old.country:
        return False, (f"countries differ ({new.country or '?'} vs {old.country or '?'})",), 0.0
    reasons.append(f"same country {new.country}")
    undated = new.event_date is None or old.event_date is None
    checks = (
        _dates(new, old),
        _types(new, old),
        _places(new, old, strict=undated),
        _actors(new, old),
    )
    for ok, reason, points in checks:
        reasons.append(reason)
        if not ok:
            return False, tuple(reasons), 0.0
        score += points
    if undated and new.sub_event_type != old.sub_event_type:
        reasons.append("an undated report must match the sub-event type exactly")
        return False, tuple(reasons), 0.0
    if undated:
        reasons.append(
            f"undated: joined on named cues, the same place {new.location or old.location}"
            f" and the same type {new.sub_event_type or new.event_type}"
        )
    reasons.append(_counts(new, old))
    return True, tuple(reasons), score


def link_candidate(candidate: IncidentCandidate, existing: Sequence[LinkTarget]) -> LinkDecision:
    """Pick the existing incident this candidate reports, or None (a new incident).

    ``existing`` holds the stored reports of the incidents worth comparing, every report of
    each (targets sharing an ``incident_id``). A new report joins an incident only when it is
    compatible with *every* report of it (its whole span of dates and places, so daily
    reports never chain into one incident); the incident whose weakest agreement scores
    highest wins, ties going to the smaller incident id (not to storage order). An undated
    report joins only when exactly one incident qualifies; two or more are ambiguous.

    Examples
    --------
    >>> from geomap.models import IncidentCandidate
    >>> c = IncidentCandidate("a1", "Protests", "Peaceful protest", None, 3, None, 3)
    >>> link_candidate(c, []).target_id is None
    True
    """
    new = target_from_candidate(candidate, incident_id="")
    members: dict[str, list[LinkTarget]] = {}
    for target in existing:
        members.setdefault(target.incident_id, []).append(target)
    fits: list[tuple[float, str, tuple[str, ...]]] = []
    rejected: list[tuple[str, str]] = []
    refused_reasons: tuple[str, ...] = ()
    for incident_id in sorted(members):
        weakest: tuple[float, tuple[str, ...]] | None = None
        for target in members[incident_id]:
            ok, reasons, score = compare(new, target)
            if not ok:
                n = len(members[incident_id])
                of_n = f" (one of its {n} reports)" if n > 1 else ""
                rejected.append((incident_id, reasons[-1] + of_n))
                if len(reasons) > len(refused_reasons):
                    refused_reasons = reasons
                weakest = None
                break
            if weakest is None or score < weakest[0]:
                weakest = (score, reasons)
        if weakest is not None:
            n = len(members[incident_id])
            span = (f"agrees with all {n} reports of the incident",) if n > 1 else ()
            fits.append((weakest[0], incident_id, (*weakest[1], *span)))
    if not fits:
        return LinkDecision(None, refused_reasons or ("no existing incident to compare",),
                            0.0, tuple(rejected))  # fmt: skip
    if new.event_date is None and len(fits) > 1:
        ids = ", ".join(f[1] for f in fits)
        why = f"undated report fits {len(fits)} incidents ({ids}): ambiguous, kept apart"
        return LinkDecision(None, (why,), 0.0, tuple(rejected))
    score, target_id, reasons = min(fits, key=lambda f: (-f[0], f[1]))
    return LinkDecision(target_id, reasons, round(score, 3), tuple(rejected))
