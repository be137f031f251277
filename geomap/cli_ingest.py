"""``geomap ingest`` and ``geomap incidents`` (placeholder until the incidents work lands)."""

from __future__ import annotations

import click


@click.command("ingest")
def ingest_command() -> None:
    """Ingest articles (not yet implemented)."""
    raise click.UsageError("not implemented yet")


@click.command("incidents")
def incidents_command() -> None:
    """List incidents (not yet implemented)."""
    raise click.UsageError("not implemented yet")
