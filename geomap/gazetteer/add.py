"""Add places to the gazetteer index: a GeoNames dump, Who's On First records or a CSV.

Users download e.g. ``SY.txt`` from GeoNames for full Syrian coverage (villages,
neighbourhoods), or write a CSV of their own places and aliases. Each added file is copied
into the user's data folder and re-applied whenever the index is rebuilt.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import sqlite3
import time
from pathlib import Path

from geomap.config import user_data_dir
from geomap.errors import GazetteerError, InputError
from geomap.gazetteer.build import _insert_names, iter_geonames_rows
from geomap.gazetteer.wof import WofPlace, iter_wof_places, place_from_json, place_to_json

__all__ = ["add_custom_csv", "add_file", "add_geonames_dump", "add_wof", "additions_dir"]

CUSTOM_COLUMNS = ("name", "lat", "lon")
CUSTOM_OPTIONAL = ("aliases", "country", "admin1", "feature_code", "population", "geonameid")


def additions_dir() -> Path:
    """Where copies of added files are kept (user data, not cache: they are the user's)."""
    return user_data_dir() / "gazetteer-additions"


def _connect(index_path: Path) -> sqlite3.Connection:
    if not index_path.exists():
        raise GazetteerError(f"gazetteer index {index_path} does not exist; run a lookup first")
    return sqlite3.connect(index_path)


def add_geonames_dump(index_path: Path, dump: Path, *, record: bool = True) -> int:
    """Add every row of a GeoNames dump (19 columns, e.g. ``SY.txt``); returns rows added."""
    db = _connect(index_path)
    rows = 0
    try:
        with db:
            for c in iter_geonames_rows(dump):
                gid = int(c[0])
                db.execute(
                    "INSERT OR REPLACE INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'dump', NULL)",
                    (gid, c[1], float(c[4]), float(c[5]), c[6], c[7], c[8], c[10],
                     int(c[14] or 0)),
                )  # fmt: skip
                alternates = [a for a in c[3].split(",") if a]
                _insert_names(db, [(gid, c[1], c[2], alternates)])
                rows += 1
            _record(db, dump, "geonames", rows, record=record)
    except (ValueError, IndexError) as exc:
        raise GazetteerError(f"{dump}: row {rows + 1}: {exc}") from None
    finally:
        db.close()
    return rows


def _custom_id(name: str, lat: float, lon: float) -> int:
    """A stable negative id for a custom place without a GeoNames id."""
    digest = hashlib.sha1(f"{name}|{lat:.5f}|{lon:.5f}".encode()).digest()
    return -int.from_bytes(digest[:6], "big")


def add_custom_csv(index_path: Path, path: Path, *, record: bool = True) -> int:
    """Add a CSV of custom places: ``name,lat,lon`` plus optional ``aliases`` (``|``-separated),
    ``country`` (ISO2), ``admin1``, ``feature_code``, ``population``, ``geonameid``.

    An existing ``geonameid`` with only ``name``/``aliases`` adds aliases to that place.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = set(reader.fieldnames or ())
            if "name" not in header:
                raise InputError(str(path), "CSV needs a 'name' column (and lat, lon)")
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 ({exc.reason})") from None
    db = _connect(index_path)
    added = 0
    try:
        with db:
            for lineno, row in enumerate(rows, 2):
                added += _add_custom_row(db, row, f"{path}:{lineno}")
            _record(db, path, "csv", added, record=record)
    finally:
        db.close()
    return added


def _add_custom_row(db: sqlite3.Connection, row: dict[str, str], where: str) -> int:
    name = (row.get("name") or "").strip()
    aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
    gid_text = (row.get("geonameid") or "").strip()
    if not name:
        raise InputError(where, "empty name")
    if gid_text and not (row.get("lat") or "").strip():
        gid = int(gid_text)
        if db.execute("SELECT 1 FROM place WHERE id = ?", (gid,)).fetchone() is None:
            raise InputError(where, f"geonameid {gid} is not in the gazetteer")
        _insert_names(db, [(gid, name, name, aliases)])
        return 1
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (KeyError, TypeError, ValueError):
        raise InputError(where, "lat and lon must be numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(where, f"coordinates out of range: {lat}, {lon}")
    gid = int(gid_text) if gid_text else _custom_id(name, lat, lon)
    code = (row.get("feature_code") or "PPL").strip().upper()
    fclass = "A" if code.startswith(("ADM", "PCL")) else "L" if code == "AREA" else "P"
    db.execute(
        "INSERT OR REPLACE INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'custom', NULL)",
        (gid, name, lat, lon, fclass, code, (row.get("country") or "").strip().upper(),
         (row.get("admin1") or "").strip(), int(row.get("population") or 0)),
    )  # fmt: skip
    _insert_names(db, [(gid, name, name, aliases)])
    return 1


def _record(db: sqlite3.Connection, path: Path, kind: str, rows: int, *, record: bool) -> None:
    db.execute(
        "INSERT OR REPLACE INTO addition VALUES (?, ?, ?, ?)",
        (str(path), kind, rows, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
    )
    if record:
        folder = additions_dir()
        folder.mkdir(parents=True, exist_ok=True)
        # Prefix keeps the order of additions (later files override earlier ones on rebuild).
        stamp = time.strftime("%Y%m%d%H%M%S")
        shutil.copyfile(path, folder / f"{stamp}-{kind}-{path.name}")


def _nearest_admin1(db: sqlite3.Connection, cc: str, lat: float, lon: float) -> str:
    """The admin1 code of the nearest indexed place of the country (within 1 degree)."""
    row = db.execute(
        "SELECT admin1_code FROM place WHERE cc = ? AND admin1_code NOT IN ('', '00')"
        " AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"
        " ORDER BY (lat - ?) * (lat - ?) + (lon - ?) * (lon - ?) LIMIT 1",
        (cc, lat - 1, lat + 1, lon - 1, lon + 1, lat, lat, lon, lon),
    ).fetchone()
    return str(row[0]) if row else ""


def _add_wof_places(db: sqlite3.Connection, places: list[WofPlace]) -> int:
    rows = 0
    for p in places:
        pid = p.gn_id or p.wof_id
        known = db.execute("SELECT 1 FROM place WHERE id = ?", (pid,)).fetchone() is not None
        if known:
            db.execute("UPDATE place SET wof_id = ? WHERE id = ?", (p.wof_id, pid))
            _insert_names(db, [(pid, "", "", [p.name, *p.names])])
        else:
            admin1 = p.admin1_code or _nearest_admin1(db, p.country_code, p.lat, p.lon)
            db.execute(
                "INSERT OR REPLACE INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'wof', ?)",
                (pid, p.name, p.lat, p.lon, p.feature_class, p.feature_code, p.country_code,
                 admin1, p.population, p.wof_id),
            )  # fmt: skip
            _insert_names(db, [(pid, p.name, p.name, list(p.names))])
        rows += 1
    return rows


def add_wof(index_path: Path, path: Path, *, record: bool = True) -> int:
    """Add Who's On First records: a folder of ``.geojson`` files (a WOF repository
    checkout) or one record; returns the places added or enriched.

    A record of a place the index has (same GeoNames id) adds its names and WOF id. A
    compact copy of the places is kept with the user's additions, so they survive rebuilds
    without keeping the (large) checkout.
    """
    places = list(iter_wof_places(path))
    db = _connect(index_path)
    try:
        with db:
            rows = _add_wof_places(db, places)
            _record_places(db, path, places, record=record)
    finally:
        db.close()
    return rows


def _record_places(
    db: sqlite3.Connection, path: Path, places: list[WofPlace], *, record: bool
) -> None:
    """As :func:`_record`, but the copy kept is a compact JSONL of the places, not the
    (large) checkout itself."""
    _record(db, path, "wof", len(places), record=False)
    if record:
        folder = additions_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d%H%M%S")
        copy = folder / f"{stamp}-wof-{path.name}.jsonl"
        copy.write_text("".join(place_to_json(p) + "\n" for p in places), encoding="utf-8")


def _reapply_wof(index_path: Path, copy: Path) -> None:
    with open(copy, encoding="utf-8") as fh:
        places = [place_from_json(line) for line in fh if line.strip()]
    db = _connect(index_path)
    try:
        with db:
            _add_wof_places(db, places)
            _record_places(db, copy, places, record=False)
    finally:
        db.close()


def add_file(index_path: Path, path: Path) -> tuple[str, int]:
    """Add a GeoNames dump (``.txt``/``.txt.gz``), a ``.csv``, or Who's On First records (a
    folder of ``.geojson`` files or one); returns (kind, rows)."""
    if not path.exists():
        raise InputError(str(path), "file does not exist")
    if path.is_dir() or path.suffix.lower() == ".geojson":
        return "wof", add_wof(index_path, path)
    if path.suffix.lower() == ".csv":
        return "csv", add_custom_csv(index_path, path)
    return "geonames", add_geonames_dump(index_path, path)


def reapply_recorded_additions(index_path: Path) -> None:
    """Re-add every recorded addition, oldest first (used after the index is rebuilt)."""
    folder = additions_dir()
    if not folder.is_dir():
        return
    for copy in sorted(folder.iterdir()):
        kind = copy.name.split("-", 2)[1] if copy.name.count("-") >= 2 else ""
        if kind == "csv":
            add_custom_csv(index_path, copy, record=False)
        elif kind == "geonames":
            add_geonames_dump(index_path, copy, record=False)
        elif kind == "wof":
            _reapply_wof(index_path, copy)
