"""Regenerate ``gazetteer/country_points.csv`` from the ``world-countries`` npm package.

GeoNames' countryInfo.txt has no coordinates, so each country's reference point, English
short and official names, alternative spellings and demonyms come from world-countries
(https://github.com/mledoze/countries, ODbL 1.0). Usage::

    npm pack world-countries@5.1.0 && tar xzf world-countries-5.1.0.tgz
    python gazetteer/tools/make_country_points.py package/countries.json > gazetteer/country_points.csv
"""

from __future__ import annotations

import csv
import json
import sys


def _latin(text: str) -> bool:
    return all(ord(ch) < 0x250 or ch in "‘’ʻ" for ch in text)


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        countries = json.load(fh)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["iso2", "lat", "lon", "name", "official", "aliases", "demonyms"])
    for c in sorted(countries, key=lambda c: c["cca2"]):
        lat, lon = c["latlng"]
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
    main(sys.argv[1])
