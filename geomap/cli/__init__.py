"""The ``geomap`` command line: thin click commands over the library."""

from __future__ import annotations

from geomap.cli.main import main

__all__ = ["main"]
