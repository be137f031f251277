"""``geomap ingest`` (articles into the store) and ``geomap incidents`` (list what was found)."""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from geomap.cli.main import command_settings, settings_option
from geomap.models import IncidentFilter
from geomap.pipeline import ingest_paths
from geomap.store.sqlite import iter_incidents, open_store


class _Bar:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    def __init__(self) -> None:
        self.drawn = False

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            width = 30
            filled = int(width * done / total)
            line = f"\ringesting [{'#' * filled}{'.' * (width - filled)}] {done}/{total} files"
        else:
            line = f"\ringesting {done} files"
        click.echo(line, nl=False, err=True)
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            click.echo("", err=True)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--dask",
    "dask_address",
    default=None,
    metavar="ADDRESS",
    help="Run reading, geoparsing and extraction on this Dask scheduler (tcp://host:8786); "
    "the store is written from here. Needs geomap[dask].",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Run on a local Dask cluster of N worker processes. Needs geomap[dask].",
)
@settings_option
@click.pass_context
def ingest_command(
    ctx: click.Context,
    paths: tuple[str, ...],
    dask_address: str | None,
    workers: int | None,
    sub_db: Path | None,
    sub_offline: bool,
) -> None:
    """Ingest articles: files, folders (recursively) or - for stdin.

    Formats: .txt, .html/.htm, .json (object or list), .jsonl, .csv (a "text" column and
    optional title, url, source, published). Re-ingesting the same text is a no-op.
    Exit status: 0 all ingested, 1 some inputs failed (each named on stderr), 2 usage error.

    \b
    Examples:
      geomap ingest articles/ extra/report.html --db incidents.sqlite
      cat feed.jsonl | geomap ingest - --offline
      geomap ingest archive/ --workers 2 --db postgresql://me@dbhost/geomap
      geomap ingest feed.jsonl --dask tcp://scheduler:8786
    """
    settings = command_settings(ctx, sub_db, sub_offline)
    _announce(paths, settings.gazetteer_path)
    if dask_address is not None or workers is not None:
        if dask_address is not None and workers is not None:
            raise click.UsageError("give --dask ADDRESS or --workers N, not both")
        from geomap.distributed import ingest_distributed

        with open_store(settings.db_path) as store:
            report = ingest_distributed(
                list(paths), settings=settings, store=store, address=dask_address,
                workers=workers,
            )  # fmt: skip
        _finish(report)
        return
    with open_store(settings.db_path) as store:
        bar = _Bar() if sys.stderr.isatty() else None
        try:
            report = ingest_paths(
                list(paths),
                settings=settings,
                store=store,
                progress=bar,
                stdin=sys.stdin,
            )
        finally:
            if bar is not None:
                bar.finish()
    _finish(report)


def _announce(paths: tuple[str, ...], gazetteer_path: Path) -> None:
    """Say on stderr what would otherwise be silent: folders without articles, files skipped
    for their type (counted by type and named), and the first run's gazetteer build."""
    from geomap.ingest.readers import SUPPORTED_SUFFIXES

    skipped: dict[str, list[str]] = {}
    for given in paths:
        folder = Path(given)
        if given == "-" or not folder.is_dir():
            continue
        found = 0
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                suffix = Path(name).suffix.lower()
                if suffix in SUPPORTED_SUFFIXES:
                    found += 1
                else:
                    skipped.setdefault(suffix or "no suffix", []).append(os.path.join(root, name))
        if not found:
            click.echo(
                f"geomap: {_clean(given)}: no article files in this folder (looked for "
                f"{', '.join(SUPPORTED_SUFFIXES)})",
                err=True,
            )
    if skipped:
        names = [n for kind in sorted(skipped) for n in skipped[kind]]
        kinds = ", ".join(
            f"{kind} ({len(skipped[kind])})" if len(skipped[kind]) > 1 else kind
            for kind in sorted(skipped)
        )
        click.echo(f"geomap: skipped {len(names)}: {kinds} (not an article format)", err=True)
        for name in names[:5]:
            click.echo(f"geomap:   skipped {_clean(name)}", err=True)
        if len(names) > 5:
            click.echo(f"geomap:   ... and {len(names) - 5} more", err=True)
    if not Path(gazetteer_path).exists():
        click.echo(
            "geomap: first run: building the gazetteer index (about 30 s, once)...", err=True
        )


def _finish(report: Any) -> None:
    """Print the notices, failures and summary of an ingest; exit 1 when something failed."""
    for source, message in report.notices:
        click.echo(f"geomap: note: {_clean(source)}: {_clean(message)}", err=True)
    for source, message in report.failed:
        click.echo(f"geomap: failed: {_clean(source)}: {_clean(message)}", err=True)
    click.echo(f"{report.summary()} ({report.elapsed:.1f} s)")
    if report.failed:
        sys.exit(1)


def _clean(value: object, width: int | None = None) -> str:
    """Text safe for a terminal: control characters (escape sequences) become spaces."""
    text = "" if value is None else str(value)
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text


_COLUMNS = (
    ("date", "event_date", 10),
    ("type", "sub_event_type", 28),
    ("location", "location", 22),
    ("country", "country", 14),
    ("killed", "fatalities", 6),
    ("injured", "injured", 7),
    ("sources", "source", 30),
)


def _table_row(values: list[str]) -> str:
    cells = [f"{_clean(v, w):<{w}}" for v, (_, _, w) in zip(values, _COLUMNS, strict=True)]
    return "  ".join(cells).rstrip()


def _cell(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if key == "sub_event_type":
        value = value or record.get("event_type")
    if key == "source":
        value = f"{record.get('source_count', 0)}: {value or ''}"
    return "" if value is None else str(value)


_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command("incidents")
@settings_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line (all fields).")
@click.option(
    "--country", "countries", multiple=True, help="Country name, ISO3 or ISO2 (repeatable)."
)
@click.option("--type", "types", multiple=True, help="ACLED event type (repeatable).")
@click.option("--actor", "actors", multiple=True, help="Actor name (repeatable).")
@click.option("--source", "sources", multiple=True, help="Source name (repeatable).")
@click.option("--text", default="", help="Text in location, notes, actors or excerpts.")
@click.option("--since", type=_DATE, default=None, help="First event date, YYYY-MM-DD.")
@click.option("--until", type=_DATE, default=None, help="Last event date, YYYY-MM-DD.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most N.")
@click.pass_context
def incidents_command(
    ctx: click.Context,
    sub_db: Path | None,
    sub_offline: bool,
    as_json: bool,
    countries: tuple[str, ...],
    types: tuple[str, ...],
    actors: tuple[str, ...],
    sources: tuple[str, ...],
    text: str,
    since: datetime | None,
    until: datetime | None,
    limit: int | None,
) -> None:
    """List the incidents in the store, oldest first, as a table or JSON lines.

    \b
    Examples:
      geomap incidents --country Syria --since 2017-02-01
      geomap incidents --type "Explosions/Remote violence" --json > strikes.jsonl
    """
    settings = command_settings(ctx, sub_db, sub_offline)
    flt = IncidentFilter(
        date_from=since.date() if since else None,
        date_to=until.date() if until else None,
        event_types=types,
        countries=countries,
        actors=actors,
        sources=sources,
        text=text,
    )
    shown = 0
    with open_store(settings.db_path, readonly=True) as store:
        if not as_json:
            click.echo(_table_row([title for title, _, _ in _COLUMNS]))
        for record in iter_incidents(store, flt):
            if limit is not None and shown >= limit:
                break
            if as_json:
                click.echo(json.dumps(record, ensure_ascii=False))
            else:
                click.echo(_table_row([_cell(record, key) for _, key, _ in _COLUMNS]))
            shown += 1
    if not shown:
        click.echo("geomap: no incidents match", err=True)
