"""``geomap export`` and ``geomap map`` (placeholder until the export work lands)."""

from __future__ import annotations

import click


@click.command("export")
def export_command() -> None:
    """Export incidents (not yet implemented)."""
    raise click.UsageError("not implemented yet")


@click.command("map")
def map_command() -> None:
    """Write a standalone HTML map (not yet implemented)."""
    raise click.UsageError("not implemented yet")
