"""The incident store (SQLite): schema and migrations, writes, queries, corrections."""

from __future__ import annotations

from geomap.store.query import (
    count_incidents,
    facet_values,
    get_incident,
    iter_incidents,
    iter_mentions,
)
from geomap.store.sqlite import Store, open_store
from geomap.store.write import write_article

__all__ = [
    "Store",
    "count_incidents",
    "facet_values",
    "get_incident",
    "iter_incidents",
    "iter_mentions",
    "open_store",
    "write_article",
]
