"""Find place mentions in text and resolve them to places; the geocoder fallback loads geopy."""

from __future__ import annotations

from geomap.geoparse.hints import country_hints
from geomap.geoparse.recognize import recognize
from geomap.geoparse.record import geoparse_text, resolution_to_json
from geomap.geoparse.resolve import resolve_mentions

__all__ = [
    "country_hints",
    "geoparse_text",
    "recognize",
    "resolution_to_json",
    "resolve_mentions",
]
