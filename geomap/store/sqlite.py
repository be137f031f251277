"""The incident store: one SQLite file (WAL), written one article per transaction.

``open_store(path)`` creates or migrates the file; this module also keeps analysts' place
corrections. :func:`write_article` (in ``geomap.store.write``) stores an article with its
mentions and incident candidates and links each candidate, all in one transaction: a crash
mid-ingest leaves every committed article whole and nothing of the interrupted one. The read
API (:func:`iter_incidents`, :func:`count_incidents`, :func:`get_incident`,
:func:`iter_mentions`, :func:`facet_values`, ...) lives in ``geomap.store.query``. Everything
is re-exported here: import from ``geomap.store.sqlite``.

A :class:`Store` is one connection: use it from one thread at a time (open one per thread).

Examples
--------
>>> import tempfile, os
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "s", "geomap.sqlite"))
>>> store.journal_mode, store.schema_version
('wal', 2)
>>> store.close()
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from geomap.errors import NotFoundError, StoreError
from geomap.gazetteer.names import match_key
from geomap.models import METHOD_MANUAL, Place
from geomap.store.query import (
    count_incidents,
    facet_values,
    get_incident,
    incident_ids,
    iter_candidates,
    iter_incidents,
    iter_mentions,
    iter_with_reports,
    outlet_countries,
    report_values,
    unknown_values,
    with_reports,
)
from geomap.store.schema import SCHEMA_VERSION, SQLITE_BOXES, migrate
from geomap.store.schema import dumps_json as _dumps
from geomap.store.schema import now_iso as _now
from geomap.store.write import (
    DATE_SLACK_DAYS,
    UNDATED_BLOCK_LIMIT,
    LinkChoice,
    Linker,
    WriteResult,
    add_copy,
    backfill_boxes,
    has_article,
    incident_id_for,
    needs_geocoder_retry,
    refresh_incident,
    unlink_candidate,
    write_article,
)

__all__ = [
    "DATE_SLACK_DAYS",
    "UNDATED_BLOCK_LIMIT",
    "LinkChoice",
    "Linker",
    "Store",
    "WriteResult",
    "add_copy",
    "add_correction",
    "context_key",
    "count_incidents",
    "facet_values",
    "find_correction",
    "get_incident",
    "has_article",
    "incident_id_for",
    "incident_ids",
    "iter_candidates",
    "iter_incidents",
    "iter_mentions",
    "iter_with_reports",
    "needs_geocoder_retry",
    "open_store",
    "outlet_countries",
    "refresh_incident",
    "report_values",
    "unknown_values",
    "unlink_candidate",
    "with_reports",
    "write_article",
]


class _GeocodeCache:
    """``geomap.geoparse.geocode.GeocodeCache`` on the store's connection (table geocode_cache)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, key: str) -> str | None:
        row = self._store.conn.execute(
            "SELECT value FROM geocode_cache WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        self._store.conn.execute(
            "INSERT INTO geocode_cache (key, value, created) VALUES (?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value, created = excluded.created",
            (key, value, _now()),
        )


class Store:
    """An open store: ``conn`` (autocommit; :meth:`transaction` groups writes) and ``path``.

    ``geomap.store.postgres.PGStore`` is the same for a PostgreSQL URL; ``db_errors`` are the
    driver's exceptions (for callers that report a failed write).
    """

    db_errors: tuple[type[BaseException], ...] = (sqlite3.Error,)

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.geocode_cache = _GeocodeCache(self)

    @property
    def journal_mode(self) -> str:
        return str(self.conn.execute("PRAGMA journal_mode").fetchone()[0])

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; any exception rolls everything back."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fold(value: object) -> str:
    return str(value or "").casefold()


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL. The switch does not wait on ``busy_timeout``: while another process
    creates the same store it fails with "database is locked", so retry for a while."""
    deadline = time.monotonic() + 30.0
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _ensure_boxes(conn: sqlite3.Connection) -> None:
    """Create linking's R*Tree (``SQLITE_BOXES``) if missing, filled from the stored reports
    (a store written before it existed)."""
    if conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'candidate_box'"
    ).fetchone():
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(SQLITE_BOXES)
        backfill_boxes(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def open_store(path: str | Path, *, readonly: bool = False) -> Store:
    """Open (creating parent folders and the schema if needed) the SQLite store at ``path``.

    A ``postgresql://`` URL opens the PostgreSQL + PostGIS store instead
    (``geomap.store.postgres.open_pg_store``; same functions, same semantics). SQLite: WAL
    journal, ``busy_timeout`` 30 s (concurrent ingests wait instead of failing), foreign
    keys on. ``readonly=True`` refuses writes (``PRAGMA query_only``), for the app.
    """
    from geomap.store.postgres import is_postgres_url

    if is_postgres_url(path):
        from geomap.store.postgres import open_pg_store

        return open_pg_store(str(path), readonly=readonly)
    p = Path(path).expanduser()
    try:
        if not readonly:
            p.parent.mkdir(parents=True, exist_ok=True)
        elif not p.exists():
            raise StoreError(f"store {p} does not exist; run `geomap ingest` first")
        conn = sqlite3.connect(p, timeout=30.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            _use_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            migrate(conn, path=str(p))
            _ensure_boxes(conn)
        else:
            conn.execute("PRAGMA query_only = ON")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version != SCHEMA_VERSION:
                raise StoreError(
                    f"store {p} has schema version {version}, expected {SCHEMA_VERSION}; "
                    "open it once for writing (e.g. `geomap ingest`) to migrate it"
                )
        conn.create_function("geomap_fold", 1, _fold, deterministic=True)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open store {p}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"cannot open store {p}: {exc.strerror or exc}") from exc
    return Store(p, conn)


# -- corrections -----------------------------------------------------------------------------
def context_key(country_codes: Sequence[str]) -> str:
    """The context a correction applies in: the article's countries, sorted, comma-joined."""
    return ",".join(sorted({c.upper() for c in country_codes if c}))


def add_correction(
    store: Store,
    *,
    scope: str,
    target: str,
    place: Place,
    surface: str | None = None,
    context: Sequence[str] | None = None,
) -> int:
    """Record an analyst's place correction and apply it now; returns the correction id.

    ``scope="incident"``: ``target`` is an incident id; its location becomes ``place``, also
    after later reports merge into it. ``scope="mention"``: ``target`` is
    ``"<article_id>:<start>"``; that mention is re-resolved to ``place``. Either way the
    correction is reused by later ingests for the same name (``surface``, by default the
    corrected mention's text) in articles about one of the same countries (``context``, by
    default the countries of the corrected article's mentions; see :func:`find_correction`).
    """
    conn = store.conn
    if scope == "incident":
        row = conn.execute(
            "SELECT c.location_surface, c.article_id FROM candidate c JOIN incident i"
            " ON i.id = c.incident_id WHERE i.id = ? ORDER BY c.geo_precision, c.rowid LIMIT 1",
            (target,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no incident {target!r}")
    elif scope == "mention":
        article_id, _, start = target.rpartition(":")
        row = conn.execute(
            "SELECT surface, article_id FROM mention WHERE article_id = ? AND start = ?",
            (article_id, int(start) if start.isdigit() else -1),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no mention {target!r} (expected '<article_id>:<start>')")
    else:
        raise ValueError(f"scope must be 'incident' or 'mention', not {scope!r}")
    name = surface if surface is not None else str(row[0] or place.name)
    if context is None:
        context = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT country_code FROM mention WHERE article_id = ?"
                " AND country_code IS NOT NULL",
                (row[1],),
            )
        ]
    with store.transaction():
        cur = conn.execute(
            "INSERT INTO correction (scope, target, name_key, context_key, geonameid, name, lat,"
            " lon, feature_code, country_code, admin1, country, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (scope, target, match_key(name), context_key(context), place.geonameid, place.name,
             place.lat, place.lon, place.feature_code, place.country_code, place.admin1,
             place.country, _now()),
        )  # fmt: skip
        if scope == "incident":
            refresh_incident(conn, target)
        else:
            conn.execute(
                "UPDATE mention SET geonameid = ?, name = ?, lat = ?, lon = ?, feature_code = ?,"
                " country_code = ?, admin1 = ?, country = ?, score = 1.0, method = ?, reasons = ?"
                " WHERE article_id = ? AND surface = ?",
                (place.geonameid, place.name, place.lat, place.lon, place.feature_code,
                 place.country_code, place.admin1, place.country, METHOD_MANUAL,
                 _dumps([f"manual correction #{cur.lastrowid}"]), row[1], row[0]),
            )  # fmt: skip
    return int(cur.lastrowid or 0)


def find_correction(
    store: Store, *, surface: str, context: Sequence[str] = ()
) -> tuple[int, Place] | None:
    """The correction to reuse for a name in an article about ``context`` (country codes).

    A correction applies when its name matches (by match key) and its context countries share
    at least one with ``context``, or it was recorded without context. The best is the exact
    context, then the largest overlap, then the newest. Returns ``(correction id, place)`` or
    None.
    """
    wanted = set(context_key(context).split(",")) - {""}
    best: tuple[tuple[int, int, int], tuple[Any, ...]] | None = None
    for row in store.conn.execute(
        "SELECT id, geonameid, name, lat, lon, feature_code, country_code, admin1, country,"
        " context_key FROM correction WHERE name_key = ?",
        (match_key(surface),),
    ):
        have = set(row[9].split(",")) - {""}
        overlap = len(have & wanted)
        if have and not overlap:
            continue
        rank = (int(have == wanted), overlap, int(row[0]))
        if best is None or rank > best[0]:
            best = (rank, row)
    if best is None:
        return None
    cid, gid, name, lat, lon, fcode, cc, admin1, country, _ = best[1]
    place = Place(
        geonameid=gid, name=name, lat=lat, lon=lon,
        feature_class="A" if (fcode or "").startswith(("PCL", "ADM")) else "P",
        feature_code=fcode or "PPL", country_code=cc or "", admin1=admin1 or "",
        country=country or "",
    )  # fmt: skip
    return int(cid), place
