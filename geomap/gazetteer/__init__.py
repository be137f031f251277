"""The place-name gazetteer: match keys, building the index, lookup, user additions, ISO codes."""

from __future__ import annotations

from geomap.gazetteer.add import add_file
from geomap.gazetteer.build import build_bundle, build_index
from geomap.gazetteer.iso3 import iso3
from geomap.gazetteer.lookup import Candidate, Gazetteer
from geomap.gazetteer.names import loose_key, match_key, match_keys
from geomap.gazetteer.wof import iter_wof_places

__all__ = [
    "Candidate",
    "Gazetteer",
    "add_file",
    "build_bundle",
    "build_index",
    "iso3",
    "iter_wof_places",
    "loose_key",
    "match_key",
    "match_keys",
]
