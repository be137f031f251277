"""Writing the store: an article with its mentions and incident candidates, linked, in one
transaction; undoing a merge. Import these from ``geomap.store.sqlite``.

Linking is blocked by country and date window: a candidate is only compared with stored
reports of its country whose date windows overlap its own (an index range scan on
``candidate (country, anchor_date)``), so the cost per article does not grow with the store.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from geomap.errors import NotFoundError
from geomap.gazetteer.iso3 import iso3
from geomap.incidents.merge import merge_candidates
from geomap.models import METHOD_MANUAL, Article, IncidentCandidate, Resolution
from geomap.store.review_apply import apply_review, join_reason, pinned_incident
from geomap.store.schema import dumps_json as _dumps
from geomap.store.schema import now_iso as _now

if TYPE_CHECKING:
    from geomap.store.sqlite import Store

__all__ = [
    "DATE_SLACK_DAYS",
    "UNDATED_BLOCK_LIMIT",
    "LinkChoice",
    "Linker",
    "WriteResult",
    "has_article",
    "incident_id_for",
    "refresh_incident",
    "unlink_candidate",
    "write_article",
]

#: Half-width in days of a report's date window per time_precision (1 day, 2 week, 3 month);
#: the same as ``geomap.incidents.link.DATE_SLACK_DAYS``. Linking offers a candidate only the stored
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


def _shift(day: date, days: int) -> date:
    """``day + days``, held within the dates Python can represent (no OverflowError)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


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
        reach = own + max(DATE_SLACK_DAYS.values())
        queries = [
            (
                f"SELECT {_CANDIDATE_COLUMNS} FROM candidate WHERE country = ?"
                " AND anchor_date BETWEEN ? AND ? AND article_id != ?"
                f" AND abs(julianday(anchor_date) - julianday(?)) <= ? + {_SLACK_SQL}"
                " ORDER BY rowid",
                (country, _shift(anchor, -reach).isoformat(), _shift(anchor, reach).isoformat(),
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
    merged = merge_candidates(rows, loads=json.loads)
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
                # A PostGIS store narrows the same rows by distance (geomap.store.postgres).
                block = getattr(store, "block_rows", None) or _block_rows
                choice = linker(cand, block(conn, cand, article, place.country))
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
    conn.execute("DELETE FROM candidate WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM article WHERE id = ?", (article_id,))
    for incident_id in incidents:
        refresh_incident(conn, incident_id)


#: Reasons that mark a mention left unresolved for want of the geocoder (an outage, or a
#: run with the fallback off), as opposed to a name the geocoder does not know.
_RETRY_REASONS = (
    "geocoder off", "geocoder: HTTP", "geocoder: timeout", "geocoder: unreadable",
    "geocoder: request to",
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
