"""Analysts' review decisions: verify, reject, reopen, edit, merge, split, and their audit log.

Every decision runs in one transaction that checks the incident's ``version`` when the caller
passes the version it read (``expect_version``: optimistic concurrency, so of two analysts
editing one incident the later gets a :class:`~geomap.errors.ConflictError` instead of silently
overwriting), records the decision, writes one ``review_log`` row per changed value (incident
id, action, field, old value, new value, who, when, why) and recomputes the incident. Decisions
are keyed by incident id and report id, apart from the recomputed ``incident`` row, so
re-ingesting the same or new reports never undoes them (see ``geomap.store.review_apply``).

Examples
--------
>>> import tempfile, os
>>> from geomap.store.sqlite import open_store
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "geomap.sqlite"))
>>> list(iter_log(store))
[]
>>> store.close()
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from geomap.errors import ConflictError, NotFoundError, ReviewError
from geomap.models import REVIEW_STATUSES, Place
from geomap.store.query import get_incident
from geomap.store.review_apply import FIELD_COLUMNS, place_columns, snapshot
from geomap.store.schema import dumps_json as _dumps
from geomap.store.schema import now_iso as _now
from geomap.store.write import incident_id_for, refresh_incident

if TYPE_CHECKING:
    import sqlite3

    from geomap.store.sqlite import Store

__all__ = [
    "EDITABLE_FIELDS",
    "LogEntry",
    "ReviewState",
    "current_record",
    "edit_incident",
    "incident_history",
    "iter_log",
    "log_json",
    "merge_incidents",
    "resolve_incident_id",
    "review_state",
    "set_status",
    "split_source",
]

#: Fields :func:`edit_incident` accepts (``location`` takes a :class:`~geomap.models.Place`).
EDITABLE_FIELDS: tuple[str, ...] = tuple(FIELD_COLUMNS)
_ACTIONS = {"verified": "verify", "rejected": "reject", "unreviewed": "reopen"}


@dataclass(frozen=True)
class ReviewState:
    """An incident's review status, who set it, when, why, and its current ``version``."""

    incident_id: str
    status: str
    reviewer: str
    at: str | None
    reason: str
    version: int


@dataclass(frozen=True)
class LogEntry:
    """One audit-log row: a decision's effect on one field of one incident."""

    id: int
    incident_id: str
    action: str
    field: str
    old_value: str | None
    new_value: str | None
    reviewer: str
    at: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _gone_message(conn: sqlite3.Connection, incident_id: str) -> str:
    row = conn.execute(
        "SELECT new_value, reviewer, at FROM review_log WHERE incident_id = ? AND action = 'merge'"
        " AND field = 'incident_id' ORDER BY id DESC LIMIT 1",
        (incident_id,),
    ).fetchone()
    if row is not None:
        return f"no incident {incident_id!r}: {row[1]} merged it into {row[0]} on {row[2][:10]}"
    return f"no incident {incident_id!r}"


def resolve_incident_id(store: Store, incident_id: str) -> str:
    """The full id of an incident given its id or a unique prefix of at least 4 characters.

    Raises NotFoundError (saying so when the incident was merged into another one) or
    ReviewError for an ambiguous prefix.
    """
    key = incident_id.strip()
    conn = store.conn
    if conn.execute("SELECT 1 FROM incident WHERE id = ?", (key,)).fetchone():
        return key
    if len(key) >= 4:
        rows = conn.execute(
            "SELECT id FROM incident WHERE id >= ? AND id < ? ORDER BY id LIMIT 3",
            (key, key + "\uffff"),
        ).fetchall()
        if len(rows) == 1:
            return str(rows[0][0])
        if len(rows) > 1:
            raise ReviewError(f"incident id prefix {key!r} is ambiguous: give more characters")
    raise NotFoundError(_gone_message(conn, key))


def review_state(store: Store, incident_id: str) -> ReviewState:
    """The review status and version of one incident; NotFoundError for an unknown id."""
    row = store.conn.execute(
        "SELECT review_status, reviewed_by, reviewed_at, review_reason, version FROM incident"
        " WHERE id = ?",
        (incident_id,),
    ).fetchone()
    if row is None:
        raise NotFoundError(_gone_message(store.conn, incident_id))
    return ReviewState(incident_id, str(row[0]), str(row[1]), row[2], str(row[3]), int(row[4]))


def _check(
    conn: sqlite3.Connection, incident_id: str, expect_version: int | None
) -> dict[str, Any]:
    """The incident's row for a decision, after the optimistic-concurrency check."""
    cur = conn.execute("SELECT * FROM incident WHERE id = ?", (incident_id,))
    row = cur.fetchone()
    if row is None:
        raise NotFoundError(_gone_message(conn, incident_id))
    record = dict(zip([d[0] for d in cur.description], row, strict=True))
    if expect_version is not None and int(record["version"]) != expect_version:
        last = conn.execute(
            "SELECT action, reviewer, at FROM review_log WHERE incident_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (incident_id,),
        ).fetchone()
        who = f" (last decision: {last[0]} by {last[1]} at {last[2]})" if last else ""
        raise ConflictError(
            f"incident {incident_id} changed since you opened it{who}; "
            "reload it, check the new values and decide again"
        )
    return record


def _reviewer(by: str) -> str:
    name = " ".join(by.split())
    if not name:
        raise ReviewError("a reviewer name is needed (--by NAME or GEOMAP_REVIEWER)")
    return name


def _log(
    conn: sqlite3.Connection,
    incident_id: str,
    action: str,
    *,
    field: str = "",
    old: object = None,
    new: object = None,
    by: str,
    at: str,
    reason: str,
) -> None:
    conn.execute(
        "INSERT INTO review_log (incident_id, action, field, old_value, new_value, reviewer, at,"
        " reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (incident_id, action, field, _text(old), _text(new), by, at, reason),
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # a place: "name (lat, lon)"
        lat, lon = value.get("latitude"), value.get("longitude")
        where = f" ({lat:.5f}, {lon:.5f})" if lat is not None and lon is not None else ""
        return f"{value.get('location') or ''}{where}"
    return str(value)


def set_status(
    store: Store,
    incident_id: str,
    status: str,
    *,
    by: str,
    reason: str = "",
    expect_version: int | None = None,
) -> ReviewState:
    """Verify, reject or reopen (``unreviewed``) an incident; returns its new state.

    Verifying freezes the incident's current values: reports that join it later add sources
    but change none of them. Rejecting keeps the incident (hidden from the map and exports by
    default); verify or reopen undo it. Setting the status it already has still logs the
    decision (a second reviewer's confirmation, or a new reason).
    """
    if status not in REVIEW_STATUSES:
        raise ReviewError(f"status must be one of {', '.join(REVIEW_STATUSES)}, not {status!r}")
    by, at = _reviewer(by), _now()
    with store.transaction() as conn:
        record = _check(conn, incident_id, expect_version)
        conn.execute(
            "DELETE FROM review_override WHERE incident_id = ? AND kind = 'verified'",
            (incident_id,),
        )
        if status == "verified":
            edited = {
                r[0]
                for r in conn.execute(
                    "SELECT field FROM review_override WHERE incident_id = ?", (incident_id,)
                )
            }
            conn.executemany(
                "INSERT INTO review_override (incident_id, field, value, kind)"
                " VALUES (?, ?, ?, 'verified')",
                [
                    (incident_id, field, _dumps(columns))
                    for field, columns in snapshot(record).items()
                    if field not in edited
                ],
            )
        conn.execute(
            "INSERT INTO review_state (incident_id, status, reviewer, at, reason)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(incident_id) DO UPDATE SET status ="
            " excluded.status, reviewer = excluded.reviewer, at = excluded.at,"
            " reason = excluded.reason",
            (incident_id, status, by, at, reason),
        )
        _log(conn, incident_id, _ACTIONS[status], field="review_status",
             old=record["review_status"], new=status, by=by, at=at, reason=reason)  # fmt: skip
        refresh_incident(conn, incident_id)
    return review_state(store, incident_id)


def _edit_columns(field: str, value: object) -> dict[str, Any]:
    """The incident columns an edited value sets; raises ReviewError for a bad value."""
    if field == "location":
        if not isinstance(value, Place):
            raise ReviewError("location must be a Place (a gazetteer entry or coordinates)")
        if not (-90.0 <= value.lat <= 90.0 and -180.0 <= value.lon <= 180.0):
            raise ReviewError(f"coordinates out of range: {value.lat}, {value.lon}")
        return place_columns(value)
    if field == "event_date":
        if value is None:
            return {"event_date": None, "time_precision": 3}
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
        except ValueError:
            raise ReviewError(f"event_date must be YYYY-MM-DD, not {value!r}") from None
        return {"event_date": day.isoformat(), "time_precision": 1}
    if field in ("fatalities", "injured"):
        if value is None:
            return {field: None}
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ReviewError(f"{field} must be a whole number of 0 or more, not {value!r}")
        return {field: value}
    if field == "event_type":
        from geomap.incidents.eventtypes import EVENT_TYPES

        if str(value) not in EVENT_TYPES:
            raise ReviewError(f"unknown event type {value!r}; one of: {', '.join(EVENT_TYPES)}")
    if field not in FIELD_COLUMNS:
        raise ReviewError(f"cannot edit {field!r}; editable: {', '.join(EDITABLE_FIELDS)}")
    return {field: " ".join(str(value or "").split())}


def edit_incident(
    store: Store,
    incident_id: str,
    changes: Mapping[str, object],
    *,
    by: str,
    reason: str = "",
    expect_version: int | None = None,
) -> list[LogEntry]:
    """Set values of an incident by hand; returns the log entries (one per changed field).

    ``changes`` maps :data:`EDITABLE_FIELDS` to new values: ``event_type`` (an ACLED type),
    ``sub_event_type``, ``event_date`` (a date or ``YYYY-MM-DD``; day precision), ``location``
    (a :class:`~geomap.models.Place`; geo_precision 1, or 3 for a country or first-level
    area, method manual), ``actor1``, ``actor2``, ``fatalities``, ``injured`` (ints >= 0 or
    None). Values equal to the current ones are skipped. The edit outlives re-ingest and new
    reports; the status is unchanged.
    """
    by, at = _reviewer(by), _now()
    planned = {field: _edit_columns(field, value) for field, value in changes.items()}
    with store.transaction() as conn:
        record = _check(conn, incident_id, expect_version)
        first = conn.execute("SELECT max(id) FROM review_log").fetchone()[0] or 0
        for field, columns in planned.items():
            if (
                field == "location"
                and not columns["iso3"]
                and columns["country"] == record["country"]
            ):
                columns = {**columns, "iso3": record["iso3"]}  # coordinates in the same country
            before = {c: record.get(c) for c in columns}
            keys = ("location", "latitude", "longitude") if field == "location" else columns
            if all(before[c] == columns[c] for c in keys):
                continue
            conn.execute(
                "INSERT INTO review_override (incident_id, field, value, kind)"
                " VALUES (?, ?, ?, 'edit') ON CONFLICT(incident_id, field) DO UPDATE SET"
                " value = excluded.value, kind = 'edit'",
                (incident_id, field, _dumps(columns)),
            )
            old = before if field == "location" else before.get(field)
            new = columns if field == "location" else columns.get(field)
            _log(conn, incident_id, "edit", field=field, old=old, new=new, by=by, at=at,
                 reason=reason)  # fmt: skip
        refresh_incident(conn, incident_id)
    return [e for e in iter_log(store, incident_id=incident_id) if e.id > first]


def _candidates(conn: sqlite3.Connection, incident_id: str) -> list[tuple[str, str, int]]:
    return [
        (str(r[0]), str(r[1]), int(r[2]))
        for r in conn.execute(
            "SELECT id, article_id, idx FROM candidate WHERE incident_id = ? ORDER BY rowid",
            (incident_id,),
        )
    ]


def _move(conn: sqlite3.Connection, candidate_ids: Sequence[str], target: str, note: str) -> None:
    for cid in candidate_ids:
        conn.execute(
            "UPDATE candidate SET incident_id = ?, link_reasons = ?, link_score = NULL"
            " WHERE id = ?",
            (target, _dumps([note]), cid),
        )
        conn.execute(
            "INSERT INTO review_assignment (candidate_id, incident_id, reason) VALUES (?, ?, ?)"
            " ON CONFLICT(candidate_id) DO UPDATE SET incident_id = excluded.incident_id,"
            " reason = excluded.reason",
            (cid, target, note),
        )


def _forget(conn: sqlite3.Connection, incident_id: str) -> None:
    """Drop the decisions of an incident that no longer exists (its log stays)."""
    conn.execute("DELETE FROM review_state WHERE incident_id = ?", (incident_id,))
    conn.execute("DELETE FROM review_override WHERE incident_id = ?", (incident_id,))


def merge_incidents(
    store: Store,
    incident_ids: Sequence[str],
    *,
    by: str,
    reason: str = "",
    expect_versions: Mapping[str, int] | None = None,
) -> str:
    """Merge two or more incidents into the first; returns its id.

    The others' reports (sources) join the first, which keeps its id, status and edited or
    verified values (edit it afterwards to choose other values); the others are removed, and
    looking one up says where it went. Later re-ingests keep the reports where they were put.
    """
    ids = list(dict.fromkeys(incident_ids))
    if len(ids) < 2:
        raise ReviewError("merge needs at least two different incidents")
    by, at = _reviewer(by), _now()
    versions = expect_versions or {}
    with store.transaction() as conn:
        records = {i: _check(conn, i, versions.get(i)) for i in ids}
        survivor = ids[0]
        note = f"merged into {survivor} by {by}" + (f": {reason}" if reason else "")
        before = records[survivor]["source_count"]
        for other in ids[1:]:
            _move(conn, [c[0] for c in _candidates(conn, other)], survivor, note)
            _log(conn, other, "merge", field="incident_id", old=other, new=survivor, by=by,
                 at=at, reason=reason)  # fmt: skip
            _forget(conn, other)
            refresh_incident(conn, other)
        refresh_incident(conn, survivor)
        after = conn.execute(
            "SELECT source_count FROM incident WHERE id = ?", (survivor,)
        ).fetchone()[0]
        _log(conn, survivor, "merge", field="source_count", old=before, new=after, by=by, at=at,
             reason=(", ".join(ids[1:]) + (f"; {reason}" if reason else "")))  # fmt: skip
    return survivor


def split_source(
    store: Store,
    incident_id: str,
    article_id: str,
    *,
    by: str,
    reason: str = "",
    expect_version: int | None = None,
) -> str:
    """Split one source (article id, or a unique prefix of it) off into its own incident.

    Returns the new incident's id. The reports of that article leave the incident (its values
    are recomputed without them) and stay apart on re-ingest. Raises ReviewError when the
    article is the incident's only source, NotFoundError when it is not one of its sources.
    """
    by, at = _reviewer(by), _now()
    with store.transaction() as conn:
        _check(conn, incident_id, expect_version)
        reports = _candidates(conn, incident_id)
        key = article_id.strip()
        articles = sorted(
            {a for _, a, _ in reports if a == key or (len(key) >= 6 and a.startswith(key))}
        )
        if not articles:
            raise NotFoundError(f"incident {incident_id} has no source {article_id!r}")
        if len(articles) > 1:
            raise ReviewError(f"source prefix {article_id!r} is ambiguous: give more characters")
        moving = [c for c in reports if c[1] == articles[0]]
        if len(moving) == len(reports):
            raise ReviewError(
                f"nothing to split: {articles[0]} is the only source of incident {incident_id}"
            )
        new = incident_id_for(articles[0], moving[0][2])
        suffix = 0
        while conn.execute("SELECT 1 FROM incident WHERE id = ?", (new,)).fetchone():
            suffix += 1
            new = f"{incident_id_for(articles[0], moving[0][2])}-s{suffix}"
        _forget(conn, new)
        conn.execute(
            "INSERT INTO incident (id, created_at, updated_at) VALUES (?, ?, ?)", (new, at, at)
        )
        note = f"split off from {incident_id} by {by}" + (f": {reason}" if reason else "")
        _move(conn, [c[0] for c in moving], new, note)
        _log(conn, incident_id, "split", field="source", old=articles[0], new=new, by=by, at=at,
             reason=reason)  # fmt: skip
        _log(conn, new, "split", field="incident_id", old=incident_id, new=new, by=by, at=at,
             reason=reason)  # fmt: skip
        refresh_incident(conn, incident_id)
        refresh_incident(conn, new)
    return new


def iter_log(
    store: Store, *, incident_id: str | None = None, since_id: int = 0
) -> Iterator[LogEntry]:
    """The audit log, oldest first (one incident's history with ``incident_id``)."""
    sql = (
        "SELECT id, incident_id, action, field, old_value, new_value, reviewer, at, reason"
        " FROM review_log WHERE id > ?"
    )
    params: list[Any] = [since_id]
    if incident_id is not None:
        sql += " AND incident_id = ?"
        params.append(incident_id)
    for row in store.conn.execute(sql + " ORDER BY id", params):
        yield LogEntry(*row)


def incident_history(store: Store, incident_id: str) -> list[dict[str, Any]]:
    """One incident's log entries as plain dicts (the app's history table)."""
    return [e.as_dict() for e in iter_log(store, incident_id=incident_id)]


def current_record(store: Store, incident_id: str) -> dict[str, Any]:
    """The incident record with its ``version`` (for an edit form's concurrency check)."""
    record = get_incident(store, incident_id)
    record["version"] = review_state(store, incident_id).version
    return record


def log_json(entry: LogEntry) -> str:
    """One log entry as a JSON line."""
    return json.dumps(entry.as_dict(), ensure_ascii=False)
