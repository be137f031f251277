"""The Folium/Leaflet map of incidents: markers, escaped popups, local Leaflet assets."""

from __future__ import annotations

from geomap.mapview.assets import asset_links
from geomap.mapview.foliummap import build_map, map_html, save_map
from geomap.mapview.popups import popup_html
from geomap.mapview.safe_html import html_text, script_json

__all__ = [
    "asset_links",
    "build_map",
    "html_text",
    "map_html",
    "popup_html",
    "save_map",
    "script_json",
]
