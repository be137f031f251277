"""The Review section in headless Debian Chromium: verify and reject an incident from a table
row of the queue and from its panel, against a running app."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from apphelpers import free_port, start_app, stop_app, wait_healthy
from browser import CHROMIUM, loopback_only

from geomap.gazetteer.lookup import Gazetteer
from geomap.ingest.readers import make_article
from geomap.models import (
    METHOD_GAZETTEER,
    IncidentCandidate,
    IncidentFilter,
    Mention,
    Place,
    Resolution,
)
from geomap.store.review import iter_log, review_state, set_status
from geomap.store.sqlite import get_incident, iter_incidents, open_store, write_article

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("GEOMAP_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is missing but GEOMAP_REQUIRE_BROWSER=1")
    pytest.skip(f"Debian chromium is not installed at {CHROMIUM}", allow_module_level=True)

from playwright.sync_api import Browser, Page  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402

ALBAB = Place(174018, "Al Bāb", 36.37, 37.52, "P", "PPL", "SY", "09", "Aleppo", "Syria")


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, gazetteer: Gazetteer
) -> Iterator[dict[str, Any]]:
    del gazetteer  # built before the app starts (the app would build it under a page's wait)
    base = tmp_path_factory.mktemp("review-browser")
    db = base / "store.sqlite"
    with open_store(db) as store:
        for text, killed in (("Wire A: strike near al-Bab.", 30), ("Wire B: clash.", 1),
                             ("Wire C: shelling.", 0)):  # fmt: skip
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


FOCUSED = (
    "() => document.activeElement.getAttribute('aria-label') || document.activeElement.innerText"
)


def _tab_to(page: Page, label: str, *, most: int = 80) -> int:
    """Press Tab until the focused element is called ``label``; returns the presses."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == label:
            return presses
    raise AssertionError(f"{label!r} not reached with {most} Tabs")


def test_verify_and_reject_with_the_keyboard_only(browser: Browser, server: dict[str, Any]) -> None:
    """At 1366x768, with Tab, typing, Enter and Space only: pick an incident of the queue,
    verify it, then reject it; the focus stays on the button pressed, so Reject is one Tab
    away from Verify."""
    target = server["ids"][2]
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.route("**/*", loopback_only(outside))
    page = context.new_page()
    try:
        page.goto(server["url"] + "?view=review&by=Kim")
        page.get_by_text("Incident to review").wait_for(timeout=60_000)
        _tab_to(page, "Incident to review")
        page.keyboard.type(target[:8])  # the id's prefix ends each label
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Verify").wait_for(timeout=30_000)
        assert target in page.url
        assert _tab_to(page, "Verify", most=5) <= 3  # the reason field, then Verify
        page.keyboard.press("Enter")
        _wait_status(page, server["db"], target, "verified")
        page.get_by_text("verified by Kim").first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)  # the rerun after the decision has settled
        assert page.evaluate(FOCUSED) == "Verify"  # the focus survived the rerun
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED) == "Reject"
        page.keyboard.press("Space")
        _wait_status(page, server["db"], target, "rejected")
    finally:
        context.close()
    assert outside == []
    with open_store(server["db"]) as store:
        log = [(e.action, e.reviewer) for e in iter_log(store, incident_id=target)]
    assert log == [("verify", "Kim"), ("reject", "Kim")]


MAP_FRAME = 'iframe[title$="geomap_map"]'


def _rejected(db: Path) -> set[str]:
    with open_store(db) as store:
        return {
            r["incident_id"]
            for r in iter_incidents(store, IncidentFilter(review_statuses=("rejected",)))
        }


def test_the_popup_link_opens_the_incident_in_review(page: Page, server: dict[str, Any]) -> None:
    """A list row opens a marker's popup; its "Review this incident" link lands in the Review
    section with that incident picked, keeping the reviewer's name from the page's URL."""
    page.goto(server["url"] + "?by=Lee")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".geomap-row").first.click(timeout=60_000)
    link = frame.locator("a.geomap-review-link")
    link.wait_for(timeout=60_000)  # the popups file loads after the markers are drawn
    incident = link.get_attribute("data-incident")
    assert incident in server["ids"]
    link.click()
    page.wait_for_url(
        lambda url: "view=review" in url and f"incident={incident}" in url, timeout=30_000
    )
    assert "by=Lee" in page.url  # the same session: the reviewer's name is kept
    page.get_by_role("button", name="Verify").wait_for(timeout=60_000)
    assert incident[:8] in page.get_by_role("heading").filter(has_text=incident[:8]).inner_text()
    assert page.get_by_role("textbox", name="Your name (for the audit log)").input_value() == "Lee"


def test_the_sidebar_shows_rejected_incidents_when_asked(
    page: Page, server: dict[str, Any]
) -> None:
    with open_store(server["db"]) as store:  # at least one rejected incident
        set_status(store, server["ids"][0], "rejected", by="Ana")
    rejected = len(_rejected(server["db"]))
    total = len(server["ids"])
    page.goto(server["url"] + "?view=table")
    page.get_by_text(f"Incidents shown {total - rejected} of").wait_for(timeout=60_000)
    _pick_option(page, "Review status", "rejected")
    page.keyboard.press("Escape")
    page.get_by_text(f"Incidents shown {rejected} of").wait_for(timeout=30_000)
    page.wait_for_url(re.compile(r"[?&]status=rejected"), timeout=15_000)
    page.reload()  # the link keeps the filter
    page.get_by_text(f"Incidents shown {rejected} of").wait_for(timeout=60_000)


def _pick_option(page: Page, box: str, option: str) -> None:
    """Open a drop-down and pick an option; a rerun of the page that lands while the list
    opens closes it again, so open it until the option shows (a busy machine is slow)."""
    combo, choice = page.get_by_role("combobox", name=box), page.get_by_role("option", name=option)
    for _ in range(6):
        combo.click()
        try:
            choice.wait_for(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    choice.click()


# the map under the pointer: container pixel -> [lat, lon] (the folium map is a global)
_LATLNG = """([x, y]) => {
    for (const name in window) {
        if (/^map_[0-9a-f]{32}$/.test(name) && window[name] instanceof L.Map) {
            const at = window[name].containerPointToLatLng([x, y]);
            return [at.lat, at.lng];
        }
    }
    return null;
}"""


def test_place_by_a_map_click(page: Page, server: dict[str, Any]) -> None:
    """Place tab, "Map click": a click 120 px east and 40 px north of the incident reports
    that spot back, names the nearest gazetteer place, and "Set place here" stores it (an
    audit-log entry, exact precision, method manual)."""
    target = server["ids"][1]
    page.goto(server["url"] + f"?view=review&by=Mia&incident={target}")
    page.get_by_role("tab", name="Place").click(timeout=60_000)
    page.get_by_text("Map click").click()
    frame_locator = page.frame_locator(MAP_FRAME)
    frame_locator.locator('body[data-geomap-pick="ready"]').wait_for(timeout=30_000)
    area = frame_locator.locator(".leaflet-container").first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box is not None
    x, y = round(box["width"] / 2) + 120, round(box["height"] / 2) - 40
    frame = next(f for f in page.frames if "geomap_map" in f.url)
    lat, lon = frame.evaluate(_LATLNG, [x, y])
    assert lat > 36.37 and lon > 37.52  # north-east of al-Bab
    area.click(position={"x": x, "y": y})
    line = page.get_by_text("place at ")
    line.wait_for(state="attached", timeout=60_000)
    if not line.is_visible():  # a slow rerun may come back on the first tab: open Place again
        page.get_by_role("tab", name="Place").click(timeout=60_000)
    line.wait_for(timeout=30_000)
    shown = re.fullmatch(
        r"place at (-?[\d.]+), (-?[\d.]+) \(nearest gazetteer place: .+, \d+ km\)",
        line.inner_text(),
    )
    assert shown, line.inner_text()
    assert abs(float(shown[1]) - lat) < 0.011 and abs(float(shown[2]) - lon) < 0.011
    with open_store(server["db"]) as store:
        before = review_state(store, target).version
    page.get_by_role("button", name="Set place here").click()
    for _ in range(100):
        with open_store(server["db"]) as store:
            if review_state(store, target).version != before:
                break
        page.wait_for_timeout(100)
    with open_store(server["db"]) as store:
        record = get_incident(store, target)
    assert abs(record["latitude"] - lat) < 0.005 and abs(record["longitude"] - lon) < 0.005
    assert record["geo_precision"] == 1 and record["location_method"] == "manual"
    with open_store(server["db"]) as store:
        last = list(iter_log(store, incident_id=target))[-1]
    assert (last.action, last.field, last.reviewer) == ("edit", "location", "Mia")
    assert f"{record['latitude']:.5f}" in str(last.new_value)


def test_two_tabs_on_one_incident_never_lose_an_edit(
    browser: Browser, server: dict[str, Any]
) -> None:
    """Two tabs (two sessions) open one incident; the first saves an edit (Enter in the
    edit form), the second's Reject on its old view is refused with a message naming that
    edit; the second tab then shows the edit, and its Reject goes in."""
    target = server["ids"][1]
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.route("**/*", loopback_only(outside))
    try:
        first, second = context.new_page(), context.new_page()
        for tab, name in ((first, "Noa"), (second, "Omar")):
            tab.goto(server["url"] + f"?view=review&by={name}&incident={target}")
            tab.get_by_role("button", name="Reject").wait_for(timeout=60_000)
        with open_store(server["db"]) as store:
            killed = get_incident(store, target)["fatalities"]
        field = first.get_by_label("Killed", exact=True)
        field.fill(str(killed + 40))
        field.press("Enter")  # the form submits on Enter
        first.get_by_text(f"fatalities {killed} → {killed + 40}").wait_for(timeout=30_000)
        second.get_by_role("button", name="Reject").click()
        second.get_by_text("changed since you opened it").wait_for(timeout=30_000)
        assert "edit by Noa" in second.get_by_text("changed since you opened it").inner_text()
        assert _status(server["db"], target) != "rejected"
        second.get_by_role("heading").filter(has_text=f"{killed + 40} killed").wait_for(
            timeout=30_000
        )  # the page now shows the edit
        second.get_by_role("button", name="Reject").click()
        _wait_status(second, server["db"], target, "rejected")
    finally:
        context.close()
    assert outside == []
    with open_store(server["db"]) as store:
        assert get_incident(store, target)["fatalities"] == killed + 40  # the edit was kept
        log = [(e.action, e.field, e.reviewer) for e in iter_log(store, incident_id=target)]
    assert log[-2:] == [("edit", "fatalities", "Noa"), ("reject", "review_status", "Omar")]
