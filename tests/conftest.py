"""Shared fixtures: every test runs offline, with its data and cache folders in tmp.

The bundled gazetteer index is built once per test session (about 10 s) into a session
folder and shared through ``GEOMAP_GAZETTEER``, so subprocess tests use it too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Offline settings with a fresh store file in tmp_path."""
    return Settings.from_env().with_overrides(db_path=tmp_path / "store.sqlite", offline=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In CI (GEOMAP_REQUIRE_BROWSER=1) a missing Chromium is an error, not a skip."""
    if os.environ.get("GEOMAP_REQUIRE_BROWSER") == "1" and not Path("/usr/bin/chromium").exists():
        raise pytest.UsageError("GEOMAP_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")
