"""The one tree of geomap errors; the CLI turns each into a one-line message."""

from __future__ import annotations


class GeomapError(Exception):
    """Base class of every error geomap raises on purpose."""


class ConfigError(GeomapError, ValueError):
    """A setting (flag or environment variable) has an unusable value."""


class InputError(GeomapError, ValueError):
    """An input file or line cannot be read; the message names it and the problem."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class GazetteerError(GeomapError):
    """The gazetteer is missing, corrupt, or a dump added to it is malformed."""


class StoreError(GeomapError):
    """The incident store cannot be opened, migrated or written."""


class NotFoundError(GeomapError, KeyError):
    """Something looked up by id does not exist."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "not found"


class GeocoderError(GeomapError):
    """The fallback geocoder failed (timeout, HTTP error, garbage reply)."""


class ReviewError(GeomapError, ValueError):
    """A review decision that cannot be made as asked (nothing to split, an unknown type...)."""


class ConflictError(ReviewError):
    """Someone else changed the incident since it was read (optimistic concurrency)."""
