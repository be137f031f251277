"""GeoJSON (RFC 7946) and CSV exports of incident records, streamed record by record.

Both writers take any iterable of flat incident records (dicts with the keys of
:data:`geomap.models.INCIDENT_FIELDS`, as ``store.iter_incidents`` yields them) and a text stream,
write as they go (never holding all records), and return how many rows/features they wrote.
Exports are raw text: no HTML escaping (that belongs to the map only).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any, Literal, TextIO

from geomap.errors import InputError
from geomap.models import INCIDENT_FIELDS

__all__ = [
    "CSV_COLUMNS",
    "coerce_record",
    "has_coordinates",
    "write_csv",
    "write_geojson",
]

_FIELDS: tuple[tuple[str, str], ...] = tuple(INCIDENT_FIELDS.items())
_BATCH = 256  # features joined per write()
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _as_float(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _as_int(value: Any) -> int | None:
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    return int(value)


def _as_date(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value)
    # "2016-11-24T00:00:00" -> "2016-11-24": GDAL only reads YYYY-MM-DD as a date
    return text[:10] if len(text) > 10 and text[10] in "T " else text


def _as_json(value: Any) -> Any:
    if isinstance(value, list | dict):
        return value
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, str):
        return json.loads(value) if value.strip() else []
    raise TypeError(f"expected a list, got {type(value).__name__}")


_COERCE: dict[str, Callable[[Any], Any]] = {
    "float": _as_float,
    "int": _as_int,
    "date": _as_date,
    "str": str,
    "json": _as_json,
}
_EXACT: dict[str, type] = {"float": float, "int": int, "date": str, "str": str, "json": list}
_PLAN: tuple[tuple[str, str, Any], ...] = tuple(  # Any: no narrowing of values to object
    (name, kind, _EXACT[kind]) for name, kind in _FIELDS
)


def coerce_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record with every INCIDENT_FIELDS value of its declared type (or ``None``).

    Floats stay floats (NaN and infinities become ``None``), ints ints, dates ``YYYY-MM-DD``
    strings, json fields lists (``None`` becomes ``[]``). Keys outside INCIDENT_FIELDS are
    dropped, missing keys become ``None``. Raises :class:`~geomap.errors.InputError` naming
    the incident and field when a value cannot be converted.

    Examples
    --------
    >>> r = coerce_record({"incident_id": "i1", "fatalities": 3.0, "latitude": "36.5"})
    >>> r["fatalities"], r["latitude"], r["sources"]
    (3, 36.5, [])
    """
    out: dict[str, Any] = {}
    get = record.get
    for name, kind, exact in _PLAN:
        value: Any = get(name)
        if value is None:
            out[name] = [] if kind == "json" else None
            continue
        if type(value) is exact:
            if exact is float:
                if not math.isfinite(value):
                    value = None
            elif kind == "date" and len(value) > 10:
                value = _as_date(value)
        else:
            try:
                value = _COERCE[kind](value)
            except (TypeError, ValueError) as exc:
                incident = record.get("incident_id", "?")
                raise InputError(f"incident {incident}", f"field {name}: {exc}") from None
        out[name] = value
    return out


def has_coordinates(record: dict[str, Any]) -> bool:
    """True when latitude and longitude are finite numbers within WGS84 ranges."""
    lat, lon = record.get("latitude"), record.get("longitude")
    if lat is None or lon is None:
        return False
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return False
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def _point(lon: Any, lat: Any) -> str:
    return '{"type":"Point","coordinates":[' + repr(float(lon)) + "," + repr(float(lat)) + "]}"


def _mention_features(mentions: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Mentions as Point features with ``layer: "mention"``; unlocated ones are skipped.

    Properties are the mention record's keys as they are (``store.iter_mentions`` gives
    ``article_id, start, end, surface, kind, cue, geonameid, name, latitude, longitude,
    feature_code, country_code, admin1, country, score, method, reasons, title, url,
    published``); the Feature id is ``mention-<article_id>-<start>``.
    """
    for n, mention in enumerate(mentions, 1):
        lat = mention.get("latitude", mention.get("lat"))
        lon = mention.get("longitude", mention.get("lon"))
        if not has_coordinates({"latitude": lat, "longitude": lon}):
            continue
        props: dict[str, Any] = {"layer": "mention"}
        for key, value in mention.items():
            if key in ("lat", "lon"):
                continue
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            elif isinstance(value, date):
                value = value.isoformat()[:10]
            elif isinstance(value, tuple):
                value = list(value)
            props[key] = value
        if mention.get("article_id") is not None and mention.get("start") is not None:
            fid = f"mention-{mention['article_id']}-{mention['start']}"  # unique per article
        else:
            fid = f"mention-{n}"
        yield (
            '{"type":"Feature","id":'
            + _encode(fid)
            + ',"geometry":'
            + _point(lon, lat)
            + ',"properties":'
            + _encode(props)
            + "}"
        )


def write_geojson(
    records: Iterable[dict[str, Any]],
    out: TextIO,
    *,
    mentions: Iterable[dict[str, Any]] | None = None,
    unlocated: Literal["skip", "null"] = "skip",
    counts: dict[str, int] | None = None,
) -> int:
    """Stream incidents as an RFC 7946 FeatureCollection; return the number of features written.

    One Point feature per incident, ``[lon, lat]`` in WGS84, no ``crs`` member, Feature ``id`` =
    ``incident_id``, properties named and typed as INCIDENT_FIELDS (see :func:`coerce_record`):
    dates as ``YYYY-MM-DD`` strings, ints as ints and floats as floats in every feature, nulls as
    ``null``; ``sources``, ``evidence`` and ``link_reasons`` each one JSON array property.
    GDAL reads arrays of objects as a String field with the JSON subtype; ``link_reasons`` is
    read as a StringList when every feature has at least one reason and as a JSON string
    otherwise. Values are raw text (no HTML escaping).

    Incidents without valid coordinates are skipped by default (``unlocated="skip"``; QGIS and
    GDAL then see a pure Point layer); ``unlocated="null"`` writes them with ``"geometry": null``,
    which GDAL also reads without warnings. With ``mentions``, place mentions are appended to the
    same collection as Point features whose ``layer`` property is ``"mention"`` (incidents then
    get ``layer: "incident"``); filter on ``layer`` in QGIS, or read with
    ``where="layer = 'incident'"`` in pyogrio; ``mentions`` is read only after ``records`` is
    exhausted. pyogrio/pandas show an Integer column with nulls as float64 with NaN (GDAL
    itself keeps it Integer). ``counts``, if given, is filled with
    ``incidents``, ``mentions`` and ``skipped`` (incidents without coordinates).

    The output is UTF-8 text (non-ASCII characters are written as such); open files with
    ``encoding="utf-8"``.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> write_geojson([{"incident_id": "i1", "latitude": 36.5, "longitude": 37.1}], buf)
    1
    >>> json.loads(buf.getvalue())["features"][0]["geometry"]
    {'type': 'Point', 'coordinates': [37.1, 36.5]}
    """
    if unlocated not in ("skip", "null"):
        raise ValueError(f"unlocated must be 'skip' or 'null', not {unlocated!r}")
    layer = ',"layer":"incident"' if mentions is not None else ""
    written = skipped = 0
    buffer: list[str] = ['{"type":"FeatureCollection","features":[']
    sep = "\n"
    for record in records:
        props = coerce_record(record)
        if has_coordinates(props):
            geometry = _point(props["longitude"], props["latitude"])
        elif unlocated == "skip":
            skipped += 1
            continue
        else:
            geometry = "null"
        encoded = _encode(props)
        buffer.append(
            sep
            + '{"type":"Feature","id":'
            + _encode(props["incident_id"])
            + ',"geometry":'
            + geometry
            + ',"properties":{'
            + encoded[1:-1]
            + layer
            + "}}"
        )
        sep = ",\n"
        written += 1
        if len(buffer) >= _BATCH:  # fewer, larger writes: ~15% faster than one per feature
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    n_mentions = 0
    if mentions is not None:
        for feature in _mention_features(mentions):
            out.write(sep + feature)
            sep = ",\n"
            n_mentions += 1
    out.write("\n]}\n")
    if counts is not None:
        counts.update(incidents=written, mentions=n_mentions, skipped=skipped)
    return written + n_mentions


#: CSV columns in order: ``(csv column, incident field)``. ACLED's export names and order where
#: ACLED has the column (``event_id_cnty`` <- ``incident_id``; ``year`` is derived from
#: ``event_date``), then geomap's own. ACLED's numeric ``iso`` and ``disorder_type`` are not
#: guessed: ``iso3`` (alpha-3) takes ``iso``'s place, and ``disorder_type`` is left out.
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id_cnty", "incident_id"),
    ("event_date", "event_date"),
    ("year", "year"),
    ("time_precision", "time_precision"),
    ("event_type", "event_type"),
    ("sub_event_type", "sub_event_type"),
    ("actor1", "actor1"),
    ("actor2", "actor2"),
    ("iso3", "iso3"),
    ("country", "country"),
    ("admin1", "admin1"),
    ("location", "location"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("geo_precision", "geo_precision"),
    ("source", "source"),
    ("notes", "notes"),
    ("fatalities", "fatalities"),
    ("injured", "injured"),
    ("fatalities_low", "fatalities_low"),
    ("fatalities_high", "fatalities_high"),
    ("source_count", "source_count"),
    ("geonameid", "geonameid"),
    ("location_method", "location_method"),
    ("confidence", "confidence"),
    ("sources", "sources"),
    ("evidence", "evidence"),
    ("link_reasons", "link_reasons"),
    ("review_status", "review_status"),
    ("reviewed_by", "reviewed_by"),
    ("reviewed_at", "reviewed_at"),
    ("review_reason", "review_reason"),
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A cell part after ``;`` or tab (where spreadsheets in German, French, Spanish, Italian or
#: Dutch settings, or a tab-separated import, split cells) that would start a formula, with
#: any spaces or quotes before it: it gets an apostrophe too.
_FORMULA_PART = re.compile(r"([;\t][\s\"']*)(?=[=+\-@\r])")


def _guard(value: str) -> str:
    """A text cell that no spreadsheet runs, whichever of ``,`` ``;`` or tab it splits on.

    >>> _guard("=1+1"), _guard("Wire;=1+1;"), _guard("a;  -2")
    ("'=1+1", "Wire;'=1+1;", "a;  '-2")
    """
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return _FORMULA_PART.sub(r"\1'", value)


def write_csv(records: Iterable[dict[str, Any]], out: TextIO, *, formula_guard: bool = True) -> int:
    """Stream incidents as CSV (one header row); return the number of rows written.

    Columns: :data:`CSV_COLUMNS` (ACLED names and order first, then geomap's). Numbers are
    written as numbers, nulls as empty cells, ``sources``/``evidence``/``link_reasons`` as one
    JSON array each. Quoting follows the csv module (fields with commas, quotes or newlines are
    quoted; quotes doubled). Open files with ``newline=""`` and ``encoding="utf-8"``.

    With ``formula_guard`` (default), text cells starting with ``=``, ``+``, ``-``, ``@``, tab
    or carriage return get a leading apostrophe so spreadsheets show them instead of running
    them as formulas, and so does any part of a text or JSON cell after a ``;`` or tab that
    would start one (spreadsheets that split on ``;`` or tabs see those parts as cells);
    numeric columns (a longitude of -3.7) are never changed.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> write_csv([{"incident_id": "i1", "notes": "=HYPERLINK(1)", "longitude": -3.7}], buf)
    1
    >>> row = list(csv.DictReader(io.StringIO(buf.getvalue())))[0]
    >>> row["notes"], row["longitude"]
    ("'=HYPERLINK(1)", '-3.7')
    """
    writer = csv.writer(out)
    writer.writerow([name for name, _ in CSV_COLUMNS])
    text_fields = {f for f, kind in INCIDENT_FIELDS.items() if kind in ("str", "date")}
    plan = [(field, field in text_fields, INCIDENT_FIELDS.get(field)) for _, field in CSV_COLUMNS]
    written = 0
    for record in records:
        rec = coerce_record(record)
        event_date = rec["event_date"]
        row: list[Any] = []
        for field, is_text, kind in plan:
            if field == "year":
                value: Any = (
                    int(event_date[:4]) if event_date and event_date[:4].isdigit() else None
                )
            else:
                value = rec[field]
            if value is None:
                row.append("")
            elif kind == "json":
                encoded = _encode(value)  # JSON text holds article text too
                row.append(_guard(encoded) if formula_guard else encoded)
            elif is_text and formula_guard:
                row.append(_guard(value))
            else:
                row.append(value)
        writer.writerow(row)
        written += 1
    return written
