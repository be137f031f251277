"""The map an analyst lives in (#14), in headless Chromium at 1366x768 and 1920x1080: the list
of incidents in view linked both ways with the markers, the view fitted to the bulk of the
incidents, legend and controls clear of popups, neutral clusters, the time slider and the
offline borders. Offline: every request other than file: and data: is aborted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM
from incident_samples import record

from geomap.mapview.foliummap import build_map, save_map

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SIZES = [(1366, 768), (1920, 1080)]

if not CHROMIUM.exists():
    pytest.skip("headless browser tests need Debian's /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) not installed")


def syria_records() -> list[dict[str, Any]]:
    """Twelve incidents around Aleppo and Idlib on four days, one undated, and one stray
    incident in Siberia that must not decide the view."""
    out = []
    for i in range(12):
        out.append(
            record(
                incident_id=f"s{i}",
                latitude=35.6 + 0.25 * (i % 4),
                longitude=36.4 + 0.3 * (i // 4),
                location=f"Place {i}",
                event_date=f"2017-02-{1 + 7 * (i % 4):02d}" if i != 11 else None,
                event_type="Battles",
                fatalities=i,
            )
        )
    out.append(record(incident_id="stray", latitude=61.0, longitude=90.0, location="Siberia"))
    return out


def open_page(browser: Any, path: Path, size: tuple[int, int]) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors: list[str] = []
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_selector("path.geomap-incident", state="attached", timeout=15_000)
    page.wait_for_timeout(600)
    return page, errors


def boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_list_fit_legend_borders_and_time(browser: Any, tmp_path: Path, size: Any) -> None:
    path = tmp_path / "map.html"
    save_map(build_map(syria_records(), tiles="OpenStreetMap", title="Test map"), path)
    page, errors = open_page(browser, path, size)
    try:
        # the view fits the Syrian incidents, not the stray one in Siberia
        bounds = page.evaluate(
            "() => { const m = Object.values(window).find(v => v instanceof L.Map);"
            " const b = m.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(),"
            " b.getEast()]; }"
        )
        assert bounds[0] < 35.6 and bounds[2] > 36.35 and bounds[2] < 55, bounds
        # the list beside the map: one row per incident in view, the stray one not among them
        head = page.locator(".geomap-list-head").inner_text()
        assert head == "12 incidents in view", head
        rows = page.locator(".geomap-row")
        assert rows.count() == 12
        assert "Siberia" not in " ".join(rows.all_inner_texts())
        map_box = page.locator(".folium-map").bounding_box()
        list_box = page.locator("#geomap-list").bounding_box()
        assert map_box and list_box and list_box["x"] >= map_box["x"] + map_box["width"] - 1
        assert map_box["height"] >= size[1] - 60  # the map fills the page under the title
        # a row opens its marker's popup; the row is marked; the legend steps aside and no
        # control covers the popup
        picked = rows.nth(3).inner_text()
        rows.nth(3).click()
        popup = page.locator(".leaflet-popup")
        popup.wait_for(state="visible", timeout=5_000)
        page.wait_for_timeout(700)  # the pan that brings the popup into view
        assert page.locator(".geomap-row.geomap-active").inner_text() == picked
        assert not page.locator(".geomap-legend").is_visible()
        pbox = popup.bounding_box()
        assert pbox is not None
        for control in page.locator(
            ".leaflet-control-zoom, .leaflet-control-layers, .geomap-time, .geomap-fit"
        ).all():
            cbox = control.bounding_box()
            assert cbox is None or not boxes_overlap(pbox, cbox), (pbox, cbox)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"map-furniture-{size[0]}x{size[1]}.png"))
        page.locator(".leaflet-popup-close-button").click()
        assert page.locator(".geomap-legend").is_visible()
        # a marker highlights its row when the pointer is over it
        page.locator("path.geomap-incident").first.hover()
        assert page.locator(".geomap-row.geomap-hover").count() == 1
        # offline: the tiles failed, so the Natural Earth borders are drawn, with labels
        page.locator(".geomap-tile-note").wait_for(state="visible", timeout=10_000)
        assert page.locator(".leaflet-geomapBase-pane canvas").count() >= 1
        assert "Aleppo" in page.locator(".leaflet-geomapBase-pane").inner_text()  # admin-1
        attribution = page.locator(".leaflet-control-attribution").inner_text()
        for credit in ("GeoNames", "Who's On First", "UN OCHA", "Natural Earth"):
            assert credit in attribution
        # the time slider: one week shows only that week's incidents, "All" brings all back
        page.select_option(".geomap-time select", "7")
        page.evaluate(
            "() => { const r = document.querySelector('.geomap-time input');"
            " r.value = Math.round(Date.parse('2017-02-08') / 86400000);"
            " r.dispatchEvent(new Event('input')); }"
        )
        label = page.locator(".geomap-time-label").inner_text()
        assert label.startswith("2017-02-02 – 2017-02-08: 3 incidents"), label
        assert "1 undated" in label
        assert page.locator(".geomap-list-head").inner_text() == "3 incidents in view"
        page.locator(".geomap-all").click()
        assert page.locator(".geomap-time-label").inner_text() == "All dates"
        # clusters are neutral grey, not an event type's colour
        page.evaluate("() => { Object.values(window).find(v => v instanceof L.Map).setZoom(3); }")
        page.wait_for_selector(".marker-cluster", timeout=5_000)
        colour = page.locator(".marker-cluster div").first.evaluate(
            "el => getComputedStyle(el).backgroundColor"
        )
        assert colour.replace(" ", "").startswith("rgba(55,60,70"), colour
        assert page.locator(".geomap-title").inner_text().startswith("Test map")
        assert errors == []
    finally:
        page.close()


def test_without_tiles_the_borders_show_from_the_start(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    save_map(build_map(syria_records(), tiles="none"), path)
    page, errors = open_page(browser, path, SIZES[0])
    try:
        assert page.locator(".leaflet-geomapBase-pane canvas").count() >= 1
        assert page.locator(".leaflet-control-layers").count() == 1
        assert errors == []
    finally:
        page.close()
