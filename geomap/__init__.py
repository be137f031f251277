"""geomap: turn news articles into a map of incidents.

The package is a set of plain functions over frozen dataclasses (see ``geomap.models``):
ingest -> recognize -> resolve -> incidents -> link -> store -> export / mapview.
Only ``geomap.app`` may import streamlit; ``app.py`` is a thin page over this package.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
