"""Build the gazetteer: GeoNames dumps -> the bundled files in ``gazetteer/`` -> a SQLite index.

Two steps, so the repository carries compact data and every machine builds its own index:

1. :func:`build_bundle` filters GeoNames ``cities500`` (Latin-script names only, unused
   columns dropped) into ``gazetteer/places.tsv.gz`` and copies the admin1 and country tables.
2. :func:`build_index` turns the bundle (plus any user additions) into one SQLite file with a
   ``place`` table and a ``name`` table keyed by :func:`geomap.gazetteer.names.match_key`.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import shutil
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from geomap.errors import GazetteerError
from geomap.gazetteer.names import loose_key, match_keys

__all__ = ["BUNDLE_FILES", "INDEX_VERSION", "build_bundle", "build_index", "bundle_signature"]

INDEX_VERSION = 7
BUNDLE_FILES = (
    "places.tsv.gz",
    "admin1CodesASCII.txt",
    "admin2Codes.txt.gz",
    "countryInfo.txt",
    "country_points.csv",
)
ALIASES_FILE = "aliases.csv"
REGIONS_FILE = "regions.csv"
ADMIN_POINTS_FILE = "admin_points.csv"  # real points for admin areas (tools/make_admin_points.py)
# Villages, neighbourhoods and camps of 17 conflict countries (tools/make_wof_places.py).
WOF_FILE = "wof_places.tsv.gz"

# Name kinds in the index, best first: the official name beats an alternate spelling.
KIND_NAME, KIND_ALTERNATE, KIND_BARE_NAME, KIND_BARE_ALTERNATE = 0, 1, 2, 3

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE place (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    fclass TEXT NOT NULL, fcode TEXT NOT NULL, cc TEXT NOT NULL, admin1_code TEXT NOT NULL,
    population INTEGER NOT NULL, origin TEXT NOT NULL, wof_id INTEGER
);
CREATE TABLE name (key TEXT NOT NULL, id INTEGER NOT NULL, kind INTEGER NOT NULL,
                   PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE TABLE loose (key TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE TEMP TABLE name_stage (key TEXT NOT NULL, id INTEGER NOT NULL, kind INTEGER NOT NULL);
CREATE TABLE country (cc TEXT PRIMARY KEY, iso3 TEXT, name TEXT, id INTEGER);
CREATE TABLE admin1 (code TEXT PRIMARY KEY, name TEXT, id INTEGER);
CREATE TABLE demonym (key TEXT PRIMARY KEY, cc TEXT NOT NULL);
CREATE TABLE addition (path TEXT PRIMARY KEY, kind TEXT NOT NULL, rows INTEGER NOT NULL,
                       added TEXT NOT NULL);
"""

_PLACE_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "lat", "lon", "fclass", "fcode",
    "cc", "admin1", "admin2", "population",
)  # fmt: skip


def _latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or ch in "‘’ʻʿʾ" or 0x1E00 <= ord(ch) < 0x1F00 for ch in name)


def _useful_alternate(name: str) -> bool:
    """Latin-script names that are not codes (airport/ISO codes like ALP would match acronyms)."""
    stripped = name.strip()
    if len(stripped) < 2 or not _latin(stripped):
        return False
    return not (stripped.isupper() and len(stripped) <= 4) and not stripped.isdigit()


def iter_geonames_rows(path: Path) -> Iterator[list[str]]:
    """The 19-column rows of a GeoNames dump (``cities500.txt[.gz]``, ``SY.txt``...)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                cols = line.rstrip("\n").split("\t")
                if len(cols) != 19:
                    raise GazetteerError(
                        f"{path}:{lineno}: expected 19 tab-separated GeoNames columns, "
                        f"got {len(cols)}"
                    )
                yield cols
    except UnicodeDecodeError as exc:
        raise GazetteerError(f"{path}: not UTF-8 ({exc.reason})") from None


def build_bundle(source_dir: Path, out_dir: Path) -> dict[str, int]:
    """Filter raw GeoNames dumps in ``source_dir`` into the compact bundle in ``out_dir``.

    Returns row counts. ``country_points.csv`` (not a GeoNames file) must already be in
    ``out_dir``; see ``gazetteer/README.md``.
    """
    cities = next(
        (p for p in (source_dir / "cities500.txt.gz", source_dir / "cities500.txt") if p.exists()),
        None,
    )
    if cities is None:
        raise GazetteerError(f"{source_dir}: no cities500.txt(.gz) found")
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = 0
    buf = io.BytesIO()
    # mtime=0 makes the gzip byte-identical across rebuilds, so git sees no spurious change.
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:
        text = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
        text.write("\t".join(_PLACE_COLUMNS) + "\n")
        for c in iter_geonames_rows(cities):
            alternates = sorted({a for a in c[3].split(",") if _useful_alternate(a)} - {c[1]})
            text.write(
                "\t".join(
                    (
                        c[0],
                        c[1],
                        c[2],
                        ",".join(alternates),
                        c[4],
                        c[5],
                        c[6],
                        c[7],
                        c[8],
                        c[10],
                        c[11],
                        c[14] or "0",
                    )
                )
                + "\n"
            )
            rows += 1
        text.flush()
        text.detach()
    (out_dir / "places.tsv.gz").write_bytes(buf.getvalue())
    for name in ("admin1CodesASCII.txt", "countryInfo.txt", "admin2Codes.txt"):
        if not (source_dir / name).exists():
            raise GazetteerError(f"{source_dir}: {name} is missing")
        if name == "admin2Codes.txt":
            data = gzip.compress((source_dir / name).read_bytes(), compresslevel=9, mtime=0)
            (out_dir / (name + ".gz")).write_bytes(data)
        else:
            shutil.copyfile(source_dir / name, out_dir / name)
    return {"places": rows}


def bundle_signature(bundle_dir: Path) -> str:
    """A hash of the bundle files' sizes and names (cheap; changes when the bundle changes)."""
    h = hashlib.sha256(f"v{INDEX_VERSION}".encode())
    for name in (*BUNDLE_FILES, ALIASES_FILE, REGIONS_FILE, ADMIN_POINTS_FILE, WOF_FILE):
        p = bundle_dir / name
        h.update(f"{name}:{p.stat().st_size if p.exists() else -1};".encode())
    return h.hexdigest()[:16]


def _read_countries(bundle_dir: Path) -> Iterator[list[str]]:
    with open(bundle_dir / "countryInfo.txt", encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if line and not line.startswith("#"):
                yield line.split("\t")


def _insert_names(
    db: sqlite3.Connection,
    rows: Iterable[tuple[int, str, str, Iterable[str]]],
    *,
    table: str = "name",
) -> None:
    """Index (id, name, asciiname, alternates) under every key, with and without article.

    A build writes to the unconstrained ``name_stage`` table and sorts it into ``name`` once
    at the end (much faster than keeping the key index up to date row by row); additions
    upsert into ``name`` directly.
    """

    def gen() -> Iterator[tuple[str, int, int]]:
        for pid, name, ascii_name, alternates in rows:
            for official, names in ((True, (name, ascii_name)), (False, alternates)):
                for n in names:
                    keys = match_keys(n)
                    for i, key in enumerate(keys):
                        kind = (KIND_NAME if official else KIND_ALTERNATE) + (2 if i else 0)
                        yield key, pid, kind

    if table == "name_stage":
        db.executemany("INSERT INTO name_stage (key, id, kind) VALUES (?, ?, ?)", gen())
        return
    db.executemany(
        "INSERT INTO name (key, id, kind) VALUES (?, ?, ?) "
        "ON CONFLICT (key, id) DO UPDATE SET kind = min(kind, excluded.kind)",
        gen(),
    )


def _load_places(
    db: sqlite3.Connection, bundle_dir: Path
) -> dict[str, list[tuple[float, float, int]]]:
    members: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    with gzip.open(bundle_dir / "places.tsv.gz", "rt", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        batch: list[dict[str, str]] = []
        for row in reader:
            batch.append(row)
            if len(batch) >= 20_000:
                _insert_place_batch(db, batch, members)
                batch = []
        _insert_place_batch(db, batch, members)
    return members


def _place_values(r: dict[str, str], pid: int) -> tuple[object, ...]:
    """The place table's first nine columns from a bundle row (places or WOF file)."""
    return (
        pid, r["name"], float(r["lat"]), float(r["lon"]), r["fclass"], r["fcode"], r["cc"],
        r["admin1"], int(r["population"] or 0),
    )  # fmt: skip


def _insert_place_batch(
    db: sqlite3.Connection,
    batch: list[dict[str, str]],
    members: dict[str, list[tuple[float, float, int]]],
) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'geonames', NULL)",
        [_place_values(r, int(r["geonameid"])) for r in batch],
    )
    for r in batch:
        point = (float(r["lat"]), float(r["lon"]), int(r["population"] or 0))
        members[f"{r['cc']}.{r['admin1']}"].append(point)
        if r["admin2"]:
            members[f"{r['cc']}.{r['admin1']}.{r['admin2']}"].append(point)
    _insert_names(
        db,
        (
            (int(r["geonameid"]), r["name"], r["asciiname"], r["alternatenames"].split(","))
            for r in batch
        ),
        table="name_stage",
    )


def _midrange(values: list[float]) -> float:
    """Centre of the range of the member towns' coordinates.

    The fallback for admin areas without a point in ``admin_points.csv``: the middle of the
    members' bounding box lands closer to GeoNames' point than their median or mean, which
    lean towards dense parts.
    """
    return (min(values) + max(values)) / 2


def _admin_points(bundle_dir: Path) -> dict[str, tuple[float, float]]:
    """Admin code ("US.VA", "US.VA.760") -> (lat, lon) from ``admin_points.csv``."""
    return {
        row["code"]: (float(row["lat"]), float(row["lon"]))
        for row in _our_csv(bundle_dir / ADMIN_POINTS_FILE)
    }


def _load_admin_areas(
    db: sqlite3.Connection,
    bundle_dir: Path,
    members: dict[str, list[tuple[float, float, int]]],
    points: dict[str, tuple[float, float]],
    *,
    level: int,
) -> int:
    """Admin1 (or admin2) areas as places: at their point in ``points`` (from
    ``admin_points.csv``), else at the midrange of their member places; population is the
    members' sum."""
    name_file = "admin1CodesASCII.txt" if level == 1 else "admin2Codes.txt.gz"
    opener = gzip.open if name_file.endswith(".gz") else open
    rows = 0
    with opener(bundle_dir / name_file, "rt", encoding="utf-8") as fh:
        for line in fh:
            code, name, ascii_name, gid = line.rstrip("\r\n").split("\t")
            if level == 1:
                db.execute("INSERT OR REPLACE INTO admin1 VALUES (?, ?, ?)", (code, name, int(gid)))
            pts = members.get(code, [])
            point = points.get(code)
            if point is None and pts:
                point = (_midrange([p[0] for p in pts]), _midrange([p[1] for p in pts]))
            if point is None:
                continue
            cc, a1 = code.split(".")[:2]
            pop = sum(p[2] for p in pts)
            db.execute(
                "INSERT OR REPLACE INTO place VALUES (?, ?, ?, ?, 'A', ?, ?, ?, ?, ?, NULL)",
                (int(gid), name, *point, f"ADM{level}", cc, a1, pop, f"admin{level}"),
            )
            _insert_names(db, [(int(gid), name, ascii_name, _bare_area_names(name, ascii_name))],
                          table="name_stage")  # fmt: skip
            rows += 1
    return rows


# Generic words GeoNames appends to area names that news and coders leave out ("Borno
# State" is "Borno", "Cabo Delgado Province" is "Cabo Delgado"). Not "County" or "Parish":
# a bare county name is far more often its town's ("Sarpy" vs "Sarpy County").
_AREA_WORDS = re.compile(
    r"\s+(?:State|Province|Region|Governorate|Prefecture|Oblast|Department|Municipality"
    r"|District|Division|Muhafazat)$"
)


def _bare_area_names(*names: str) -> tuple[str, ...]:
    """An area's names without the generic word at their end, as alternate names."""
    return tuple({bare for n in names if (bare := _AREA_WORDS.sub("", n)) != n and bare})


def _our_csv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of one of geomap's own CSV files (``#`` lines are comments); none if absent."""
    if not path.exists():
        return
    with open(path, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(line for line in fh if not line.startswith("#"))


def _load_regions(db: sqlite3.Connection, bundle_dir: Path) -> int:
    """Continents, large regions and areas GeoNames lacks (``regions.csv``: id, name, lat,
    lon, code, population, aliases, and the country and admin1 of areas inside one)."""
    rows = 0
    for row in _our_csv(bundle_dir / REGIONS_FILE):
        gid = int(row["geonameid"])
        code = row["feature_code"]
        db.execute(
            "INSERT OR REPLACE INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'region', NULL)",
            (gid, row["name"], float(row["lat"]), float(row["lon"]),
             "A" if code.startswith("ADM") else "L", code, row.get("country") or "",
             row.get("admin1") or "", int(row["population"] or 0)),
        )  # fmt: skip
        aliases = [a for a in row["aliases"].split("|") if a]
        _insert_names(db, [(gid, row["name"], row["name"], aliases)], table="name_stage")
        rows += 1
    return rows


def _load_countries(db: sqlite3.Connection, bundle_dir: Path) -> int:
    points: dict[str, dict[str, str]] = {}
    with open(bundle_dir / "country_points.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            points[row["iso2"]] = row
    rows = 0
    # Most populous first: a shared demonym ("American": US and MP) names the larger country.
    countries = sorted(_read_countries(bundle_dir), key=lambda c: -int(c[7] or 0))
    for cols in countries:
        cc, iso3, name, pop, gid = cols[0], cols[1], cols[4], cols[7], cols[16]
        if not gid:
            continue
        db.execute("INSERT OR REPLACE INTO country VALUES (?, ?, ?, ?)", (cc, iso3, name, int(gid)))
        pt = points.get(cc)
        if pt is None:
            continue
        db.execute(
            "INSERT OR REPLACE INTO place VALUES"
            " (?, ?, ?, ?, 'A', 'PCLI', ?, '00', ?, 'country', NULL)",
            (int(gid), name, float(pt["lat"]), float(pt["lon"]), cc, int(pop or 0)),
        )
        alternates = [pt["name"], pt["official"], *filter(None, pt["aliases"].split("|"))]
        _insert_names(db, [(int(gid), name, name, alternates)], table="name_stage")
        for dem in filter(None, pt["demonyms"].split("|")):
            plural = dem if dem.endswith(("sh", "ch", "ese", "s", "x", "z")) else dem + "s"
            for form in {dem, plural}:
                db.execute("INSERT OR IGNORE INTO demonym VALUES (?, ?)", (match_keys(form)[0], cc))
        rows += 1
    return rows


def _abbreviations(bundle_dir: Path) -> list[str]:
    """Our aliases written with a final full stop ("Calif.", "W.Va."), without it: a mention
    of one takes its full stop, as news and annotators write it."""
    aliases = (row["alias"].strip() for row in _our_csv(bundle_dir / ALIASES_FILE))
    return sorted({a[:-1] for a in aliases if len(a) > 1 and a.endswith(".")})


def _load_aliases(db: sqlite3.Connection, bundle_dir: Path) -> int:
    """Our own extra names (``aliases.csv``: alias, geonameid or ISO2 country code, note)."""
    path = bundle_dir / ALIASES_FILE
    rows = 0
    for row in _our_csv(path):
        target = row["target"].strip()
        if target.isdigit():
            pid = int(target)
        else:
            found = db.execute("SELECT id FROM country WHERE cc = ?", (target,)).fetchone()
            if found is None:
                raise GazetteerError(f"{path}: unknown country code {target!r}")
            pid = found[0]
        _insert_names(db, [(pid, row["alias"], row["alias"], ())], table="name_stage")
        rows += 1
    return rows


def _load_wof(db: sqlite3.Connection, bundle_dir: Path) -> int:
    """Who's On First and OCHA places (``wof_places.tsv.gz``), merged by GeoNames id.

    A WOF record of a place the index already has (same GeoNames id) adds its names
    (Arabic-script, Latin variants, Cyrillic) and its WOF id; any other becomes a new place
    with origin ``wof`` (or ``ocha`` for OCHA neighbourhoods, which carry no WOF id).
    """
    path = bundle_dir / WOF_FILE
    if not path.exists():
        return 0
    added = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        batch: list[dict[str, str]] = []
        for row in reader:
            batch.append(row)
            if len(batch) >= 20_000:
                added += _insert_wof_batch(db, batch)
                batch = []
        added += _insert_wof_batch(db, batch)
    return added


def _insert_wof_batch(db: sqlite3.Connection, batch: list[dict[str, str]]) -> int:
    ids = [int(r["id"]) for r in batch]
    known: set[int] = set()
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        known.update(i for (i,) in db.execute(f"SELECT id FROM place WHERE id IN ({marks})", chunk))
    new = [r for r, i in zip(batch, ids, strict=True) if i not in known]
    db.executemany(
        "UPDATE place SET wof_id = ? WHERE id = ?",
        [(int(r["wof_id"]), int(r["id"])) for r in batch if r["wof_id"] and int(r["id"]) in known],
    )
    db.executemany(
        "INSERT OR IGNORE INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                *_place_values(r, int(r["id"])),
                "wof" if r["wof_id"] else "ocha",
                int(r["wof_id"]) if r["wof_id"] else None,
            )
            for r in new
        ],
    )
    _insert_names(
        db,
        (
            (
                int(r["id"]),
                r["name"] if int(r["id"]) not in known else "",
                "",
                [*r["names"].split("|"), *([r["name"]] if int(r["id"]) in known else [])],
            )
            for r in batch
        ),
        table="name_stage",
    )
    return len(new)


def _build_loose(db: sqlite3.Connection) -> None:
    """The consonant-skeleton table behind the exact keys (see :func:`loose_key`)."""
    db.create_function("loose_key", 1, loose_key, deterministic=True)
    db.execute(
        "INSERT OR IGNORE INTO loose SELECT lk, id FROM"
        " (SELECT loose_key(key) AS lk, id FROM name) WHERE lk != '' ORDER BY lk, id"
    )


def build_index(bundle_dir: Path, index_path: Path) -> dict[str, int]:
    """Build the SQLite index from the bundle, atomically (a temp file renamed into place).

    Returns row counts and the build time in milliseconds.
    """
    for name in BUNDLE_FILES:
        if not (bundle_dir / name).exists():
            raise GazetteerError(
                f"gazetteer bundle {bundle_dir} lacks {name}; see gazetteer/README.md"
            )
    started = time.perf_counter()
    index_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = index_path.with_name(index_path.name + ".building")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        members = _load_places(db, bundle_dir)
        counts = {"places": db.execute("SELECT count(*) FROM place").fetchone()[0]}
        counts["countries"] = _load_countries(db, bundle_dir)
        points = _admin_points(bundle_dir)
        counts["admin1"] = _load_admin_areas(db, bundle_dir, members, points, level=1)
        counts["admin2"] = _load_admin_areas(db, bundle_dir, members, points, level=2)
        counts["regions"] = _load_regions(db, bundle_dir)
        counts["wof"] = _load_wof(db, bundle_dir)
        counts["aliases"] = _load_aliases(db, bundle_dir)
        counts["places"] = db.execute("SELECT count(*) FROM place").fetchone()[0]
        db.execute(
            "INSERT INTO name SELECT key, id, min(kind) FROM name_stage"
            " GROUP BY key, id ORDER BY key, id"
        )
        db.execute("DROP TABLE name_stage")
        _build_loose(db)
        db.execute("CREATE INDEX name_id ON name (id)")
        db.execute("CREATE INDEX place_area ON place (cc, admin1_code, fcode)")
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("signature", bundle_signature(bundle_dir)),
                ("bundle_dir", str(bundle_dir)),
                ("built", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
                ("abbreviations", json.dumps(_abbreviations(bundle_dir))),
            ],
        )
        db.commit()
    finally:
        db.close()
    tmp.replace(index_path)
    counts["names"] = _count(index_path, "name")
    counts["build_ms"] = int((time.perf_counter() - started) * 1000)
    return counts


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
