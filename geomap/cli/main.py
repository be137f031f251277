"""The ``geomap`` command line: a thin click layer; each command calls one library function.

Commands live in the small modules next to this one and are registered here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from geomap import __version__
from geomap.config import Settings
from geomap.errors import GeomapError


class _Group(click.Group):
    """Turns GeomapError into a one-line message and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except GeomapError as exc:
            click.echo(f"geomap: error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geomap")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite store file or postgresql://user@host/dbname (default: $GEOMAP_DB, else"
    " geomap.sqlite in your data directory).",
)
@click.option(
    "--offline",
    is_flag=True,
    default=False,
    help="No network at all: the geocoder fallback is off (also GEOMAP_OFFLINE=1).",
)
@click.pass_context
def main(ctx: click.Context, db: Path | None, offline: bool) -> None:
    """geomap: turn news articles into a map of incidents.

    \b
    Examples:
      geomap ingest articles/            # ingest a folder of .txt/.html/.json/.csv
      geomap incidents                   # list what was found
      geomap export -o incidents.geojson # GeoJSON for QGIS / GDAL
      echo '{"id":1,"text":"Clashes near al-Bab."}' | geomap geoparse
      geomap review list                 # the review queue (verify, reject, merge, edit...)
    """
    settings = Settings.from_env()
    ctx.obj = settings.with_overrides(db_path=db, offline=True if offline else None)


F = TypeVar("F", bound=Callable[..., Any])


def settings_option(f: F) -> F:
    """Accept ``--db`` and ``--offline`` after the subcommand too (``geomap ingest X --db Y``)."""
    f = click.option(
        "--db",
        "sub_db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="SQLite store (overrides the global --db).",
    )(f)
    f = click.option(
        "--offline", "sub_offline", is_flag=True, default=False, help="No network at all."
    )(f)
    return f


def command_settings(ctx: click.Context, sub_db: Path | None, sub_offline: bool) -> Settings:
    """The group's settings with a subcommand's own ``--db`` / ``--offline`` applied."""
    settings: Settings = ctx.obj
    return settings.with_overrides(db_path=sub_db, offline=True if sub_offline else None)


def _register() -> None:
    from geomap.cli.demo import demo_command
    from geomap.cli.export import export_command, map_command
    from geomap.cli.gazetteer import gazetteer_group
    from geomap.cli.geoparse import geoparse_command
    from geomap.cli.ingest import incidents_command, ingest_command
    from geomap.cli.review import review_group

    for command in (
        ingest_command,
        incidents_command,
        geoparse_command,
        export_command,
        map_command,
        gazetteer_group,
        review_group,
        demo_command,
    ):
        main.add_command(command)


_register()
