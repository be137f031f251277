"""The app's screen, section by section: sidebar filters, metrics, map, table, exports, adding
articles and correcting a place; ``app.py`` puts them on the page.

Caching lives here, in the app only: ``st.cache_resource`` for shared read-only handles (the
gazetteer, the shown incidents), ``st.cache_data`` for data. Untrusted text (articles, file
names) is shown only as plain text or through ``geomap.mapview``'s escaped popups, never with
``unsafe_allow_html``.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from geomap.app import review, urlfilters
from geomap.app import state as appstate
from geomap.app.mapcomponent import (
    map_payload,
    prune,
    rows_component,
    rows_folder,
    serve_rows_separately,
    show_map,
    static_component,
)
from geomap.config import Settings, demo_db_path
from geomap.errors import GazetteerError, GeomapError
from geomap.gazetteer.lookup import Gazetteer
from geomap.mapview.foliummap import build_map, incident_popups, tile_layer
from geomap.mapview.safe_html import script_json
from geomap.models import REVIEW_STATUSES, IncidentFilter
from geomap.store.sqlite import incident_ids, open_store, unknown_values

__all__ = [
    "MAP_HEIGHT",
    "SECTIONS",
    "TABLE_LIMIT",
    "about",
    "add_articles",
    "cached_facets",
    "cached_view",
    "correct_place",
    "ensure_samples",
    "exports",
    "filter_key",
    "incident_table",
    "load_settings",
    "map_section",
    "metrics",
    "open_gazetteer",
    "section_picker",
    "seed_filters",
    "seed_from_url",
    "sidebar",
    "start_gazetteer",
    "store_or_demo",
    "sync_url",
]

MAP_HEIGHT = 620
# Both limits keep the first paint fast (benchmarks/bench_app.py: at 10k incidents a 2,000-item
# picker and a 5,000-row table cost ~0.5 s before the map's markers show).
MAX_PICK = 300  # incidents offered in the correction picker (narrow with the filters)
# Rows sent to the table; larger sets are ordered on the server first (see TABLE_ORDERS).
TABLE_LIMIT = 1000
# One section at a time: each kind of element costs the browser its script before the map can
# draw (benchmarks/bench_app.py: the table and the tools together ~0.6 s at 10k incidents).
# The section is kept in the URL too (``?view=table``), except the default Map.
SECTIONS = {
    "Map": "",
    "Table": "table",
    "Review": "review",
    "Add articles": "add",
    "Correct a place": "correct",
}
KEEP_ROWS_FILES = 16  # map data files kept on disk (two per map; the payload cache holds 4 maps)


# -- resources and cached data ---------------------------------------------------------------
class _PlaceIndex:
    """The gazetteer, opened in a thread of its own: the first start builds its index
    (~100 MB, 20-30 s), and only the pages that geoparse or search places wait for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.started = time.monotonic()
        self.gazetteer: Gazetteer | None = None
        self.error: Exception | None = None
        threading.Thread(target=self._open, name="geomap-gazetteer", daemon=True).start()

    def _open(self) -> None:
        try:
            self.gazetteer = Gazetteer.open(Settings.from_env())
        except Exception as exc:  # handed to the page that waits (see open_gazetteer)
            self.error = exc
        finally:
            self.done.set()


@st.cache_resource(show_spinner=False)
def _place_index(path: str) -> _PlaceIndex:
    del path  # the cache key: one gazetteer per index file
    return _PlaceIndex()


def start_gazetteer(settings: Settings) -> None:
    """Open (on a first start: build) the gazetteer in the background; returns at once."""
    _place_index(str(settings.gazetteer_path))


def open_gazetteer(settings: Settings) -> Gazetteer:
    """The gazetteer; while the first start still builds its index, the page says so (and
    for how long) and waits."""
    index = _place_index(str(settings.gazetteer_path))
    if not index.done.is_set():
        note = st.empty()
        while not index.done.wait(1.0):
            note.info(
                "Building the place index (the first start only, 20-30 s): "
                f"{time.monotonic() - index.started:.0f} s so far…"
            )
        note.empty()
    if index.gazetteer is None:
        _place_index.clear()  # the next run tries again
        if isinstance(index.error, GeomapError):
            raise index.error
        raise GazetteerError(f"the gazetteer index could not be opened: {index.error}")
    return index.gazetteer


@st.cache_resource(show_spinner=False, max_entries=3)
def cached_view(db: str, signature: tuple[int, ...], filter_key: str) -> appstate.View:
    """The shown incidents, shared read-only by every session (never mutate the records):
    a resource, not cache_data, so 50k records are not unpickled on every rerun."""
    del signature  # part of the cache key only: the store's contents changed
    return appstate.load_view(db, urlfilters.filter_from_params(json.loads(filter_key)))


@st.cache_data(show_spinner=False, max_entries=4)
def cached_facets(db: str, signature: tuple[int, ...]) -> tuple[dict[str, list[str]], int]:
    del signature
    return appstate.load_facets(db)


@st.cache_data(show_spinner=False, max_entries=8)
def _table(db: str, signature: tuple[int, ...], filter_key: str, order: str) -> pd.DataFrame:
    records = cached_view(db, signature, filter_key).records
    rows = appstate.table_rows(appstate.with_reports(db, records), order=order, limit=TABLE_LIMIT)
    frame = pd.DataFrame(rows, columns=list(appstate.TABLE_COLUMNS))
    # a link per row to its review (the page's own URL; opens in a new tab)
    frame.insert(0, "review", [f"?view=review&incident={iid}" for iid in frame["incident_id"]])
    return frame


@st.cache_data(show_spinner=False, max_entries=4)
def _map_payload(
    db: str, signature: tuple[int, ...], filter_key: str, show_mentions: bool, tiles: str
) -> dict[str, Any]:
    """The map as the map component receives it, built once per data+filter.

    Building a folium map of 50k incidents and rendering it takes seconds of Python; the
    result is the same for every session that shows the same data, so it is cached here.
    """
    records = appstate.with_reports(db, cached_view(db, signature, filter_key).records)
    mentions = None
    if show_mentions:
        mentions = appstate.mention_records(db, appstate.article_ids(records))
    fmap = build_map(
        records,
        tiles=tiles,
        show_mentions=show_mentions,
        mentions=mentions,
        assets=f"../{static_component().name}",  # plain files, not data: URLs in the payload
        height="100%",  # the component's frame: it fills the rest of the first screen
        popups=False,  # made in the background, after the page is out
        review_links=True,
    )
    # Relative to the map component's iframe (/component/<its name>/), so it also works
    # under a server.baseUrlPath.
    prune(rows_folder(), keep=KEEP_ROWS_FILES)
    files = serve_rows_separately(
        fmap,
        rows_folder(),
        f"../{rows_component().name}/",
        popups_later=lambda: script_json(incident_popups(records, review_links=True)),
        key=json.dumps([db, signature, filter_key]),
    )
    payload = map_payload(fmap)
    payload["files"] = files
    return payload


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except GeomapError as exc:
        st.error("geomap cannot start: a setting is invalid.")
        st.text(str(exc))
        st.stop()
        raise


# -- first start: sample data ----------------------------------------------------------------
def _switch_demo(on: bool) -> None:
    """To or from the demo store: the filters start afresh from the other store's values."""
    st.session_state["demo"] = on
    st.session_state.pop("filters_seeded", None)
    st.session_state.pop("f_dates", None)


def store_or_demo(settings: Settings) -> Settings:
    """The settings of the store to show: the user's, or the demo store of bundled samples.

    An empty store gets an offer, "Try it with sample articles", which switches this session
    (and its URL, ``demo=1``) to a demo store of its own (:func:`geomap.config.demo_db_path`);
    the samples never go into the user's store or its exports.
    """
    if "demo" not in st.session_state:
        st.session_state["demo"] = st.query_params.get("demo") == "1"
    if st.session_state["demo"]:
        demo = replace(settings, db_path=demo_db_path(settings.db_path))
        ensure_samples(demo)
        left, right = st.columns([6, 1.2], vertical_alignment="center")
        left.info(
            "Demo: the bundled sample articles, in a demo store of their own; your store is "
            "untouched."
        )
        right.button("Leave the demo", key="leave_demo", on_click=_switch_demo, args=(False,))
        return demo
    store = open_store(settings.db_path)
    try:
        empty = appstate.needs_samples(store)
    finally:
        store.close()
    if empty:
        left, right = st.columns([6, 1.6], vertical_alignment="center")
        left.info(
            'Your store is empty: add your own articles under "Add articles", or try geomap '
            "with the bundled sample articles (kept in a demo store apart from yours)."
        )
        right.button(
            "Try it with sample articles",
            key="try_demo",
            type="primary",
            on_click=_switch_demo,
            args=(True,),
        )
    return settings


def ensure_samples(settings: Settings) -> None:
    """Fill an empty (demo) store with the bundled sample articles (offline) and say so."""
    store = open_store(settings.db_path)
    try:
        if not appstate.needs_samples(store):
            return
        gazetteer = open_gazetteer(settings)
        bar = st.progress(0.0, text="Loading the bundled sample articles…")

        def progress(done: int, total: int | None) -> None:
            bar.progress(min(done / total, 1.0) if total else 0.5, text="Loading samples…")

        report = appstate.load_samples(
            settings=settings, store=store, gazetteer=gazetteer, progress=progress
        )
        bar.empty()
    finally:
        store.close()
    if report is not None:
        st.toast(
            f"Loaded {report.new} bundled sample articles ({report.incidents_created} "
            "incidents) into the demo store."
        )


# -- sidebar: filters <-> URL ----------------------------------------------------------------
def seed_filters(flt: IncidentFilter, facets: dict[str, list[str]]) -> None:
    """Set the widgets' state from a filter (the URL on first load)."""
    lo, hi = _date_bounds(facets, flt)
    if facets.get("dates") or flt.date_from or flt.date_to:
        st.session_state["f_dates"] = (flt.date_from or lo, flt.date_to or hi)
    else:  # no dated incident yet: no range to keep (it would become today..today)
        st.session_state.pop("f_dates", None)
    st.session_state["f_types"] = list(flt.event_types)
    st.session_state["f_countries"] = list(flt.countries)
    st.session_state["f_actors"] = list(flt.actors)
    st.session_state["f_sources"] = list(flt.sources)
    st.session_state["f_text"] = flt.text
    st.session_state["f_conf"] = float(flt.min_confidence)
    st.session_state["f_bbox"] = flt.bbox
    st.session_state["f_undated"] = flt.include_undated
    st.session_state["f_status"] = list(flt.review_statuses)


def seed_from_url(facets: dict[str, list[str]]) -> None:
    """Once per session: the filter widgets and the section from the URL (a shared link)."""
    if "filters_seeded" not in st.session_state:
        params = {k: st.query_params.get_all(k) for k in st.query_params}
        seed_filters(urlfilters.filter_from_params(params), facets)
        slug = st.query_params.get("view") or ""
        st.session_state["section"] = next((k for k, v in SECTIONS.items() if v == slug), "Map")
        st.session_state["filters_seeded"] = True


def section_picker() -> str:
    """The section shown below the counts (one at a time: see SECTIONS), picked at the top
    of the sidebar, so the map starts right under the counts."""
    section: str = st.sidebar.radio("Show", list(SECTIONS), key="section")
    return section


def filter_key(flt: IncidentFilter) -> str:
    """The filter as a cache key (its URL parameters, as JSON)."""
    return json.dumps(urlfilters.filter_to_params(flt), sort_keys=True)


def _date_bounds(facets: dict[str, list[str]], flt: IncidentFilter) -> tuple[date, date]:
    dates = [date.fromisoformat(d[:10]) for d in facets.get("dates") or () if d]
    dates += [d for d in (flt.date_from, flt.date_to) if d is not None]
    if not dates:
        today = date.today()
        return today, today
    return min(dates), max(dates)


def _multiselect(label: str, key: str, options: list[str]) -> tuple[str, ...]:
    chosen = [str(v) for v in st.session_state.get(key, [])]
    opts = sorted(set(options) | set(chosen))
    return tuple(st.multiselect(label, opts, key=key))


def sidebar(facets: dict[str, list[str]]) -> IncidentFilter:
    """The filter widgets; returns the filter they describe."""
    sb = st.sidebar
    sb.header("Filters")
    lo, hi = _date_bounds(facets, IncidentFilter())
    date_from = date_to = None
    if facets.get("dates"):
        st.session_state.setdefault("f_dates", (lo, hi))
        cur = st.session_state.get("f_dates") or (lo, hi)
        lo, hi = min(lo, *cur), max(hi, *cur)
        with sb:
            picked = st.date_input("Date range", min_value=lo, max_value=hi, key="f_dates")
        if isinstance(picked, tuple | list) and len(picked) == 2:
            date_from = picked[0] if picked[0] > lo else None
            date_to = picked[1] if picked[1] < hi else None
        elif isinstance(picked, tuple | list) and len(picked) == 1:
            date_from = picked[0] if picked[0] > lo else None
        with sb:
            undated = st.toggle(
                "Include undated incidents",
                key="f_undated",
                help="On: a date range keeps the incidents whose date is unknown.",
            )
    else:
        undated = bool(st.session_state.get("f_undated", True))
    with sb:
        types = _multiselect("Event type", "f_types", facets.get("event_types", []))
        countries = _multiselect("Country", "f_countries", facets.get("countries", []))
        actors = _multiselect("Actor", "f_actors", facets.get("actors", []))
        sources = _multiselect("Source", "f_sources", facets.get("sources", []))
        text = st.text_input("Search text", key="f_text", placeholder="place, actor, excerpt…")
        conf = st.slider("Minimum location confidence", 0.0, 1.0, step=0.05, key="f_conf")
        statuses = st.multiselect(
            "Review status",
            list(REVIEW_STATUSES),
            key="f_status",
            placeholder="unreviewed and verified",
            help="Rejected incidents are hidden unless you pick 'rejected' here.",
        )
        st.toggle("Show other places the articles mention", key="show_mentions")
    bbox = st.session_state.get("f_bbox")
    if bbox is not None:
        sb.caption("Limited to the area in the link:")
        sb.text(", ".join(f"{v:g}" for v in bbox))
        sb.button("Show all areas", on_click=st.session_state.__setitem__, args=("f_bbox", None))
    sb.button(
        "Reset filters",
        on_click=seed_filters,
        args=(IncidentFilter(include_undated=True), facets),
    )
    return IncidentFilter(
        date_from=date_from,
        date_to=date_to,
        event_types=types,
        countries=countries,
        actors=actors,
        sources=sources,
        text=text.strip(),
        min_confidence=round(float(conf), 2),
        bbox=bbox,
        review_statuses=tuple(s for s in REVIEW_STATUSES if s in statuses),
        include_undated=bool(undated),
    )


def sync_url(flt: IncidentFilter, section: str) -> None:
    """Write the filter and the section to the URL when they differ (so the view can be
    shared)."""
    wanted = urlfilters.filter_to_params(flt)
    if SECTIONS.get(section):
        wanted["view"] = SECTIONS[section]
    if st.session_state.get("demo"):
        wanted["demo"] = "1"
    for name in review.URL_KEYS:  # the reviewer's name and the incident under review
        if st.query_params.get(name) and (name == "by" or section == "Review"):
            wanted[name] = st.query_params[name]
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    norm = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if current != norm:
        st.query_params.from_dict(wanted)


# -- page sections ---------------------------------------------------------------------------
def counts_line(counts: appstate.Counts, total: int) -> str:
    """The page's counts as one line of Markdown (numbers only, no record text)."""
    c = counts
    return (
        f"Incidents shown **{c.incidents:,}** of {total:,} · On the map **{c.located:,}** · "
        f"Killed **{c.fatalities:,}** · Injured **{c.injured:,}** · Reports **{c.reports:,}**"
    )


def metrics(view: appstate.View, total: int) -> None:
    """The counts, compact: one line, so the map starts high on a laptop screen."""
    st.caption(counts_line(view.counts, total))


def filter_hints(flt: IncidentFilter, facets: dict[str, list[str]]) -> None:
    """A "did you mean" for each filter value (from a link) that no incident has."""
    for message in unknown_values(flt, facets):
        st.warning(message[0].upper() + message[1:])


def new_incidents_notice(view: appstate.View, facets: dict[str, list[str]]) -> None:
    """After an upload: the new incidents are shown, or say how many the filters hide and
    offer to show them (reset the filters)."""
    new = st.session_state.get("new_incidents") or []
    if not new:
        return
    shown = {r["incident_id"] for r in view.records}
    hidden = sum(1 for iid in new if iid not in shown)
    if not hidden:
        st.session_state["new_incidents"] = []  # all in view: nothing more to say
        return
    left, mid, right = st.columns([6, 1.3, 1], vertical_alignment="center")
    left.warning(
        f"{hidden} of the {len(new)} new incident(s) from your upload are hidden by the "
        "current filters."
    )

    def show_all() -> None:
        seed_filters(IncidentFilter(include_undated=True), facets)
        st.session_state["section"] = "Map"

    mid.button("Show them", on_click=show_all, key="show_new", type="primary")
    right.button(
        "Dismiss", on_click=st.session_state.__setitem__, args=("new_incidents", []), key="hide_new"
    )


def _open_review(incident_id: str) -> None:
    """A popup's "Review this incident": the Review section, with that incident picked."""
    st.session_state["section"] = "Review"
    st.query_params["incident"] = incident_id


def map_section(settings: Settings, db: str, signature: tuple[int, ...], filter_key: str) -> None:
    show_mentions = bool(st.session_state.get("show_mentions"))
    tiles = settings.tiles
    try:
        tile_layer(tiles)
    except GeomapError as exc:
        st.warning("The basemap setting GEOMAP_TILES is not usable; showing no basemap.")
        st.text(str(exc))
        tiles = "none"
    rows_component()  # registers the data folder with this server (every run: cheap)
    static_component()  # and Leaflet's folder
    payload = _map_payload(db, signature, filter_key, show_mentions, tiles)
    rows_file = (payload.get("files") or [None])[0]
    if rows_file and not (rows_folder() / rows_file).exists():  # removed behind our back
        _map_payload.clear()
        payload = _map_payload(db, signature, filter_key, show_mentions, tiles)
    payload = {k: v for k, v in payload.items() if k != "files"}
    # The component sends back only a popup's "Review this incident": panning, zooming and
    # clicking never rerun the script, and the map is remounted only when what it shows
    # changes, so its view survives every other rerun.
    show_map(payload, height=MAP_HEIGHT, on_review=_open_review)
    st.caption(
        "Basemap from GEOMAP_TILES; without network the map shows offline borders (Natural "
        "Earth) and says so. The list beside the map shows the incidents in view: a row opens "
        "its marker. The slider at the bottom plays the incidents by day or week."
    )


def _with_session_params(frame: pd.DataFrame) -> pd.DataFrame:
    """The review links (they open a new tab: a new session) with this page's reviewer
    name and demo store, so the review there is signed and finds the incident."""
    keep = {k: str(st.query_params[k]) for k in ("by", "demo") if st.query_params.get(k)}
    if not keep or frame.empty:
        return frame
    frame = frame.copy()  # the cached table is shared by every session
    frame["review"] = frame["review"] + "&" + urlencode(keep)
    return frame


def incident_table(
    view: appstate.View, db: str, signature: tuple[int, ...], filter_key: str
) -> None:
    order = "newest first"
    if view.counts.incidents > TABLE_LIMIT:
        left, right = st.columns([1, 3])
        order = left.selectbox("Table order", list(appstate.TABLE_ORDERS), key="table_order")
        right.caption(
            f"The table lists the first {TABLE_LIMIT:,} of {view.counts.incidents:,} incidents "
            "in this order; the map and the downloads have them all."
        )
    st.dataframe(
        _with_session_params(_table(db, signature, filter_key, order)),
        hide_index=True,
        width="stretch",
        height=560,
        column_config={
            "review": st.column_config.LinkColumn("Review", display_text="Review"),
            "confidence": st.column_config.NumberColumn(format="%.2f"),
            "latitude": st.column_config.NumberColumn(format="%.4f"),
            "longitude": st.column_config.NumberColumn(format="%.4f"),
        },
    )


def exports(view: appstate.View) -> None:
    records = view.records
    cols = st.columns([1, 1, 4])
    cols[0].download_button(
        "Download GeoJSON",
        data=lambda: appstate.export_geojson(records),
        file_name="geomap-incidents.geojson",
        mime="application/geo+json",
        on_click="ignore",
        key="dl_geojson",
    )
    cols[1].download_button(
        "Download CSV",
        data=lambda: appstate.export_csv(records),
        file_name="geomap-incidents.csv",
        mime="text/csv",
        on_click="ignore",
        key="dl_csv",
    )
    cols[2].caption("Exports contain exactly the incidents shown (the current filters).")


def add_articles(settings: Settings, gazetteer: Gazetteer) -> None:
    if st.session_state.get("demo"):
        st.warning('This is the demo store: "Leave the demo" to add articles to your own.')
    st.caption("Files: .txt, .html, .json, .jsonl or .csv (a `text` column). Or paste text.")
    gen = st.session_state.setdefault("upload_gen", 0)
    with st.form("add_articles", clear_on_submit=False):
        files = st.file_uploader("Article files", accept_multiple_files=True, key=f"uploads_{gen}")
        text = st.text_area("Or paste an article", key=f"paste_{gen}", height=150)
        st.caption(
            "Optional, for pasted text and .txt/.html files: where the article comes from "
            "(otherwise the file's own name, or the page's site name)."
        )
        c1, c2, c3 = st.columns([2, 3, 1.4])
        outlet = c1.text_input("Outlet", key=f"outlet_{gen}", placeholder="e.g. Reuters")
        link = c2.text_input("URL", key=f"url_{gen}", placeholder="https://…")
        when = c3.date_input("Published", value=None, key=f"published_{gen}")
        submitted = st.form_submit_button("Ingest")
    if submitted:
        uploads = [(f.name, f.getvalue()) for f in files or []]
        if not uploads and not text.strip():
            st.warning("Choose files or paste some text first.")
        else:
            bar = st.progress(0.0, text="Ingesting…")

            def progress(done: int, total: int | None) -> None:
                bar.progress(min(done / total, 1.0) if total else 0.5, text="Ingesting…")

            store = open_store(settings.db_path)
            try:
                before = incident_ids(store)
                report = appstate.ingest_uploads(
                    uploads, text=text, settings=settings, store=store,
                    gazetteer=gazetteer, progress=progress, outlet=outlet, url=link,
                    published=when.isoformat() if isinstance(when, date) else "",
                )  # fmt: skip
                st.session_state["new_incidents"] = sorted(incident_ids(store) - before)
            finally:
                store.close()
            bar.empty()
            st.session_state["ingest_report"] = report
            st.session_state["upload_gen"] = gen + 1
            st.rerun()
    last = st.session_state.get("ingest_report")
    if last is not None:
        new = len(st.session_state.get("new_incidents") or [])
        st.success(
            "Ingest finished." + (f" {new} new incident(s): see them on the Map." if new else "")
        )
        st.text(last.summary())
        notes = appstate.notice_lines(last)
        if notes:
            st.warning(f"{len(notes)} note(s) on what was read:")
            for line in notes:
                st.text(line)
        failures = appstate.failure_lines(last)
        if failures:
            st.error(f"{len(failures)} input(s) could not be ingested:")
            for line in failures:
                st.text(line)


def correct_place(settings: Settings, gazetteer: Gazetteer, view: appstate.View) -> None:
    records = view.records[:MAX_PICK]
    if not records:
        st.caption("No incident is shown; change the filters.")
        return
    by_id = {r["incident_id"]: r for r in records}

    def label(incident_id: str) -> str:
        r = by_id[incident_id]
        return " · ".join(
            str(v)
            for v in (r.get("event_date") or "undated", r.get("event_type") or "Incident",
                      r.get("location") or "unplaced", incident_id)
        )  # fmt: skip

    if len(view.records) > MAX_PICK:
        st.caption(f"The first {MAX_PICK:,} incidents shown; narrow the filters to find one.")
    incident_id = st.selectbox("Incident", list(by_id), format_func=label, key="fix_incident")
    record = by_id[incident_id]
    st.text(
        f"Now: {record.get('location') or 'unplaced'} "
        f"({record.get('latitude')}, {record.get('longitude')}), "
        f"method {record.get('location_method') or 'none'}"
    )
    how = st.radio(
        "New location", ["Gazetteer place", "Coordinates"], horizontal=True, key="fix_how"
    )
    place = None
    if how == "Gazetteer place":
        name = st.text_input(
            "Search the gazetteer by name",
            value=str(record.get("location") or ""),
            key=f"fix_name_{incident_id}",
        )
        choices = appstate.place_choices(gazetteer, name)
        if choices:
            idx = st.selectbox(
                "Candidate",
                range(len(choices)),
                format_func=lambda i: appstate.place_label(choices[i]),
                key=f"fix_pick_{incident_id}_{name}",
            )
            place = choices[idx]
        elif name.strip():
            st.caption("No gazetteer place has this name.")
    else:
        c1, c2, c3 = st.columns(3)
        lat0 = float(record.get("latitude") or 0.0)
        lon0 = float(record.get("longitude") or 0.0)
        lat = c1.number_input(
            "Latitude", -90.0, 90.0, value=lat0, format="%.5f", key=f"fix_lat_{incident_id}"
        )
        lon = c2.number_input(
            "Longitude", -180.0, 180.0, value=lon0, format="%.5f", key=f"fix_lon_{incident_id}"
        )
        pname = c3.text_input("Place name", value=str(record.get("location") or ""))
        place = appstate.manual_place(
            lat,
            lon,
            name=pname,
            country=str(record.get("country") or ""),
            admin1=str(record.get("admin1") or ""),
        )
    if st.button("Save correction", disabled=place is None, key="fix_save") and place:
        store = open_store(settings.db_path)
        try:
            cid = appstate.correct_incident(store, incident_id, place)
        finally:
            store.close()
        st.session_state["fix_message"] = f"Correction #{cid} saved: {place.name}."
        st.rerun()
    if st.session_state.get("fix_message"):
        st.success("Saved; the incident's location method is now 'manual'.")
        st.text(st.session_state["fix_message"])


def about() -> None:
    st.divider()
    st.caption(
        "geomap maps incidents reported in news articles. Place data: "
        "[GeoNames](https://www.geonames.org/), licensed CC BY 4.0; "
        "[Who's On First](https://whosonfirst.org/) (CC0 / source licences); neighbourhoods: "
        "UN OCHA Syria common operational datasets. Offline borders: "
        "[Natural Earth](https://www.naturalearthdata.com/) (public domain). Locations and "
        "counts are "
        "extracted automatically; check the sources in each popup."
    )
