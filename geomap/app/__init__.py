"""The Streamlit app: screen sections, map component, page logic; the only streamlit importer."""

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
