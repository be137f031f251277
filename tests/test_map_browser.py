"""The standalone map in headless Chromium: offline, markers render, hostile text stays inert.

Every request other than file:, data: and 127.0.0.1 is aborted, which proves the map needs no
network (the basemap tiles fail, and the map says so). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import CHROMIUM
from incident_samples import HOSTILE_TEXTS, hostile_records, record

from geomap.mapview.foliummap import TILE_NOTE, build_map, save_map

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

if not CHROMIUM.exists():
    pytest.skip("headless browser tests need Debian's /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) not installed")


def map_records() -> list[dict[str, Any]]:
    """Hostile records spread ~0.3 degrees apart (unclustered at the fitted zoom) plus one
    plain record well away from them."""
    plain = record(
        incident_id="plain",
        latitude=35.4,
        longitude=36.3,
        location="Kafr Nabl",
        sources=[
            {
                "name": "Plain Daily",
                "url": "https://plain.example/1",
                "published": "2016-11-24",
                "excerpt": "Two people were killed when a shell struck Kafr Nabl market.",
                "article_id": "p1",
            }
        ],
    )
    return [*hostile_records(), plain]


def open_map(browser: Any, path: Path) -> tuple[Any, dict[str, list[str]]]:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    seen: dict[str, list[str]] = {"blocked": [], "dialogs": [], "errors": []}

    def route(r: Any) -> None:
        url = r.request.url
        parts = urlsplit(url)
        if parts.scheme in ("file", "data") or parts.hostname in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            seen["blocked"].append(url)
            r.abort()

    def on_dialog(dialog: Any) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.route("**/*", route)
    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_selector("path.geomap-incident", state="attached", timeout=15_000)
    return page, seen


@pytest.mark.parametrize("assets", ["inline", "data"])
def test_standalone_map_offline_with_hostile_records(
    browser: Any, tmp_path: Path, assets: str
) -> None:
    records = map_records()
    path = tmp_path / f"map-{assets}.html"
    save_map(build_map(records, tiles="OpenStreetMap", assets=assets), path)
    page, seen = open_map(browser, path)
    try:
        # every incident is drawn, none clustered at the fitted zoom (once the zoom settled)
        page.wait_for_function(
            "n => document.querySelectorAll('path.geomap-incident').length === n"
            " && document.querySelectorAll('.marker-cluster').length === 0",
            arg=len(records),
            timeout=20_000,
        )
        # the (blocked) tiles failed, and the note says so
        assert any("tile.openstreetmap.org" in u for u in seen["blocked"])
        assert not [u for u in seen["blocked"] if "tile.openstreetmap.org" not in u]
        note = page.locator(".geomap-tile-note")
        note.wait_for(state="visible", timeout=15_000)
        assert note.inner_text() == TILE_NOTE
        assert "GeoNames" in page.locator(".leaflet-control-attribution").inner_text()
        legend = page.locator(".geomap-legend").inner_text()
        assert "Explosions/Remote violence" in legend and "Other" in legend

        popups: list[dict[str, Any]] = []
        for i in range(len(records)):
            marker = page.locator("path.geomap-incident").nth(i)
            marker.hover()
            tooltip = page.locator(".leaflet-tooltip").inner_text()
            marker.click()
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for(state="visible", timeout=15_000)
            # nothing from the record became an element or a live link
            counts = popup.evaluate(
                "el => ['img','script','svg','iframe','object','embed','style']"
                ".map(t => el.querySelectorAll(t).length)"
            )
            assert counts == [0] * 7
            hrefs = popup.evaluate(
                "el => Array.from(el.querySelectorAll('a')).map("
                "a => [a.getAttribute('href'), a.rel, a.target])"
            )
            for href, rel, target in hrefs:
                assert href.startswith(("https://", "http://"))
                assert rel == "noopener noreferrer" and target == "_blank"
            popups.append(
                {
                    "tooltip": tooltip,
                    "text": popup.inner_text(),
                    "links": len(hrefs),
                    "marks": popup.locator(".geomap-excerpt mark").all_inner_texts(),
                    "excerpts": popup.locator(".geomap-excerpt").all_inner_texts(),
                }
            )
            # the popup may still be panning the map into view: close it once it stands still
            page.wait_for_function("() => !document.querySelector('.leaflet-pan-anim')")
            page.locator(".leaflet-popup-close-button").click()
            page.locator(".leaflet-popup").wait_for(state="detached", timeout=15_000)
            page.mouse.move(600, 5)
            page.locator(".leaflet-tooltip").wait_for(state="detached", timeout=15_000)
            # a popup pans the map clear of the controls: show every marker again
            page.locator(".geomap-fit").click()
            page.wait_for_timeout(400)

        # the hostile payloads are shown as literal text, the place mention highlighted
        for payload in HOSTILE_TEXTS:
            shown = [p for p in popups if f"Fighting in al-Bab {payload} continued." in p["text"]]
            assert len(shown) == 1, payload
            assert payload in shown[0]["tooltip"]
            assert shown[0]["links"] == 0  # javascript: and quote-breaking URLs were dropped
            # location is "al-Bab <payload>": highlighted as one literal piece of text
            assert f"al-Bab {payload}" in shown[0]["marks"]
        plain = [p for p in popups if "Kafr Nabl" in p["tooltip"]]
        assert len(plain) == 1
        assert plain[0]["excerpts"] == [
            "Two people were killed when a shell struck Kafr Nabl market."
        ]
        assert plain[0]["marks"] == ["Kafr Nabl"]
        assert plain[0]["links"] == 1
        assert "Killed: 3 · Injured: 11" in plain[0]["text"]

        page.locator("path.geomap-incident").first.click()  # a popup in the screenshot
        page.locator(".leaflet-popup-content").wait_for(state="visible")
        page.wait_for_timeout(800)  # let the fade-in and auto-pan finish
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"map-hostile-{assets}.png"))
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert seen["dialogs"] == []
        assert seen["errors"] == []
    finally:
        page.close()


def test_approximate_place_shows_uncertainty_circle(browser: Any, tmp_path: Path) -> None:
    records = [
        record(incident_id="exact", latitude=36.0, longitude=37.0, geo_precision=1),
        record(incident_id="near", latitude=36.0, longitude=38.5, geo_precision=2),
    ]
    path = tmp_path / "map.html"
    save_map(build_map(records, tiles="none"), path)
    page, seen = open_map(browser, path)
    try:
        assert seen["blocked"] == []  # no tiles configured: no request at all
        dashed = page.locator("path.geomap-incident[stroke-dasharray]")
        assert dashed.count() == 1
        before = page.locator("path.leaflet-interactive, path").count()
        dashed.click()
        page.locator(".leaflet-popup-content").wait_for(state="visible")
        assert "±15 km" in page.locator(".leaflet-popup-content").inner_text()
        assert page.locator("path").count() == before + 1  # the 15 km circle
        page.locator(".leaflet-popup-close-button").click()
        page.locator(".leaflet-popup").wait_for(state="detached")
        assert page.locator("path").count() == before
    finally:
        page.close()


def test_clusters_hold_every_incident(browser: Any, tmp_path: Path) -> None:
    records = [
        record(incident_id=f"c{i}", latitude=36.0 + (i % 10) * 0.001, longitude=37.0 + i * 0.001)
        for i in range(300)
    ]
    records.append(record(incident_id="far", latitude=-33.9, longitude=-70.6))
    path = tmp_path / "map.html"
    save_map(build_map(records, tiles="none", center=(10.0, 0.0), zoom=2), path)
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".marker-cluster", timeout=15_000)
        clustered = sum(int(t) for t in page.locator(".marker-cluster").all_inner_texts())
        single = page.locator("path.geomap-incident").count()
        assert clustered + single == len(records)
        assert clustered >= 300
    finally:
        page.close()
