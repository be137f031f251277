"""The incident store: one SQLite file (WAL), written one article per transaction.

``open_store(path)`` creates or migrates the file. :func:`write_article` stores an article with
its mentions and incident candidates and links each candidate, all in one transaction: a crash
mid-ingest leaves every committed article whole and nothing of the interrupted one. The read API
(:func:`iter_incidents`, :func:`count_incidents`, :func:`get_incident`, :func:`iter_mentions`,
:func:`facet_values`, ...) lives in ``geomap.store_query`` and is re-exported here.

A :class:`Store` is one connection: use it from one thread at a time (open one per thread).

Examples
--------
>>> import tempfile, os
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "s", "geomap.sqlite"))
>>> store.journal_mode, store.schema_version
('wal', 1)
>>> store.close()
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from geomap.errors import NotFoundError, StoreError
from geomap.merge import merge_candidates
from geomap.models import METHOD_MANUAL, Article, IncidentCandidate, Place, Resolution
from geomap.names import match_key
from geomap.schema import SCHEMA_VERSION, migrate
from geomap.store_query import (
    count_incidents,
    facet_values,
    get_incident,
    iter_candidates,
    iter_incidents,
    iter_mentions,
)

__all__ = [
    "DATE_SLACK_DAYS",
    "LinkChoice",
    "Linker",
    "Store",
    "WriteResult",
    "add_correction",
    "context_key",
    "count_incidents",
    "facet_values",
    "find_correction",
    "get_incident",
    "has_article",
    "incident_id_for",
    "iter_candidates",
    "iter_incidents",
    "iter_mentions",
    "open_store",
    "unlink_candidate",
    "write_article",
]

#: Half-width in days of a report's date window per time_precision (1 day, 2 week, 3 month);
#: the same as ``geomap.link.DATE_SLACK_DAYS``. Linking offers a candidate only the stored
#: reports of its country whose window overlaps its own; an undated report is placed at its
#: article's publication date with the widest window.
DATE_SLACK_DAYS: dict[int, int] = {1: 1, 2: 7, 3: 31}
_SLACK_SQL = "(CASE time_precision WHEN 1 THEN 1 WHEN 2 THEN 7 ELSE 31 END)"
#: At most this many reports without any date (and, for such a report, the most recent reports
#: of its country) are offered to linking, so linking never scans a whole country.
UNDATED_BLOCK_LIMIT = 200
_CANDIDATE_COLUMNS = (
    "id, article_id, idx, incident_id, event_type, sub_event_type, event_date, anchor_date,"
    " time_precision, location, location_surface, geonameid, latitude, longitude, feature_code,"
    " country_code, admin1, country, location_method, confidence, geo_precision, actor1, actor2,"
    " fatalities, injured, weekday, notes, excerpt, evidence, link_reasons, link_score"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _GeocodeCache:
    """``geomap.geocode.GeocodeCache`` over the store's own connection (table geocode_cache)."""

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
    """An open store: ``conn`` (autocommit; :meth:`transaction` groups writes) and ``path``."""

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


def open_store(path: str | Path, *, readonly: bool = False) -> Store:
    """Open (creating parent folders and the schema if needed) the SQLite store at ``path``.

    WAL journal, ``busy_timeout`` 30 s (concurrent ingests wait instead of failing), foreign
    keys on. ``readonly=True`` refuses writes (``PRAGMA query_only``), for the app.
    """
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


# -- writing ---------------------------------------------------------------------------------
class LinkChoice(Protocol):
    """What a linker returns (``geomap.link.LinkDecision`` fits)."""

    @property
    def target_id(self) -> str | None: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...
    @property
    def score(self) -> float: ...


#: Given a new candidate and the stored reports in its blocking window (dicts of candidate
#: columns, ``incident_id`` included), choose the incident to join or None.
Linker = Callable[[IncidentCandidate, list[dict[str, Any]]], LinkChoice]


@dataclass(frozen=True)
class WriteResult:
    """What :func:`write_article` did: ``new`` is False when the article was already stored."""

    new: bool
    incidents_created: tuple[str, ...] = ()
    incidents_merged: tuple[str, ...] = ()


def incident_id_for(article_id: str, index: int) -> str:
    """The stable id of the incident first reported by candidate ``index`` of an article."""
    return hashlib.sha256(f"{article_id}:{index}".encode()).hexdigest()[:16]


def has_article(store: Store, article_id: str) -> bool:
    """True when an article with this id is stored."""
    row = store.conn.execute("SELECT 1 FROM article WHERE id = ?", (article_id,)).fetchone()
    return row is not None


def _insert_mentions(
    conn: sqlite3.Connection, article_id: str, resolutions: Sequence[Resolution]
) -> None:
    rows = []
    for i, r in enumerate(resolutions):
        m, p = r.mention, r.place
        rows.append(
            (article_id, i, m.start, m.end, m.surface, m.kind, m.cue,
             p.geonameid if p else None, p.name if p else None, p.lat if p else None,
             p.lon if p else None, p.feature_code if p else None, p.country_code if p else None,
             p.admin1 if p else None, p.country if p else None, float(r.score), r.method,
             _dumps(list(r.reasons)))
        )  # fmt: skip
    conn.executemany(
        'INSERT INTO mention (article_id, idx, start, "end", surface, kind, cue, geonameid, name,'
        " lat, lon, feature_code, country_code, admin1, country, score, method, reasons)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _weekday_hint(candidate: IncidentCandidate) -> int | None:
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for ev in candidate.evidence:
        if ev.field == "event_date" and ev.rule == "weekday-unanchored":
            word = ev.value.strip().lower()
            if word in days:
                return days.index(word)
    return None


def _block_rows(
    conn: sqlite3.Connection, candidate: IncidentCandidate, article: Article, country: str
) -> list[dict[str, Any]]:
    """Stored reports (other articles) of the same country that linking should compare.

    Those whose date window overlaps the candidate's (an index range scan on
    ``(country, anchor_date)``, then the exact overlap test), plus the most recent
    :data:`UNDATED_BLOCK_LIMIT` reports that have no date at all (undated report in an undated
    article), since an undated report may match any date. An undated candidate in an undated
    article gets the country's most recent reports instead.
    """
    anchor = candidate.event_date or article.published
    undated_sql = (
        f"SELECT {_CANDIDATE_COLUMNS} FROM candidate WHERE country = ? AND anchor_date IS NULL"
        " AND article_id != ? ORDER BY rowid DESC LIMIT ?"
    )
    rows: list[dict[str, Any]] = []
    if anchor is not None:
        own = DATE_SLACK_DAYS.get(candidate.time_precision, DATE_SLACK_DAYS[3])
        if candidate.event_date is None:
            own = DATE_SLACK_DAYS[3]
        reach = timedelta(days=own + max(DATE_SLACK_DAYS.values()))
        queries = [
            (
                f"SELECT {_CANDIDATE_COLUMNS} FROM candidate WHERE country = ?"
                " AND anchor_date BETWEEN ? AND ? AND article_id != ?"
                f" AND abs(julianday(anchor_date) - julianday(?)) <= ? + {_SLACK_SQL}"
                " ORDER BY rowid",
                (country, (anchor - reach).isoformat(), (anchor + reach).isoformat(),
                 article.id, anchor.isoformat(), own),
            ),
            (undated_sql, (country, article.id, UNDATED_BLOCK_LIMIT)),
        ]  # fmt: skip
    else:
        queries = [
            (
                f"SELECT {_CANDIDATE_COLUMNS} FROM candidate WHERE country = ? AND article_id != ?"
                " ORDER BY rowid DESC LIMIT ?",
                (country, article.id, UNDATED_BLOCK_LIMIT),
            )
        ]
    for sql, params in queries:
        cur = conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        rows.extend(dict(zip(names, row, strict=True)) for row in cur)
    return rows


def _insert_candidate(
    conn: sqlite3.Connection,
    article: Article,
    index: int,
    c: IncidentCandidate,
    incident_id: str,
    reasons: Sequence[str],
    score: float | None,
) -> None:
    res = c.location
    p = res.place if res is not None else None
    anchor = c.event_date or article.published
    conn.execute(
        f"INSERT INTO candidate ({_CANDIDATE_COLUMNS}) VALUES ({', '.join('?' * 31)})",
        (
            f"{article.id}-{index}", article.id, index, incident_id, c.event_type,
            c.sub_event_type, c.event_date.isoformat() if c.event_date else None,
            anchor.isoformat() if anchor else None, c.time_precision,
            p.name if p else "", res.mention.surface if res else "", p.geonameid if p else None,
            p.lat if p else None, p.lon if p else None, p.feature_code if p else "",
            p.country_code if p else "", p.admin1 if p else "", p.country if p else "",
            res.method if p and res else "", float(res.score) if p and res else 0.0,
            c.geo_precision, c.actor1, c.actor2, c.fatalities, c.injured, _weekday_hint(c),
            c.notes, c.excerpt,
            _dumps([{"field": e.field, "value": e.value, "sentence": e.sentence, "rule": e.rule}
                    for e in c.evidence]),
            _dumps(list(reasons)), score,
        ),
    )  # fmt: skip


def _refresh_incident(conn: sqlite3.Connection, incident_id: str) -> None:
    """Recompute an incident's merged values from its candidates (and a manual correction)."""
    cur = conn.execute(
        f"SELECT c.{_CANDIDATE_COLUMNS.replace(', ', ', c.')}, a.title AS article_title,"
        " a.url AS article_url, a.source AS article_source, a.origin AS article_origin,"
        " a.published AS article_published FROM candidate c JOIN article a ON a.id = c.article_id"
        " WHERE c.incident_id = ? ORDER BY c.rowid",
        (incident_id,),
    )
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, row, strict=True)) for row in cur]
    if not rows:
        conn.execute("DELETE FROM incident WHERE id = ?", (incident_id,))
        return
    merged = merge_candidates(rows, loads=json.loads)
    fix = conn.execute(
        "SELECT geonameid, name, lat, lon, country_code, admin1, country FROM correction"
        " WHERE scope = 'incident' AND target = ? ORDER BY id DESC LIMIT 1",
        (incident_id,),
    ).fetchone()
    if fix is not None:
        merged.update(
            geonameid=fix[0], location=fix[1], latitude=fix[2], longitude=fix[3],
            admin1=fix[5] or merged["admin1"], country=fix[6] or merged["country"],
            location_method=METHOD_MANUAL, confidence=1.0,
        )  # fmt: skip
        if fix[4]:
            from geomap.iso3 import iso3

            merged["iso3"] = iso3(fix[4])
    for key in ("sources", "evidence", "link_reasons"):
        merged[key] = _dumps(merged[key])
    cols = list(merged)
    now = _now()
    conn.execute(
        f"INSERT INTO incident (id, {', '.join(cols)}, created_at, updated_at)"
        f" VALUES (?, {', '.join('?' * len(cols))}, ?, ?)"
        f" ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols)},"
        " updated_at = excluded.updated_at",
        (incident_id, *merged.values(), now, now),
    )


def write_article(
    store: Store,
    article: Article,
    resolutions: Sequence[Resolution] = (),
    candidates: Sequence[IncidentCandidate] = (),
    *,
    linker: Linker | None = None,
) -> WriteResult:
    """Store an article, its mentions and candidates, linking each candidate, in one transaction.

    Each candidate is offered to ``linker`` with the stored reports of its country whose date
    windows overlap its own (:data:`DATE_SLACK_DAYS`; an index range scan, so the cost does not
    grow with the size of the store); without a linker every candidate becomes its own
    incident. Returns ``WriteResult(new=False)`` without writing when the article is already
    stored.
    """
    with store.transaction() as conn:
        inserted = conn.execute(
            "INSERT OR IGNORE INTO article (id, title, url, source, published, published_from,"
            " origin, text, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, article.title, article.url, article.source,
             article.published.isoformat() if article.published else None,
             article.published_from, article.origin, article.text, _now()),
        ).rowcount  # fmt: skip
        if not inserted:
            return WriteResult(new=False)
        _insert_mentions(conn, article.id, resolutions)
        created: list[str] = []
        merged: list[str] = []
        for index, cand in enumerate(candidates):
            place = cand.location.place if cand.location is not None else None
            target: str | None = None
            reasons: tuple[str, ...] = ()
            score: float | None = None
            if linker is not None and place is not None and place.country:
                choice = linker(cand, _block_rows(conn, cand, article, place.country))
                target, reasons, score = choice.target_id, tuple(choice.reasons), choice.score
            if target is None:
                target = incident_id_for(article.id, index)
                conn.execute(
                    "INSERT INTO incident (id, created_at, updated_at) VALUES (?, ?, ?)",
                    (target, _now(), _now()),
                )
                created.append(target)
                reasons, score = (), None
            else:
                merged.append(target)
            _insert_candidate(conn, article, index, cand, target, reasons, score)
            _refresh_incident(conn, target)
    return WriteResult(new=True, incidents_created=tuple(created), incidents_merged=tuple(merged))


def unlink_candidate(store: Store, candidate_id: str) -> str:
    """Undo a merge: move one stored report to an incident of its own; returns that id.

    The report's own incident id is the one it would have had alone (a suffix is added if that
    id is taken by the incident it leaves). Raises NotFoundError for an unknown candidate.
    """
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT article_id, idx, incident_id FROM candidate WHERE id = ?", (candidate_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no stored report (candidate) {candidate_id!r}")
        article_id, index, old = row
        new = incident_id_for(article_id, index)
        if new == old:
            others = conn.execute(
                "SELECT count(*) FROM candidate WHERE incident_id = ?", (old,)
            ).fetchone()[0]
            if others == 1:
                return str(old)
            new = incident_id_for(article_id, index) + "-u"
        conn.execute(
            "INSERT OR IGNORE INTO incident (id, created_at, updated_at) VALUES (?, ?, ?)",
            (new, _now(), _now()),
        )
        conn.execute(
            "UPDATE candidate SET incident_id = ?, link_reasons = ?, link_score = NULL"
            " WHERE id = ?",
            (new, _dumps([f"unlinked from {old} by hand"]), candidate_id),
        )
        _refresh_incident(conn, old)
        _refresh_incident(conn, new)
    return new


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
            _refresh_incident(conn, target)
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
