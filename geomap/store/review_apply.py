"""How the review's decisions shape the stored incidents; the hooks of the store's write path.

The ``incident`` row is recomputed from its reports on every change
(:func:`geomap.store.write.refresh_incident`); :func:`apply_review` then lays the analysts'
decisions over the merged values: the values an analyst edited or verified
(``review_override``), the status, who and when (``review_state``) and a fresh ``version``.
The derived values follow an edited value: a place set by hand is ``geo_precision`` 1 (3 for a
country or a first-level area), ``location_method`` manual, confidence 1, and the evidence
behind an edited field is the analyst's edit rather than the old sentence (so the map no longer
highlights the old name). :func:`pinned_incident` keeps a report an analyst merged or split
where the analyst put it when its article is ingested again, and :func:`join_reason` says what
a new report joining a reviewed incident leaves alone. Import from ``geomap.store.review``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from geomap.gazetteer.iso3 import iso3
from geomap.models import METHOD_MANUAL, Place

__all__ = [
    "FIELD_COLUMNS",
    "apply_review",
    "join_reason",
    "pinned_incident",
    "place_columns",
    "snapshot",
]

#: The fields an analyst edits (the log's ``field``) and the incident columns each one sets.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "event_type": ("event_type",),
    "sub_event_type": ("sub_event_type",),
    "event_date": ("event_date", "time_precision"),
    "location": (
        "location", "latitude", "longitude", "geonameid", "admin1", "country", "iso3",
        "geo_precision", "location_method", "confidence",
    ),
    "actor1": ("actor1",),
    "actor2": ("actor2",),
    "fatalities": ("fatalities",),
    "injured": ("injured",),
}  # fmt: skip
_AREA_CODES = ("PCL", "ADM1", "RGN", "CONT")


def place_columns(place: Place) -> dict[str, Any]:
    """The incident columns of a place an analyst chose (gazetteer entry or coordinates).

    Examples
    --------
    >>> cols = place_columns(Place(None, "al-Bab", 36.37, 37.52, country="Syria",
    ...                            country_code="SY"))
    >>> cols["geo_precision"], cols["location_method"], cols["iso3"]
    (1, 'manual', 'SYR')
    """
    area = place.feature_class == "A" and place.feature_code.startswith(_AREA_CODES)
    return {
        "location": place.name,
        "latitude": place.lat,
        "longitude": place.lon,
        "geonameid": place.geonameid,
        "admin1": place.admin1,
        "country": place.country,
        "iso3": iso3(place.country_code) if place.country_code else "",
        "geo_precision": 3 if area else 1,
        "location_method": METHOD_MANUAL,
        "confidence": 1.0,
    }


def snapshot(record: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per reviewable field, the incident columns it covers with their current values."""
    return {field: {c: record.get(c) for c in cols} for field, cols in FIELD_COLUMNS.items()}


def _state(conn: sqlite3.Connection, incident_id: str) -> tuple[Any, ...] | None:
    row = conn.execute(
        "SELECT status, reviewer, at, reason FROM review_state WHERE incident_id = ?",
        (incident_id,),
    ).fetchone()
    return tuple(row) if row is not None else None


def apply_review(conn: sqlite3.Connection, incident_id: str, merged: dict[str, Any]) -> None:
    """Lay the review over an incident's merged values (``merged``, changed in place).

    Called by ``refresh_incident`` inside its transaction, before the row is written; also
    sets the review columns and the next ``version``. ``merged`` holds JSON columns as
    Python lists.
    """
    row = conn.execute("SELECT version FROM incident WHERE id = ?", (incident_id,)).fetchone()
    merged["version"] = (int(row[0]) if row is not None and row[0] is not None else 0) + 1
    state = _state(conn, incident_id)
    status, reviewer, at, reason = state or ("unreviewed", "", None, "")
    merged.update(review_status=status, reviewed_by=reviewer, reviewed_at=at, review_reason=reason)
    replaced: dict[str, dict[str, Any]] = {}
    for field, value, kind in conn.execute(
        "SELECT field, value, kind FROM review_override WHERE incident_id = ? ORDER BY field",
        (incident_id,),
    ):
        columns = json.loads(value)
        merged.update({k: v for k, v in columns.items() if k in FIELD_COLUMNS.get(field, ())})
        if kind == "edit":
            replaced[field] = columns
    if merged.get("location_method") == METHOD_MANUAL and "location" not in replaced:
        replaced["location"] = {"location": merged.get("location")}  # a place correction
    if replaced:
        evidence = [e for e in merged.get("evidence") or () if e.get("field") not in replaced]
        for field, columns in replaced.items():
            value = columns.get(field)
            evidence.append(
                {
                    "field": field,
                    "value": "" if value is None else str(value),
                    "sentence": "",
                    "rule": "set by an analyst (review)",
                }
            )
        merged["evidence"] = evidence


def pinned_incident(conn: sqlite3.Connection, candidate_id: str) -> tuple[str, str] | None:
    """``(incident id, reason)`` when an analyst merged or split this report by hand."""
    row = conn.execute(
        "SELECT incident_id, reason FROM review_assignment WHERE candidate_id = ?",
        (candidate_id,),
    ).fetchone()
    return (str(row[0]), str(row[1])) if row is not None else None


def join_reason(conn: sqlite3.Connection, incident_id: str) -> str | None:
    """The link reason a new report joining a reviewed incident adds, or None."""
    state = _state(conn, incident_id)
    edited = conn.execute(
        "SELECT group_concat(field, ', ') FROM review_override"
        " WHERE incident_id = ? AND kind = 'edit'",
        (incident_id,),
    ).fetchone()[0]
    if state is not None and state[0] == "verified":
        return (
            f"joined an incident verified by {state[1]} on {str(state[2])[:10]}: "
            "the new report is added as a source, the verified values are kept"
        )
    if state is not None and state[0] == "rejected":
        return (
            f"joined an incident rejected by {state[1]} on {str(state[2])[:10]}: it stays rejected"
        )
    if edited:
        return f"joined an incident an analyst edited: the edited {edited} kept"
    return None
