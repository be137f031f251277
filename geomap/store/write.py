"""Writing the store: an article with its mentions and incident candidates, linked, in one
transaction; undoing a merge. Import these from ``geomap.store.sqlite``.

Linking is blocked by time and space: each dated, located report has a box in the R*Tree
``candidate_box`` (its date window by its place's uncertainty), and a new report is offered
only the incidents with a report whose box overlaps its own (undated reports: only those of
the same named place, by an index), with every report of each. The cost per report thus
depends on how many reports lie near it in time and space, not on the size of the store.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from geomap.errors import NotFoundError
from geomap.gazetteer.iso3 import iso3
from geomap.incidents.merge import merge_candidates
from geomap.models import METHOD_MANUAL, Article, IncidentCandidate, Place, Resolution
from geomap.store.review_apply import apply_review, join_reason, pinned_incident
from geomap.store.schema import dumps_json as _dumps
from geomap.store.schema import now_iso as _now

if TYPE_CHECKING:
    from geomap.store.sqlite import Store

__all__ = [
    "DATE_SLACK_DAYS",
    "MEMBER_LIMIT",
    "UNDATED_BLOCK_LIMIT",
    "LinkChoice",
    "Linker",
    "WriteResult",
    "add_copy",
    "backfill_boxes",
    "has_article",
    "incident_id_for",
    "refresh_incident",
    "report_box",
    "unlink_candidate",
    "write_article",
]

#: Half-width in days of a report's date window per time_precision (1 day, 2 week, 3 month);
#: the same as ``geomap.incidents.link.DATE_SLACK_DAYS``. Linking offers a candidate only the stored
#: reports of its country whose window overlaps its own; an undated report is placed at its
#: article's publication date with the widest window.
DATE_SLACK_DAYS: dict[int, int] = {1: 1, 2: 7, 3: 31}
#: At most this many incidents are offered to linking for one report, and at most
#: :data:`MEMBER_LIMIT` reports of each, so linking never scans a whole country.
UNDATED_BLOCK_LIMIT = 200
MEMBER_LIMIT = 200
_CANDIDATE_COLUMNS = (
    "id, article_id, idx, incident_id, event_type, sub_event_type, event_date, anchor_date,"
    " time_precision, location, location_surface, geonameid, latitude, longitude, feature_code,"
    " country_code, admin1, country, location_method, confidence, geo_precision, actor1, actor2,"
    " fatalities, injured, weekday, notes, excerpt, evidence, link_reasons, link_score"
)


class LinkChoice(Protocol):
    """What a linker returns (``geomap.incidents.link.LinkDecision`` fits)."""

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


def _place_cells(p: Place | None) -> tuple[object, ...]:
    """The place columns of a mention row (all NULL when unresolved)."""
    if p is None:
        return (None,) * 8
    return (p.geonameid, p.name, p.lat, p.lon, p.feature_code, p.country_code, p.admin1,
            p.country)  # fmt: skip


def _insert_mentions(
    conn: sqlite3.Connection, article_id: str, resolutions: Sequence[Resolution]
) -> None:
    # A generator, not a list: an article of many mentions is never held twice as rows.
    rows = (
        (article_id, i, r.mention.start, r.mention.end, r.mention.surface, r.mention.kind,
         r.mention.cue, *_place_cells(r.place), float(r.score), r.method,
         _dumps(list(r.reasons)))
        for i, r in enumerate(resolutions)
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


#: Half-size in km of the box a report's place covers in ``candidate_box``: its uncertainty
#: radius (``geomap.incidents.link.PLACE_RADIUS_KM``), and for a whole admin1 area or country
#: a box wide enough for the area (containment, not distance, then decides).
_BOX_KM: dict[int, float] = {1: 2.0, 2: 20.0, 3: 150.0}
_AREA_BOX_KM = {"ADM1": 400.0, "PCL": 2000.0}
_KM_PER_DEGREE = 111.0


def report_box(
    anchor: date | None,
    time_precision: int,
    dated: bool,
    lat: float | None,
    lon: float | None,
    geo_precision: int,
    feature_code: str,
) -> tuple[float, float, float, float, float, float] | None:
    """A report's box in ``candidate_box``: (day_lo, day_hi, lat_lo, lat_hi, lon_lo, lon_hi).

    Days are proleptic ordinals of the date window (:data:`DATE_SLACK_DAYS`; a report dated
    only by its article gets the widest); None without a date or a point. Two reports can
    link only when their boxes overlap, so linking reads only those (an R*Tree search).
    Boxes are clipped at the poles and at +-180 degrees (no wrap-around).
    """
    if anchor is None or lat is None or lon is None:
        return None
    slack = DATE_SLACK_DAYS.get(time_precision, 31) if dated else DATE_SLACK_DAYS[3]
    km = _BOX_KM.get(geo_precision, 150.0)
    if geo_precision >= 3 and feature_code.startswith("PCL"):
        km = _AREA_BOX_KM["PCL"]
    elif geo_precision >= 3 and feature_code == "ADM1":
        km = _AREA_BOX_KM["ADM1"]
    dlat = km / _KM_PER_DEGREE
    dlon = min(360.0, km / (_KM_PER_DEGREE * max(0.01, math.cos(math.radians(lat)))))
    day = float(anchor.toordinal())
    return (day - slack, day + slack, max(-90.0, lat - dlat), min(90.0, lat + dlat),
            max(-180.0, lon - dlon), min(180.0, lon + dlon))  # fmt: skip


def _block_incidents(
    conn: sqlite3.Connection, candidate: IncidentCandidate, article: Article, country: str
) -> list[str]:
    """The incidents (ids, sorted) with a report whose box overlaps this candidate's.

    A dated or anchored report: an R*Tree search on its date window and place box, plus the
    incidents of fully undated reports of the same named place and sub-event type. A fully
    undated report (no date, undated article): only incidents with a report of the same
    named place and sub-event type (an index lookup), since it may link on nothing weaker.
    At most :data:`UNDATED_BLOCK_LIMIT` incidents either way.
    """
    res = candidate.location
    place = res.place if res is not None else None
    if place is None:
        return []
    anchor = candidate.event_date or article.published
    found: set[str] = set()
    box = report_box(anchor, candidate.time_precision, candidate.event_date is not None,
                     place.lat, place.lon, candidate.geo_precision, place.feature_code)  # fmt: skip
    if box is not None:
        rows = conn.execute(
            "SELECT DISTINCT c.incident_id FROM candidate_box b CROSS JOIN candidate c"
            " ON c.rowid = b.id"
            " WHERE b.day_hi >= ? AND b.day_lo <= ? AND b.lat_hi >= ? AND b.lat_lo <= ?"
            " AND b.lon_hi >= ? AND b.lon_lo <= ? AND c.country = ? AND c.article_id != ?"
            " LIMIT ?",
            (*box, country, article.id, UNDATED_BLOCK_LIMIT),
        )
        found.update(r[0] for r in rows)
    if place.geonameid is not None:
        undated = " AND anchor_date IS NULL" if anchor is not None else ""
        rows = conn.execute(
            "SELECT DISTINCT incident_id FROM candidate WHERE geonameid = ?"
            f" AND sub_event_type = ?{undated} AND country = ? AND article_id != ? LIMIT 3",
            (place.geonameid, candidate.sub_event_type, country, article.id),
        )
        found.update(r[0] for r in rows)
    return sorted(found)[:UNDATED_BLOCK_LIMIT]


def _block_rows(
    conn: sqlite3.Connection,
    candidate: IncidentCandidate,
    article: Article,
    country: str,
    *,
    incidents: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Every stored report (other articles) of the incidents this candidate may join.

    The incidents come from :func:`_block_incidents` (indexes on time and space, so the cost
    stays flat as the store grows) unless given; all their reports (at most
    :data:`MEMBER_LIMIT` each) are returned, since linking judges the new report against an
    incident's whole span.
    """
    rows: list[dict[str, Any]] = []
    if incidents is None:
        incidents = _block_incidents(conn, candidate, article, country)
    for incident_id in incidents:
        cur = conn.execute(
            f"SELECT {_CANDIDATE_COLUMNS} FROM candidate WHERE incident_id = ?"
            " AND article_id != ? ORDER BY rowid LIMIT ?",
            (incident_id, article.id, MEMBER_LIMIT),
        )
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
    cur = conn.execute(
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
    box = report_box(anchor, c.time_precision, c.event_date is not None,
                     p.lat if p else None, p.lon if p else None, c.geo_precision,
                     p.feature_code if p else "")  # fmt: skip
    if box is not None and isinstance(conn, sqlite3.Connection):  # PostGIS: its GiST index
        conn.execute("INSERT INTO candidate_box VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (cur.lastrowid, *box))  # fmt: skip


def backfill_boxes(conn: sqlite3.Connection) -> int:
    """Give every stored report without one its ``candidate_box`` entry (a store migrated from
    schema 1); returns how many were added. Call inside a transaction."""
    cur = conn.execute(
        "SELECT c.rowid, c.anchor_date, c.time_precision, c.event_date, c.latitude,"
        " c.longitude, c.geo_precision, c.feature_code FROM candidate c"
        " WHERE c.anchor_date IS NOT NULL AND c.latitude IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM candidate_box b WHERE b.id = c.rowid)"
    )
    boxes = []
    for rowid, anchor, tp, event_date, lat, lon, gp, fcode in cur.fetchall():
        box = report_box(date.fromisoformat(anchor), tp, event_date is not None, lat, lon, gp,
                         fcode or "")  # fmt: skip
        if box is not None:
            boxes.append((rowid, *box))
    conn.executemany("INSERT INTO candidate_box VALUES (?, ?, ?, ?, ?, ?, ?)", boxes)
    return len(boxes)


def _copies(conn: sqlite3.Connection, article_ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    """{article id: the other addresses its text was seen at} (``article_copy`` rows)."""
    found: dict[str, list[dict[str, Any]]] = {}
    ids = sorted(article_ids)
    cur = conn.execute(
        "SELECT article_id, url, source, published, origin FROM article_copy"
        f" WHERE article_id IN ({', '.join('?' * len(ids))})",
        ids,
    )
    for article_id, *cells in cur:
        found.setdefault(article_id, []).append(
            dict(zip(("url", "source", "published", "origin"), cells, strict=True))
        )
    return found


def add_copy(store: Store, article: Article) -> bool:
    """Record that a stored article's text was seen at another url (a copy), and list it
    among the sources of its incidents; False when there is nothing new (no url, the
    article's own url, or a copy already recorded)."""
    if not article.url:
        return False
    with store.transaction() as conn:
        row = conn.execute("SELECT url FROM article WHERE id = ?", (article.id,)).fetchone()
        if row is None or row[0] == article.url:
            return False
        inserted = conn.execute(
            "INSERT INTO article_copy (article_id, url, source, published, origin, seen_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article_id, url) DO NOTHING",
            (article.id, article.url, article.source,
             article.published.isoformat() if article.published else None, article.origin,
             _now()),
        ).rowcount  # fmt: skip
        if not inserted:
            return False
        incidents = conn.execute(
            "SELECT DISTINCT incident_id FROM candidate WHERE article_id = ?", (article.id,)
        ).fetchall()
        for (incident_id,) in incidents:
            refresh_incident(conn, incident_id)
    return True


def refresh_incident(conn: sqlite3.Connection, incident_id: str) -> None:
    """Recompute an incident's merged values from its candidates (and a manual correction);
    deletes the incident when no candidate is left. Call inside a transaction."""
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
    copies = _copies(conn, {r["article_id"] for r in rows})
    merged = merge_candidates(rows, loads=json.loads, copies=copies)
    fix = conn.execute(
        "SELECT geonameid, name, lat, lon, country_code, admin1, country, feature_code"
        " FROM correction"
        " WHERE scope = 'incident' AND target = ? ORDER BY id DESC LIMIT 1",
        (incident_id,),
    ).fetchone()
    if fix is not None:
        merged.update(
            geonameid=fix[0], location=fix[1], latitude=fix[2], longitude=fix[3],
            admin1=fix[5] or merged["admin1"], country=fix[6] or merged["country"],
            location_method=METHOD_MANUAL, confidence=1.0,
            geo_precision=3 if str(fix[7] or "").startswith(("PCL", "ADM1")) else 1,
        )  # fmt: skip
        if fix[4]:
            merged["iso3"] = iso3(fix[4])
    apply_review(conn, incident_id, merged)
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
    replace: bool = False,
) -> WriteResult:
    """Store an article, its mentions and candidates, linking each candidate, in one transaction.

    Each candidate is offered to ``linker`` with the stored reports of its country whose date
    windows overlap its own (:data:`DATE_SLACK_DAYS`; an index range scan, so the cost does not
    grow with the size of the store); without a linker every candidate becomes its own
    incident. Returns ``WriteResult(new=False)`` without writing when the article is already
    stored, unless ``replace`` is set: then its old mentions and reports are dropped (their
    incidents recomputed) and the new ones written in the same transaction.
    """
    with store.transaction() as conn:
        if replace:
            _drop_article(conn, article.id)
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
            pinned = pinned_incident(conn, f"{article.id}-{index}")
            if pinned is not None:  # an analyst merged or split this report: it stays there
                target, reasons = pinned[0], (pinned[1],)
                conn.execute(
                    "INSERT OR IGNORE INTO incident (id, created_at, updated_at) VALUES (?, ?, ?)",
                    (target, _now(), _now()),
                )
            elif linker is not None and place is not None and place.country:
                near = getattr(store, "block_rows", None)
                if near is None:
                    rows = _block_rows(conn, cand, article, place.country)
                else:  # PostGIS finds the nearby reports (geomap.store.postgres); their
                    # incidents' every report is then compared, as here
                    found = sorted(
                        {r["incident_id"] for r in near(conn, cand, article, place.country)}
                    )
                    rows = _block_rows(conn, cand, article, place.country,
                                       incidents=found[:UNDATED_BLOCK_LIMIT])  # fmt: skip
                choice = linker(cand, rows)
                target, reasons, score = choice.target_id, tuple(choice.reasons), choice.score
                note = join_reason(conn, target) if target is not None else None
                if note:
                    reasons = (*reasons, note)
            if target is None:
                target = incident_id_for(article.id, index)
                # OR IGNORE: a replaced article's old incident may live on with other reports.
                conn.execute(
                    "INSERT OR IGNORE INTO incident (id, created_at, updated_at) VALUES (?, ?, ?)",
                    (target, _now(), _now()),
                )
                created.append(target)
                reasons, score = (), None
            else:
                merged.append(target)
            _insert_candidate(conn, article, index, cand, target, reasons, score)
            refresh_incident(conn, target)
    return WriteResult(new=True, incidents_created=tuple(created), incidents_merged=tuple(merged))


def _drop_article(conn: sqlite3.Connection, article_id: str) -> None:
    """Delete an article with its mentions and reports; recompute the incidents they fed."""
    incidents = [
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT incident_id FROM candidate WHERE article_id = ?", (article_id,)
        )
    ]
    conn.execute("DELETE FROM mention WHERE article_id = ?", (article_id,))
    if isinstance(conn, sqlite3.Connection):
        conn.execute(
            "DELETE FROM candidate_box WHERE id IN"
            " (SELECT rowid FROM candidate WHERE article_id = ?)",
            (article_id,),
        )
    conn.execute("DELETE FROM candidate WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM article WHERE id = ?", (article_id,))
    for incident_id in incidents:
        refresh_incident(conn, incident_id)


#: Reasons that mark a mention left unresolved for want of the geocoder (an outage, or a
#: run with the fallback off), as opposed to a name the geocoder does not know.
_RETRY_REASONS = (
    "geocoder off", "geocoder: HTTP", "geocoder: timeout", "geocoder: unreadable",
    "geocoder: request to", "geocoder: run budget", "geocoder: article budget",
)  # fmt: skip


def needs_geocoder_retry(store: Store, article_id: str) -> bool:
    """True when some mention of a stored article is unresolved because the geocoder was off
    or failing, so a run with the geocoder working should process the article again."""
    where = " OR ".join("reasons LIKE ?" for _ in _RETRY_REASONS)
    row = store.conn.execute(
        f"SELECT 1 FROM mention WHERE article_id = ? AND method = 'unresolved' AND ({where})"
        " LIMIT 1",
        (article_id, *(f"%{r}%" for r in _RETRY_REASONS)),
    ).fetchone()
    return row is not None


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
        refresh_incident(conn, old)
        refresh_incident(conn, new)
    return new
