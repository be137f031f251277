"""The incident map (Folium/Leaflet), shared by the Streamlit app and ``geomap map``.

One clustered circle marker per incident, coloured by event type (legend), sized by fatalities,
dashed when the place is approximate (geo_precision 2/3; the uncertainty circle appears with the
popup); popups and tooltips built from escaped pieces only (:mod:`geomap.mapview.popups`); an
optional layer of other places the articles mention; configurable basemap tiles with a note when
they cannot load; Leaflet served from local copies (:mod:`geomap.mapview.assets`). No streamlit
import.

All incident data goes into one JSON array inside the map script (made safe for ``<script>`` by
:func:`~geomap.mapview.safe_html.script_json`), and plain Leaflet code builds the markers, so 50k
incidents stay a few seconds of Python and no folium template ever sees article text.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import tempfile
import weakref
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import folium
from branca.element import CssLink, Element, JavascriptLink
from folium.elements import ElementAddToElement, JSCSSMixin
from folium.map import Layer
from jinja2 import Template

from geomap.config import DEFAULT_TILES
from geomap.errors import ConfigError
from geomap.export import has_coordinates
from geomap.mapview.assets import asset_links, inline_head, read_asset
from geomap.mapview.furniture import FURNITURE_CSS, FURNITURE_JS, fit_box
from geomap.mapview.popups import (
    EVENT_COLOURS,
    OTHER_COLOUR,
    UNCERTAINTY_KM,
    event_colour,
    legend_entries,
    legend_html,
    marker_radius,
    popup_html,
    tooltip_html,
)
from geomap.mapview.safe_html import html_text, script_json

__all__ = [
    "build_map",
    "incident_layer",
    "legend_entries",
    "map_html",
    "save_map",
    "tile_layer",
    "write_map",
]

GEONAMES_ATTRIBUTION = (
    'Place data © <a href="https://www.geonames.org/" rel="noopener noreferrer" '
    'target="_blank">GeoNames</a> (CC BY 4.0), <a href="https://whosonfirst.org/" '
    'rel="noopener noreferrer" target="_blank">Who\'s On First</a> (CC0 / source licences), '
    "neighbourhoods: UN OCHA Syria common operational datasets"
)
#: Credits in every map's attribution: the gazetteer's sources and the offline borders.
ATTRIBUTIONS = (
    GEONAMES_ATTRIBUTION,
    'Borders: <a href="https://www.naturalearthdata.com/" rel="noopener noreferrer" '
    'target="_blank">Natural Earth</a>',
)
TILE_NOTE = (
    "Basemap tiles could not be loaded (offline?) — showing offline borders; markers still work"
)
#: From this many incidents on, the density layer is on when the map opens (off for now: at
#: 50k it costs the first paint ~0.5 s; the layer control turns it on).
DENSITY_FROM = 10**9
#: The offline borders (gazetteer/tools/build_basemap.py), under geomap/static.
BASEMAP_ASSET = "basemap/basemap.js"

_CSS = """
.geomap-popup { font: 13px/1.35 system-ui, sans-serif; max-width: 340px; }
.geomap-type { font-weight: 600; font-size: 14px; }
.geomap-sub { color: #444; margin-bottom: 4px; }
.geomap-sources { margin-top: 6px; border-top: 1px solid #ddd; padding-top: 4px; }
.geomap-source { margin-bottom: 6px; }
.geomap-excerpt { color: #333; margin: 2px 0 0 6px; padding-left: 6px;
  border-left: 3px solid #ccc; }
.geomap-excerpt mark { background: #ffe066; padding: 0 1px; }
.geomap-reports { border-collapse: collapse; margin: 4px 0; font-size: 12px; }
.geomap-reports th, .geomap-reports td { border-bottom: 1px solid #e3e3e3; padding: 1px 4px;
  text-align: left; }
.geomap-legend, .geomap-tile-note { background: rgba(255,255,255,.92); padding: 6px 8px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 12px/1.4 system-ui, sans-serif; }
.geomap-legend-title { font-weight: 600; margin-bottom: 2px; }
.geomap-legend-note { color: #555; margin-top: 4px; max-width: 190px; }
.geomap-swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  margin-right: 5px; vertical-align: -1px; border: 1px solid #fff; box-shadow: 0 0 0 1px #999; }
.geomap-tile-note { display: none; color: #8a4b00; }
"""


class _Extras(folium.MacroElement):
    """CSS, attribution, legend, tile-error note, list of incidents in view, time slider,
    offline borders, fitted view and layer control (:mod:`geomap.mapview.furniture`); no
    record text except the escaped legend labels."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this.js }}
        (function (map) {
            var cfg = {{ this.cfg }};
            cfg.tilesLayer = {{ this.tiles_var }};
            cfg.mentionsLayer = {{ this.mentions_var }};
            geomapFurniture(map, cfg);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        legend: str,
        *,
        fit: list[list[float]] | None,
        tiles: folium.TileLayer | None,
        mentions: Layer | None,
        basemap_url: str | None,
        density: bool = False,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GeomapExtras"
        self.css = _CSS + FURNITURE_CSS
        self.js = FURNITURE_JS
        self.cfg = script_json(
            {
                "attribution": list(ATTRIBUTIONS),
                "legend": legend,
                "note": TILE_NOTE,
                "fit": fit,
                "basemap": basemap_url,
                "tilesName": "Tiles (GEOMAP_TILES)",
                "bordersName": "Offline borders (Natural Earth)",
                "densityOn": density,
            }
        )
        self.tiles_var = tiles.get_name() if tiles is not None else "null"
        self.mentions_var = mentions.get_name() if mentions is not None else "null"


class _Raw(Element):
    """Text put into the page as it is (branca's Element would compile it as a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _DataLayer(JSCSSMixin, Layer):
    """A layer whose script carries megabytes of JSON data.

    branca's ``MacroElement.render`` wraps each macro's output in ``Element(...)``, which
    compiles it as a Jinja template a second time: slow for megabytes (about 1 s per 10k
    incidents) and a template-injection risk. This render adds the script output as it is;
    otherwise it does what JSCSSMixin, Layer and MacroElement do (links, add-to-map, children).
    A wrapper that renders each element's script macro itself (streamlit-folium's
    ``st_folium``) does not call this.
    """

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        figure: Any = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        if self.show:
            self.add_child(
                ElementAddToElement(
                    element_name=self.get_name(),
                    element_parent_name=self._parent.get_name(),  # type: ignore[union-attr]
                ),
                name=self.get_name() + "_add",
            )
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_Raw(script(self, kwargs)), name=self.get_name())
        for child in list(self._children.values()):
            child.render(**kwargs)


class _IncidentLayer(_DataLayer):
    """Clustered circle markers from ``rows`` = [lat, lon, colour index, radius, geo precision,
    tooltip html, event date or "", source count] and ``popups`` = [popup html, ...] in the
    same order (the html already escaped).

    The popups are ~90% of the data. They are either inline (``popups`` is a JSON array) or,
    for the app, in a script file at ``popups_src`` that is fetched once the markers are
    clustered (or a popup opens first; ``popups`` is ``null`` until it arrives, and a file
    still being written is asked for again), so the markers do not wait for them.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup(
            {chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45});
        (function (group, map) {
            var colours = {{ this.colours }};
            var km = {{ this.km }};
            var rows = {{ this.rows }};
            var popups = {{ this.popups }};
            var popupsSrc = {{ this.popups_src }};
            var openPopup = null;
            function loadPopups() {  // once; the markers are drawn first
                if (popups || !popupsSrc || loadPopups.started) { return; }
                loadPopups.started = true;
                var tag = document.createElement("script");
                tag.src = popupsSrc.url;
                tag.onload = function () {
                    popups = window[popupsSrc.name];
                    if (openPopup) { openPopup.update(); }
                };
                tag.onerror = function () {  // still being written: try again shortly
                    tag.remove();
                    loadPopups.tries = (loadPopups.tries || 0) + 1;
                    if (loadPopups.tries < 120) {
                        loadPopups.started = false;
                        setTimeout(loadPopups, 250);
                    }
                };
                document.head.appendChild(tag);
            }
            function popupFor(marker) {
                loadPopups();
                return popups ? popups[marker._geomapIndex]
                    : '<div class="geomap-popup">Loading the sources…</div>';
            }
            group.options.chunkProgress = function (done, total) {
                if (done === total) { loadPopups(); }
            };
            function showArea(e) {
                var m = e.target;
                m._geomapArea = L.circle(m.getLatLng(), {radius: km[m._geomapPrecision] * 1000,
                    color: "#555", weight: 1, dashArray: "6 6", fillOpacity: 0.07,
                    interactive: false}).addTo(map);
            }
            function hideArea(e) {
                if (e.target._geomapArea) { map.removeLayer(e.target._geomapArea); }
                e.target._geomapArea = null;
            }
            var markers = new Array(rows.length);
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                var approx = km.hasOwnProperty(r[4]);
                var m = L.circleMarker([r[0], r[1]], {radius: r[3], fillColor: colours[r[2]],
                    fillOpacity: 0.85, color: approx ? "#222" : "#fff", weight: approx ? 2 : 1,
                    dashArray: approx ? "3 3" : null, className: "geomap-incident"});
                m._geomapIndex = i;
                m.bindTooltip(r[5]);
                // clear of the zoom, layer and time controls (the legend steps aside)
                m.bindPopup(popupFor, {maxWidth: 360, maxHeight: 320,
                    autoPanPaddingTopLeft: [56, 72], autoPanPaddingBottomRight: [56, 64]});
                if (approx) {
                    m._geomapPrecision = r[4];
                    m.on("popupopen", showArea);
                    m.on("popupclose", hideArea);
                }
                markers[i] = m;
            }
            // On the map first: markercluster queues the layers of a group off the map and
            // then checks each against that queue (quadratic: 2.5 s of script at 50k).
            group.addTo(map);
            group.addLayers(markers);
            group.on("popupopen", function (e) {
                openPopup = e.popup;
                reviewLinks(e.popup.getElement());
            });
            // "Review this incident" opens the review on the app's page (the top window;
            // the map runs in a component frame, whose own URL is not the page's), keeping
            // the page's other parameters (the reviewer's name, the demo store, filters).
            function reviewLinks(el) {
                var links = el ? el.querySelectorAll("a.geomap-review-link") : [];
                for (var j = 0; j < links.length; j++) {
                    try {
                        var top = window.top.location;
                        var query = new URLSearchParams(top.search);
                        query.set("view", "review");
                        query.set("incident", links[j].getAttribute("data-incident"));
                        links[j].href = top.origin + top.pathname + "?" + query.toString();
                    } catch (err) { /* another origin: keep the relative link */ }
                }
            }
            map._geomap = {group: group, markers: markers, rows: rows, colours: colours};
            group.on("popupclose", function () { openPopup = null; });
        })({{ this.get_name() }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        rows: str,
        popups: str,
        colours: list[str],
        *,
        js: Any,
        css: Any,
    ) -> None:
        """``rows`` and ``popups`` are JSON text (:func:`~geomap.mapview.safe_html.script_json`)."""
        super().__init__(name="Incidents", overlay=True, control=True, show=True)
        self._name = "GeomapIncidents"
        self.rows = rows
        self.popups = popups
        self.popups_src = "null"
        self.colours = script_json(colours)
        self.km = script_json({str(k): v for k, v in UNCERTAINTY_KM.items()})
        self.default_js = js
        self.default_css = css


class _MentionLayer(_DataLayer):
    """Small grey markers for other places the articles mention: [lat, lon, tooltip html]."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        (function (group) {
            var places = {{ this.rows }};
            for (var i = 0; i < places.length; i++) {
                L.circleMarker([places[i][0], places[i][1]], {radius: 3, color: "#555",
                    weight: 1, fillColor: "#bbb", fillOpacity: 0.9, className: "geomap-mention"})
                    .bindTooltip(places[i][2]).addTo(group);
            }
        })({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, rows: str, *, show: bool) -> None:
        """``rows`` is JSON text (:func:`~geomap.mapview.safe_html.script_json`)."""
        super().__init__(name="Other places mentioned", overlay=True, control=True, show=show)
        self._name = "GeomapMentions"
        self.rows = rows


def tile_layer(tiles: str | None) -> folium.TileLayer | None:
    """The basemap for a ``GEOMAP_TILES`` value: ``"none"`` (blank), a folium/xyzservices
    provider name (``"OpenStreetMap"``, ``"OpenTopoMap"``) or an
    ``http(s)://.../{z}/{x}/{y}.png`` template. Raises ConfigError for anything else."""
    value = (tiles or "").strip()
    if value.lower() in ("", "none", "blank", "off"):
        return None
    if "{" in value or "://" in value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not all(k in value for k in "zxy"):
            raise ConfigError(
                f"GEOMAP_TILES={value!r}: a tile URL must be http(s)://.../{{z}}/{{x}}/{{y}}.png"
            )
        if any(c in value for c in "\"'<>`\\ "):
            raise ConfigError(f"GEOMAP_TILES={value!r}: unexpected character in tile URL")
        attribution = "Tiles: " + html_text(parts.hostname or "custom server")
        return folium.TileLayer(tiles=value, attr=attribution, name="Basemap")
    try:
        return folium.TileLayer(tiles=value, name=value)
    except (ValueError, KeyError) as exc:
        raise ConfigError(
            f"GEOMAP_TILES={value!r}: unknown tile provider ({exc}); use a name such as "
            f"'OpenStreetMap', a URL template, or 'none'"
        ) from None


def _mention_rows(mentions: Iterable[dict[str, Any]]) -> list[list[Any]]:
    """One row per distinct place (name + coordinates), with how often it is mentioned."""
    counts: dict[tuple[str, float, float], list[Any]] = {}
    for mention in mentions:
        lat: Any = mention.get("latitude", mention.get("lat"))
        lon: Any = mention.get("longitude", mention.get("lon"))
        if not has_coordinates({"latitude": lat, "longitude": lon}):
            continue
        name = str(mention.get("name") or mention.get("place") or mention.get("surface") or "")
        key = (name, round(float(lat), 4), round(float(lon), 4))
        entry = counts.setdefault(key, [set(), 0])
        entry[0].add(mention.get("article_id"))
        entry[1] += 1
    rows = []
    for (name, lat, lon), (articles, n) in counts.items():
        label = f"{name or 'place'} – mentioned {n}× in {len(articles)} article(s)"
        rows.append([lat, lon, html_text(label)])
    return rows


def build_map(
    records: Iterable[dict[str, Any]],
    *,
    tiles: str | None = DEFAULT_TILES,
    show_mentions: bool = False,
    mentions: Iterable[dict[str, Any]] | None = None,
    center: Sequence[float] | None = None,
    zoom: int | None = None,
    assets: str = "inline",
    max_sources: int = 5,
    excerpt_chars: int = 400,
    height: str = "100%",
    popups: bool = True,
    title: str | None = None,
    review_links: bool = False,
) -> folium.Map:
    """The incident map as a ``folium.Map``, for the app's map component or :func:`save_map`.

    Parameters
    ----------
    records
        Incident records (INCIDENT_FIELDS dicts); those without valid coordinates are left out.
    tiles
        Basemap (see :func:`tile_layer`), usually ``Settings.tiles``.
    show_mentions, mentions
        Add the mentions (dicts with ``latitude``/``longitude``, ``name`` and ``article_id``)
        as a toggleable layer "Other places mentioned". ``mentions`` is only read when
        ``show_mentions`` is true, and only after ``records`` is exhausted.
    center, zoom
        Initial view ``(lat, lon)``; default: fit the incidents (or the world when empty).
    assets
        Where Leaflet comes from (see :mod:`geomap.mapview.assets`): ``"inline"`` for a
        standalone file, ``"data"`` for a page that loads scripts by URL, ``"cdn"``, or a
        static base URL.
    popups
        Put the popups in the map (default). False leaves them out (``popups`` is then
        ``null``) for a caller that serves :func:`incident_popups` as a file later: they are
        ~80% of the time and bytes of a big map.
    title
        A title bar above the map (the standalone file); none in the app, whose page has one.
    review_links
        Popups link to the app's review of their incident (``?view=review&incident=ID``).

    The page lays out the map with a list of the incidents in view beside it, a time slider,
    a legend, offline borders and a layer control (:mod:`geomap.mapview.furniture`). The view
    fits the bulk of the incidents (:func:`~geomap.mapview.furniture.fit_box`).

    Examples
    --------
    >>> m = build_map([{"incident_id": "i1", "latitude": 36.37, "longitude": 37.52,
    ...                 "event_type": "Battles"}], tiles="none", assets="cdn")
    >>> "geomap-incident" in map_html(m)
    True
    """
    scan = _Scan()
    rows: list[list[Any]] = []
    popup_list: list[str] = []
    for row, popup in _markers(records, scan, popups=popups, max_sources=max_sources,
                               excerpt_chars=excerpt_chars, review_links=review_links):  # fmt: skip
        rows.append(row)
        if popup is not None:
            popup_list.append(popup)
    mention_rows = None
    if show_mentions and mentions is not None:
        mention_rows = script_json(_mention_rows(mentions))
    return _assemble(
        scan, script_json(rows), script_json(popup_list) if popups else "null", mention_rows,
        tiles=tiles, center=center, zoom=zoom, assets=assets, height=height, title=title,
    )  # fmt: skip


class _Scan:
    """What a map needs of all its markers besides their rows: how many, which event types,
    and the coordinates the view fits (8 bytes a number)."""

    def __init__(self) -> None:
        self.count = 0
        self.types: set[str] = set()
        self.lats = array("d")
        self.lons = array("d")


_COLOURS = [*EVENT_COLOURS.values(), OTHER_COLOUR]
_COLOUR_INDEX = {c: i for i, c in enumerate(_COLOURS)}


def _markers(
    records: Iterable[dict[str, Any]],
    scan: _Scan,
    *,
    popups: bool,
    max_sources: int,
    excerpt_chars: int,
    review_links: bool,
) -> Iterator[tuple[list[Any], str | None]]:
    """Each located record's marker row and popup (None without popups), noted in ``scan``."""
    for record in records:
        if not has_coordinates(record):
            continue
        lat, lon = float(record["latitude"]), float(record["longitude"])
        scan.types.add(str(record.get("event_type") or ""))
        precision = record.get("geo_precision")
        row = [
            round(lat, 6),
            round(lon, 6),
            _COLOUR_INDEX[event_colour(record.get("event_type"))],
            marker_radius(record.get("fatalities")),
            precision if isinstance(precision, int) else 1,
            tooltip_html(record),
            str(record.get("event_date") or "")[:10],
            _count(record.get("source_count")),
        ]
        popup = None
        if popups:
            popup = popup_html(
                record, max_sources=max_sources, excerpt_chars=excerpt_chars,
                review_link=review_links,
            )  # fmt: skip
        scan.count += 1
        scan.lats.append(lat)
        scan.lons.append(lon)
        yield row, popup


def _assemble(
    scan: _Scan,
    rows: str,
    popups: str,
    mention_rows: str | None,
    *,
    tiles: str | None,
    center: Sequence[float] | None,
    zoom: int | None,
    assets: str,
    height: str,
    title: str | None,
) -> folium.Map:
    """The map around its data, given as JSON text (or placeholders :func:`write_map` fills)."""
    js, css = asset_links(assets)
    fmap = folium.Map(
        location=list(center) if center else [20.0, 0.0],
        zoom_start=zoom if zoom is not None else (6 if center else 2),
        tiles=None,
        control_scale=True,
        height=height,
    )
    # Per instance, so other folium maps keep their defaults. Leaflet only: no jQuery, Bootstrap
    # or awesome-markers (nothing here uses Icon markers or folium popups).
    fmap.default_js = js[:1]
    fmap.default_css = css[:1]
    fmap.options["max_zoom"] = 18  # markercluster needs it even without a tile layer
    root: Any = fmap.get_root()
    root.title = title or "geomap incidents"
    basemap_url: str | None = None
    if assets == "inline":
        root.header.add_child(_Raw(inline_head()), name="geomap_assets")
        root.header.add_child(
            _Raw(f"<script>\n{read_asset(BASEMAP_ASSET)}\n</script>"), name="geomap_basemap"
        )
    elif assets not in ("data", "cdn"):
        basemap_url = f"{assets.rstrip('/')}/{BASEMAP_ASSET}"
    if title:
        when = f"{scan.count:,} incident(s) on the map"
        root.html.add_child(
            _Raw(f'<div class="geomap-title">{html_text(title)} <small>{when}</small></div>'),
            name="geomap_title",
        )
    root.html.add_child(
        _Raw('<div id="geomap-list" aria-label="Incidents in view"></div>'), name="geomap_list"
    )
    basemap = tile_layer(tiles)
    if basemap is not None:
        basemap.add_to(fmap)
    layer = _IncidentLayer(rows, popups, _COLOURS, js=js[1:], css=css[1:])
    layer.add_to(fmap)
    _INCIDENT_LAYERS[fmap] = layer
    mention_layer = None
    if mention_rows is not None:
        mention_layer = _MentionLayer(mention_rows, show=True)
        mention_layer.add_to(fmap)
    _Extras(
        legend_html(legend_entries(scan.types)),
        fit=fit_box(scan.lats, scan.lons) if center is None else None,
        tiles=basemap,
        mentions=mention_layer,
        basemap_url=basemap_url,
        density=scan.count >= DENSITY_FROM,
    ).add_to(fmap)
    return fmap


def write_map(
    records: Iterable[dict[str, Any]],
    out: TextIO,
    *,
    tiles: str | None = DEFAULT_TILES,
    show_mentions: bool = False,
    mentions: Iterable[dict[str, Any]] | None = None,
    assets: str = "inline",
    title: str | None = None,
) -> int:
    """Write the map of :func:`build_map` to ``out`` as it reads ``records``; return how many
    markers it has.

    Memory stays small however many incidents there are: each marker's row and popup are
    made safe (:func:`~geomap.mapview.safe_html.script_json`) and spooled to temporary files
    as the records stream past; the page is then rendered around placeholders and written
    piece by piece, the spooled data copied in where the placeholders stand. Only the
    coordinates (for the initial view) and the event types (for the legend) are kept.
    """
    scan = _Scan()
    token = secrets.token_hex(8)
    marks = {name: f"__geomap_{name}_{token}__" for name in ("rows", "popups", "mentions")}
    with contextlib.ExitStack() as stack:
        spools = {
            name: stack.enter_context(
                tempfile.TemporaryFile("w+", encoding="utf-8", newline="", prefix="geomap-map-")
            )
            for name in marks
        }
        markers = _markers(
            records, scan, popups=True, max_sources=5, excerpt_chars=400, review_links=False
        )
        for n, (row, popup) in enumerate(markers):
            sep = "," if n else ""
            spools["rows"].write(sep + script_json(row))
            spools["popups"].write(sep + script_json(popup))
        mention_rows = None
        if show_mentions and mentions is not None:
            for n, row in enumerate(_mention_rows(mentions)):
                spools["mentions"].write(("," if n else "") + script_json(row))
            mention_rows = marks["mentions"]
        fmap = _assemble(
            scan, marks["rows"], marks["popups"], mention_rows, tiles=tiles, center=None,
            zoom=None, assets=assets, height="100%", title=title,
        )  # fmt: skip
        page = map_html(fmap)
        spot = sorted((page.index(mark), name) for name, mark in marks.items() if mark in page)
        done = 0
        for at, name in spot:
            out.write(page[done:at])
            out.write("[")
            spools[name].seek(0)
            shutil.copyfileobj(spools[name], out)
            out.write("]")
            done = at + len(marks[name])
        out.write(page[done:])
    return scan.count


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


#: Each map's incident layer (see :func:`incident_layer`), kept as long as the map is.
_INCIDENT_LAYERS: weakref.WeakKeyDictionary[Any, _IncidentLayer] = weakref.WeakKeyDictionary()


def incident_layer(fmap: folium.Map) -> _IncidentLayer | None:
    """The incident marker layer of a map made by :func:`build_map` (None for other maps).

    Before the map is rendered, a caller may move the layer's data elsewhere: its ``rows``,
    ``popups`` and ``popups_src`` are JSON text put into the map script as they are, and its
    ``default_js`` lists the scripts loaded before the map (the app serves the rows as a file).
    """
    return _INCIDENT_LAYERS.get(fmap)


def incident_popups(
    records: Iterable[dict[str, Any]],
    *,
    max_sources: int = 5,
    excerpt_chars: int = 400,
    review_links: bool = False,
) -> list[str]:
    """The popups of :func:`build_map`'s incident markers, in marker order (records without
    valid coordinates have no marker and no popup)."""
    return [
        popup_html(
            record,
            max_sources=max_sources,
            excerpt_chars=excerpt_chars,
            review_link=review_links,
        )
        for record in records
        if has_coordinates(record)
    ]


def map_html(fmap: folium.Map) -> str:
    """The map as one HTML document (standalone when built with ``assets="inline"``)."""
    return str(fmap.get_root().render())


def save_map(fmap: folium.Map, path: str | Path) -> int:
    """Write :func:`map_html` to ``path`` as UTF-8; return the number of bytes written."""
    data = map_html(fmap).encode("utf-8")
    Path(path).write_bytes(data)
    return len(data)
