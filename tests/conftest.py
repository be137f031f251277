"""Shared fixtures: every test runs offline, with its data and cache folders in tmp.

The bundled gazetteer index is built once per test session (about 10 s) into a session
folder and shared through ``GEOMAP_GAZETTEER``, so subprocess tests use it too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pgserver
import pytest
from browser import CHROMIUM, CHROMIUM_ARGS

from geomap.config import Settings
from geomap.gazetteer.lookup import Gazetteer


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    base = tmp_path_factory.mktemp("geomap-env")
    saved = dict(os.environ)
    os.environ.update(
        {
            "GEOMAP_OFFLINE": "1",  # no test may reach the network; geocoder tests opt in
            "GEOMAP_GAZETTEER": str(base / "cache" / "gazetteer.sqlite"),
            "GEOMAP_DB": str(base / "data" / "default.sqlite"),
            "XDG_DATA_HOME": str(base / "data"),
            "XDG_CACHE_HOME": str(base / "cache"),
        }
    )
    os.environ.pop("GEOMAP_GEOCODER", None)
    os.environ.pop("GEOMAP_NOMINATIM_URL", None)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def gazetteer(_isolated_environment: None) -> Iterator[Gazetteer]:
    """The bundled gazetteer (built once per session)."""
    gaz = Gazetteer.open(Settings.from_env())
    yield gaz
    gaz.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium for the end-to-end tests, one per test module (the modules
    skip themselves when Chromium or Playwright is missing)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Offline settings with a fresh store file in tmp_path."""
    return Settings.from_env().with_overrides(db_path=tmp_path / "store.sqlite", offline=True)


def require_postgres() -> bool:
    """In CI (CI=true or GEOMAP_REQUIRE_POSTGRES=1) the PostgreSQL tests must run, not skip."""
    return (
        os.environ.get("GEOMAP_REQUIRE_POSTGRES") == "1"
        or os.environ.get("CI", "").lower() == "true"
    )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PGServer]:
    """A throwaway PostgreSQL 15 + PostGIS cluster, started once per session."""
    why = pgserver.missing()
    if why is not None:
        if require_postgres():
            pytest.fail(f"the PostgreSQL tests must run here (CI) but {why}")
        pytest.skip(f"PostgreSQL store tests skipped: {why}")
    server = pgserver.start_server()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's store lives, once per backend: an SQLite file in tmp_path, or a fresh
    database in the session's PostgreSQL cluster."""
    if request.param == "sqlite":
        return str(tmp_path / "deep" / "dir" / "store.sqlite")
    server: pgserver.PGServer = request.getfixturevalue("pg_server")
    return server.new_database()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In CI (GEOMAP_REQUIRE_BROWSER=1) a missing Chromium is an error, not a skip."""
    if os.environ.get("GEOMAP_REQUIRE_BROWSER") == "1" and not Path("/usr/bin/chromium").exists():
        raise pytest.UsageError("GEOMAP_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")
