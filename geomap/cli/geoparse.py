"""``geomap geoparse``: JSONL in, JSONL out, one line per input line, same order."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

from geomap.cli.main import command_settings, settings_option
from geomap.gazetteer.lookup import Gazetteer
from geomap.geoparse.record import geoparse_text, resolution_to_json


def _lines(paths: tuple[Path, ...]) -> Iterator[tuple[str, int, str]]:
    if not paths:
        for n, line in enumerate(sys.stdin, 1):
            yield "<stdin>", n, line
        return
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    yield str(path), n, line
        except OSError as exc:
            raise click.FileError(str(path), hint=exc.strerror) from None


def _no_constant(name: str) -> Any:
    """NaN and Infinity are not JSON; echoing them back would not be either."""
    raise json.JSONDecodeError(f"{name} is not a JSON value", name, 0)


def _spans(doc: dict[str, Any], where: str) -> list[tuple[int, int]]:
    spans = []
    for t in doc.get("toponyms") or []:
        try:
            s, e = int(t["start"]), int(t["end"])
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{where}: toponyms need integer start and end") from None
        if not 0 <= s <= e <= len(doc["text"]):  # negative indices would slice from the end
            raise ValueError(f"{where}: toponym span {s}-{e} is outside the text")
        spans.append((s, e))
    return spans


@click.command("geoparse")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--gold-spans",
    is_flag=True,
    help="Resolve the input's toponyms[].start/end as given (skip recognition); a span "
    "nothing can place is estimated at the article's main town (score 0.2).",
)
@click.option(
    "--no-demonyms",
    is_flag=True,
    help="Do not report demonyms (Syrian, Turkish) as mentions of their country.",
)
@settings_option
@click.pass_context
def geoparse_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    gold_spans: bool,
    no_demonyms: bool,
    sub_db: Path | None,
    sub_offline: bool,
) -> None:
    """Find and resolve place names in JSONL documents (files or stdin).

    Each input line is a JSON object with at least "id" and "text"; each output line is
    {"id": ..., "places": [{"start", "end", "name", "lat", "lon", "geonameid",
    "feature_code", "country", "score", "method", "reasons"}, ...]}. A bad line gets an
    error on stderr naming it, the other lines are still processed, and the exit status is 1.

    \b
    Example:
      echo '{"id": 1, "text": "An airstrike hit near al-Bab in northern Syria."}' \\
        | geomap geoparse --offline
    """
    settings = command_settings(ctx, sub_db, sub_offline)
    gaz = Gazetteer.open(settings)
    geocoder = _geocoder(settings)
    failed = 0
    out: IO[str] = sys.stdout
    for where_file, lineno, line in _lines(paths):
        if not line.strip():
            continue
        where = f"{where_file}:{lineno}"
        try:
            doc = json.loads(line, parse_constant=_no_constant)
            if not isinstance(doc, dict):
                raise ValueError(f"{where}: expected a JSON object")
            text = doc.get("text")
            if not isinstance(text, str):
                raise ValueError(f"{where}: no 'text' string")
            spans = _spans(doc, where) if gold_spans else None
        except json.JSONDecodeError as exc:
            failed += 1
            click.echo(f"geomap: error: {where}: not JSON ({exc.msg})", err=True)
            continue
        except RecursionError:  # one deeply nested line must not stop the lines after it
            failed += 1
            click.echo(f"geomap: error: {where}: not JSON (nested too deeply)", err=True)
            continue
        except ValueError as exc:
            failed += 1
            click.echo(f"geomap: error: {exc}", err=True)
            continue
        places = geoparse_text(
            text, gazetteer=gaz, geocoder=geocoder, spans=spans, demonyms=not no_demonyms
        )
        record = {"id": doc.get("id"), "places": [resolution_to_json(r) for r in places]}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if failed:
        ctx.exit(1)


def _geocoder(settings: Any) -> object | None:
    """The geopy fallback with its cache in the store file, or None when it is off."""
    if not settings.geocoder_enabled:
        return None
    from geomap.geoparse.geocode import SQLiteGeocodeCache, make_geocoder
    from geomap.store.postgres import is_postgres_url

    if is_postgres_url(settings.db_path):  # the cache table of the shared PostGIS store
        from geomap.store.sqlite import open_store

        return make_geocoder(settings, cache=open_store(settings.db_path).geocode_cache)
    return make_geocoder(settings, cache=SQLiteGeocodeCache(settings.db_path))
