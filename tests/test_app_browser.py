"""The map app end to end: ``streamlit run app.py`` driven by headless Chromium (Playwright).

One server for the module, on a store pre-filled with the bundled samples, hostile articles
ingested through the pipeline and hostile incident records inserted directly. Every request
that does not go to 127.0.0.1 is aborted and counted; basemap tiles point at a closed
loopback port, so they fail and the map must say so. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apphelpers import (
    HOSTILE_URL,
    ROOT,
    XSS,
    free_port,
    hostile_records,
    insert_records,
    start_app,
    stop_app,
    wait_healthy,
)
from browser import CHROMIUM, loopback_only, map_frame, marker_count

from geomap.config import SAMPLE_ARTICLES_DIR
from geomap.pipeline import ingest_paths
from geomap.store.sqlite import count_incidents, open_store

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"

if not CHROMIUM.exists():
    if os.environ.get("GEOMAP_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is missing but GEOMAP_REQUIRE_BROWSER=1")
    pytest.skip(
        f"Debian chromium is not installed at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, Page  # noqa: E402


def _hostile_articles(folder: Path) -> list[Path]:
    """Article files whose title, url, source and text carry script payloads."""
    folder.mkdir(parents=True, exist_ok=True)
    feed = [
        {
            "title": f"Strike on al-Bab {payload}",
            "url": HOSTILE_URL if i % 2 else f"https://evil.example/{payload}",
            "source": f"Evil Wire {payload}",
            "published": "2017-03-0" + str(1 + i),
            "text": (
                f"An airstrike killed {4 + i} people in the town of al-Bab in northern Syria "
                f"on Monday {payload}, officials said. {payload}"
            ),
        }
        for i, payload in enumerate(XSS)
    ]
    json_path = folder / "evil-feed.json"
    json_path.write_text(json.dumps(feed), encoding="utf-8")
    txt_path = folder / "evil-text.txt"
    txt_path.write_text(
        "Shelling hits Manbij </script><script>alert(1)</script>\n\n"
        "Artillery shelling killed two civilians in the town of Manbij in northern Syria on "
        "Tuesday 21 February 2017. `${window.__pwned=1}` <img src=x onerror=alert(1)>",
        encoding="utf-8",
    )
    return [json_path, txt_path]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, gazetteer: Any) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("app-browser")
    db = base / "store.sqlite"
    settings_env = {"GEOMAP_DB": str(db), "GEOMAP_OFFLINE": "1"}
    from geomap.config import Settings

    settings = Settings.from_env({**os.environ, **settings_env})
    store = open_store(db)
    try:
        report = ingest_paths(
            [SAMPLE_ARTICLES_DIR, *_hostile_articles(base / "evil")],
            settings=settings,
            store=store,
            gazetteer=gazetteer,
        )
        assert report.new >= 10, report.summary()
    finally:
        store.close()
    insert_records(db, hostile_records())
    store = open_store(db)
    total = count_incidents(store)
    store.close()
    port = free_port()
    closed = free_port()  # nothing listens there: every tile fails, on loopback
    env = dict(os.environ)
    env["GEOMAP_TILES"] = f"http://127.0.0.1:{closed}/{{z}}/{{x}}/{{y}}.png"
    proc = start_app(db, port=port, env=env, log=base / "streamlit.log")
    try:
        wait_healthy(port, proc)
        yield {"url": f"http://127.0.0.1:{port}/", "port": port, "db": db, "total": total}
    finally:
        stop_app(proc)


OUTSIDE: list[str] = []


@pytest.fixture()
def page(browser: Browser, server: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    dialogs: list[str] = []

    context.route("**/*", loopback_only(OUTSIDE))
    pg = context.new_page()
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield pg
    assert dialogs == [], f"a dialog fired: {dialogs}"
    assert _pwned(pg) == [], "a payload ran"
    assert OUTSIDE == [], f"requests left 127.0.0.1: {OUTSIDE[:5]}"
    context.close()


def _pwned(pg: Page) -> list[str]:
    hit = []
    for frame in pg.frames:
        try:
            if frame.evaluate("() => window.__pwned !== undefined"):
                hit.append(frame.url)
        except Exception as exc:  # a detached frame cannot run script, so nothing ran there
            if "detached" not in str(exc).lower():
                raise
    return hit


def _shot(pg: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"app-{name}.png"))


def _metric(pg: Page, label: str) -> int:
    """A number from the page's compact counts line ("Incidents shown 12 of 40 · ...")."""
    line = pg.locator('[data-testid="stCaptionContainer"]', has_text="Incidents shown").first
    found = re.search(re.escape(label) + r"\s+([\d,]+)", line.inner_text())
    assert found, line.inner_text()
    return int(found.group(1).replace(",", ""))


# -- tests ---------------------------------------------------------------------------------------
def test_map_renders_every_located_incident(page: Page, server: dict[str, Any]) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    started = time.monotonic()
    page.goto(server["url"])
    count = marker_count(page)
    # The incident data came as a script file over HTTP from this server, not in the websocket.
    rows = [u for u in requested if "geomap_map_rows/rows-" in u]
    assert len(rows) == 1 and rows[0].startswith(server["url"] + "component/"), rows
    elapsed = time.monotonic() - started
    frame = map_frame(page)
    assert count == _metric(page, "On the map")
    assert _metric(page, "Incidents shown") == server["total"]
    assert frame.locator(".geomap-legend").is_visible()
    assert "GeoNames" in frame.locator(".leaflet-control-attribution").inner_text()
    # Tiles point at a closed loopback port: the map says so instead of staying silently blank.
    frame.locator(".geomap-tile-note").wait_for(state="visible", timeout=15_000)
    assert frame.evaluate("() => typeof L !== 'undefined' && !!L.markerClusterGroup")
    _shot(page, "overview")
    assert elapsed < 30, f"the map took {elapsed:.1f} s to show its markers"


def test_popup_opens_with_highlighted_excerpt(page: Page, server: dict[str, Any]) -> None:
    page.goto(server["url"] + "?q=Binnish")
    assert marker_count(page) == 1
    frame = map_frame(page)
    marker = frame.locator("path.geomap-incident").first
    marker.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=10_000)
    excerpt = popup.locator(".geomap-excerpt").first
    excerpt.wait_for(timeout=10_000)  # the popups file loads after the markers are drawn
    assert "Binnish" in popup.inner_text()
    assert excerpt.is_visible()
    assert excerpt.locator("mark").count() >= 1
    _shot(page, "popup")


def test_filter_change_changes_the_markers_and_the_url(page: Page, server: dict[str, Any]) -> None:
    page.goto(server["url"])
    before = marker_count(page)
    box = page.get_by_label("Search text")
    box.fill("Iraq")
    box.press("Enter")
    after = marker_count(page, differ_from=before)
    assert 0 < after < before
    page.wait_for_url(re.compile(r"[?&]q=Iraq"), timeout=15_000)
    assert _metric(page, "On the map") == after
    _shot(page, "filtered")


def test_geojson_download_is_what_is_shown(
    page: Page, server: dict[str, Any], tmp_path: Path
) -> None:
    page.goto(server["url"] + "?country=Syria")
    shown = marker_count(page)
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Download GeoJSON").click()
    path = tmp_path / "dl.geojson"
    info.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert len(data["features"]) == shown == _metric(page, "On the map")
    assert {f["properties"]["country"] for f in data["features"]} == {"Syria"}
    lon, lat = data["features"][0]["geometry"]["coordinates"]
    assert 30 < lon < 45 and 30 < lat < 40


#: The Leaflet map in the map frame (folium's map variable is named after its div).
_MAP = "window[document.querySelector('.folium-map').id]"

_OPEN_ALL_JS = """async () => {
    const map = window[document.querySelector('.folium-map').id];
    const found = [];
    const walk = (layer) => {
        if (layer.getLayers) { layer.getLayers().forEach(walk); }
        else if (layer.getPopup && layer.getPopup()) { found.push(layer); }
    };
    Object.values(map._layers).forEach(walk);
    const seen = new Set();
    const opened = [];
    for (const m of found) {
        if (seen.has(m)) continue;
        seen.add(m);
        // The popup content is a function of the marker (the popups load after the markers).
        let content = m.getPopup().getContent();
        while (typeof content === "function" && content(m).includes("Loading the sources")) {
            await new Promise(r => setTimeout(r, 50));
        }
        if (typeof content === "function") { content = content(m); }
        const pop = L.popup({maxWidth: 360}).setLatLng(m.getLatLng()).setContent(content);
        map.openPopup(pop);
        if (m.getTooltip()) {
            map.openTooltip(m.getTooltip().getContent(), m.getLatLng());
        }
        opened.push(pop.getElement().innerHTML);
        await new Promise(r => setTimeout(r, 5));
    }
    return opened;
}"""


def test_hostile_text_never_runs(page: Page, server: dict[str, Any]) -> None:
    page.goto(server["url"] + "?q=__pwned")
    shown = marker_count(page)
    assert shown >= len(XSS)
    frame = map_frame(page)
    popups = frame.evaluate(_OPEN_ALL_JS)  # every popup and tooltip through Leaflet's sink
    assert len(popups) == shown
    page.wait_for_timeout(800)  # let any onerror/onload handler fire
    assert frame.locator("a[href^='javascript' i]").count() == 0
    assert frame.locator(".leaflet-popup-content img, .leaflet-popup-content svg").count() == 0
    assert any("&lt;img" in html or "onerror" in html for html in popups)
    # Real clicks on real markers as well (a cluster click zooms in).
    for _ in range(3):
        frame.locator("path.geomap-incident, .marker-cluster").first.click(force=True)
        page.wait_for_timeout(400)
    _shot(page, "hostile")


def test_map_view_survives_a_rerun(page: Page, server: dict[str, Any]) -> None:
    """Panning/zooming does not rerun the script, and a rerun that shows the same data keeps
    the map (same iframe document, same zoom)."""
    page.goto(server["url"] + "?country=Syria")
    marker_count(page)
    frame = map_frame(page)
    frame.evaluate(f"() => {{ window.__kept = 1; {_MAP}.setZoom({_MAP}.getZoom() + 2); }}")
    page.get_by_role("button", name="Reset filters").click()  # a rerun...
    page.wait_for_url(re.compile(r"^[^?]*$"), timeout=15_000)  # ...that also clears the URL
    marker_count(page)  # all countries now: the map shows other data and is rebuilt
    frame = map_frame(page)
    assert frame.evaluate("() => window.__kept") is None
    frame.evaluate(f"() => {{ window.__kept = 2; {_MAP}.setZoom({_MAP}.getZoom() + 1); }}")
    page.wait_for_timeout(800)
    zoom = frame.evaluate(f"() => {_MAP}.getZoom()")
    page.get_by_role("button", name="Reset filters").click()  # a rerun with the same data
    page.wait_for_timeout(2500)
    frame = map_frame(page)
    assert frame.evaluate("() => window.__kept") == 2
    assert frame.evaluate(f"() => {_MAP}.getZoom()") == zoom


def test_mentioned_places_layer_toggles_on(page: Page, server: dict[str, Any]) -> None:
    page.goto(server["url"] + "?q=Manbij")
    marker_count(page)
    assert map_frame(page).locator("path.geomap-mention").count() == 0
    page.get_by_text("Show other places the articles mention").click()
    deadline = time.monotonic() + 30
    mentions = 0
    while time.monotonic() < deadline and mentions == 0:
        try:
            mentions = map_frame(page).locator("path.geomap-mention").count()
        except Exception as exc:  # the iframe is replaced by the rerun
            if "detached" not in str(exc).lower():
                raise
        time.sleep(0.3)
    assert mentions > 0
    _shot(page, "mentions")


def test_hostile_names_in_widgets_and_uploads_stay_text(page: Page, server: dict[str, Any]) -> None:
    """Sidebar options built from article text, and uploaded file names, render as text.

    Runs last: it adds an article to the shared store.
    """
    page.goto(server["url"])
    marker_count(page)
    page.get_by_label("Actor").click()  # renders every actor option, hostile ones included
    page.wait_for_timeout(500)
    options = page.get_by_role("option")
    assert options.count() > 0
    assert any("onerror" in t for t in options.all_inner_texts())
    page.keyboard.press("Escape")
    page.locator('[data-testid="stRadio"]').get_by_text("Add articles", exact=True).click()
    evil_name = "<img src=x onerror=alert(1)>.json"
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[
            {"name": evil_name, "mimeType": "application/json", "buffer": b"[{broken"},
            {
                "name": "ok.txt",
                "mimeType": "text/plain",
                "buffer": b"Clashes in Idlib\n\nFighting killed three people in the city of "
                b"Idlib in northwestern Syria on Sunday 5 March 2017, medics said.",
            },
        ]
    )
    # Both files must be listed by the uploader before the button is pressed (under load the
    # upload can still be running, and an Ingest with no files shows nothing).
    page.get_by_text("ok.txt", exact=True).first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Ingest").click()
    failure = page.get_by_text(evil_name, exact=False)
    failure.first.wait_for(timeout=60_000)  # the name is on the page, as text
    assert page.get_by_text("1 new", exact=False).count() >= 1
    page.wait_for_timeout(500)
    _shot(page, "upload")
