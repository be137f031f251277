"""The Review section in headless Debian Chromium: verify and reject an incident from a table
row of the queue and from its panel, against a running app."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from apphelpers import free_port, start_app, stop_app, wait_healthy
from browser import CHROMIUM, loopback_only

from geomap.ingest.readers import make_article
from geomap.models import METHOD_GAZETTEER, IncidentCandidate, Mention, Place, Resolution
from geomap.store.sqlite import get_incident, iter_incidents, open_store, write_article

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("GEOMAP_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is missing but GEOMAP_REQUIRE_BROWSER=1")
    pytest.skip(f"Debian chromium is not installed at {CHROMIUM}", allow_module_level=True)

from playwright.sync_api import Browser, Page  # noqa: E402

ALBAB = Place(174018, "Al Bāb", 36.37, 37.52, "P", "PPL", "SY", "09", "Aleppo", "Syria")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("review-browser")
    db = base / "store.sqlite"
    with open_store(db) as store:
        for text, killed in (("Wire A: strike near al-Bab.", 30), ("Wire B: clash.", 1)):
            article, _ = make_article(text, origin="x.txt", source=text[:6])
            res = Resolution(Mention(0, 3, "al-Bab"), ALBAB, 0.9, METHOD_GAZETTEER)
            cand = IncidentCandidate(
                article.id, "Explosions/Remote violence", "Air/drone strike", date(2017, 2, 9),
                1, res, 1, fatalities=killed, excerpt=text,
            )  # fmt: skip
            write_article(store, article, [res], [cand])
        ids = [r["incident_id"] for r in iter_incidents(store, order_by="-fatalities")]
    port = free_port()
    proc = start_app(db, port=port, log=base / "streamlit.log")
    try:
        wait_healthy(port, proc)
        yield {"url": f"http://127.0.0.1:{port}/", "db": db, "ids": ids}
    finally:
        stop_app(proc)


@pytest.fixture()
def page(browser: Browser, server: dict[str, Any]) -> Iterator[Page]:
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", loopback_only(outside))
    pg = context.new_page()
    yield pg
    context.close()
    assert outside == []


def _status(db: Path, incident_id: str) -> str:
    with open_store(db) as store:
        return str(get_incident(store, incident_id)["review_status"])


def _wait_status(page: Page, db: Path, incident_id: str, status: str) -> None:
    for _ in range(100):
        if _status(db, incident_id) == status:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{incident_id} is {_status(db, incident_id)}, not {status}")


def test_verify_then_reject_from_a_queue_row(page: Page, server: dict[str, Any]) -> None:
    top = server["ids"][0]  # 30 killed: first in the queue
    page.goto(server["url"] + "?view=review&by=Ana")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=60_000)
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)  # the first row's selection box
    verify = page.get_by_role("button", name="Verify")
    verify.wait_for(timeout=30_000)
    verify.click()
    _wait_status(page, server["db"], top, "verified")
    page.get_by_text("verified by Ana").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)  # the rerun after the decision has settled
    page.get_by_role("button", name="Reject").click()
    _wait_status(page, server["db"], top, "rejected")


def test_verify_from_an_incident_link(page: Page, server: dict[str, Any]) -> None:
    other = server["ids"][1]
    page.goto(server["url"] + f"?view=review&by=Ben&incident={other}")
    page.get_by_role("button", name="Verify").click(timeout=60_000)
    _wait_status(page, server["db"], other, "verified")
    page.get_by_role("tab", name="History (1)").wait_for(timeout=30_000)
