"""Make ``gazetteer/wof_places.tsv.gz`` from Who's On First and UN OCHA extracts.

Usage::

    python gazetteer/tools/make_wof_places.py \
        ../shared/gazetteer-src/wof/wof-conflict-places.tsv.gz \
        ../shared/gazetteer-src/ocha/aleppo_neighbourhoods.csv > gazetteer/wof_places.tsv.gz

Reads WOF's per-country places (columns in the extract's README) and the OCHA Aleppo
neighbourhoods, drops retired records (``superseded_by``) and country records (the bundle
has its own), gives each place a GeoNames-style feature class and code and a first-level
area code (``SY.09``): from the WOF parent chain where it reaches a region GeoNames knows,
else from the nearest cities500 place of the same country. The output is what
``geomap.gazetteer.build`` loads: one place a line, tab-separated, gzip with mtime 0 so a
rebuild is byte-identical.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import sys
from collections import defaultdict
from pathlib import Path

BUNDLE = Path(__file__).resolve().parents[1]
COLUMNS = (
    "id", "wof_id", "gn_id", "name", "lat", "lon", "fclass", "fcode", "cc", "admin1",
    "population", "names",
)  # fmt: skip
OCHA_ID_BASE = 2_100_000_000  # ids of OCHA neighbourhoods: base + the P-code's number
_PLACETYPE_CODE = {
    "region": ("A", "ADM1"),
    "county": ("A", "ADM2"),
    "localadmin": ("A", "ADM3"),
    "neighbourhood": ("P", "PPLX"),
    "campus": ("S", "AIRP"),
}


def _is_latin(name: str) -> bool:
    return any("a" <= ch.lower() <= "z" for ch in name)


def _admin1_by_geonameid() -> dict[int, str]:
    out = {}
    with open(BUNDLE / "admin1CodesASCII.txt", encoding="utf-8") as fh:
        for line in fh:
            code, _name, _ascii, gid = line.rstrip("\r\n").split("\t")
            out[int(gid)] = code
    return out


class _NearestTown:
    """The admin1 code of the nearest cities500 place of a country (1-degree grid)."""

    def __init__(self) -> None:
        self.cells: dict[tuple[str, int, int], list[tuple[float, float, str]]] = defaultdict(list)
        with gzip.open(BUNDLE / "places.tsv.gz", "rt", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                lat, lon = float(row["lat"]), float(row["lon"])
                key = (row["cc"], math.floor(lat), math.floor(lon))
                self.cells[key].append((lat, lon, row["admin1"]))

    def admin1(self, cc: str, lat: float, lon: float) -> str:
        best, best_d = "", math.inf
        for ring in range(0, 6):
            for dy in range(-ring, ring + 1):
                for dx in range(-ring, ring + 1):
                    if max(abs(dy), abs(dx)) != ring:
                        continue
                    for plat, plon, a1 in self.cells.get(
                        (cc, math.floor(lat) + dy, math.floor(lon) + dx), ()
                    ):
                        d = (plat - lat) ** 2 + ((plon - lon) * math.cos(math.radians(lat))) ** 2
                        if d < best_d:
                            best, best_d = a1, d
            if best:
                return best
        return ""


def main(wof_path: str, ocha_path: str) -> int:
    a1_of_gid = _admin1_by_geonameid()
    nearest = _NearestTown()
    rows: dict[int, dict[str, str]] = {}
    with gzip.open(wof_path, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["superseded_by"] or row["placetype"] == "country":
                continue
            rows[int(row["wof_id"])] = row

    def region_code(wof_id: int) -> str:
        seen = set()
        while wof_id in rows and wof_id not in seen:
            seen.add(wof_id)
            row = rows[wof_id]
            if row["placetype"] == "region":
                gid = int(row["gn_id"] or 0)
                code = a1_of_gid.get(gid, "")
                return code.split(".", 1)[1] if code.startswith(row["country"] + ".") else ""
            wof_id = int(row["parent_id"] or -1)
        return ""

    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:
        out = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
        out.write("\t".join(COLUMNS) + "\n")
        for wof_id, row in sorted(rows.items()):
            fclass, fcode = _PLACETYPE_CODE.get(row["placetype"], ("P", row["gn_fcode"] or "PPL"))
            lat, lon = float(row["lat"]), float(row["lon"])
            cc = row["country"]
            admin1 = region_code(wof_id) or nearest.admin1(cc, lat, lon)
            gn_id = int(row["gn_id"] or 0)
            name = row["name"]
            latin = [n for n in row["names_latin"].split("|") if n.strip()]
            if not _is_latin(name) and latin:
                name = latin[0].strip()  # shown to readers of English: Vuhledar, not Вугледар
            names = []
            for col in ("names_latin", "names_ar", "names_cyr"):
                names.extend(n.strip() for n in row[col].split("|") if n.strip())
            names = [n for n in dict.fromkeys([row["name"], *names]) if n != name and "\t" not in n]
            values = (
                str(gn_id or wof_id), str(wof_id), str(gn_id or ""), name,
                f"{lat:.5f}", f"{lon:.5f}", fclass, fcode, cc, admin1,
                row["population"] or "0", "|".join(names),
            )  # fmt: skip
            out.write("\t".join(values) + "\n")
        with open(ocha_path, encoding="utf-8", newline="") as fh:
            aleppo_a1 = nearest.admin1("SY", 36.2, 37.15)
            for row in csv.DictReader(fh):
                pid = OCHA_ID_BASE + int(row["pcode"].lstrip("N"))
                values = (
                    str(pid), "", "", row["name_en"], f"{float(row['lat']):.5f}",
                    f"{float(row['lon']):.5f}", "P", "PPLX", "SY", aleppo_a1, "0",
                    row["name_ar"],
                )  # fmt: skip
                out.write("\t".join(values) + "\n")
        out.flush()
        out.detach()
    sys.stdout.buffer.write(buf.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
