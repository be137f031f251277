"""The map on the page: a folium map in a Streamlit component of our own, its data as files.

The component (``component/index.html``) receives the map as one HTML document
(:func:`geomap.mapview.map_html`) and runs it in its frame; Leaflet and the incident data come
over HTTP from folders declared as component paths, so the websocket carries only the small
rest. Only public APIs: Streamlit's ``declare_component`` and geomap's own map layer.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import folium
import streamlit as st
import streamlit.components.v1 as components

from geomap.mapview.assets import STATIC_DIR
from geomap.mapview.foliummap import incident_layer, map_html
from geomap.mapview.safe_html import script_json

__all__ = [
    "map_payload",
    "pick_on_map",
    "prune",
    "review_request",
    "rows_component",
    "rows_folder",
    "serve_rows_separately",
    "show_map",
    "static_component",
]

#: folium's element names: lower-case kind, "_", a uuid4 hex (the map data files are named
#: ``rows-<hex>``, ``__geomapRows_<hex>``: not matched, they change with the data).
_FOLIUM_NAME = re.compile(r"(?<![A-Za-z0-9_])([a-z][a-z0-9_]*?)_[0-9a-f]{32}(?![0-9a-zA-Z])")

#: Our component's frontend: plain HTML and JavaScript, no build step.
COMPONENT_DIR = Path(__file__).resolve().parent / "component"
_map_component = components.declare_component("geomap_map", path=str(COMPONENT_DIR))


def map_payload(fmap: folium.Map) -> dict[str, Any]:
    """The map as the component receives it: its HTML document and the component's key.

    The key is the component's identity: equal maps keep the mounted map (and its view), a
    changed map remounts. folium names every element ``<kind>_<random 32 hex>``, so the key
    is taken with those names numbered in order instead. Rendering once per map lets the
    caller cache the result.
    """
    page = map_html(fmap)
    numbered: dict[str, str] = {}

    def number(m: re.Match[str]) -> str:
        return numbered.setdefault(m.group(0), f"{m.group(1)}_{len(numbered)}")

    stable = _FOLIUM_NAME.sub(number, page)
    return {"page": page, "key": hashlib.sha256(stable.encode("utf-8")).hexdigest()}


def show_map(
    payload: dict[str, Any], *, height: int, on_review: Callable[[str], None] | None = None
) -> None:
    """Show a (cached) :func:`map_payload` in the component. Panning, zooming and clicking
    never rerun the script; a popup's "Review this incident" does: ``on_review`` gets the
    incident id (checked: see :func:`review_request`) before the rerun draws the page."""

    def requested() -> None:
        incident_id = review_request(st.session_state.get(payload["key"]))
        if incident_id is not None and on_review is not None:
            on_review(incident_id)

    _map_component(
        page=payload["page"], height=height, key=payload["key"], default=None, on_change=requested
    )


_INCIDENT_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


def review_request(value: object) -> str | None:
    """The incident id of a popup's "Review this incident" as the map sent it
    (``{"review": id, "n": k}``), or None for any other value (it comes from the browser).

    Examples
    --------
    >>> review_request({"review": "037f902b9b115eb4", "n": 1})
    '037f902b9b115eb4'
    >>> review_request({"review": "<img>"}), review_request({"lat": 1.0, "lon": 2.0})
    (None, None)
    """
    if not isinstance(value, dict):
        return None
    incident_id = value.get("review")
    if isinstance(incident_id, str) and _INCIDENT_ID.fullmatch(incident_id):
        return incident_id
    return None


def pick_on_map(payload: dict[str, Any], *, height: int, key: str) -> object:
    """Show a :func:`map_payload` on which a click marks a spot and reruns the script with
    it: returns the last click as the browser sent it (``{"lat": ..., "lon": ...}``,
    untrusted: see ``geomap.app.mappick.clicked_point``), or None before the first click.
    A new ``key`` is a new map, with no click yet."""
    return _map_component(page=payload["page"], height=height, pick=True, key=key, default=None)


@st.cache_resource(show_spinner=False)
def rows_folder() -> Path:
    """A private folder, one per server process, for the map data files."""
    folder = Path(tempfile.mkdtemp(prefix="geomap-map-rows-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def static_component() -> Any:
    """Leaflet's folder as a component path (declared, never rendered).

    Streamlit then serves Leaflet and markercluster from geomap/static over HTTP at
    /component/<name>/: no CDN, and ~250 kB less in every map payload than data: URLs.
    """
    return components.declare_component("geomap_static", path=str(STATIC_DIR))


def rows_component() -> Any:
    """:func:`rows_folder` as a component path (declared, never rendered), served over HTTP
    at /component/<name>/, next to the map component's own files."""
    return components.declare_component("geomap_map_rows", path=str(rows_folder()))


def prune(folder: Path, *, keep: int) -> None:
    """Delete all but the ``keep`` most recently written data files."""
    files = sorted(folder.glob("*-*.js"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)


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
    layer = incident_layer(fmap)
    if layer is None or not isinstance(layer.rows, str):
        return None
    rows: str = layer.rows
    popups: str = layer.popups
    digest = hashlib.sha256("\0".join((rows, popups, key)).encode("utf-8")).hexdigest()[:32]
    rows_name = _write_script(folder, f"rows-{digest}.js", f"__geomapRows_{digest}", rows)
    popups_name, popups_var = f"popups-{digest}.js", f"__geomapPopups_{digest}"
    if popups != "null":
        _write_script(folder, popups_name, popups_var, popups)
    elif popups_later is not None and not (folder / popups_name).exists():
        _write_script_later(folder, popups_name, popups_var, popups_later)
    layer.rows = f"window.__geomapRows_{digest}"
    layer.popups = "null"
    layer.popups_src = script_json({"url": base_url + popups_name, "name": popups_var})
    layer.default_js = [*layer.default_js, (f"geomap_rows_{digest}", base_url + rows_name)]
    return rows_name, popups_name


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
