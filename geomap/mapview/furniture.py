"""The map's furniture around the incident markers: layout, list of incidents in view, time
slider, offline borders, legend, fitted view and layer control (JavaScript and CSS).

Shared by the app and the standalone ``geomap map`` file. The incident layer publishes its
markers on ``map._geomap``; the script here only reads them. Record text reaches the page only
as the escaped tooltip HTML made by :mod:`geomap.mapview.popups`, or via ``textContent``.
No streamlit import.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["FURNITURE_CSS", "FURNITURE_JS", "fit_box"]


def fit_box(lats: Sequence[float], lons: Sequence[float]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the bulk of the points, or None when empty.

    One stray incident (a dateline city in Siberia, a statement in France) must not push the
    area of interest into a corner: points farther from the median point than three times the
    80th-percentile distance (and at least 1 degree) are left out of the box; they stay on the
    map. Fewer than 5 points are all kept.

    Examples
    --------
    >>> fit_box([36.1, 36.2, 36.3, 36.4, 35.9, 61.0], [37.1, 37.0, 36.9, 37.2, 36.8, 90.0])
    [[35.9, 36.8], [36.4, 37.2]]
    """
    if not lats:
        return None
    points = list(zip(lats, lons, strict=True))
    if len(points) >= 5:
        mid_lat = sorted(lats)[len(lats) // 2]
        mid_lon = sorted(lons)[len(lons) // 2]
        scale = math.cos(math.radians(mid_lat))
        dist = [math.hypot(la - mid_lat, (lo - mid_lon) * scale) for la, lo in points]
        limit = max(3.0 * sorted(dist)[int(0.8 * (len(dist) - 1))], 1.0)
        points = [p for p, d in zip(points, dist, strict=True) if d <= limit] or points
    return [
        [min(p[0] for p in points), min(p[1] for p in points)],
        [max(p[0] for p in points), max(p[1] for p in points)],
    ]


FURNITURE_CSS = """
html, body { height: 100%; }
body { display: grid; grid-template-columns: minmax(0, 1fr) 290px;
  grid-template-rows: auto minmax(0, 1fr); }
body > .folium-map { grid-column: 1; grid-row: 2; width: auto !important;
  height: auto !important; min-height: 0; }
.geomap-title { grid-column: 1 / -1; grid-row: 1; font: 600 15px/1.3 system-ui, sans-serif;
  padding: 6px 10px; border-bottom: 1px solid #ddd; }
.geomap-title small { font-weight: 400; color: #555; margin-left: 8px; }
#geomap-list { grid-column: 2; grid-row: 2; overflow: auto; border-left: 1px solid #ddd;
  font: 12px/1.35 system-ui, sans-serif; background: #fff; }
#geomap-list .geomap-list-head { position: sticky; top: 0; background: #f6f6f6; padding: 5px 8px;
  border-bottom: 1px solid #ddd; font-weight: 600; }
#geomap-list ol { list-style: none; margin: 0; padding: 0; }
.geomap-row { padding: 5px 8px; border-bottom: 1px solid #eee; cursor: pointer; }
.geomap-row:hover, .geomap-row:focus, .geomap-row.geomap-hover {
  background: #eef4fb; outline: none; }
.geomap-row.geomap-active { background: #dbe9f8; box-shadow: inset 3px 0 0 #1f6fb2; }
.geomap-row small { color: #555; }
@media (max-width: 760px) {
  body { grid-template-columns: minmax(0, 1fr); grid-template-rows: auto minmax(0, 1fr) 34%; }
  #geomap-list { grid-column: 1; grid-row: 3; border-left: 0; border-top: 1px solid #ddd; }
}
.marker-cluster-small, .marker-cluster-medium, .marker-cluster-large {
  background-color: rgba(80, 86, 96, .30) !important; }
.marker-cluster-small div, .marker-cluster-medium div, .marker-cluster-large div {
  background-color: rgba(55, 60, 70, .82) !important; color: #fff; }
.geomap-legend { max-width: 210px; }
.leaflet-control-attribution { max-width: 62%; font-size: 10px; }
.geomap-tile-note { max-width: 40%; }
.geomap-legend-toggle { border: 0; background: none; padding: 0; font: 600 12px system-ui;
  cursor: pointer; }
.geomap-legend.geomap-collapsed .geomap-legend-body { display: none; }
body.geomap-popup-open .geomap-legend { display: none; }
.geomap-time { background: rgba(255,255,255,.94); padding: 4px 6px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 12px/1.4 system-ui, sans-serif;
  display: flex; gap: 5px; align-items: center; }
.geomap-time input[type=range] { width: 180px; }
.geomap-time button, .geomap-fit { cursor: pointer; }
.geomap-fit { background: #fff; border: 0; width: 30px; height: 30px; font: 16px system-ui; }
.geomap-base-label { background: none; border: 0; box-shadow: none; color: #555;
  font: 11px/1.1 system-ui, sans-serif; white-space: nowrap; text-align: center;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; pointer-events: none; }
.geomap-base-label.geomap-country { font-weight: 600; color: #444; font-size: 12px;
  text-transform: uppercase; letter-spacing: .04em; }
"""

#: The furniture script: a function of the map and its settings (see _Extras in foliummap).
FURNITURE_JS = r"""
function geomapFurniture(map, cfg) {
    "use strict";
    var G = map._geomap || {group: null, markers: [], rows: [], colours: []};
    var visible = G.markers.slice();
    var touched = false;  // the user moved the map: stop fitting it
    ["mousedown", "wheel", "keydown", "touchstart"].forEach(function (ev) {
        map.getContainer().addEventListener(ev, function () { touched = true; },
            {passive: true});
    });
    if (map.attributionControl) {
        cfg.attribution.forEach(function (a) { map.attributionControl.addAttribution(a); });
    }

    // Legend: collapsible, and out of the way while a popup is open.
    var legend = L.control({position: "bottomright"});
    legend.onAdd = function () {
        var div = L.DomUtil.create("div", "geomap-legend");
        div.innerHTML = '<button type="button" class="geomap-legend-toggle" ' +
            'aria-expanded="true" title="Hide or show the legend">Legend \u25BE</button>' +
            '<div class="geomap-legend-body">' + cfg.legend + "</div>";
        L.DomEvent.disableClickPropagation(div);
        div.firstChild.addEventListener("click", function () {
            var closed = div.classList.toggle("geomap-collapsed");
            this.setAttribute("aria-expanded", String(!closed));
        });
        return div;
    };
    legend.addTo(map);
    map.on("popupopen", function () { document.body.classList.add("geomap-popup-open"); });
    map.on("popupclose", function () { document.body.classList.remove("geomap-popup-open"); });

    // The fitted view: the bulk of the incidents, clear of the controls and the legend.
    function fit(bounds) {
        var lg = legend.getContainer();
        map.fitBounds(bounds, {paddingTopLeft: [56, 64],
            paddingBottomRight: [(lg ? lg.offsetWidth : 0) + 24, 64], maxZoom: 11});
    }
    if (cfg.fit) {
        fit(cfg.fit);
        window.addEventListener("resize", function () { if (!touched) { fit(cfg.fit); } });
    }
    var fitAll = L.control({position: "topleft"});
    fitAll.onAdd = function () {
        var div = L.DomUtil.create("div", "leaflet-bar");
        var b = L.DomUtil.create("button", "geomap-fit", div);
        b.type = "button";
        b.title = "Show all incidents";
        b.setAttribute("aria-label", "Show all incidents");
        b.textContent = "\u2922";
        L.DomEvent.disableClickPropagation(div);
        b.addEventListener("click", function () {
            if (visible.length) { fit(L.latLngBounds(visible.map(function (m) {
                return m.getLatLng(); }))); }
        });
        return div;
    };
    fitAll.addTo(map);

    // The list of incidents in view, linked both ways with the markers.
    var box = document.getElementById("geomap-list");
    var LIMIT = 200, active = -1, rowOf = {};
    function rowClass(i) { return "geomap-row" + (i === active ? " geomap-active" : ""); }
    function openMarker(m) {
        if (!G.group) { return; }
        var opened = false;
        G.group.zoomToShowLayer(m, function () { opened = true; m.openPopup(); });
        // markercluster drops the callback when the click lands during a zoom animation
        // (a slow first load): try once more when the map has settled
        setTimeout(function () {
            if (!opened) { G.group.zoomToShowLayer(m, function () { m.openPopup(); }); }
        }, 1200);
    }
    function refresh() {
        if (!box) { return; }
        var b = map.getBounds(), n = 0, list = document.createElement("ol");
        rowOf = {};
        for (var i = 0; i < visible.length; i++) {
            var m = visible[i];
            if (!b.contains(m.getLatLng())) { continue; }
            n++;
            if (n > LIMIT) { continue; }
            var r = G.rows[m._geomapIndex];
            var li = document.createElement("li");
            li.className = rowClass(m._geomapIndex);
            li.tabIndex = 0;
            li.setAttribute("role", "button");
            li.innerHTML = '<span class="geomap-swatch" style="background:' +
                G.colours[r[2]] + '"></span>' + r[5] +  // r[5]: escaped tooltip html
                ' <small>\u00B7 ' + Number(r[7]) + (Number(r[7]) === 1 ? " source" : " sources") +
                "</small>";
            (function (marker) {
                li.addEventListener("click", function () { openMarker(marker); });
                li.addEventListener("keydown", function (e) {
                    if (e.key === "Enter" || e.key === " ") {
                        e.preventDefault();
                        openMarker(marker);
                    }
                });
            })(m);
            rowOf[m._geomapIndex] = li;
            list.appendChild(li);
        }
        var head = document.createElement("div");
        head.className = "geomap-list-head";
        head.textContent = n === 0 ? "No incident in view" :
            (n > LIMIT ? "First " + LIMIT + " of " + n : String(n)) +
            (n === 1 ? " incident in view" : " incidents in view");
        box.textContent = "";
        box.appendChild(head);
        box.appendChild(list);
    }
    function mark(index, cls, on) {
        var li = rowOf[index];
        if (li) {
            li.classList.toggle(cls, on);
            if (on && cls === "geomap-active") { li.scrollIntoView({block: "nearest"}); }
        }
    }
    if (G.group) {
        G.group.on("popupopen", function (e) {
            mark(active, "geomap-active", false);
            active = e.propagatedFrom ? e.propagatedFrom._geomapIndex : -1;
            mark(active, "geomap-active", true);
        });
        G.group.on("mouseover", function (e) {
            if (e.propagatedFrom) { mark(e.propagatedFrom._geomapIndex, "geomap-hover", true); }
        });
        G.group.on("mouseout", function (e) {
            if (e.propagatedFrom) { mark(e.propagatedFrom._geomapIndex, "geomap-hover", false); }
        });
    }
    map.on("moveend", refresh);
    refresh();

    // Time: a slider with playback by day or week over these incidents.
    var DAY = 86400000, days = [], lo = Infinity, hi = -Infinity;
    G.rows.forEach(function (r, i) {
        var t = r[6] ? Date.parse(r[6]) : NaN;
        days[i] = isNaN(t) ? null : Math.round(t / DAY);
        if (days[i] !== null) { lo = Math.min(lo, days[i]); hi = Math.max(hi, days[i]); }
    });
    function iso(d) { return new Date(d * DAY).toISOString().slice(0, 10); }
    function show(list) {
        visible = list;
        if (G.group) { G.group.clearLayers(); G.group.addLayers(list); }
        refresh();
        if (G.onShow) { G.onShow(); }
    }
    if (G.group && lo <= hi && hi > lo) {
        var time = L.control({position: "bottomleft"});
        var ui = {};
        time.onAdd = function () {
            var div = L.DomUtil.create("div", "geomap-time");
            div.innerHTML =
                '<button type="button" class="geomap-play" title="Play">\u25B6</button>' +
                '<input type="range" aria-label="Date">' +
                '<select aria-label="Step"><option value="1">day</option>' +
                '<option value="7">week</option></select>' +
                '<span class="geomap-time-label">All dates</span>' +
                '<button type="button" class="geomap-all" title="Show every date">All</button>';
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            ui.play = div.querySelector(".geomap-play");
            ui.range = div.querySelector("input");
            ui.step = div.querySelector("select");
            ui.label = div.querySelector(".geomap-time-label");
            ui.all = div.querySelector(".geomap-all");
            ui.range.min = lo;
            ui.range.max = hi;
            ui.range.value = hi;
            return div;
        };
        time.addTo(map);
        var timer = null, undated = days.filter(function (d) { return d === null; }).length;
        function at(end) {
            var step = Number(ui.step.value), start = end - step + 1;
            var list = G.markers.filter(function (m) {
                var d = days[m._geomapIndex];
                return d !== null && d >= start && d <= end;
            });
            ui.range.value = end;
            ui.label.textContent = (step === 1 ? iso(end) : iso(start) + " \u2013 " + iso(end)) +
                ": " + list.length + (list.length === 1 ? " incident" : " incidents") +
                (undated ? " (" + undated + " undated not on the timeline)" : "");
            show(list);
        }
        function stop() {
            if (timer) { clearInterval(timer); timer = null; }
            ui.play.textContent = "\u25B6";
            ui.play.title = "Play";
        }
        ui.range.addEventListener("input", function () { stop(); at(Number(ui.range.value)); });
        ui.step.addEventListener("change", function () { at(Number(ui.range.value)); });
        ui.all.addEventListener("click", function () {
            stop();
            ui.label.textContent = "All dates";
            show(G.markers.slice());
        });
        ui.play.addEventListener("click", function () {
            if (timer) { stop(); return; }
            var step = Number(ui.step.value), now = Number(ui.range.value);
            if (ui.label.textContent === "All dates" || now >= hi) { now = lo + step - 1; }
            at(Math.min(now, hi));
            ui.play.textContent = "\u23F8";
            ui.play.title = "Pause";
            timer = setInterval(function () {
                var next = Number(ui.range.value) + Number(ui.step.value);
                if (next > hi + Number(ui.step.value) - 1) { stop(); return; }
                at(Math.min(next, hi));
                if (next >= hi) { stop(); }
            }, 1000);
        });
    }

    // Offline borders: Natural Earth countries and first-level divisions with labels, under
    // the markers; shown when there are no tiles or the tiles fail, and in the layer control.
    var pane = map.createPane("geomapBase");
    pane.style.zIndex = 250;
    pane.style.pointerEvents = "none";
    var borders = L.layerGroup(), labels = L.layerGroup(), data = null, requested = false;
    function labelIcon(text, cls) {
        var s = document.createElement("span");
        s.textContent = text;
        return L.divIcon({className: "geomap-base-label " + cls, html: s.outerHTML,
            iconSize: null});
    }
    function drawLabels() {
        labels.clearLayers();
        if (!data || !map.hasLayer(borders)) { return; }
        var z = map.getZoom(), b = map.getBounds().pad(0.2), k = Math.pow(4, z), n = 0;
        data.countries.features.forEach(function (f) {
            var p = f.properties;
            if (p.area * k >= 150 && b.contains(p.label)) {
                L.marker(p.label, {icon: labelIcon(p.name, "geomap-country"), pane: "geomapBase",
                    interactive: false, keyboard: false}).addTo(labels);
            }
        });
        if (z < 5) { return; }
        data.admin1.features.forEach(function (f) {
            var p = f.properties;
            if (n < 300 && p.area * k >= 600 && b.contains(p.label)) {
                n++;
                L.marker(p.label, {icon: labelIcon(p.name, "geomap-admin1"), pane: "geomapBase",
                    interactive: false, keyboard: false}).addTo(labels);
            }
        });
    }
    function build() {
        if (data || !window.__geomapBasemap) { return; }
        data = window.__geomapBasemap;
        var renderer = L.canvas({pane: "geomapBase", padding: 0.3});
        L.geoJSON(data.countries, {renderer: renderer, interactive: false,
            style: {color: "#8c8c8c", weight: 1.1, fillColor: "#f3f1ec", fillOpacity: 1}})
            .addTo(borders);
        L.geoJSON(data.admin1, {renderer: renderer, interactive: false,
            style: {color: "#b9b4aa", weight: 0.6, dashArray: "3 3", fill: false}})
            .addTo(borders);
        labels.addTo(borders);
        drawLabels();
    }
    borders.on("add", function () {
        map.getContainer().style.background = "#dfe9f1";
        if (data) { drawLabels(); return; }
        if (window.__geomapBasemap) { build(); return; }
        if (!cfg.basemap || requested) { return; }
        requested = true;
        var tag = document.createElement("script");
        tag.src = cfg.basemap;
        tag.onload = build;
        document.head.appendChild(tag);
    });
    borders.on("remove", function () { map.getContainer().style.background = ""; });
    map.on("zoomend moveend", drawLabels);

    // Density: a grid of screen cells shaded by how many shown incidents fall in each, for
    // large sets where clusters hide the shape; a layer in the layer control.
    var density = L.layerGroup(), densityRenderer = L.canvas({padding: 0.1});
    function drawDensity() {
        density.clearLayers();
        if (!map.hasLayer(density)) { return; }
        var size = 24, counts = {}, max = 0, b = map.getBounds();
        for (var i = 0; i < visible.length; i++) {
            var ll = visible[i].getLatLng();
            if (!b.contains(ll)) { continue; }
            var p = map.latLngToContainerPoint(ll);
            var k = Math.floor(p.x / size) + "," + Math.floor(p.y / size);
            counts[k] = (counts[k] || 0) + 1;
            if (counts[k] > max) { max = counts[k]; }
        }
        Object.keys(counts).forEach(function (k) {
            var xy = k.split(","), x = Number(xy[0]) * size, y = Number(xy[1]) * size;
            var share = Math.log(1 + counts[k]) / Math.log(1 + max);
            L.rectangle([map.containerPointToLatLng([x, y + size]),
                map.containerPointToLatLng([x + size, y])],
                {renderer: densityRenderer, stroke: false, interactive: false,
                 fillColor: "#3b0f70", fillOpacity: 0.12 + 0.6 * share,
                 className: "geomap-density"}).addTo(density);
        });
    }
    density.on("add", drawDensity);
    map.on("moveend", drawDensity);
    G.onShow = drawDensity;

    var tiles = cfg.tilesLayer || null;
    var note = L.control({position: "bottomleft"});
    note.onAdd = function () {
        var div = L.DomUtil.create("div", "geomap-tile-note");
        div.textContent = cfg.note;
        return div;
    };
    note.addTo(map);
    function tilesFailed() {
        note.getContainer().style.display = "block";
        if (!map.hasLayer(borders)) { borders.addTo(map); }
    }
    if (tiles) { tiles.on("tileerror", tilesFailed); } else { borders.addTo(map); }
    var bases = {}, overlays = {};
    if (tiles) { bases[cfg.tilesName] = tiles; }
    overlays[cfg.bordersName] = borders;
    overlays["Density (grid of incidents)"] = density;
    if (G.group) { overlays["Incidents"] = G.group; }
    if (cfg.mentionsLayer) { overlays["Other places mentioned"] = cfg.mentionsLayer; }
    L.control.layers(bases, overlays, {collapsed: true, position: "topright"}).addTo(map);
    if (cfg.densityOn) { density.addTo(map); }
}
"""
