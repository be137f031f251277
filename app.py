"""geomap's map app: ``streamlit run app.py``.

A thin page over ``geomap.app.state`` (the page logic, no streamlit there) and the library:
the sidebar filters drive the map, the table, the counts and the exports; the filters live in
the URL so a view can be shared. An empty store gets the bundled sample articles on first
start. Untrusted text (articles, file names) is shown only as plain text or through
``geomap.mapview.foliummap``'s escaped popups, never with ``unsafe_allow_html``.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import folium
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
import streamlit_folium

from geomap.app import state as appstate
from geomap.app import urlfilters
from geomap.config import Settings
from geomap.errors import GeomapError
from geomap.gazetteer.lookup import Gazetteer
from geomap.mapview.assets import STATIC_DIR
from geomap.mapview.foliummap import build_map, incident_popups, tile_layer
from geomap.mapview.safe_html import script_json
from geomap.models import IncidentFilter
from geomap.store.sqlite import open_store

MAP_HEIGHT = 620
# Both limits keep the first paint fast (benchmarks/bench_app.py: at 10k incidents a 2,000-item
# picker and a 5,000-row table cost ~0.5 s before the map's markers show).
MAX_PICK = 300  # incidents offered in the correction picker (narrow with the filters)
# Rows sent to the table; larger sets are ordered on the server first (see TABLE_ORDERS).
TABLE_LIMIT = 1000
# One section at a time: each kind of element costs the browser its script before the map can
# draw (benchmarks/bench_app.py: the table and the tools together ~0.6 s at 10k incidents).
# The section is kept in the URL too (``?view=table``), except the default Map.
SECTIONS = {"Map": "", "Table": "table", "Add articles": "add", "Correct a place": "correct"}
KEEP_ROWS_FILES = 16  # map data files kept on disk (two per map; the payload cache holds 4 maps)


# -- the map component -----------------------------------------------------------------------
#: streamlit-folium's own steps that st_folium runs on every call; the app runs them once per
#: map and caches the result (a test checks the result equals what st_folium sends).
FAST_MAP = all(
    hasattr(streamlit_folium, name)
    for name in ("_component_func", "_get_html", "_get_header", "_get_map_string", "get_full_id")
)


def folium_payload(fmap: folium.Map) -> dict[str, Any]:
    """What ``st_folium(fmap, returned_objects=[])`` sends to its component, as plain strings.

    The same steps as ``st_folium`` (render, split into html/header/script, collect the JS and
    CSS links), done once so the result can be cached; :func:`show_folium` sends it.
    """
    fmap.get_root().render()
    fmap.render()
    sf = streamlit_folium
    html, header, script = sf._get_html(fmap), sf._get_header(fmap), sf._get_map_string(fmap)
    css: list[str] = []
    js: list[str] = []

    def walk(element: Any) -> None:
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": sf.get_full_id(fmap),
        "css_links": list(dict.fromkeys(css)),
        "js_links": list(dict.fromkeys(js)),
        # The component's identity: equal maps keep the mounted map (and its view), a changed
        # map remounts. sha256 of the parts instead of st_folium's regex-based hash (0.4 s at 50k).
        "key": hashlib.sha256("\0".join((script, header, html)).encode("utf-8")).hexdigest(),
    }


def serve_rows_separately(
    fmap: folium.Map,
    folder: Path,
    base_url: str,
    *,
    popups_later: Callable[[], str] | None = None,
    key: str = "",
) -> tuple[str, str] | None:
    """Move the incident layer's data out of the map script into files in ``folder``.

    Component arguments travel over Streamlit's websocket as one JSON message that the
    browser decodes before it draws anything; 50k incidents are ~45 MB there and cost many
    seconds. Script files served over HTTP (``base_url``, the folder declared as a component
    path) are fetched and parsed like any script. The markers go to ``rows-<sha>.js``, loaded
    before the map is drawn; the popups (~90% of the bytes) to ``popups-<sha>.js``, which the
    layer fetches once its markers are on the map. A map built without popups gets them from
    ``popups_later`` (their ``script_json``), run in a background thread so the page does
    not wait; ``key`` must then name what they show (store and filter). Returns the two file
    names, or None when the map has no such data (then nothing changes). The files hold
    ``script_json`` output, which is safe inside a script.
    """
    for child in fmap._children.values():
        rows = getattr(child, "rows", None)
        if getattr(child, "_name", "") != "GeomapIncidents" or not isinstance(rows, str):
            continue
        popups: str = child.popups
        digest = hashlib.sha256("\0".join((rows, popups, key)).encode("utf-8")).hexdigest()[:32]
        rows_name = _write_script(folder, f"rows-{digest}.js", f"__geomapRows_{digest}", rows)
        popups_name, popups_var = f"popups-{digest}.js", f"__geomapPopups_{digest}"
        if popups != "null":
            _write_script(folder, popups_name, popups_var, popups)
        elif popups_later is not None and not (folder / popups_name).exists():
            _write_script_later(folder, popups_name, popups_var, popups_later)
        child.rows = f"window.__geomapRows_{digest}"
        child.popups = "null"
        child.popups_src = script_json({"url": base_url + popups_name, "name": popups_var})
        child.default_js = [*child.default_js, (f"geomap_rows_{digest}", base_url + rows_name)]
        return rows_name, popups_name
    return None


def _write_script_later(folder: Path, name: str, variable: str, data: Callable[[], str]) -> None:
    """:func:`_write_script` with ``data()``, in a background thread."""

    def write() -> None:
        _write_script(folder, name, variable, data())

    threading.Thread(target=write, name="geomap-popups", daemon=True).start()


def _write_script(folder: Path, name: str, variable: str, data: str) -> str:
    """``folder/name`` holding ``window.<variable>=<data>;`` (written once, atomically)."""
    target = folder / name
    if target.exists():
        os.utime(target)  # recently used: kept by pruning
    else:
        tmp = folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(f"window.{variable}={data};\n", encoding="utf-8")
        tmp.replace(target)
    return name


def show_folium(payload: dict[str, Any], *, height: int) -> None:
    """Show a cached :func:`folium_payload` with the st_folium component (no return values)."""
    streamlit_folium._component_func(
        **payload,
        height=height,
        width=None,
        returned_objects=[],
        default={},
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        wrap_longitude=False,
    )


# -- resources and cached data ---------------------------------------------------------------
@st.cache_resource(show_spinner="Opening the gazetteer (the first start builds it, ~20 s)…")
def _gazetteer(path: str) -> Gazetteer:
    del path  # the cache key: one gazetteer per index file
    return Gazetteer.open(Settings.from_env())


@st.cache_resource(show_spinner=False, max_entries=3)
def _view(db: str, signature: tuple[int, ...], filter_key: str) -> appstate.View:
    """The shown incidents, shared read-only by every session (never mutate the records):
    a resource, not cache_data, so 50k records are not unpickled on every rerun."""
    del signature  # part of the cache key only: the store's contents changed
    return appstate.load_view(db, urlfilters.filter_from_params(json.loads(filter_key)))


@st.cache_data(show_spinner=False, max_entries=4)
def _facets(db: str, signature: tuple[int, ...]) -> tuple[dict[str, list[str]], int]:
    del signature
    return appstate.load_facets(db)


@st.cache_data(show_spinner=False, max_entries=8)
def _table(db: str, signature: tuple[int, ...], filter_key: str, order: str) -> pd.DataFrame:
    records = _view(db, signature, filter_key).records
    rows = appstate.table_rows(records, order=order, limit=TABLE_LIMIT)
    return pd.DataFrame(rows, columns=list(appstate.TABLE_COLUMNS))


@st.cache_resource(show_spinner=False)
def _rows_folder() -> Path:
    """A private folder, one per server process, for the map data files."""
    folder = Path(tempfile.mkdtemp(prefix="geomap-map-rows-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _static_component() -> Any:
    # Declared (not rendered) so that Streamlit serves Leaflet and markercluster from
    # geomap/static over HTTP at /component/<name>/: no CDN, and ~250 kB less in every map
    # payload than data: URLs.
    return components.declare_component("geomap_static", path=str(STATIC_DIR))


def _rows_component() -> Any:
    # Declared (not rendered) so that Streamlit serves the folder over HTTP at
    # /component/<name>/, next to the map component's own files.
    return components.declare_component("geomap_map_rows", path=str(_rows_folder()))


@st.cache_data(show_spinner=False, max_entries=4)
def _map_payload(
    db: str, signature: tuple[int, ...], filter_key: str, show_mentions: bool, tiles: str
) -> dict[str, Any]:
    """The map as the strings the st_folium component receives, built once per data+filter.

    Building a folium map of 50k incidents and rendering it takes seconds of Python; the
    result is the same for every session that shows the same data, so it is cached here.
    """
    records = _view(db, signature, filter_key).records
    mentions = None
    if show_mentions:
        mentions = appstate.mention_records(db, appstate.article_ids(records))
    fmap = build_map(
        records,
        tiles=tiles,
        show_mentions=show_mentions,
        mentions=mentions,
        assets=f"../{_static_component().name}",  # plain files, not data: URLs in the payload
        height=f"{MAP_HEIGHT}px",
        popups=False,  # made in the background, after the page is out
    )
    # Relative to the map component's iframe (/component/streamlit_folium.st_folium/), so it
    # also works under a server.baseUrlPath.
    _prune(_rows_folder(), keep=KEEP_ROWS_FILES)
    files = serve_rows_separately(
        fmap,
        _rows_folder(),
        f"../{_rows_component().name}/",
        popups_later=lambda: script_json(incident_popups(records)),
        key=json.dumps([db, signature, filter_key]),
    )
    payload = folium_payload(fmap)
    payload["files"] = files
    return payload


def _prune(folder: Path, *, keep: int) -> None:
    """Delete all but the ``keep`` most recently written data files."""
    files = sorted(folder.glob("*-*.js"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except GeomapError as exc:
        st.error("geomap cannot start: a setting is invalid.")
        st.text(str(exc))
        st.stop()
        raise


# -- first start: sample data ----------------------------------------------------------------
def _ensure_samples(settings: Settings, gazetteer: Gazetteer) -> None:
    """Fill an empty store with the bundled sample articles (offline) and say so."""
    store = open_store(settings.db_path)
    try:
        if not appstate.needs_samples(store):
            return
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
        st.session_state["samples_message"] = (
            f"The store was empty, so geomap loaded {report.new} bundled sample articles "
            f"({report.incidents_created} incidents) to show how it works. "
            'Add your own under "Add articles".'
        )


# -- sidebar: filters <-> URL ----------------------------------------------------------------
def _seed_filters(flt: IncidentFilter, facets: dict[str, list[str]]) -> None:
    """Set the widgets' state from a filter (the URL on first load)."""
    lo, hi = _date_bounds(facets, flt)
    st.session_state["f_dates"] = (flt.date_from or lo, flt.date_to or hi)
    st.session_state["f_types"] = list(flt.event_types)
    st.session_state["f_countries"] = list(flt.countries)
    st.session_state["f_actors"] = list(flt.actors)
    st.session_state["f_sources"] = list(flt.sources)
    st.session_state["f_text"] = flt.text
    st.session_state["f_conf"] = float(flt.min_confidence)
    st.session_state["f_bbox"] = flt.bbox


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


def _sidebar(facets: dict[str, list[str]]) -> IncidentFilter:
    """The filter widgets; returns the filter they describe."""
    sb = st.sidebar
    sb.header("Filters")
    lo, hi = _date_bounds(facets, IncidentFilter())
    date_from = date_to = None
    if facets.get("dates"):
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
        types = _multiselect("Event type", "f_types", facets.get("event_types", []))
        countries = _multiselect("Country", "f_countries", facets.get("countries", []))
        actors = _multiselect("Actor", "f_actors", facets.get("actors", []))
        sources = _multiselect("Source", "f_sources", facets.get("sources", []))
        text = st.text_input("Search text", key="f_text", placeholder="place, actor, excerpt…")
        conf = st.slider("Minimum location confidence", 0.0, 1.0, step=0.05, key="f_conf")
    bbox = st.session_state.get("f_bbox")
    if bbox is not None:
        sb.caption("Limited to the area in the link:")
        sb.text(", ".join(f"{v:g}" for v in bbox))
        sb.button("Show all areas", on_click=st.session_state.__setitem__, args=("f_bbox", None))
    sb.button("Reset filters", on_click=_seed_filters, args=(IncidentFilter(), facets))
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
    )


def _sync_url(flt: IncidentFilter, section: str) -> None:
    """Write the filter and the section to the URL when they differ (so the view can be
    shared)."""
    wanted = urlfilters.filter_to_params(flt)
    if SECTIONS.get(section):
        wanted["view"] = SECTIONS[section]
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    norm = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if current != norm:
        st.query_params.from_dict(wanted)


# -- page sections ---------------------------------------------------------------------------
def _metrics(view: appstate.View, total: int) -> None:
    c = view.counts
    cols = st.columns(5)
    cols[0].metric("Incidents shown", f"{c.incidents:,}", help=f"of {total:,} in the store")
    cols[1].metric("On the map", f"{c.located:,}")
    cols[2].metric("Killed", f"{c.fatalities:,}")
    cols[3].metric("Injured", f"{c.injured:,}")
    cols[4].metric("Reports", f"{c.reports:,}")


def _map(settings: Settings, db: str, signature: tuple[int, ...], filter_key: str) -> None:
    show_mentions = st.toggle("Show other places the articles mention", key="show_mentions")
    tiles = settings.tiles
    try:
        tile_layer(tiles)
    except GeomapError as exc:
        st.warning("The basemap setting GEOMAP_TILES is not usable; showing no basemap.")
        st.text(str(exc))
        tiles = "none"
    if not FAST_MAP:  # a streamlit-folium without the pieces we reuse: the plain, slower way
        records = _view(db, signature, filter_key).records
        mentions = None
        if show_mentions:
            mentions = appstate.mention_records(db, appstate.article_ids(records))
        fmap = build_map(
            records, tiles=tiles, show_mentions=show_mentions, mentions=mentions,
            assets="data", height=f"{MAP_HEIGHT}px",
        )  # fmt: skip
        streamlit_folium.st_folium(
            fmap, height=MAP_HEIGHT, use_container_width=True, returned_objects=[]
        )
        return
    _rows_component()  # registers the data folder with this server (every run: cheap)
    _static_component()  # and Leaflet's folder
    payload = _map_payload(db, signature, filter_key, show_mentions, tiles)
    rows_file = (payload.get("files") or [None])[0]
    if rows_file and not (_rows_folder() / rows_file).exists():  # removed behind our back
        _map_payload.clear()
        payload = _map_payload(db, signature, filter_key, show_mentions, tiles)
    payload = {k: v for k, v in payload.items() if k != "files"}
    # returned_objects=[]: panning, zooming and clicking never rerun the script, and the map
    # is remounted only when what it shows changes, so its view survives every other rerun.
    show_folium(payload, height=MAP_HEIGHT)
    st.caption(
        "Basemap from GEOMAP_TILES. Without network the tiles stay blank and the map says so; "
        "the markers still work."
    )


def _incident_table(
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
        _table(db, signature, filter_key, order),
        hide_index=True,
        width="stretch",
        height=560,
        column_config={
            "confidence": st.column_config.NumberColumn(format="%.2f"),
            "latitude": st.column_config.NumberColumn(format="%.4f"),
            "longitude": st.column_config.NumberColumn(format="%.4f"),
        },
    )


def _exports(view: appstate.View) -> None:
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


def _add_articles(settings: Settings, gazetteer: Gazetteer) -> None:
    st.caption("Files: .txt, .html, .json, .jsonl or .csv (a `text` column). Or paste text.")
    gen = st.session_state.setdefault("upload_gen", 0)
    with st.form("add_articles", clear_on_submit=False):
        files = st.file_uploader("Article files", accept_multiple_files=True, key=f"uploads_{gen}")
        text = st.text_area("Or paste an article", key=f"paste_{gen}", height=150)
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
                report = appstate.ingest_uploads(
                    uploads, text=text, settings=settings, store=store,
                    gazetteer=gazetteer, progress=progress,
                )  # fmt: skip
            finally:
                store.close()
            bar.empty()
            st.session_state["ingest_report"] = report
            st.session_state["upload_gen"] = gen + 1
            st.rerun()
    report = st.session_state.get("ingest_report")
    if report is not None:
        st.success("Ingest finished.")
        st.text(report.summary())
        failures = appstate.failure_lines(report)
        if failures:
            st.error(f"{len(failures)} input(s) could not be ingested:")
            for line in failures:
                st.text(line)


def _correct_place(settings: Settings, gazetteer: Gazetteer, view: appstate.View) -> None:
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


def _about() -> None:
    st.divider()
    st.caption(
        "geomap maps incidents reported in news articles. Place data: "
        "[GeoNames](https://www.geonames.org/), licensed CC BY 4.0. Locations and counts are "
        "extracted automatically; check the sources in each popup."
    )


# -- the page --------------------------------------------------------------------------------
def _page(settings: Settings) -> None:
    gazetteer = _gazetteer(str(settings.gazetteer_path))
    if "samples_checked" not in st.session_state:
        _ensure_samples(settings, gazetteer)
        st.session_state["samples_checked"] = True
    if st.session_state.get("samples_message"):
        st.info(st.session_state["samples_message"])

    db = str(settings.db_path)
    signature = appstate.store_signature(db)
    facets, total = _facets(db, signature)
    if "filters_seeded" not in st.session_state:
        params = {k: st.query_params.get_all(k) for k in st.query_params}
        _seed_filters(urlfilters.filter_from_params(params), facets)
        slug = st.query_params.get("view") or ""
        st.session_state["section"] = next((k for k, v in SECTIONS.items() if v == slug), "Map")
        st.session_state["filters_seeded"] = True
    flt = _sidebar(facets)
    section = st.radio(
        "Show", list(SECTIONS), horizontal=True, key="section", label_visibility="collapsed"
    )
    _sync_url(flt, section)
    key = json.dumps(urlfilters.filter_to_params(flt), sort_keys=True)
    view = _view(db, signature, key)

    _metrics(view, total)
    if section == "Table":
        _incident_table(view, db, signature, key)
        _exports(view)
    elif section == "Add articles":
        _add_articles(settings, gazetteer)
    elif section == "Correct a place":
        _correct_place(settings, gazetteer, view)
    else:
        _map(settings, db, signature, key)
        _exports(view)


def main() -> None:
    """The page, top to bottom; geomap's own errors (a store that is not a geomap store, a
    broken gazetteer) are shown as a message, not a traceback."""
    st.set_page_config(page_title="geomap", page_icon=":world_map:", layout="wide")
    settings = _settings()
    st.title("geomap")
    try:
        _page(settings)
    except GeomapError as exc:
        st.error("geomap cannot show this store.")
        st.text(str(exc))
    st.caption("Store (GEOMAP_DB):")
    st.text(str(settings.db_path))
    _about()


if __name__ == "__main__":  # streamlit runs the page as __main__; tests may import it
    main()
