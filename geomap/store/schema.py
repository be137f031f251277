"""The store's SQLite schema: versioned migrations (``PRAGMA user_version``) and row helpers.

Only the modules of ``geomap.store`` (``sqlite``, ``query``, ``write``, ``schema``) hold SQL, so
that a PostgreSQL store can follow with the same functions.

Tables: ``article`` (one per distinct text), ``mention`` (places named in an article),
``candidate`` (an incident as one article reports it, with its own values and link reasons),
``incident`` (the merged values, recomputed from its candidates on every change),
``geocode_cache`` (same layout as ``geomap.geoparse.geocode.SQLiteGeocodeCache``) and ``correction``
(analysts' manual place corrections, kept across re-ingest).

Version 2 adds the review (issue 16): ``review_state`` (an incident's status, who, when, why),
``review_override`` (values an analyst set or verified, applied over the merged values),
``review_assignment`` (reports an analyst merged or split, kept there on re-ingest) and
``review_log`` (every decision: incident, action, field, old and new value, who, when, why),
all keyed by incident id so that they outlive the ``incident`` row, which is recomputed from
its reports; the ``incident`` table gains the review columns and a ``version`` that every
change bumps (optimistic concurrency).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from geomap.errors import StoreError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SQLITE_BOXES", "dumps_json", "migrate", "now_iso"]

_V1 = """
CREATE TABLE article (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    published TEXT,
    published_from TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE mention (
    article_id TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    surface TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'name',
    cue TEXT NOT NULL DEFAULT '',
    geonameid INTEGER,
    name TEXT,
    lat REAL,
    lon REAL,
    feature_code TEXT,
    country_code TEXT,
    admin1 TEXT,
    country TEXT,
    score REAL NOT NULL DEFAULT 0,
    method TEXT NOT NULL DEFAULT 'unresolved',
    reasons TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE incident (
    id TEXT PRIMARY KEY,
    event_date TEXT,
    time_precision INTEGER,
    event_type TEXT NOT NULL DEFAULT '',
    sub_event_type TEXT NOT NULL DEFAULT '',
    actor1 TEXT NOT NULL DEFAULT '',
    actor2 TEXT NOT NULL DEFAULT '',
    iso3 TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    admin1 TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    latitude REAL,
    longitude REAL,
    geo_precision INTEGER,
    source TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    fatalities INTEGER,
    injured INTEGER,
    source_count INTEGER NOT NULL DEFAULT 0,
    geonameid INTEGER,
    location_method TEXT NOT NULL DEFAULT '',
    confidence REAL NOT NULL DEFAULT 0,
    sources TEXT NOT NULL DEFAULT '[]',
    evidence TEXT NOT NULL DEFAULT '[]',
    link_reasons TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX incident_country_date ON incident (country, event_date);
CREATE INDEX incident_date ON incident (event_date);
CREATE TABLE candidate (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incident(id),
    event_type TEXT NOT NULL DEFAULT '',
    sub_event_type TEXT NOT NULL DEFAULT '',
    event_date TEXT,
    anchor_date TEXT,
    time_precision INTEGER NOT NULL DEFAULT 3,
    location TEXT NOT NULL DEFAULT '',
    location_surface TEXT NOT NULL DEFAULT '',
    geonameid INTEGER,
    latitude REAL,
    longitude REAL,
    feature_code TEXT NOT NULL DEFAULT '',
    country_code TEXT NOT NULL DEFAULT '',
    admin1 TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    location_method TEXT NOT NULL DEFAULT '',
    confidence REAL NOT NULL DEFAULT 0,
    geo_precision INTEGER NOT NULL DEFAULT 3,
    actor1 TEXT NOT NULL DEFAULT '',
    actor2 TEXT NOT NULL DEFAULT '',
    fatalities INTEGER,
    injured INTEGER,
    weekday INTEGER,
    notes TEXT NOT NULL DEFAULT '',
    excerpt TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '[]',
    link_reasons TEXT NOT NULL DEFAULT '[]',
    link_score REAL
);
CREATE INDEX candidate_block ON candidate (country, anchor_date);
CREATE INDEX candidate_incident ON candidate (incident_id);
CREATE INDEX candidate_article ON candidate (article_id);
CREATE TABLE IF NOT EXISTS geocode_cache (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE correction (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('incident', 'mention')),
    target TEXT NOT NULL,
    name_key TEXT NOT NULL,
    context_key TEXT NOT NULL DEFAULT '',
    geonameid INTEGER,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    feature_code TEXT NOT NULL DEFAULT '',
    country_code TEXT NOT NULL DEFAULT '',
    admin1 TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL
);
CREATE INDEX correction_name ON correction (name_key, context_key);
CREATE INDEX correction_target ON correction (scope, target);
"""

_V2 = """
ALTER TABLE incident ADD COLUMN review_status TEXT NOT NULL DEFAULT 'unreviewed';
ALTER TABLE incident ADD COLUMN reviewed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN reviewed_at TEXT;
ALTER TABLE incident ADD COLUMN review_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE incident ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX incident_review ON incident (review_status);
CREATE TABLE review_state (
    incident_id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('unreviewed', 'verified', 'rejected')),
    reviewer TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE review_override (
    incident_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('edit', 'verified')),
    PRIMARY KEY (incident_id, field)
);
CREATE TABLE review_assignment (
    candidate_id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE review_log (
    id INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL,
    action TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    old_value TEXT,
    new_value TEXT,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_log_incident ON review_log (incident_id, id)
"""

#: Version 3: the UCDP-style low and high fatality figures of an incident (its best is
#: ``fatalities``); an index on (geonameid, sub_event_type) for undated reports, which link
#: only to the same named place. (SQLite stores also get :data:`SQLITE_BOXES`, PostgreSQL
#: stores their GiST index on the reports' points.)
_V3 = """
ALTER TABLE incident ADD COLUMN fatalities_low INTEGER;
ALTER TABLE incident ADD COLUMN fatalities_high INTEGER;
UPDATE incident SET fatalities_low = fatalities, fatalities_high = fatalities;
CREATE INDEX candidate_place ON candidate (geonameid, sub_event_type);
"""

#: Version 4: an index on the articles' outlet, from which each ingest run seeds the outlets'
#: focus countries (``geomap.store.query.outlet_countries``) with one indexed query per outlet;
#: the other addresses an article was seen at (the same text under another url: a copy, listed
#: among its incidents' sources but not another source of its own).
_V4 = """
CREATE INDEX article_source ON article (source);
CREATE TABLE article_copy (
    article_id TEXT NOT NULL,
    url TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    published TEXT,
    origin TEXT NOT NULL DEFAULT '',
    seen_at TEXT NOT NULL,
    PRIMARY KEY (article_id, url)
);
"""

#: SQLite only (created when a store is opened): an R*Tree of each dated, located report's
#: date window and place box, keyed by the candidate's rowid, so linking finds the reports
#: worth comparing by an index on time and space (``geomap.store.write.report_box``).
SQLITE_BOXES = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS candidate_box"
    " USING rtree(id, day_lo, day_hi, lat_lo, lat_hi, lon_lo, lon_hi)"
)

#: One entry per schema version; entry ``i`` moves a store from version ``i`` to ``i + 1``.
#: Never edit a released entry: append a new one.
MIGRATIONS: Sequence[str] = (_V1, _V2, _V3, _V4)
SCHEMA_VERSION = len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def migrate(conn: sqlite3.Connection, *, path: str = "") -> int:
    """Bring the store up to :data:`SCHEMA_VERSION`; returns the version it was at.

    Each migration runs in its own transaction together with the version bump, so an
    interrupted migration leaves the store at the previous version.
    """
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"store {path} has schema version {current}, newer than this geomap "
            f"({SCHEMA_VERSION}); upgrade geomap"
        )
    for version in range(current, SCHEMA_VERSION):
        try:
            conn.execute("BEGIN IMMEDIATE")
            # Another process may have migrated the store while this one waited for the lock.
            if int(conn.execute("PRAGMA user_version").fetchone()[0]) > version:
                conn.execute("COMMIT")
                continue
            if version == 0 and _has_foreign_tables(conn):
                raise StoreError(f"{path} is an SQLite file but not a geomap store")
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return current


def _has_foreign_tables(conn: sqlite3.Connection) -> bool:
    """True when a version-0 file already has tables (other than a geocode cache)."""
    names = {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    }
    return bool(names - {"geocode_cache"})


def now_iso() -> str:
    """The current UTC time as stored in ``*_at`` / ``created`` columns."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def dumps_json(value: object) -> str:
    """A JSON column value: compact, non-ASCII kept as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
