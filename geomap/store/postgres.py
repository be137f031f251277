"""The PostgreSQL + PostGIS store: the same tables, functions and semantics as the SQLite one.

``open_store("postgresql://user@host/dbname")`` lands here (``geomap.store.sqlite.open_store``
dispatches on the URL). The store modules keep one SQL dialect (SQLite's); a :class:`PGStore`
carries a connection adapter that translates each statement once (``?`` placeholders,
``INSERT OR IGNORE``, ``rowid``, the JSON and date functions) and runs it with psycopg 3, so
``write``, ``query``, ``review`` and the corrections need no second copy. The schema follows
the same migrations (``geomap.store.schema.MIGRATIONS``, translated) plus PostGIS additions
(:data:`PG_EXTRAS`): ``geom geometry(Point, 4326)`` on incidents and reports, GiST indexes, and
the ``incident_acled`` view with the flat ACLED columns that QGIS and GDAL open as a layer.

Writers serialize on a transaction-scoped advisory lock (as SQLite's ``BEGIN IMMEDIATE``
does), so concurrent ingests never link against a half-written neighbour or store a report
twice; readers (the app, exports) never wait. Linking candidates come from a date-range index
scan narrowed by ``ST_DWithin`` (:func:`block_rows`). psycopg is imported only here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit, urlunsplit

from geomap.errors import StoreError
from geomap.store.schema import MIGRATIONS, SCHEMA_VERSION
from geomap.store.sqlite import Store
from geomap.store.write import _CANDIDATE_COLUMNS, DATE_SLACK_DAYS, UNDATED_BLOCK_LIMIT

if TYPE_CHECKING:
    from geomap.models import Article, IncidentCandidate

__all__ = [
    "PG_EXTRAS",
    "PGStore",
    "block_rows",
    "change_signature",
    "is_postgres_url",
    "open_pg_store",
    "redact_url",
    "translate",
]

_URL = re.compile(r"^postgres(?:ql)?:/", re.IGNORECASE)
#: Key of the advisory lock that writers hold for their transaction.
_WRITE_LOCK = 0x67E0_4D41  # "geomap"
#: The reach (km) of the widest place uncertainty (``geomap.incidents.link.PLACE_RADIUS_KM``):
#: two reports farther apart than their two radii never link, so linking needs no row beyond.
_RADIUS_KM: dict[int, float] = {1: 2.0, 2: 20.0, 3: 150.0}
_MAX_RADIUS_KM = 150.0


def is_postgres_url(location: object) -> bool:
    """True for ``postgresql://...`` / ``postgres://...`` (also once collapsed by ``Path``).

    >>> is_postgres_url("postgresql://me@db/geomap"), is_postgres_url("/tmp/geomap.sqlite")
    (True, False)
    """
    return bool(_URL.match(str(location)))


def _normal_url(location: object) -> str:
    text = str(location)
    scheme, _, rest = text.partition(":")
    return (
        f"postgresql://{rest.lstrip('/')}" if scheme.lower() in ("postgres", "postgresql") else text
    )


def redact_url(url: str) -> str:
    """The URL without its password, for messages.

    >>> redact_url("postgresql://ann:secret@db:5432/geomap")
    'postgresql://ann@db:5432/geomap'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


# -- translating the store's SQL ----------------------------------------------------------------
_CANDIDATE_STAR = "c." + _CANDIDATE_COLUMNS.replace(", ", ", c.")
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), r)
    for p, r in (
        (r"%", "%%"),
        (r"\?", "%s"),
        (r"\bINSERT OR IGNORE INTO\b", "INSERT INTO"),
        (r"\bSELECT c\.\*", "SELECT " + _CANDIDATE_STAR),
        (r"\bSELECT \* FROM incident\b", "SELECT * FROM incident_row"),
        (r"\b(c\.)?rowid\b", r"\1seq"),
        (r"json_extract\((\w+)\.value, '\$\.(\w+)'\)", r"(\1.value ->> '\2')"),
        (r"json_each\(([\w.]+)\)", r"jsonb_array_elements(\1::jsonb)"),
        (r"instr\(geomap_fold\(", "strpos(lower("),
        (r"group_concat\(", "string_agg("),
        (r"coalesce\(geonameid, ", "coalesce(geonameid::text, "),
        (r"julianday\(([^()]*)\)", r"(\1)::date"),
    )
)


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """A statement of the store's SQLite dialect in PostgreSQL's.

    >>> translate("INSERT OR IGNORE INTO incident (id) VALUES (?)")
    'INSERT INTO incident (id) VALUES (%s) ON CONFLICT DO NOTHING'
    """
    out = sql
    for pattern, repl in _RULES:
        out = pattern.sub(repl, out)
    if re.match(r"\s*INSERT OR IGNORE", sql, re.IGNORECASE):
        out += " ON CONFLICT DO NOTHING"
    if re.match(r"\s*INSERT INTO (correction|review_log)\b", sql, re.IGNORECASE):
        out += " RETURNING id"
    return out


def _param(value: Any) -> Any:
    # PostgreSQL text cannot hold NUL; SQLite can. Scraped text rarely has one: drop it.
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


def _params(params: Sequence[Any] | None) -> tuple[Any, ...]:
    return tuple(_param(p) for p in params or ())


#: Reads of incidents or mentions that are not bounded by a LIMIT (``iter_incidents``,
#: ``iter_mentions``): fetched in batches of :data:`_ITERSIZE` rows from a server-side cursor.
_WHOLE_TABLE = re.compile(r"\s*SELECT (?!count\().*? FROM (incident|mention m)\b(?! WHERE id =)")
_ITERSIZE = 2000
#: Sort and hold memory of a store session (see :func:`open_pg_store`).
_WORK_MEM = "64MB"


class _Cursor:
    """The parts of ``sqlite3.Cursor`` the store uses, over a psycopg cursor."""

    def __init__(self, cur: Any, returning: bool) -> None:
        self._cur = cur
        self.lastrowid: int | None = None
        if returning:
            row = cur.fetchone()
            self.lastrowid = None if row is None else int(row[0])

    @property
    def description(self) -> Any:
        return self._cur.description

    @property
    def rowcount(self) -> int:
        return int(self._cur.rowcount)

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cur.fetchall())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cur)


class _Connection:
    """The parts of ``sqlite3.Connection`` the store uses, translating each statement."""

    def __init__(self, conn: Any) -> None:
        self.raw = conn
        self._streams = 0

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(self.raw.info.transaction_status != TransactionStatus.IDLE)

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> _Cursor:
        text = translate(sql)
        if _WHOLE_TABLE.match(text) and "LIMIT" not in text and not self.in_transaction:
            # A read that may span the table (the app's view, an export) streams from a
            # server-side cursor, so the client's memory stays flat however many rows.
            self._streams += 1
            cur = self.raw.cursor(name=f"geomap_read_{self._streams}", withhold=True)
            cur.itersize = _ITERSIZE
        else:
            cur = self.raw.cursor()
        cur.execute(cast(Any, text), _params(params))
        return _Cursor(cur, text.endswith(" RETURNING id"))

    def executemany(self, sql: str, rows: Any) -> None:
        with self.raw.cursor() as cur:
            cur.executemany(cast(Any, translate(sql)), [_params(r) for r in rows])

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to register: the translated SQL uses built-in functions."""

    def close(self) -> None:
        self.raw.close()


class PGStore(Store):
    """An open PostgreSQL store; ``path`` is the URL without its password."""

    db_errors: tuple[type[BaseException], ...] = ()

    def __init__(self, url: str, conn: Any, *, readonly: bool) -> None:
        import psycopg

        super().__init__(cast(Any, redact_url(url)), cast(Any, _Connection(conn)))
        self.url = url
        self.readonly = readonly
        self.db_errors = (psycopg.Error,)
        self.block_rows = block_rows

    @property
    def journal_mode(self) -> str:
        return "postgresql"

    @property
    def schema_version(self) -> int:
        return _version(cast(_Connection, self.conn))

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """``BEGIN`` + the writers' advisory lock ... ``COMMIT``; an exception rolls back."""
        conn = cast(_Connection, self.conn)
        conn.execute("BEGIN")
        try:
            if not self.readonly:
                conn.execute(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")
            yield self.conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


# -- schema ----------------------------------------------------------------------------------
_POINT = (
    "geometry(Point, 4326) GENERATED ALWAYS AS (CASE WHEN longitude IS NOT NULL AND latitude"
    " IS NOT NULL THEN ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) END) STORED"
)
#: What PostGIS adds to each version of the schema (run after that version's own statements).
PG_EXTRAS: Sequence[str] = (
    f"""
    ALTER TABLE candidate ADD COLUMN seq BIGSERIAL;
    CREATE INDEX candidate_seq ON candidate (seq);
    ALTER TABLE candidate ADD COLUMN geom {_POINT};
    CREATE INDEX candidate_geog ON candidate USING GIST ((geom::geography));
    ALTER TABLE incident ADD COLUMN geom {_POINT};
    CREATE INDEX incident_geom ON incident USING GIST (geom)
    """,
    """
    CREATE VIEW incident_row AS SELECT id, event_date, time_precision, event_type,
        sub_event_type, actor1, actor2, iso3, country, admin1, location, latitude, longitude,
        geo_precision, source, notes, fatalities, injured, source_count, geonameid,
        location_method, confidence, sources, evidence, link_reasons, created_at, updated_at,
        review_status, reviewed_by, reviewed_at, review_reason, version FROM incident;
    CREATE VIEW incident_acled AS SELECT id AS incident_id, event_date::date AS event_date,
        time_precision, event_type, sub_event_type, actor1, actor2, location, admin1, country,
        iso3, latitude, longitude, geo_precision, fatalities, injured, source_count, notes,
        sources, review_status, reviewed_by, reviewed_at, review_reason,
        geom::geometry(Point, 4326) AS geom FROM incident
        WHERE geom IS NOT NULL AND review_status <> 'rejected'
    """,
    """
    CREATE OR REPLACE VIEW incident_row AS SELECT id, event_date, time_precision, event_type,
        sub_event_type, actor1, actor2, iso3, country, admin1, location, latitude, longitude,
        geo_precision, source, notes, fatalities, injured, source_count, geonameid,
        location_method, confidence, sources, evidence, link_reasons, created_at, updated_at,
        review_status, reviewed_by, reviewed_at, review_reason, version, fatalities_low,
        fatalities_high FROM incident
    """,
    "",
)


def _ddl(script: str) -> list[str]:
    """SQLite DDL as PostgreSQL DDL: 8-byte floats, identity ids, byte-order text."""
    out = []
    for stmt in (s.strip() for s in script.split(";")):
        if not stmt:
            continue
        stmt = re.sub(r"\bINTEGER PRIMARY KEY\b", "BIGINT GENERATED BY DEFAULT AS IDENTITY"
                      " PRIMARY KEY", stmt)  # fmt: skip
        stmt = re.sub(r"\bREAL\b", "DOUBLE PRECISION", stmt)
        # SQLite compares text byte by byte; the C collation does too, whatever the database's.
        stmt = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', stmt)
        out.append(stmt)
    return out


def _version(conn: _Connection) -> int:
    row = conn.execute("SELECT to_regclass('geomap_schema') IS NOT NULL").fetchone()
    if not row[0]:
        return 0
    got = conn.execute("SELECT max(version) FROM geomap_schema").fetchone()
    return int(got[0] or 0)


def migrate(conn: _Connection, *, where: str) -> int:
    """Bring the database up to :data:`SCHEMA_VERSION` (one transaction per version, under an
    advisory lock so that two processes never migrate at once); returns the old version."""
    if _version(conn) == SCHEMA_VERSION:  # the usual case: no lock, so readers never wait
        return SCHEMA_VERSION
    with _locked(conn):
        current = _version(conn)
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"store {where} has schema version {current}, newer than this geomap "
                f"({SCHEMA_VERSION}); upgrade geomap"
            )
        if current == 0 and conn.execute("SELECT to_regclass('incident')").fetchone()[0]:
            raise StoreError(f"{where} has an incident table but is not a geomap store")
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        conn.execute("CREATE TABLE IF NOT EXISTS geomap_schema (version INTEGER PRIMARY KEY)")
        for version in range(current, SCHEMA_VERSION):
            for stmt in _ddl(MIGRATIONS[version]) + _ddl(PG_EXTRAS[version]):
                conn.raw.execute(stmt)
            conn.execute("INSERT INTO geomap_schema (version) VALUES (?)", (version + 1,))
    return current


@contextmanager
def _locked(conn: _Connection) -> Iterator[None]:
    conn.execute("BEGIN")
    try:
        conn.execute(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def open_pg_store(url: str, *, readonly: bool = False) -> PGStore:
    """Open (creating the schema if needed) the PostgreSQL store at ``url``.

    Needs psycopg 3 (``pip install "geomap[postgres]"``) and the PostGIS extension on the
    server (created here when the role may). ``readonly=True`` makes every transaction read
    only, for the app and exports.
    """
    url = _normal_url(url)
    where = redact_url(url)
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            f"store {where}: PostgreSQL needs psycopg 3: pip install 'geomap[postgres]'"
        ) from None
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise StoreError(f"cannot open store {where}: {' '.join(str(exc).split())}") from exc
    conn = _Connection(raw)
    try:
        # The app's view and the exports sort every incident and hold the result for the
        # client to stream: at the default 4 MB that spills to temporary files on the server
        # (an external merge sort, then a spilled tuplestore). Raised for this session only,
        # never lowered.
        conn.execute(
            "SELECT set_config('work_mem', ?, false) WHERE"
            " pg_size_bytes(current_setting('work_mem')) < pg_size_bytes(?)",
            (_WORK_MEM, _WORK_MEM),
        )
        if readonly:
            version = _version(conn)
            if version != SCHEMA_VERSION:
                raise StoreError(
                    f"store {where} has schema version {version}, expected {SCHEMA_VERSION}; "
                    "open it once for writing (e.g. `geomap ingest`) to migrate it"
                )
            raw.execute("SET default_transaction_read_only = on")
        else:
            migrate(conn, where=where)
    except psycopg.Error as exc:
        raw.close()
        raise StoreError(f"cannot open store {where}: {' '.join(str(exc).split())}") from exc
    except BaseException:
        raw.close()
        raise
    return PGStore(url, raw, readonly=readonly)


def change_signature(url: str) -> tuple[int, int, int, int]:
    """Numbers that change whenever incidents or their reports are written (the app's cache
    key; an SQLite store's is its files' mtime and size): each table's row count and newest
    writing transaction (``xmin``). Zeros when the store cannot be read (yet)."""
    import psycopg

    sql = (
        "SELECT (SELECT count(*) FROM incident), (SELECT coalesce(max(xmin::text::bigint), 0)"
        " FROM incident), (SELECT count(*) FROM candidate),"
        " (SELECT coalesce(max(xmin::text::bigint), 0) FROM candidate)"
    )
    try:
        with psycopg.connect(_normal_url(url), autocommit=True, connect_timeout=10) as raw:
            row = raw.execute(cast(Any, sql)).fetchone()
    except psycopg.Error:
        return (0, 0, 0, 0)
    return (int(row[0]), int(row[1]), int(row[2]), int(row[3])) if row else (0, 0, 0, 0)


# -- linking candidates ------------------------------------------------------------------------
def block_rows(
    conn: Any, candidate: IncidentCandidate, article: Article, country: str
) -> list[dict[str, Any]]:
    """The stored reports linking should compare (``geomap.store.write._block_rows``' rows).

    The same date windows and undated rules, and for a dated report also ``ST_DWithin``: a
    stored report farther than the two places' uncertainty radii cannot link (a whole country
    or admin1 area on either side, or the same geonameid, is kept whatever the distance), so
    the GiST index on the reports' points narrows the date-range scan without changing the
    outcome.
    """
    anchor = candidate.event_date or article.published
    place = candidate.location.place if candidate.location is not None else None
    if anchor is None or place is None:
        from geomap.store.write import _block_rows

        return _block_rows(conn, candidate, article, country)
    own = DATE_SLACK_DAYS.get(candidate.time_precision, DATE_SLACK_DAYS[3])
    if candidate.event_date is None:
        own = DATE_SLACK_DAYS[3]
    reach = timedelta(days=own + max(DATE_SLACK_DAYS.values()))
    slack = "(CASE time_precision WHEN 1 THEN 1 WHEN 2 THEN 7 ELSE 31 END)"
    where = [
        "country = %s AND anchor_date BETWEEN %s AND %s AND article_id <> %s",
        f"abs(anchor_date::date - %s::date) <= %s + {slack}",
    ]
    params: list[Any] = [country, (anchor - reach).isoformat(), (anchor + reach).isoformat(),
                         article.id, anchor.isoformat(), own]  # fmt: skip
    is_area = candidate.geo_precision >= 3 and (
        place.feature_code.startswith("PCL") or place.feature_code == "ADM1"
    )
    if not is_area:
        # Spheroid vs sphere (haversine) differ by < 0.5 %: keep a margin.
        meters = (_RADIUS_KM.get(candidate.geo_precision, _MAX_RADIUS_KM) + _MAX_RADIUS_KM) * 1010
        where.append(
            "(geom IS NULL OR geonameid = %s OR (geo_precision >= 3 AND (feature_code LIKE"
            " 'PCL%%' OR feature_code = 'ADM1')) OR ST_DWithin(geom::geography,"
            " ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s))"
        )
        params += [place.geonameid, place.lon, place.lat, meters]
    sql = f"SELECT {_CANDIDATE_COLUMNS} FROM candidate WHERE {' AND '.join(where)} ORDER BY seq"
    raw = conn.raw
    rows: list[dict[str, Any]] = []
    with raw.cursor() as cur:
        cur.execute(cast(Any, sql), params)
        names = [d[0] for d in cur.description]
        rows.extend(dict(zip(names, row, strict=True)) for row in cur)
        cur.execute(
            cast(Any, f"SELECT {_CANDIDATE_COLUMNS} FROM candidate WHERE country = %s AND"
                 " anchor_date IS NULL AND article_id <> %s ORDER BY seq DESC LIMIT %s"),
            (country, article.id, UNDATED_BLOCK_LIMIT),
        )  # fmt: skip
        rows.extend(dict(zip(names, row, strict=True)) for row in cur)
    return rows
