"""``geomap gazetteer build|info|add``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from geomap.cli.main import command_settings, settings_option
from geomap.config import BUNDLED_GAZETTEER_DIR, PLACE_DATA_CREDIT
from geomap.gazetteer.add import add_file
from geomap.gazetteer.build import build_bundle, build_index
from geomap.gazetteer.lookup import Gazetteer


@click.group("gazetteer")
def gazetteer_group() -> None:
    """Build, inspect and extend the local GeoNames gazetteer.

    \b
    Examples:
      geomap gazetteer info
      geomap gazetteer add SY.txt            # a GeoNames country dump you downloaded
      geomap gazetteer add my_places.csv     # name,lat,lon[,aliases,country,...]
      geomap gazetteer build --from ~/geonames/
    """


@gazetteer_group.command("build")
@click.option(
    "--from",
    "source",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder with GeoNames dumps (cities500.txt[.gz], admin1CodesASCII.txt, "
    "countryInfo.txt); rewrites the bundled gazetteer/ files first.",
)
@settings_option
@click.pass_context
def build_command(
    ctx: click.Context, source: Path | None, sub_db: Path | None, sub_offline: bool
) -> None:
    """(Re)build the gazetteer index from the bundle (and the bundle from GeoNames dumps).

    \b
    Example:
      geomap gazetteer build --from ../shared/gazetteer-src
    """
    settings = command_settings(ctx, sub_db, sub_offline)
    if source is not None:
        counts = build_bundle(source, BUNDLED_GAZETTEER_DIR)
        click.echo(f"bundle: {counts['places']:,} places written to {BUNDLED_GAZETTEER_DIR}")
    counts = build_index(BUNDLED_GAZETTEER_DIR, settings.gazetteer_path)
    from geomap.gazetteer.add import reapply_recorded_additions

    reapply_recorded_additions(settings.gazetteer_path)
    click.echo(
        f"index: {counts['places']:,} places, {counts['names']:,} names, "
        f"{counts['countries']} countries, {counts['admin1']:,} admin1 areas "
        f"in {counts['build_ms'] / 1000:.1f} s -> {settings.gazetteer_path}"
    )


@gazetteer_group.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_option
@click.pass_context
def info_command(ctx: click.Context, as_json: bool, sub_db: Path | None, sub_offline: bool) -> None:
    """Show what is loaded: places by origin, names, additions, file and size.

    \b
    Example:
      geomap gazetteer info --json
    """
    info = Gazetteer.open(command_settings(ctx, sub_db, sub_offline)).info()
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    click.echo(f"index:     {info['path']} ({int(info['size_bytes']) / 1e6:.1f} MB)")  # type: ignore[call-overload]
    click.echo(f"built:     {info['built']} from {info['bundle']}")
    for origin, n in sorted(info["places_by_origin"].items()):  # type: ignore[attr-defined]
        click.echo(f"places:    {n:>9,}  {origin}")
    click.echo(f"names:     {info['names']:>9,}")
    for add in info["additions"]:  # type: ignore[attr-defined]
        click.echo(
            f"added:     {add['path']} ({add['kind']}, {add['rows']:,} rows, {add['added']})"
        )
    click.echo(PLACE_DATA_CREDIT)


@gazetteer_group.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@settings_option
@click.pass_context
def add_command(
    ctx: click.Context, files: tuple[Path, ...], sub_db: Path | None, sub_offline: bool
) -> None:
    """Add GeoNames country dumps (e.g. SY.txt), Who's On First records, or CSVs of custom
    places and aliases.

    A CSV has the columns name,lat,lon and optionally aliases (separated by |), country
    (ISO2), admin1, feature_code, population, geonameid. A row with a geonameid and no
    coordinates adds aliases to that existing place. A folder (a WOF repository checkout
    such as whosonfirst-data-admin-sy) or a .geojson file is read as WOF records; retired
    and deprecated records are skipped. Additions survive rebuilds.

    \b
    Examples:
      printf 'name,lat,lon,aliases\\nal-Sakhour,36.2219,37.1870,Sakhur\\n' > p.csv
      geomap gazetteer add p.csv
      geomap gazetteer add whosonfirst-data-admin-sy/data
    """
    settings = command_settings(ctx, sub_db, sub_offline)
    Gazetteer.open(settings).close()
    for path in files:
        kind, rows = add_file(settings.gazetteer_path, path)
        click.echo(f"{path}: added {rows:,} {kind} rows")
