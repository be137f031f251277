"""``geomap review``: an analyst's decisions from the command line, with the same audit log as
the app (list, verify, reject, merge, split, edit, log).

The reviewer's name comes from ``--by NAME`` or ``GEOMAP_REVIEWER``; an incident is named by
its id or a unique prefix of it (at least 4 characters). Unknown ids are a one-line error and
exit status 1; a missing name or a bad option is a usage error (2).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from geomap.cli.main import command_settings, settings_option
from geomap.config import Settings
from geomap.errors import NotFoundError
from geomap.models import REVIEW_STATUSES, Place

F = TypeVar("F", bound=Callable[..., Any])


def _by_option(f: F) -> F:
    return click.option(
        "--by",
        "by",
        envvar="GEOMAP_REVIEWER",
        default=None,
        metavar="NAME",
        help="Your name for the audit log (default: $GEOMAP_REVIEWER).",
    )(f)


def _reason_option(f: F) -> F:
    return click.option("--reason", default="", help="Why (kept in the audit log).")(f)


def _name(by: str | None) -> str:
    if not by or not by.strip():
        raise click.UsageError("who is reviewing? pass --by NAME or set GEOMAP_REVIEWER")
    return by.strip()


def _settings(ctx: click.Context, sub_db: Path | None) -> Settings:
    return command_settings(ctx, sub_db, False)


@click.group("review")
def review_group() -> None:
    """Review incidents: verify, reject, merge, split and edit them; every decision is logged.

    Decisions outlive re-ingest: a new report that joins a verified incident adds a source but
    changes none of its values (its link reason says so), a rejected incident stays rejected
    (left out of the map and exports unless --include-rejected).

    \b
    Examples:
      export GEOMAP_REVIEWER="Ana Lopez"
      geomap review list --status unreviewed
      geomap review verify 3f2a9c01 --reason "two outlets agree"
      geomap review reject 77b1e0aa --reason "dateline, not the event place"
      geomap review merge 3f2a9c01 c0ffee12
      geomap review edit 3f2a9c01 --place "al-Bab" --killed 3
      geomap review log --json > decisions.jsonl
    """


_LIST_COLUMNS = (
    ("id", 16),
    ("status", 10),
    ("priority", 8),
    ("date", 10),
    ("type", 26),
    ("place", 22),
    ("killed", 6),
    ("sources", 7),
    ("why", 40),
)


def _clip(value: object, width: int) -> str:
    text = " ".join(str("" if value is None else value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


@review_group.command("list")
@click.option(
    "--status",
    type=click.Choice(REVIEW_STATUSES),
    default=None,
    help="Only incidents with this status (default: all, rejected included).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most N.")
@settings_option
@click.pass_context
def list_command(
    ctx: click.Context,
    status: str | None,
    as_json: bool,
    limit: int | None,
    sub_db: Path | None,
    sub_offline: bool,
) -> None:
    """The review queue: incidents, most in need of a look first (low location confidence,
    sources that disagree, many killed), with the reasons.

    \b
    Examples:
      geomap review list --status unreviewed --limit 20
      geomap review list --status rejected --json
    """
    from geomap.store.queue import review_queue
    from geomap.store.sqlite import open_store

    settings = _settings(ctx, sub_db)
    statuses = (status,) if status else ()
    with open_store(settings.db_path, readonly=True) as store:
        items = review_queue(store, statuses=statuses, limit=limit)
    if as_json:
        for item in items:
            line = {**item.record, "priority": item.priority, "priority_reasons": item.reasons}
            click.echo(json.dumps(line, ensure_ascii=False))
    else:
        click.echo("  ".join(f"{t:<{w}}" for t, w in _LIST_COLUMNS).rstrip())
        for item in items:
            r = item.record
            values = (r["incident_id"], r["review_status"], f"{item.priority:g}",
                      r["event_date"], r["sub_event_type"] or r["event_type"], r["location"],
                      r["fatalities"], r["source_count"], "; ".join(item.reasons))  # fmt: skip
            cells = [f"{_clip(v, w):<{w}}" for v, (_, w) in zip(values, _LIST_COLUMNS, strict=True)]
            click.echo("  ".join(cells).rstrip())
    if not items:
        click.echo("geomap: no incidents match", err=True)


def _status_command(name: str, status: str, doc: str) -> click.Command:
    @click.command(name, help=doc)
    @click.argument("incident_id", metavar="ID")
    @_reason_option
    @_by_option
    @settings_option
    @click.pass_context
    def command(
        ctx: click.Context,
        incident_id: str,
        reason: str,
        by: str | None,
        sub_db: Path | None,
        sub_offline: bool,
    ) -> None:
        from geomap.store.review import resolve_incident_id, set_status
        from geomap.store.sqlite import open_store

        who = _name(by)
        with open_store(_settings(ctx, sub_db).db_path) as store:
            full = resolve_incident_id(store, incident_id)
            state = set_status(store, full, status, by=who, reason=reason)
        click.echo(f"{full}: {state.status} by {state.reviewer}")

    return command


verify_command = _status_command(
    "verify",
    "verified",
    """Verify an incident: its current values are confirmed and kept, whatever reports join
    it later (they add sources). Also undoes a rejection.

    \b
    Examples:
      geomap review verify 3f2a9c01 --reason "two outlets agree" --by "Ana Lopez"
    """,
)
reject_command = _status_command(
    "reject",
    "rejected",
    """Reject an incident: it is kept, with its reports, but left out of the map, the
    incident list and exports (unless --include-rejected); `geomap review verify ID` undoes it.

    \b
    Examples:
      geomap review reject 77b1e0aa --reason "Ankara is the dateline, not the event place"
    """,
)
review_group.add_command(verify_command)
review_group.add_command(reject_command)


@review_group.command("merge")
@click.argument("incident_ids", metavar="ID ID...", nargs=-1, required=True)
@_reason_option
@_by_option
@settings_option
@click.pass_context
def merge_command(
    ctx: click.Context,
    incident_ids: tuple[str, ...],
    reason: str,
    by: str | None,
    sub_db: Path | None,
    sub_offline: bool,
) -> None:
    """Merge two or more incidents into the first: their sources are joined and the others
    removed (looking one up says where it went). Use `geomap review edit` to choose values.

    \b
    Examples:
      geomap review merge 3f2a9c01 c0ffee12 --reason "same strike, two outlets"
    """
    from geomap.store.review import merge_incidents, resolve_incident_id
    from geomap.store.sqlite import get_incident, open_store

    who = _name(by)
    if len(incident_ids) < 2:
        raise click.UsageError("merge needs at least two incident ids")
    with open_store(_settings(ctx, sub_db).db_path) as store:
        ids = [resolve_incident_id(store, i) for i in incident_ids]
        survivor = merge_incidents(store, ids, by=who, reason=reason)
        count = get_incident(store, survivor)["source_count"]
    click.echo(f"{survivor}: merged {len(set(ids)) - 1} incident(s) into it ({count} sources)")


@review_group.command("split")
@click.argument("incident_id", metavar="ID")
@click.option(
    "--source",
    "article_id",
    required=True,
    metavar="ARTICLE_ID",
    help="The source's article id (or a unique prefix; `geomap incidents --json` lists them).",
)
@_reason_option
@_by_option
@settings_option
@click.pass_context
def split_command(
    ctx: click.Context,
    incident_id: str,
    article_id: str,
    reason: str,
    by: str | None,
    sub_db: Path | None,
    sub_offline: bool,
) -> None:
    """Split one source off an incident into an incident of its own (undoes a wrong merge).

    \b
    Examples:
      geomap review split 3f2a9c01 --source 9be1c7d2a0 --reason "a different village"
    """
    from geomap.store.review import resolve_incident_id, split_source
    from geomap.store.sqlite import open_store

    who = _name(by)
    with open_store(_settings(ctx, sub_db).db_path) as store:
        full = resolve_incident_id(store, incident_id)
        new = split_source(store, full, article_id, by=who, reason=reason)
    click.echo(f"{new}: split off from {full}")


def _place(settings: Settings, name: str, record: dict[str, Any]) -> Place:
    """The gazetteer place called ``name``, preferring the incident's country."""
    from geomap.gazetteer.lookup import Gazetteer

    gazetteer = Gazetteer.open(settings)
    try:
        candidates = [c.place for c in gazetteer.candidates(name)]
    finally:
        gazetteer.close()
    if not candidates:
        raise NotFoundError(f"no place called {name!r} in the gazetteer; give --lat and --lon")
    same = [p for p in candidates if p.country and p.country == record.get("country")]
    return (same or candidates)[0]


@review_group.command("edit")
@click.argument("incident_id", metavar="ID")
@click.option("--type", "event_type", default=None, help="ACLED event type, e.g. Battles.")
@click.option("--sub-type", "sub_event_type", default=None, help="ACLED sub-event type.")
@click.option("--date", "event_date", default=None, metavar="YYYY-MM-DD", help="Event date.")
@click.option(
    "--place",
    default=None,
    metavar="NAME",
    help="A gazetteer place (the incident's country first).",
)
@click.option("--lat", type=click.FloatRange(-90, 90), default=None, help="Latitude (with --lon).")
@click.option(
    "--lon", type=click.FloatRange(-180, 180), default=None, help="Longitude (with --lat)."
)
@click.option("--place-name", default=None, help="Name for --lat/--lon (default: the incident's).")
@click.option("--killed", type=click.IntRange(min=0), default=None, help="Fatalities.")
@click.option("--injured", type=click.IntRange(min=0), default=None, help="Injured.")
@click.option("--actor1", default=None, help="First actor.")
@click.option("--actor2", default=None, help="Second actor ('' to clear).")
@_reason_option
@_by_option
@settings_option
@click.pass_context
def edit_command(
    ctx: click.Context,
    incident_id: str,
    event_type: str | None,
    sub_event_type: str | None,
    event_date: str | None,
    place: str | None,
    lat: float | None,
    lon: float | None,
    place_name: str | None,
    killed: int | None,
    injured: int | None,
    actor1: str | None,
    actor2: str | None,
    reason: str,
    by: str | None,
    sub_db: Path | None,
    sub_offline: bool,
) -> None:
    """Set an incident's values by hand. Derived values follow: a place set by hand is exact
    (geo_precision 1; 3 for a country or province) with method manual, and the map highlights
    the new name. Edits outlive re-ingest and new reports.

    \b
    Examples:
      geomap review edit 3f2a9c01 --place "al-Bab" --killed 3 --reason "Reuters update"
      geomap review edit 3f2a9c01 --lat 36.37 --lon 37.52 --place-name "al-Bab outskirts"
      geomap review edit 3f2a9c01 --type Battles --sub-type "Armed clash" --date 2017-02-09
    """
    from geomap.store.review import edit_incident, resolve_incident_id
    from geomap.store.sqlite import get_incident, open_store

    who = _name(by)
    if place is not None and (lat is not None or lon is not None):
        raise click.UsageError("give --place NAME or --lat/--lon, not both")
    if (lat is None) != (lon is None):
        raise click.UsageError("--lat and --lon go together")
    given = {
        "event_type": event_type, "sub_event_type": sub_event_type, "event_date": event_date,
        "fatalities": killed, "injured": injured, "actor1": actor1, "actor2": actor2,
    }  # fmt: skip
    changes: dict[str, object] = {k: v for k, v in given.items() if v is not None}
    if not changes and place is None and lat is None:
        raise click.UsageError("nothing to change: give at least one of the options")
    settings = _settings(ctx, sub_db)
    with open_store(settings.db_path) as store:
        full = resolve_incident_id(store, incident_id)
        record = get_incident(store, full)
        if place is not None:
            changes["location"] = _place(settings, place, record)
        elif lat is not None and lon is not None:
            changes["location"] = Place(
                geonameid=None, name=(place_name or record["location"] or f"{lat:.4f}, {lon:.4f}"),
                lat=lat, lon=lon, admin1=record["admin1"], country=record["country"],
            )  # fmt: skip
        entries = edit_incident(store, full, changes, by=who, reason=reason)
    if not entries:
        click.echo(f"{full}: nothing changed (the values were already so)")
    for e in entries:
        click.echo(f"{full}: {e.field}: {e.old_value} -> {e.new_value}")


@review_group.command("log")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--incident", "incident_id", default=None, metavar="ID", help="One incident only.")
@settings_option
@click.pass_context
def log_command(
    ctx: click.Context,
    as_json: bool,
    incident_id: str | None,
    sub_db: Path | None,
    sub_offline: bool,
) -> None:
    """The audit log, oldest first: one decision per line (incident id, action, field, old and
    new value, who, when, reason).

    \b
    Examples:
      geomap review log
      geomap review log --json > decisions.jsonl
      geomap review log --incident 3f2a9c01
    """
    from geomap.store.review import iter_log, log_json
    from geomap.store.sqlite import open_store

    with open_store(_settings(ctx, sub_db).db_path, readonly=True) as store:
        for e in iter_log(store, incident_id=incident_id):
            if as_json:
                click.echo(log_json(e))
                continue
            change = f"{e.field}: {e.old_value} -> {e.new_value}" if e.field else ""
            reason = f"  ({e.reason})" if e.reason else ""
            click.echo(f"{e.at}  {e.incident_id}  {e.action:<7} {change}  by {e.reviewer}{reason}")
