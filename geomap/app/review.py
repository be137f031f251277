"""The app's Review section: a queue of incidents, most in need of a look first; pick a row
(or follow "Review this incident" in a map popup) to verify, reject, edit, merge or split it,
and see its history.

Every action goes through ``geomap.store.review`` with the version of the incident the
analyst was shown (kept in the session), so a change made meanwhile in another tab or
process is reported as a conflict instead of being overwritten. The reviewer's name is typed
once and kept in the session and the URL (``?by=NAME``). Article text is untrusted: it is
only ever shown as plain text (``st.dataframe``, ``st.text``, widget labels), never as markup.
Keyboard: an "Incident to review" drop-down repeats the queue (the table's rows need a
mouse); buttons and forms are reachable with Tab and act on Enter or Space; the status
buttons never turn disabled and the page keeps its shape across a decision, so the focus
stays where it was. A place can also be set by a click on a map (``geomap.app.mappick``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from geomap.app.mapcomponent import map_payload, pick_on_map, static_component
from geomap.app.mappick import clicked_place, clicked_point
from geomap.config import Settings
from geomap.errors import GeomapError
from geomap.gazetteer.lookup import Gazetteer
from geomap.incidents.eventtypes import EVENT_TYPES
from geomap.mapview.foliummap import build_map
from geomap.models import IncidentFilter, Place
from geomap.store import review as rv
from geomap.store.queue import review_queue
from geomap.store.sqlite import Store, iter_incidents, open_store

__all__ = ["QUEUE_COLUMNS", "URL_KEYS", "queue_rows", "review_section"]

#: URL query parameters of the Review section: the reviewer's name, the incident under review.
URL_KEYS = ("by", "incident")

#: Columns of the review queue table (plain values only).
QUEUE_COLUMNS = (
    "priority",
    "review_status",
    "event_date",
    "sub_event_type",
    "location",
    "country",
    "fatalities",
    "source_count",
    "why",
    "incident_id",
)
_STATUS_CHOICES = {
    "Needs review": ("unreviewed",),
    "Verified": ("verified",),
    "Rejected": ("rejected",),
    "All": (),
}
_SUB_TYPES = [s for subs in EVENT_TYPES.values() for s in subs]
QUEUE_LIMIT = 500
PICK_MAP_HEIGHT = 380  # the map to pick a place on (the component fits the screen within)


def queue_rows(
    store: Store, flt: IncidentFilter, statuses: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The queue's table rows, highest priority first (at most :data:`QUEUE_LIMIT`)."""
    rows = []
    for item in review_queue(store, flt, statuses=statuses, limit=QUEUE_LIMIT):
        r = item.record
        row = {c: r.get(c) for c in QUEUE_COLUMNS if c in r}
        row["priority"] = item.priority
        row["why"] = "; ".join(item.reasons)
        rows.append({c: row.get(c) for c in QUEUE_COLUMNS})
    return rows


def _reviewer() -> str:
    """The name field: typed once, kept in the session and the URL (``by``)."""
    if "reviewer" not in st.session_state:
        st.session_state["reviewer"] = st.query_params.get("by", "")[:80]
    name = st.text_input(
        "Your name (for the audit log)",
        key="reviewer",
        max_chars=80,
        help="Kept for this session and in the page address, so a shared link keeps it.",
    )
    name = " ".join(name.split())
    if name and st.query_params.get("by") != name:
        st.query_params["by"] = name
    return name


def _label(record: dict[str, Any]) -> str:
    """A plain one-line description of an incident (for pickers; never markup)."""
    killed = record.get("fatalities")
    return (
        f"{record.get('event_date') or 'undated'}"
        f" · {record.get('sub_event_type') or record.get('event_type') or 'incident'}"
        f" · {record.get('location') or 'unknown place'}"
        + (f" · {killed} killed" if killed else "")
        + f" · {record.get('source_count')} source(s) · {str(record.get('incident_id'))[:8]}"
    )


def _act(db: str, incident_id: str, action: Callable[[Store, int | None], str]) -> None:
    """Run one decision with the version the analyst saw; the outcome goes to the session."""
    seen = st.session_state.get("review_seen", {}).get(incident_id)
    try:
        with open_store(db) as store:
            message = action(store, seen)
        st.session_state["review_message"] = ("success", message)
    except GeomapError as exc:
        st.session_state["review_message"] = ("error", str(exc))


def _status_buttons(db: str, record: dict[str, Any], name: str) -> None:
    iid = record["incident_id"]
    reason = st.text_input("Reason (optional)", key=f"reason_{iid}")

    def decide(status: str) -> Callable[[], None]:
        def run() -> None:
            _act(
                db,
                iid,
                lambda s, v: _status_message(
                    rv.set_status(s, iid, status, by=name, reason=reason, expect_version=v)
                ),
            )

        return run

    # Never disabled for the status the incident has (a second reviewer confirms, or gives a
    # new reason): a button that turns disabled loses the keyboard focus, and the analyst
    # would Tab through the whole page again to reach the next one.
    cols = st.columns(3)
    cols[0].button(
        "Verify",
        key=f"verify_{iid}",
        on_click=decide("verified"),
        disabled=not name,
        type="primary",
    )
    cols[1].button("Reject", key=f"reject_{iid}", on_click=decide("rejected"), disabled=not name)
    cols[2].button(
        "Back to unreviewed",
        key=f"reopen_{iid}",
        on_click=decide("unreviewed"),
        disabled=not name,
    )


def _status_message(state: rv.ReviewState) -> str:
    return f"{state.incident_id}: {state.status} by {state.reviewer}"


def _edit_form(db: str, record: dict[str, Any], name: str) -> None:
    iid = record["incident_id"]
    with st.form(f"edit_{iid}"):
        types = list(dict.fromkeys([*EVENT_TYPES, record["event_type"]]))
        etype = st.selectbox(
            "Event type",
            types,
            index=types.index(record["event_type"]) if record["event_type"] in types else 0,
        )
        subs = list(dict.fromkeys([*_SUB_TYPES, record["sub_event_type"]]))
        sub = st.selectbox(
            "Sub-event type",
            subs,
            index=subs.index(record["sub_event_type"]) if record["sub_event_type"] in subs else 0,
        )
        day = st.date_input(
            "Date",
            value=date.fromisoformat(record["event_date"]) if record.get("event_date") else None,
        )
        c1, c2 = st.columns(2)
        actor1 = c1.text_input("Actor 1", value=record.get("actor1") or "")
        actor2 = c2.text_input("Actor 2", value=record.get("actor2") or "")
        killed = c1.number_input("Killed", min_value=0, step=1, value=record.get("fatalities"))
        injured = c2.number_input("Injured", min_value=0, step=1, value=record.get("injured"))
        reason = st.text_input("Reason (optional)")
        if st.form_submit_button("Save edits", disabled=not name):
            given = {
                "event_type": etype,
                "sub_event_type": sub,
                "event_date": day,
                "actor1": actor1,
                "actor2": actor2,
                "fatalities": None if killed is None else int(killed),
                "injured": None if injured is None else int(injured),
            }
            given["event_date"] = day.isoformat() if day else record.get("event_date")
            given = {k: v for k, v in given.items() if v != record.get(k)}
            _act(
                db,
                iid,
                lambda s, v: _edits_message(
                    rv.edit_incident(s, iid, given, by=name, reason=reason, expect_version=v)
                ),
            )
            st.rerun()


def _edits_message(entries: list[rv.LogEntry]) -> str:
    if not entries:
        return "Nothing changed."
    return "Saved: " + "; ".join(f"{e.field} {e.old_value} → {e.new_value}" for e in entries)


def _place_form(
    db: str, gazetteer: Gazetteer, record: dict[str, Any], name: str, tiles: str
) -> None:
    iid = record["incident_id"]
    how = st.radio(
        "New place from",
        ["Gazetteer", "Coordinates", "Map click"],
        horizontal=True,
        key=f"place_how_{iid}",
    )
    place: Place | None = None
    if how == "Map click":
        _map_click(db, gazetteer, record, name, tiles)
        return
    if how == "Gazetteer":
        query = st.text_input("Place name", key=f"place_q_{iid}")
        found = [c.place for c in gazetteer.candidates(query.strip())[:25]] if query.strip() else []
        found.sort(key=lambda p: p.country != record.get("country"))  # the incident's country first
        if found:
            place = st.selectbox(
                "Candidates",
                found,
                key=f"place_pick_{iid}",
                format_func=lambda p: (
                    f"{p.name}, {p.admin1}, {p.country} ({p.feature_code}) {p.lat:.4f}, {p.lon:.4f}"
                ),
            )
        elif query.strip():
            st.caption("No gazetteer place of that name: use coordinates.")
    else:
        c1, c2 = st.columns(2)
        lat = c1.number_input(
            "Latitude",
            -90.0,
            90.0,
            float(record.get("latitude") or 0.0),
            format="%.5f",
            key=f"lat_{iid}",
        )
        lon = c2.number_input(
            "Longitude",
            -180.0,
            180.0,
            float(record.get("longitude") or 0.0),
            format="%.5f",
            key=f"lon_{iid}",
        )
        label = st.text_input(
            "Name of the place", value=record.get("location") or "", key=f"place_name_{iid}"
        )
        place = Place(
            None,
            label.strip() or f"{lat:.4f}, {lon:.4f}",
            lat,
            lon,
            admin1=record.get("admin1") or "",
            country=record.get("country") or "",
        )

    def save() -> None:
        if place is not None:
            _act(
                db,
                iid,
                lambda s, v: _edits_message(
                    rv.edit_incident(s, iid, {"location": place}, by=name, expect_version=v)
                ),
            )

    st.button(
        "Set place", key=f"set_place_{iid}", on_click=save, disabled=not name or place is None
    )


def _pick_payload(record: dict[str, Any], tiles: str) -> dict[str, Any]:
    """A map of this incident alone, centred on it, for picking its place by a click."""
    lat, lon = record.get("latitude"), record.get("longitude")
    where = (float(lat), float(lon)) if lat is not None and lon is not None else None
    fmap = build_map(
        [record],
        tiles=tiles,
        center=where or (20.0, 0.0),
        zoom=10 if where else 2,
        assets=f"../{static_component().name}",
        height="100%",
    )
    return map_payload(fmap)


def _map_click(
    db: str, gazetteer: Gazetteer, record: dict[str, Any], name: str, tiles: str
) -> None:
    """The place from a click on a map: where it is, the nearest gazetteer place, and a
    button that sets it (as coordinates: the same review edit, logged)."""
    iid = record["incident_id"]
    payload = _pick_payload(record, tiles)
    st.caption("Click the map where the incident happened.")
    value = pick_on_map(payload, height=PICK_MAP_HEIGHT, key=f"pick_{iid}_{payload['key'][:16]}")
    point = clicked_point(value)
    if point is None:
        return
    place, line = clicked_place(gazetteer, point[0], point[1], record)
    st.text(line)

    def save() -> None:
        _act(
            db,
            iid,
            lambda s, v: _edits_message(
                rv.edit_incident(s, iid, {"location": place}, by=name, expect_version=v)
            ),
        )

    st.button("Set place here", key=f"set_click_{iid}", on_click=save, disabled=not name)


def _merge_form(db: str, record: dict[str, Any], name: str) -> None:
    iid = record["incident_id"]
    others = _nearby(db, record)
    if not others:
        st.caption("No other incident in this country within a week of this one.")
        return
    labels = {o["incident_id"]: _label(o) for o in others}
    chosen = st.multiselect(
        "Merge these into this incident",
        list(labels),
        format_func=labels.__getitem__,
        key=f"merge_pick_{iid}",
    )
    reason = st.text_input("Reason (optional)", key=f"merge_reason_{iid}")

    def merge() -> None:
        def run(s: Store, v: int | None) -> str:
            survivor = rv.merge_incidents(
                s,
                [iid, *chosen],
                by=name,
                reason=reason,
                expect_versions={iid: v} if v is not None else None,
            )
            return f"Merged {len(chosen)} incident(s) into {survivor}."

        _act(db, iid, run)

    st.button("Merge", key=f"merge_{iid}", on_click=merge, disabled=not name or not chosen)


def _nearby(db: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """Incidents an analyst may want to merge with this one: same country, within a week."""
    day = record.get("event_date")
    flt = IncidentFilter(countries=(record["country"],) if record.get("country") else ())
    if day:
        d = date.fromisoformat(day)
        flt = IncidentFilter(
            countries=flt.countries, date_from=d - timedelta(days=7), date_to=d + timedelta(days=7)
        )
    with open_store(db, readonly=True) as store:
        found = [r for r in iter_incidents(store, flt) if r["incident_id"] != record["incident_id"]]
    return found[:200]


def _split_form(db: str, record: dict[str, Any], name: str) -> None:
    iid = record["incident_id"]
    sources = [s for s in record.get("sources") or () if isinstance(s, dict)]
    if len(sources) < 2:
        st.caption("One source only: nothing to split.")
        return
    labels = {
        str(s.get("article_id")): f"{s.get('name') or 'source'} · {s.get('published') or ''}"
        f" · {str(s.get('article_id'))[:10]}"
        for s in sources
    }
    pick = st.selectbox(
        "Source to split off", list(labels), format_func=labels.__getitem__, key=f"split_pick_{iid}"
    )

    def split() -> None:
        _act(
            db,
            iid,
            lambda s, v: (
                "Split off into " + rv.split_source(s, iid, pick, by=name, expect_version=v)
            ),
        )

    st.button("Split off", key=f"split_{iid}", on_click=split, disabled=not name)


def _panel(db: str, gazetteer: Gazetteer, incident_id: str, name: str, tiles: str) -> None:
    try:
        with open_store(db, readonly=True) as store:
            record = rv.current_record(store, incident_id)
            history = rv.incident_history(store, incident_id)
    except GeomapError as exc:
        st.warning(str(exc))
        return
    st.subheader(_label(record))
    st.text(
        f"Status: {record['review_status']}"
        + (
            f" by {record['reviewed_by']} at {record['reviewed_at']}"
            if record["reviewed_by"]
            else ""
        )
        + (f" ({record['review_reason']})" if record["review_reason"] else "")
        + f"\nPlace: {record['location']}, {record['admin1']}, {record['country']}"
        f" (precision {record['geo_precision']}, {record['location_method']}, "
        f"confidence {record['confidence']:.2f})\nSources: {record['source']}"
    )
    if not name:
        st.info("Type your name above to make decisions.")
    _status_buttons(db, record, name)
    tabs = st.tabs(["Edit values", "Place", "Merge", "Split", f"History ({len(history)})"])
    with tabs[0]:
        _edit_form(db, record, name)
    with tabs[1]:
        _place_form(db, gazetteer, record, name, tiles)
    with tabs[2]:
        _merge_form(db, record, name)
    with tabs[3]:
        _split_form(db, record, name)
    with tabs[4]:
        if history:
            st.dataframe(pd.DataFrame(history), hide_index=True, use_container_width=True)
        else:
            st.caption("No decision yet.")
    # what the analyst now sees: the next decision is checked against this version
    st.session_state.setdefault("review_seen", {})[incident_id] = record["version"]


def _pick_from_keyboard() -> None:
    picked = st.session_state.get("review_pick")
    if picked:
        st.query_params["incident"] = str(picked)


def _keyboard_picker(rows: list[dict[str, Any]], incident_id: str | None) -> None:
    """The queue again as a drop-down, for the keyboard (the table's rows cannot be picked
    without a mouse): Tab to it, arrows or typing, Enter. It shows the incident under
    review when that one is in the queue."""
    labels = {str(r["incident_id"]): _label(r) for r in rows}
    st.session_state["review_pick"] = incident_id if incident_id in labels else None
    st.selectbox(
        "Incident to review",
        list(labels),
        format_func=labels.__getitem__,
        key="review_pick",
        placeholder="Pick one with the keyboard, or a row of the table above",
        on_change=_pick_from_keyboard,
    )


def review_section(settings: Settings, gazetteer: Gazetteer, flt: IncidentFilter) -> None:
    """The Review section: name, queue (a table; pick a row), the picked incident's panel."""
    db = str(settings.db_path)
    name = _reviewer()
    # One slot, always there: the page keeps its shape, so a button keeps the keyboard focus
    # across the rerun its decision makes.
    slot = st.container(key="review_message_slot")
    message = st.session_state.pop("review_message", None)
    if message is not None:
        (slot.success if message[0] == "success" else slot.error)(message[1])
    choice = st.radio("Show", list(_STATUS_CHOICES), horizontal=True, key="review_status_pick")
    statuses = _STATUS_CHOICES[choice]
    with open_store(db, readonly=True) as store:
        rows = queue_rows(store, flt, statuses)
    # always one caption (never an element that comes and goes: the panel below would be
    # drawn anew and its focused button lose the keyboard focus)
    st.caption(
        f"{'The first ' if len(rows) >= QUEUE_LIMIT else ''}{len(rows)} incident(s), most in"
        " need of a look first."
        if rows
        else "Nothing to review with these filters."
    )
    frame = pd.DataFrame(rows, columns=list(QUEUE_COLUMNS))
    event = st.dataframe(
        frame,
        hide_index=True,
        use_container_width=True,
        on_select="rerun",
        selection_mode="single-row",
        key="review_table",
    )
    picked = tuple(getattr(event, "selection", {}).get("rows", []) or [])
    # A decision changes the queue under a kept selection: only a new pick changes the incident.
    if picked and picked != st.session_state.get("review_last_pick") and picked[0] < len(rows):
        st.query_params["incident"] = str(rows[picked[0]]["incident_id"])
    st.session_state["review_last_pick"] = picked
    incident_id = str(st.query_params.get("incident") or "")[:64] or None
    _keyboard_picker(rows, incident_id)
    if incident_id is None:
        st.caption(
            "Pick a row or an incident in the drop-down (or open an incident's popup on the map)"
            " to review it."
        )
        return
    _panel(db, gazetteer, incident_id, name, settings.tiles)
