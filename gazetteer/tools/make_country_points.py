"""Regenerate ``gazetteer/country_points.csv`` from world-countries plus GeoNames-derived points.

GeoNames' countryInfo.txt has no coordinates, so the data come from two sources:

* English short and official names, alternative spellings, demonyms, and the fallback
  reference point (``latlng``) come from the ``world-countries`` npm package
  (https://github.com/mledoze/countries), licensed under ODbL 1.0.
* Reference points that match GeoNames' own country points (e.g. US 39.76,-98.5) come
  from ``gazetteer/tools/geonames_country_points.csv``: ISO2 codes and coordinates taken
  from Gerald Venzl's sample-data set (https://github.com/gvenzl/sample-data,
  ``countries-cities-currencies/install.sql``; data sources GeoNames and the National
  Geographic Atlas of the World), licensed under CC BY 4.0. Where a country appears
  there, its point replaces the world-countries ``latlng``.

Usage::

    npm pack world-countries@5.1.0 && tar xzf world-countries-5.1.0.tgz
    python gazetteer/tools/make_country_points.py package/countries.json \\
        gazetteer/tools/geonames_country_points.csv > gazetteer/country_points.csv

The second argument is optional; without it every point comes from world-countries.
"""

from __future__ import annotations

import csv
import json
import sys


def _latin(text: str) -> bool:
    return all(ord(ch) < 0x250 or ch in "‘’ʻ" for ch in text)


def _load_points(path: str) -> dict[str, tuple[str, str]]:
    """Read ``iso2,lat,lon`` rows (``#`` lines are comments) keyed by ISO2 code."""
    with open(path, encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        return {row["iso2"]: (row["lat"], row["lon"]) for row in csv.DictReader(lines)}


def main(path: str, points_path: str | None = None) -> None:
    with open(path, encoding="utf-8") as fh:
        countries = json.load(fh)
    points = _load_points(points_path) if points_path else {}
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["iso2", "lat", "lon", "name", "official", "aliases", "demonyms"])
    for c in sorted(countries, key=lambda c: c["cca2"]):
        lat, lon = points.get(c["cca2"], c["latlng"])
        aliases = [a for a in c.get("altSpellings", []) if _latin(a) and a != c["cca2"]]
        dem = c.get("demonyms", {}).get("eng", {})
        demonyms = sorted({d for d in (dem.get("m"), dem.get("f")) if d})
        out.writerow(
            [
                c["cca2"],
                lat,
                lon,
                c["name"]["common"],
                c["name"]["official"],
                "|".join(aliases),
                "|".join(demonyms),
            ]
        )


if __name__ == "__main__":
    main(*sys.argv[1:3])
