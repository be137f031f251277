"""``geomap demo``: the bundled sample articles in a demo store of their own."""

from __future__ import annotations

from pathlib import Path

import click

from geomap.cli.main import command_settings, settings_option
from geomap.config import SAMPLE_ARTICLES_DIR, demo_db_path


@click.command("demo")
@click.option(
    "-o", "--output", default=None, metavar="FILE", help="Also write the demo map to FILE."
)
@settings_option
@click.pass_context
def demo_command(
    ctx: click.Context, output: str | None, sub_db: Path | None, sub_offline: bool
) -> None:
    """Load the bundled sample articles into a demo store (never into your own store).

    The demo store sits beside your store (``<store>-demo.sqlite``, or GEOMAP_DEMO_DB);
    loading it again changes nothing. Offline: the samples need only the gazetteer.

    \b
    Examples:
      geomap demo
      geomap demo -o demo-map.html
    """
    from geomap.ingest.readers import SUPPORTED_SUFFIXES
    from geomap.mapview.foliummap import build_map, save_map
    from geomap.pipeline import ingest_paths
    from geomap.store.sqlite import iter_incidents, open_store

    settings = command_settings(ctx, sub_db, sub_offline)
    demo = settings.with_overrides(db_path=demo_db_path(settings.db_path), offline=True)
    paths = sorted(
        p
        for p in SAMPLE_ARTICLES_DIR.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
    )
    if not paths:
        raise click.ClickException(f"no sample articles in {SAMPLE_ARTICLES_DIR}")
    with open_store(demo.db_path) as store:
        report = ingest_paths(paths, settings=demo, store=store)
        if output:
            save_map(
                build_map(iter_incidents(store), tiles=settings.tiles, title="geomap demo"),
                output,
            )
    click.echo(f"demo store: {demo.db_path}")
    click.echo(f"{report.summary()} ({report.elapsed:.1f} s)")
    if output:
        click.echo(f"demo map: {output}")
    click.echo(f"See it: geomap --db {demo.db_path} map -o demo.html")
    click.echo(f"    or: GEOMAP_DB={demo.db_path} streamlit run app.py")
