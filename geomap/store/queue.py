"""The review queue: incidents ordered by what most needs an analyst's look.

An incident's priority adds up what makes a wrong record likely or costly: a low location
confidence or no place at all, a region-level place, sources that disagree (on type, date,
place or the number killed), and many killed (a wrong toll is the costliest error). Each part
comes with a short reason, so the queue says why an incident is near the top.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from geomap.models import IncidentFilter
from geomap.store.query import iter_incidents

if TYPE_CHECKING:
    from geomap.store.sqlite import Store

__all__ = ["QueueItem", "priority", "review_queue"]


@dataclass(frozen=True)
class QueueItem:
    """An incident record with its review priority and the reasons behind it."""

    record: dict[str, Any]
    priority: float
    reasons: tuple[str, ...]


def priority(
    record: Mapping[str, Any], disagreement: Mapping[str, Any] | None = None
) -> tuple[float, tuple[str, ...]]:
    """``(priority, reasons)`` of one incident record; higher needs a look sooner.

    ``disagreement`` holds, over the incident's reports, the number of distinct
    ``types``, ``dates`` and ``places`` and the lowest and highest killed (``killed_lo``,
    ``killed_hi``).

    Examples
    --------
    >>> priority({"confidence": 0.3, "latitude": 1.0, "geo_precision": 1, "fatalities": 0})
    (0.7, ('location confidence 0.30',))
    >>> priority({"confidence": 0.9, "latitude": 1.0, "geo_precision": 1, "fatalities": 7},
    ...          {"types": 2, "dates": 1, "places": 1, "killed_lo": 3, "killed_hi": 7})
    (2.5, ('sources disagree on the type', 'sources disagree on killed (3 vs 7)', '7 killed'))
    """
    score = 0.0
    why: list[str] = []
    if record.get("latitude") is None:
        score += 2.0
        why.append("no place")
    else:
        confidence = float(record.get("confidence") or 0.0)
        if confidence < 0.6:
            score += 1.0 - confidence
            why.append(f"location confidence {confidence:.2f}")
        if record.get("geo_precision") == 3:
            score += 0.5
            why.append("region-level place")
    d = disagreement or {}
    for key, label in (("types", "type"), ("dates", "date"), ("places", "place")):
        if int(d.get(key) or 0) > 1:
            score += 1.0
            why.append(f"sources disagree on the {label}")
    lo, hi = d.get("killed_lo"), d.get("killed_hi")
    if lo is not None and hi is not None and lo != hi:
        score += 0.5
        why.append(f"sources disagree on killed ({lo} vs {hi})")
    killed = record.get("fatalities")
    if isinstance(killed, int) and killed > 0:
        score += round(math.log2(1 + killed) / 3, 2)
        why.append(f"{killed} killed")
    return round(score, 2), tuple(why)


def _disagreements(store: Store) -> dict[str, dict[str, Any]]:
    cur = store.conn.execute(
        "SELECT incident_id, count(DISTINCT nullif(event_type, '')), count(DISTINCT event_date),"
        " count(DISTINCT coalesce(geonameid, nullif(location, ''))), min(fatalities),"
        " max(fatalities) FROM candidate GROUP BY incident_id HAVING count(*) > 1"
    )
    return {
        str(r[0]): {"types": r[1], "dates": r[2], "places": r[3], "killed_lo": r[4],
                    "killed_hi": r[5]}
        for r in cur
    }  # fmt: skip


def review_queue(
    store: Store,
    flt: IncidentFilter | None = None,
    *,
    statuses: tuple[str, ...] = ("unreviewed",),
    limit: int | None = None,
) -> list[QueueItem]:
    """Incidents with one of ``statuses`` (all when empty) matching ``flt``, highest priority
    first (then newest, then by id)."""
    base = replace(flt or IncidentFilter(), review_statuses=statuses, include_rejected=not statuses)
    disagree = _disagreements(store)
    items = []
    for record in iter_incidents(store, base, order_by="-event_date"):
        score, why = priority(record, disagree.get(record["incident_id"]))
        items.append(QueueItem(record, score, why))
    items.sort(key=lambda item: -item.priority)  # stable: newest first among equals
    return items[:limit] if limit is not None else items
