"""``geomap export`` (GeoJSON / CSV) and ``geomap map`` (standalone HTML map)."""

from __future__ import annotations

import contextlib
import glob
import io
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import click

from geomap.cli.main import command_settings, settings_option
from geomap.models import IncidentFilter

_FORMATS = ("geojson", "csv")


def _parse_bbox(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        parts = tuple(float(p) for p in value.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4:
        raise click.BadParameter("expected four numbers: minlon,minlat,maxlon,maxlat")
    min_lon, min_lat, max_lon, max_lat = parts
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise click.BadParameter("longitudes must be within -180..180")
    if not (-90 <= min_lat <= max_lat <= 90):
        raise click.BadParameter("latitudes must be within -90..90 and minlat <= maxlat")
    return parts


def filter_options(f: Any) -> Any:
    """The incident filters shared by ``export`` and ``map``."""
    date = click.DateTime(formats=["%Y-%m-%d"])
    for decorator in reversed(
        [
            click.option("--since", type=date, help="Only incidents on or after this date."),
            click.option("--until", type=date, help="Only incidents on or before this date."),
            click.option(
                "--type", "types", multiple=True, help="Event type (repeatable), e.g. Battles."
            ),
            click.option(
                "--country", "countries", multiple=True, help="Country name or ISO3 (repeatable)."
            ),
            click.option("--actor", "actors", multiple=True, help="Actor1 or actor2 (repeatable)."),
            click.option(
                "--bbox",
                callback=_parse_bbox,
                metavar="MINLON,MINLAT,MAXLON,MAXLAT",
                help="Only incidents inside this box (WGS84 degrees).",
            ),
            click.option(
                "--include-rejected",
                is_flag=True,
                help="Also incidents an analyst rejected (left out by default).",
            ),
        ]
    ):
        f = decorator(f)
    return f


def build_filter(
    since: datetime | None,
    until: datetime | None,
    types: tuple[str, ...],
    countries: tuple[str, ...],
    actors: tuple[str, ...],
    bbox: tuple[float, float, float, float] | None,
    include_rejected: bool = False,
) -> IncidentFilter:
    """An IncidentFilter from the command-line filter options."""
    return IncidentFilter(
        date_from=since.date() if since else None,
        date_to=until.date() if until else None,
        event_types=types,
        countries=countries,
        actors=actors,
        bbox=bbox,
        include_rejected=include_rejected,
    )


#: A temporary export file untouched this long is left over from a killed export.
_STALE_TMP_SECONDS = 600


@contextlib.contextmanager
def _output(path: str) -> Iterator[TextIO]:
    """A UTF-8 text stream to ``path`` or stdout (``-``).

    A regular file (or a symlink to one: the file it points to) is written to a temporary name
    in the same folder and renamed at the end, so a failed export leaves no half file; the
    temporary file is removed on any error, interrupt or SIGTERM, and one left by a killed
    export (SIGKILL) is removed by the next export to the same file. A FIFO, device or socket
    is written to directly (never replaced by a regular file). A write error (disk full) is a
    one-line message.
    """
    if path == "-":
        stream: Any = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()
        return
    target = Path(os.path.realpath(Path(path).expanduser()))
    if target.is_dir():
        raise click.BadParameter(f"{target} is a folder", param_hint="-o")
    if target.exists() and not target.is_file():
        try:
            with open(target, "w", encoding="utf-8", newline="") as direct:
                yield direct
        except OSError as exc:
            raise click.FileError(str(target), hint=exc.strerror or str(exc)) from None
        return
    folder = target.parent
    _remove_stale_temporaries(folder, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise click.FileError(str(target), hint=exc.strerror or str(exc)) from None
    previous = _exit_on_sigterm()
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
        # mkstemp creates 0600; give the file the mode a plain open() would (umask applied).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise click.FileError(str(target), hint=exc.strerror or str(exc)) from None
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm() -> Any:
    """Make SIGTERM a SystemExit (so cleanup runs) in the main thread; the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    return signal.signal(signal.SIGTERM, stop)


def _remove_stale_temporaries(folder: Path, name: str) -> None:
    """Delete ``.<name>.*.tmp`` files a killed export left in ``folder`` (old ones only)."""
    cutoff = time.time() - _STALE_TMP_SECONDS
    with contextlib.suppress(OSError):
        for left in folder.glob(f".{glob.escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                if left.is_file() and left.stat().st_mtime < cutoff:
                    left.unlink()


class _ArticleTracker:
    """Passes incident records through and remembers the articles behind them, so that the
    mentions written after the incidents are only those of the exported incidents' articles."""

    def __init__(self) -> None:
        self.article_ids: set[str] = set()
        self.located = 0

    def track(self, records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        from geomap.export import has_coordinates

        for record in records:
            for source in record.get("sources") or ():
                if isinstance(source, dict) and source.get("article_id"):
                    self.article_ids.add(str(source["article_id"]))
            self.located += has_coordinates(record)
            yield record

    def mentions(self, mentions: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        return (m for m in mentions if m.get("article_id") in self.article_ids)


def _guess_format(fmt: str | None, output: str) -> str:
    if fmt:
        return fmt
    return "csv" if output.lower().endswith(".csv") else "geojson"


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default=None,
    help="geojson (default) or csv; guessed from -o FILE.csv when not given.",
)
@click.option(
    "-o", "--output", default="-", metavar="FILE", help="Output file; - or nothing: stdout."
)
@click.option(
    "--mentions",
    is_flag=True,
    help="GeoJSON only: add the places mentioned in the exported incidents' articles as Point "
    "features with layer=mention (incidents get layer=incident).",
)
@click.option(
    "--keep-unlocated",
    is_flag=True,
    help="GeoJSON only: write incidents without coordinates with a null geometry "
    "(default: skip them and say how many).",
)
@click.option(
    "--no-formula-guard",
    is_flag=True,
    help="CSV only: do not prefix cells starting with = + - @ tab or CR with an apostrophe.",
)
@filter_options
@settings_option
@click.pass_context
def export_command(
    ctx: click.Context,
    fmt: str | None,
    output: str,
    mentions: bool,
    keep_unlocated: bool,
    no_formula_guard: bool,
    since: datetime | None,
    until: datetime | None,
    types: tuple[str, ...],
    countries: tuple[str, ...],
    actors: tuple[str, ...],
    bbox: tuple[float, float, float, float] | None,
    include_rejected: bool,
    sub_db: Path | None,
    sub_offline: bool,
) -> None:
    """Export incidents as GeoJSON (RFC 7946, for QGIS/GDAL) or CSV (ACLED column names).

    GeoJSON: one Point per incident, [lon, lat] WGS84, Feature id = incident id, lists
    (sources, evidence, link_reasons) as JSON arrays; review_status, reviewed_by, reviewed_at
    and review_reason say what an analyst decided (rejected incidents are left out unless
    --include-rejected). CSV: ACLED columns first
    (event_id_cnty, event_date, year, ...), then geomap's; UTF-8; text cells starting with
    = + - @ tab or CR get a leading apostrophe so spreadsheets do not run them as formulas
    (--no-formula-guard to turn off). Exports are raw text (no HTML escaping).

    \b
    Examples:
      geomap export -o incidents.geojson
      geomap export --format csv --country Syria --since 2016-11-01 > syria.csv
      geomap export --bbox 36,35.5,38.5,37 --type Battles -o north-aleppo.geojson
      geomap export --mentions -o with-mentions.geojson
    """
    from geomap.export import write_csv, write_geojson
    from geomap.store.sqlite import iter_incidents, iter_mentions, open_store

    settings = command_settings(ctx, sub_db, sub_offline)
    fmt = _guess_format(fmt, output)
    if fmt == "csv" and (mentions or keep_unlocated):
        raise click.UsageError("--mentions and --keep-unlocated are for GeoJSON only")
    flt = build_filter(since, until, types, countries, actors, bbox, include_rejected)
    counts: dict[str, int] = {}
    tracker = _ArticleTracker()
    with open_store(settings.db_path, readonly=True) as store, _output(output) as out:
        warn_unknown(store, flt)
        records = tracker.track(iter_incidents(store, flt))
        if fmt == "csv":
            counts["incidents"] = write_csv(records, out, formula_guard=not no_formula_guard)
        else:
            places = tracker.mentions(iter_mentions(store, resolved_only=True))
            write_geojson(
                records,
                out,
                mentions=places if mentions else None,
                unlocated="null" if keep_unlocated else "skip",
                counts=counts,
            )
    if output != "-":
        message = f"{counts['incidents']} incidents written to {output}"
        if counts.get("mentions"):
            message += f" (+{counts['mentions']} place mentions)"
        if counts.get("skipped"):
            message += f"; {counts['skipped']} without coordinates skipped (--keep-unlocated)"
        click.echo(message, err=True)
    elif counts.get("skipped"):
        click.echo(
            f"geomap: note: {counts['skipped']} incidents without coordinates skipped", err=True
        )


def warn_unknown(store: Any, flt: IncidentFilter) -> None:
    """On stderr, a "did you mean" for each filter value no stored incident has."""
    from geomap.store.sqlite import facet_values, unknown_values

    for message in unknown_values(flt, facet_values(store)):
        click.echo(f"geomap: {message}", err=True)


def _map_title(flt: IncidentFilter) -> str:
    """ "geomap incidents", with the filters that narrow them (plain text; escaped later)."""
    parts = [
        ", ".join(flt.event_types),
        ", ".join(flt.countries),
        ", ".join(flt.actors),
        f"from {flt.date_from}" if flt.date_from else "",
        f"until {flt.date_to}" if flt.date_to else "",
    ]
    narrowed = " · ".join(p for p in parts if p)
    return "geomap incidents" + (f": {narrowed}" if narrowed else "")


@click.command("map")
@click.option(
    "-o", "--output", required=True, metavar="FILE", help="The HTML file to write (- for stdout)."
)
@click.option(
    "--mentions",
    is_flag=True,
    help="Add a layer of the places mentioned in the mapped incidents' articles.",
)
@click.option(
    "--tiles",
    default=None,
    help="Basemap: OpenStreetMap (default, $GEOMAP_TILES), a provider name such as "
    "'OpenTopoMap', an https://.../{z}/{x}/{y}.png template, or none.",
)
@click.option(
    "--assets",
    type=click.Choice(["inline", "cdn"]),
    default="inline",
    help="inline (default): Leaflet inside the file, opens offline; cdn: smaller file that "
    "loads Leaflet from jsDelivr.",
)
@filter_options
@settings_option
@click.pass_context
def map_command(
    ctx: click.Context,
    output: str,
    mentions: bool,
    tiles: str | None,
    assets: str,
    since: datetime | None,
    until: datetime | None,
    types: tuple[str, ...],
    countries: tuple[str, ...],
    actors: tuple[str, ...],
    bbox: tuple[float, float, float, float] | None,
    include_rejected: bool,
    sub_db: Path | None,
    sub_offline: bool,
) -> None:
    """Write the incident map (the app's map) as one standalone HTML file.

    Leaflet, the marker clustering and offline borders (Natural Earth) are inlined, so the
    file opens offline; only the basemap tiles need the network (without them the borders
    show and a note says so; --tiles none for the borders alone). The page has a title, a
    legend, a list of the incidents in view and a time slider. Popups are built from
    escaped text and http(s) links only.

    \b
    Examples:
      geomap map -o map.html
      geomap map --country Syria --since 2016-11-01 --mentions -o syria.html
      GEOMAP_TILES=none geomap map -o offline.html
    """
    from geomap.mapview.foliummap import write_map
    from geomap.store.sqlite import iter_incidents, iter_mentions, iter_with_reports, open_store

    settings = command_settings(ctx, sub_db, sub_offline)
    flt = build_filter(since, until, types, countries, actors, bbox, include_rejected)
    tracker = _ArticleTracker()
    with open_store(settings.db_path, readonly=True) as store:
        warn_unknown(store, flt)
        # Streamed: the incidents come from a cursor, and the page is written as they pass
        # (geomap.mapview.foliummap.write_map), never held whole in memory.
        with _output(output) as out:
            write_map(
                tracker.track(iter_with_reports(store, iter_incidents(store, flt))),
                out,
                tiles=tiles if tiles is not None else settings.tiles,
                show_mentions=mentions,
                # consumed after the incidents, so the tracker knows their articles by then
                mentions=tracker.mentions(iter_mentions(store, resolved_only=True)),
                assets=assets,
                title=_map_title(flt),
            )
    if output != "-":
        target = Path(os.path.realpath(Path(output).expanduser()))
        size = f" ({target.stat().st_size / 1e6:.1f} MB)" if target.is_file() else ""
        click.echo(f"{tracker.located} incidents mapped to {output}{size}", err=True)
