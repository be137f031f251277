"""The place-name gazetteer: match keys, building the index, lookup, user additions, ISO codes."""

from __future__ import annotations

from geomap.gazetteer.add import add_file
from geomap.gazetteer.build import build_bundle, build_index
from geomap.gazetteer.iso3 import iso3
from geomap.gazetteer.lookup import Candidate, Gazetteer
from geomap.gazetteer.names import match_key, match_keys

__all__ = [
    "Candidate",
    "Gazetteer",
    "add_file",
    "build_bundle",
    "build_index",
    "iso3",
    "match_key",
    "match_keys",
]
