"""Who's On First records as WOF publishes them: one GeoJSON Feature per ``.geojson`` file.

A per-country WOF repository (``whosonfirst-data-admin-sy``) keeps its records under
``data/``; :func:`iter_wof_places` walks such a folder (or reads one file) and yields the
places worth offering: retired records (``wof:superseded_by``), deprecated ones
(``edtf:deprecated``) and countries or continents are skipped. Each place keeps its WOF id
and, where WOF records one, its GeoNames id (``wof:concordances`` ``gn:id``), so it merges
with the bundled GeoNames places.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from geomap.errors import InputError

__all__ = [
    "PLACETYPE_CODES",
    "WofPlace",
    "iter_wof_places",
    "place_from_feature",
    "place_from_json",
    "place_to_json",
]

#: WOF placetype -> GeoNames feature class and code (localities keep WOF's GeoNames code).
PLACETYPE_CODES: dict[str, tuple[str, str]] = {
    "region": ("A", "ADM1"),
    "county": ("A", "ADM2"),
    "localadmin": ("A", "ADM3"),
    "neighbourhood": ("P", "PPLX"),
    "microhood": ("P", "PPLX"),
    "macrohood": ("P", "PPLX"),
    "campus": ("S", "AIRP"),
    "locality": ("P", "PPL"),
}
_SKIPPED_TYPES = frozenset({"country", "continent", "empire", "planet", "ocean", "marinearea"})
MAX_RECORD_BYTES = 50_000_000  # one WOF record with a detailed polygon can be large


@dataclass(frozen=True)
class WofPlace:
    """One place from a WOF record, ready for the gazetteer index."""

    wof_id: int
    gn_id: int
    name: str
    names: tuple[str, ...]
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country_code: str
    admin1_code: str
    population: int


def _number(props: dict[str, Any], *keys: str) -> float | None:
    for key in keys:
        value = props.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def _admin1(props: dict[str, Any]) -> str:
    """GeoNames' admin1 code as WOF copies it ("9.0" -> "09"), else ""."""
    raw = props.get("gn:admin1_code")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return f"{int(raw):02d}"
    if isinstance(raw, str) and raw.strip():
        text = raw.strip()
        try:
            return f"{int(float(text)):02d}"
        except ValueError:
            return text
    return ""


def _names(props: dict[str, Any], primary: str) -> tuple[str, ...]:
    found: list[str] = []
    for key, value in props.items():
        if not key.startswith("name:"):
            continue
        for name in value if isinstance(value, list) else [value]:
            if isinstance(name, str) and name.strip() and name.strip() != primary:
                found.append(name.strip())
    return tuple(dict.fromkeys(found))


def _has_latin(name: str) -> bool:
    return any("a" <= ch.lower() <= "z" for ch in name)


def place_from_feature(feature: Any, where: str) -> WofPlace | None:
    """The place in one WOF GeoJSON Feature, or None for a retired or non-place record.

    Raises :class:`~geomap.errors.InputError` naming ``where`` when it is not a WOF record.
    """
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        raise InputError(where, "not a Who's On First record (a GeoJSON Feature)")
    props: dict[str, Any] = feature["properties"]
    wof_id = props.get("wof:id")
    name = props.get("wof:name")
    if not isinstance(wof_id, int) or not isinstance(name, str) or not name.strip():
        raise InputError(where, "a WOF record needs wof:id and wof:name")
    placetype = str(props.get("wof:placetype") or "")
    deprecated = str(props.get("edtf:deprecated") or "").strip()
    if props.get("wof:superseded_by") or (deprecated and deprecated != "uuuu"):
        return None
    if placetype in _SKIPPED_TYPES:
        return None
    lat = _number(props, "lbl:latitude", "geom:latitude")
    lon = _number(props, "lbl:longitude", "geom:longitude")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(where, "a WOF record needs a point (geom:latitude/longitude)")
    concordances = props.get("wof:concordances")
    gn_id = concordances.get("gn:id") if isinstance(concordances, dict) else None
    if not isinstance(gn_id, int):
        gn_id = props.get("gn:geonameid") if isinstance(props.get("gn:geonameid"), int) else 0
    fclass, fcode = PLACETYPE_CODES.get(placetype, ("P", "PPL"))
    gn_code = props.get("gn:feature_code")
    if placetype == "locality" and isinstance(gn_code, str) and gn_code.startswith("PPL"):
        fcode = gn_code
    population = _number(props, "wof:population", "gn:population", "mz:population") or 0
    primary = name.strip()
    names = _names(props, primary)
    english = props.get("name:eng_x_preferred")
    latin = [n for n in (english if isinstance(english, list) else []) if isinstance(n, str)]
    latin += [n for n in names if _has_latin(n)]
    if not _has_latin(primary) and latin:
        names = (primary, *(n for n in names if n != latin[0]))
        primary = latin[0]  # shown to readers of English: Vuhledar, not Вугледар
    return WofPlace(
        wof_id=wof_id,
        gn_id=int(gn_id or 0),
        name=primary,
        names=names,
        lat=lat,
        lon=lon,
        feature_class=fclass,
        feature_code=fcode,
        country_code=str(props.get("wof:country") or "").upper()[:2],
        admin1_code=_admin1(props),
        population=int(population),
    )


def iter_wof_places(path: Path) -> Iterator[WofPlace]:
    """Places of a WOF folder (every ``*.geojson`` below it, in name order) or one file.

    Example
    -------
    >>> places = list(iter_wof_places(Path("whosonfirst-data-admin-sy/data")))  # doctest: +SKIP
    """
    files = sorted(path.rglob("*.geojson")) if path.is_dir() else [path]
    if not files:
        raise InputError(str(path), "no .geojson records found (a Who's On First folder?)")
    for file in files:
        if file.stat().st_size > MAX_RECORD_BYTES:
            raise InputError(str(file), f"larger than {MAX_RECORD_BYTES:,} bytes")
        try:
            feature = json.loads(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise InputError(str(file), f"not a JSON record ({exc.__class__.__name__})") from None
        place = place_from_feature(feature, str(file))
        if place is not None:
            yield place


def place_to_json(place: WofPlace) -> str:
    """One line of the compact copy kept with the user's additions."""
    return json.dumps(asdict(place), ensure_ascii=False)


def place_from_json(line: str) -> WofPlace:
    """The inverse of :func:`place_to_json`."""
    data = json.loads(line)
    data["names"] = tuple(data["names"])
    return WofPlace(**data)
