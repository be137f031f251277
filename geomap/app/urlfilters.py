"""The app's filter as URL query parameters, so a view can be shared.

``?type=Battles&type=Riots&from=2017-01-01&q=al-Bab`` <-> :class:`geomap.models.IncidentFilter`.
Values from a URL are untrusted: unknown parameters are ignored, bad dates and numbers are
dropped, and the search text is capped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from geomap.models import REVIEW_STATUSES, IncidentFilter

__all__ = ["PARAM_NAMES", "filter_from_params", "filter_to_params"]

#: URL query parameter per IncidentFilter field; list fields repeat the parameter.
PARAM_NAMES: dict[str, str] = {
    "date_from": "from",
    "date_to": "to",
    "event_types": "type",
    "countries": "country",
    "actors": "actor",
    "sources": "source",
    "text": "q",
    "min_confidence": "conf",
    "bbox": "bbox",
    "review_statuses": "status",
}
_LIST_FIELDS = ("event_types", "countries", "actors", "sources", "review_statuses")
_MAX_TEXT = 200  # longest search text kept from a URL


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    raw = params.get(name)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    return [str(v).strip() for v in items if str(v).strip()]


def _first(params: Mapping[str, Any], name: str) -> str:
    values = _values(params, name)
    return values[-1] if values else ""


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _parse_bbox(value: str) -> tuple[float, float, float, float] | None:
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        return None
    if len(parts) != 4 or not all(abs(p) <= 180 for p in parts):
        return None
    min_lon, min_lat, max_lon, max_lat = parts
    if abs(min_lat) > 90 or abs(max_lat) > 90 or min_lat > max_lat:
        return None
    return (min_lon, min_lat, max_lon, max_lat)


#: URL parameter of the "include undated" switch: ``undated=0`` turns it off (on by default).
UNDATED = "undated"


def filter_from_params(params: Mapping[str, Any]) -> IncidentFilter:
    """The filter a URL describes; unknown or malformed parameters are ignored, not errors.

    ``params`` maps a parameter name to a string or a list of strings (repeated parameters),
    as ``st.query_params.to_dict()`` or a ``get_all`` per name give them.

    Examples
    --------
    >>> flt = filter_from_params({"type": ["Battles", "Riots"], "from": "2017-01-05",
    ...                           "conf": "0.5", "to": "not a date"})
    >>> flt.event_types, flt.date_from, flt.date_to, flt.min_confidence
    (('Battles', 'Riots'), datetime.date(2017, 1, 5), None, 0.5)
    """
    lists: dict[str, Any] = {
        f: tuple(dict.fromkeys(_values(params, PARAM_NAMES[f])))  # de-duplicated, in order
        for f in _LIST_FIELDS
    }
    lists["review_statuses"] = tuple(s for s in lists["review_statuses"] if s in REVIEW_STATUSES)
    try:
        conf = float(_first(params, PARAM_NAMES["min_confidence"]) or 0.0)
    except ValueError:
        conf = 0.0
    conf = min(max(conf, 0.0), 1.0) if conf == conf else 0.0
    date_from = _parse_date(_first(params, PARAM_NAMES["date_from"]))
    date_to = _parse_date(_first(params, PARAM_NAMES["date_to"]))
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    return IncidentFilter(
        date_from=date_from,
        date_to=date_to,
        text=_first(params, PARAM_NAMES["text"])[:_MAX_TEXT],
        min_confidence=conf,
        bbox=_parse_bbox(_first(params, PARAM_NAMES["bbox"])),
        include_undated=_first(params, UNDATED) != "0",  # on unless the link turns it off
        **lists,
    )


def filter_to_params(flt: IncidentFilter) -> dict[str, str | list[str]]:
    """The URL query parameters of a filter (empty fields are left out).

    ``filter_from_params(filter_to_params(f)) == f`` for every filter the app can make.

    Examples
    --------
    >>> filter_to_params(IncidentFilter(event_types=("Battles",), min_confidence=0.5,
    ...                                 include_undated=True))
    {'type': ['Battles'], 'conf': '0.5'}
    """
    out: dict[str, str | list[str]] = {}
    if flt.date_from is not None:
        out[PARAM_NAMES["date_from"]] = flt.date_from.isoformat()
    if flt.date_to is not None:
        out[PARAM_NAMES["date_to"]] = flt.date_to.isoformat()
    for name in _LIST_FIELDS:
        values = getattr(flt, name)
        if values:
            out[PARAM_NAMES[name]] = [str(v) for v in values]
    if flt.text.strip():
        out[PARAM_NAMES["text"]] = flt.text.strip()
    if flt.min_confidence > 0:
        out[PARAM_NAMES["min_confidence"]] = f"{flt.min_confidence:g}"
    if flt.bbox is not None:
        out[PARAM_NAMES["bbox"]] = ",".join(f"{v:g}" for v in flt.bbox)
    if not flt.include_undated:
        out[UNDATED] = "0"
    return out
