"""Incidents from an article's sentences (type, date, counts, actors, place); linking, merging."""

from __future__ import annotations

from geomap.incidents.actors import find_actors
from geomap.incidents.casualties import find_casualties
from geomap.incidents.dates import find_dates
from geomap.incidents.eventplace import choose_event_place
from geomap.incidents.eventtypes import classify_sentence
from geomap.incidents.extract import extract_incidents
from geomap.incidents.link import link_candidate
from geomap.incidents.merge import merge_candidates
from geomap.incidents.sentences import split_sentences
from geomap.incidents.tallies import find_tallies

__all__ = [
    "choose_event_place",
    "classify_sentence",
    "extract_incidents",
    "find_actors",
    "find_casualties",
    "find_dates",
    "find_tallies",
    "link_candidate",
    "merge_candidates",
    "split_sentences",
]
