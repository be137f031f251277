"""The Streamlit app: page logic and URL filters; the one part of geomap that imports streamlit."""

from __future__ import annotations

from geomap.app.state import correct_incident, export_csv, export_geojson, ingest_uploads, load_view
from geomap.app.urlfilters import filter_from_params, filter_to_params

__all__ = [
    "correct_incident",
    "export_csv",
    "export_geojson",
    "filter_from_params",
    "filter_to_params",
    "ingest_uploads",
    "load_view",
]
