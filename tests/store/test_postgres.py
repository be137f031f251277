"""The PostgreSQL + PostGIS store (#17): what only it has, and the CLI end to end on it.

The store's functions themselves run on both backends in ``test_store.py`` and
``test_review.py`` (the ``store_location`` fixture); these tests need the session's
throwaway cluster (``pg_server``) and skip with a clear message without PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from faulthelpers import REPO, geomap_cmd, run_geomap, subprocess_env, write_articles
from pgserver import PGServer

from geomap.app.state import load_view
from geomap.models import IncidentFilter
from geomap.store.postgres import is_postgres_url, redact_url, translate
from geomap.store.schema import SCHEMA_VERSION
from geomap.store.sqlite import count_incidents, iter_incidents, open_store

SAMPLES = REPO / "geomap" / "samples"


def test_translate_and_urls() -> None:
    assert translate("SELECT c.rowid FROM candidate c WHERE x LIKE ?") == (
        "SELECT c.seq FROM candidate c WHERE x LIKE %s"
    )
    assert "jsonb_array_elements(incident.sources::jsonb)" in translate(
        "SELECT json_extract(s.value, '$.name') FROM incident, json_each(incident.sources) s"
    )
    assert is_postgres_url("postgresql:/me@db/x")  # as pathlib leaves it
    assert redact_url("postgres://a:b@h/d") == "postgres://a@h/d"


def test_points_are_postgis_geometries_with_gist_indexes(pg_server: PGServer) -> None:
    url = pg_server.new_database()
    with open_store(url) as store:
        assert (store.journal_mode, store.schema_version) == ("postgresql", SCHEMA_VERSION)
        geoms = store.conn.execute(
            "SELECT f_table_name, type, srid FROM geometry_columns ORDER BY 1"
        ).fetchall()
        assert ("incident", "POINT", 4326) in geoms and ("candidate", "POINT", 4326) in geoms
        indexes = {
            r[0]: r[1]
            for r in store.conn.execute("SELECT indexname, indexdef FROM pg_indexes").fetchall()
        }
        assert "USING gist (geom)" in indexes["incident_geom"]
        assert "USING gist" in indexes["candidate_geog"]
        assert "anchor_date" in indexes["candidate_block"]
        columns = {
            table: [r[0] for r in store.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
                " ORDER BY ordinal_position", (table,)).fetchall()]
            for table in ("incident", "incident_row")
        }  # fmt: skip
        # review's `SELECT * FROM incident` reads incident_row: a new column must go there too
        assert columns["incident_row"] == [c for c in columns["incident"] if c != "geom"]
    with open_store(url) as again:  # reopening migrates nothing
        assert again.schema_version == SCHEMA_VERSION


def test_a_foreign_database_and_a_missing_server_are_clear_errors(pg_server: PGServer) -> None:
    from geomap.errors import StoreError

    url = pg_server.new_database()
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE incident (x int)")
    with pytest.raises(StoreError, match="not a geomap store"):
        open_store(url)
    with pytest.raises(
        StoreError, match=r"cannot open store postgresql://geomap@127\.0\.0\.1:1/nope"
    ):
        open_store("postgresql://geomap:secret@127.0.0.1:1/nope")
    with pytest.raises(StoreError, match="schema version 0"):
        open_store(pg_server.new_database(), readonly=True)


def _ingest(db: str, *paths: Path | str) -> subprocess.CompletedProcess[str]:
    return run_geomap("--db", db, "ingest", *paths, timeout=300)


def _incidents(db: str) -> list[dict[str, Any]]:
    with open_store(db, readonly=True) as store:
        out = []
        for rec in iter_incidents(store, order_by="incident_id"):
            rec.pop("updated_at", None)
            out.append(rec)
        return out


def test_cli_ingest_export_on_postgis_equals_sqlite(pg_server: PGServer, tmp_path: Path) -> None:
    url = pg_server.new_database()
    lite = str(tmp_path / "s.sqlite")
    for db in (url, lite):
        done = _ingest(db, SAMPLES)
        assert done.returncode == 0, done.stderr
    assert _incidents(url) == _incidents(lite)
    exported = {}
    for db in (url, lite):
        out = run_geomap("--db", db, "export", "--format", "geojson")
        assert out.returncode == 0, out.stderr
        exported[db] = json.loads(out.stdout)
    assert exported[url] == exported[lite]
    assert len(exported[url]["features"]) >= 5
    view = load_view(url, IncidentFilter())  # the app's loader, unchanged
    assert len(view.records) == len(exported[url]["features"])


def test_gdal_opens_the_acled_view_as_a_layer(pg_server: PGServer, tmp_path: Path) -> None:
    """QGIS and GDAL read ``incident_acled`` through a ``PG:`` connection."""
    import pyogrio

    url = pg_server.new_database()
    assert _ingest(url, SAMPLES).returncode == 0
    dbname = url.rsplit("/", 1)[1]
    conn = f"PG:host=127.0.0.1 port={pg_server.port} dbname={dbname} user=geomap"
    if "PostgreSQL" in pyogrio.list_drivers():
        frame = pyogrio.read_dataframe(conn, layer="incident_acled")
    else:  # PyPI's pyogrio wheels build GDAL without it: Debian's GDAL reads the layer
        ogr2ogr = shutil.which("ogr2ogr")
        if ogr2ogr is None:
            pytest.skip("neither pyogrio's GDAL nor ogr2ogr (gdal-bin) can read PostgreSQL")
        out = tmp_path / "layer.gpkg"
        subprocess.run(
            [ogr2ogr, "-f", "GPKG", str(out), conn, "incident_acled"],
            check=True, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        info = pyogrio.read_info(out)
        assert info["geometry_type"] == "Point" and "4326" in str(info["crs"])
        frame = pyogrio.read_dataframe(out)
    with open_store(url, readonly=True) as store:
        assert len(frame) == count_incidents(store)
    for column in ("incident_id", "event_date", "event_type", "sub_event_type", "actor1",
                   "location", "admin1", "country", "iso3", "latitude", "longitude",
                   "geo_precision", "fatalities", "source_count"):  # fmt: skip
        assert column in frame.columns
    first = frame.iloc[0]
    assert abs(first.geometry.x - first["longitude"]) < 1e-9
    assert abs(first.geometry.y - first["latitude"]) < 1e-9


def test_concurrent_ingests_and_the_app_lose_and_double_nothing(
    pg_server: PGServer, tmp_path: Path
) -> None:
    """Three ingests of overlapping folders at once, the app reading meanwhile: every article
    once, every report once, every report in exactly one incident."""
    url = pg_server.new_database()
    folders = []
    for k in range(3):
        folder = tmp_path / f"f{k}"
        write_articles(folder, 40, start=k * 20)  # 0-39, 20-59, 40-79: overlapping
        folders.append(folder)
    assert _ingest(url, tmp_path / "f0" / "art00000.txt").returncode == 0  # create the schema
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                load_view(url, IncidentFilter())
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
                return

    reader = threading.Thread(target=read)
    reader.start()
    procs = [
        subprocess.Popen(geomap_cmd("--db", url, "ingest", f), env=subprocess_env(),
                         cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for f in folders
    ]  # fmt: skip
    try:
        results = [p.communicate(timeout=300) for p in procs]
    finally:
        stop.set()
        reader.join()
    assert [p.returncode for p in procs] == [0, 0, 0], results
    assert not errors
    with open_store(url, readonly=True) as store:
        q = store.conn.execute
        assert q("SELECT count(*), count(DISTINCT id) FROM article").fetchone() == (80, 80)
        assert (
            q("SELECT count(*), count(DISTINCT (article_id, idx)) FROM candidate").fetchone()[0]
            == q("SELECT count(DISTINCT (article_id, idx)) FROM candidate").fetchone()[0]
        )
        orphans = q(
            "SELECT count(*) FROM candidate c LEFT JOIN incident i ON i.id = c.incident_id"
            " WHERE i.id IS NULL"
        ).fetchone()[0]
        assert orphans == 0
        total = q("SELECT sum(source_count) FROM incident").fetchone()[0]
        assert int(total) == q("SELECT count(*) FROM candidate").fetchone()[0]


def test_whole_table_reads_stream_from_a_server_side_cursor(pg_server: PGServer) -> None:
    """The app's view and exports fetch incidents in batches (flat memory on the client)."""
    url = pg_server.new_database()
    assert _ingest(url, SAMPLES).returncode == 0
    with open_store(url, readonly=True) as store:
        rows = iter_incidents(store)
        first = next(rows)
        cursors = [r[0] for r in store.conn.raw.execute("SELECT name FROM pg_cursors")]
        assert any(name.startswith("geomap_read_") for name in cursors)
        assert [first, *rows] == list(iter_incidents(store))
        assert store.conn.execute("SELECT count(*) FROM incident").fetchone()[0] >= 5


def test_store_sessions_sort_the_whole_view_in_memory(pg_server: PGServer) -> None:
    """Store sessions get 64 MB of work_mem (the app's view sorts every incident: at the 4 MB
    default that is an external merge sort on disk), never less than the server gives."""
    url = pg_server.new_database()
    with open_store(url) as store:
        assert store.conn.execute("SHOW work_mem").fetchone()[0] == "64MB"
        dbname = store.conn.execute("SELECT current_database()").fetchone()[0]
        store.conn.raw.execute(f"ALTER DATABASE {dbname} SET work_mem = '1GB'")
    with open_store(url, readonly=True) as store:
        assert store.conn.execute("SHOW work_mem").fetchone()[0] == "1GB"
