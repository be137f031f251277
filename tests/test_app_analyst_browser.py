"""The map an analyst lives in (#14), items 5-8, in the app: ``streamlit run app.py`` driven by
headless Chromium at 1366x768 and 1920x1080.

Two servers for the module: one on a store filled with the bundled samples (uploads with an
outlet, search as names are spelled, "did you mean", the density layer), one on an empty store
(the sample articles go to a demo store apart from it). Tiles point at a closed loopback port,
so the map draws its offline borders; every request that leaves 127.0.0.1 is aborted and
counted. Screenshots go to ``test-artifacts/app-analyst-*.png``. (Item 9, the CLI's manners,
is tested on the CLI: ``tests/cli/test_cli_ingest.py``.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from apphelpers import ROOT, free_port, start_app, stop_app, wait_healthy
from browser import CHROMIUM, loopback_only, map_frame, marker_count

from geomap.config import SAMPLE_ARTICLES_DIR, Settings, demo_db_path
from geomap.pipeline import ingest_paths
from geomap.store.sqlite import count_incidents, open_store

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
SIZES = [(1366, 768), (1920, 1080)]

if not CHROMIUM.exists():
    if os.environ.get("GEOMAP_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is missing but GEOMAP_REQUIRE_BROWSER=1")
    pytest.skip("headless browser tests need Debian's /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) not installed")


def _serve(base: Path, db: Path) -> Iterator[dict[str, Any]]:
    port, closed = free_port(), free_port()  # nothing listens on `closed`: tiles fail
    env = dict(os.environ)
    env["GEOMAP_TILES"] = f"http://127.0.0.1:{closed}/{{z}}/{{x}}/{{y}}.png"
    proc = start_app(db, port=port, env=env, log=base / "streamlit.log")
    try:
        wait_healthy(port, proc)
        yield {"url": f"http://127.0.0.1:{port}/", "db": db}
    finally:
        stop_app(proc)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, gazetteer: Any) -> Iterator[dict[str, Any]]:
    """A server on a store holding the bundled samples."""
    base = tmp_path_factory.mktemp("app-analyst-filled")
    db = base / "store.sqlite"
    settings = Settings.from_env({**os.environ, "GEOMAP_DB": str(db), "GEOMAP_OFFLINE": "1"})
    store = open_store(db)
    try:
        report = ingest_paths(
            [SAMPLE_ARTICLES_DIR], settings=settings, store=store, gazetteer=gazetteer
        )
        assert report.new >= 10, report.summary()
    finally:
        store.close()
    yield from _serve(base, db)


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory, gazetteer: Any) -> Iterator[dict[str, Any]]:
    """A server on an empty store (the gazetteer fixture: its index is built already)."""
    base = tmp_path_factory.mktemp("app-analyst-empty")
    db = base / "store.sqlite"
    open_store(db).close()
    yield from _serve(base, db)


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    outside: list[str] = []
    errors: list[str] = []
    context.route("**/*", loopback_only(outside))
    pg = context.new_page()
    pg.on("dialog", lambda d: (errors.append(d.message), d.dismiss()))
    pg.size = f"{width}x{height}"  # for the screenshots' names
    yield pg
    assert outside == [], f"requests left 127.0.0.1: {outside[:5]}"
    assert errors == [], f"a dialog fired: {errors}"
    context.close()


def _shot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"app-analyst-{name}-{pg.size}.png"))


def _open_only_marker(pg: Any) -> Any:
    """Click the one marker on the map; its popup (with the sources, once they load)."""
    frame = map_frame(pg)
    frame.locator("path.geomap-incident").first.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=10_000)
    popup.locator(".geomap-source").first.wait_for(timeout=30_000)  # popups load later
    return popup


# -- 5. sources by outlet -------------------------------------------------------------------------
def test_an_upload_is_named_after_the_outlet_typed(page: Any, filled: dict[str, Any]) -> None:
    outlet = f"Harbour Gazette {page.size}"
    day = "Monday 6 March" if page.size.startswith("1366") else "Monday 10 April"  # not linked
    page.goto(filled["url"] + "?view=add")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[
            {
                "name": "0000-000_95544a045468c347.txt",  # a temporary file's name
                "mimeType": "text/plain",
                "buffer": (
                    f"Shelling hits Saraqib\n\nArtillery shelling killed four civilians in the "
                    f"town of Saraqib in Idlib province in northwestern Syria on {day} 2017, "
                    "medics said."
                ).encode(),
            }
        ]
    )
    # the uploader lists the file (its name shortened on screen, whole in the title)
    chip = page.locator('[data-testid="stFileChipName"][title="0000-000_95544a045468c347.txt"]')
    chip.wait_for(timeout=60_000)
    page.get_by_label("Outlet").fill(outlet)
    page.get_by_label("URL").fill("https://harbour.example.org/saraqib")
    page.get_by_role("button", name="Ingest").click()
    page.get_by_text("Ingest finished.").wait_for(timeout=90_000)
    assert page.get_by_text("1 new incident(s)", exact=False).count() >= 1
    # On the map, found by the outlet's name: the popup names the outlet, not the file
    page.goto(filled["url"] + "?q=" + quote(outlet))
    assert marker_count(page) == 1
    popup = _open_only_marker(page)
    text = popup.inner_text()
    assert outlet in text and "Saraqib" in text
    assert "95544a045468c347" not in text
    link = popup.locator(".geomap-source a[href]").first
    assert link.get_attribute("href") == "https://harbour.example.org/saraqib"
    # the list of incidents in view beside the map counts it as one source
    row = map_frame(page).locator(".geomap-row").first
    assert "Sarāqib" in row.inner_text() and "1 source" in row.inner_text()
    _shot(page, "outlet-popup")
    # the table's "source" column names the outlet (the grid draws on a canvas; its
    # accessible table holds the cells in view, so scroll to the source column)
    page.goto(filled["url"] + "?view=table&q=" + quote(outlet))
    grid = page.locator('[data-testid="stDataFrame"]').first
    cells = grid.locator("td[role=gridcell]")
    cells.first.wait_for(state="attached", timeout=60_000)
    grid.locator(".dvn-scroller").first.evaluate("el => { el.scrollLeft = 1200; }")
    head = grid.locator("th[role=columnheader]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('th[role=columnheader]')]"
        ".some(th => th.textContent === 'source')",
        timeout=10_000,
    )
    names = head.all_inner_texts()
    assert cells.all_inner_texts()[names.index("source")] == outlet
    _shot(page, "outlet-table")


# -- 6. search as names are spelled; "did you mean" -----------------------------------------------
@pytest.mark.parametrize("spelling", ["El Bab", "Al Bab"])
def test_search_finds_a_place_spelled_another_way(
    page: Any, filled: dict[str, Any], spelling: str
) -> None:
    page.goto(filled["url"])
    everything = marker_count(page)
    box = page.get_by_label("Search text")
    box.fill(spelling)
    box.press("Enter")
    found = marker_count(page, differ_from=everything)
    assert 0 < found < everything
    page.wait_for_url(re.compile(r"[?&]q=" + spelling.replace(" ", r"(\+|%20)")), timeout=15_000)
    rows = map_frame(page).locator(".geomap-row")
    places = " ".join(rows.all_inner_texts())
    assert "Al Bāb" in places, places
    _shot(page, f"search-{spelling.replace(' ', '-').lower()}")


def test_an_unknown_filter_value_gets_a_did_you_mean(page: Any, filled: dict[str, Any]) -> None:
    page.goto(filled["url"] + "?country=Sirya&type=Airstrike")
    hint = page.locator('[data-testid="stAlert"]', has_text="Sirya")
    hint.first.wait_for(timeout=60_000)
    text = hint.first.inner_text()
    assert "did you mean" in text.lower() and "Syria" in text, text
    kind = page.locator('[data-testid="stAlert"]', has_text="Airstrike").first.inner_text()
    assert "did you mean" in kind.lower(), kind
    page.get_by_role("button", name="Reset filters").wait_for(timeout=60_000)  # page drawn
    _shot(page, "did-you-mean")


# -- 7. density -----------------------------------------------------------------------------------
_DENSITY_CELLS = """() => {
    const map = window[document.querySelector('.folium-map').id];
    return Object.values(map._layers)
        .filter(l => l.options && l.options.className === 'geomap-density').length;
}"""


def test_the_density_layer_draws_when_turned_on(page: Any, filled: dict[str, Any]) -> None:
    page.goto(filled["url"])
    marker_count(page)
    frame = map_frame(page)
    assert frame.evaluate(_DENSITY_CELLS) == 0  # off when the map opens
    frame.locator(".leaflet-control-layers").hover()
    toggle = frame.locator(".leaflet-control-layers label", has_text="Density")
    toggle.wait_for(state="visible", timeout=5_000)
    toggle.locator("input").check()
    page.wait_for_timeout(500)
    cells = frame.evaluate(_DENSITY_CELLS)
    assert cells > 0
    # drawn on a canvas of its own in the overlay pane
    assert frame.locator(".leaflet-overlay-pane canvas").count() >= 1
    page.mouse.move(5, 5)  # the layer control folds again
    page.wait_for_timeout(300)
    _shot(page, "density")
    frame.locator(".leaflet-control-layers").hover()
    toggle.locator("input").uncheck()
    assert frame.evaluate(_DENSITY_CELLS) == 0


# -- 8. samples apart from the user's data; the offline basemap -----------------------------------
def test_sample_articles_go_to_a_demo_store(page: Any, empty: dict[str, Any]) -> None:
    page.goto(empty["url"])
    page.get_by_text("Your store is empty", exact=False).wait_for(timeout=60_000)
    page.get_by_role("button", name="Try it with sample articles").click()
    shown = marker_count(page, timeout=120)
    assert shown >= 10
    page.wait_for_url(re.compile(r"[?&]demo=1"), timeout=15_000)
    assert page.get_by_text("Demo: the bundled sample articles", exact=False).is_visible()
    # the user's store is untouched; the samples are in the demo store beside it
    for db, want_empty in ((empty["db"], True), (demo_db_path(empty["db"]), False)):
        store = open_store(db)
        try:
            assert (count_incidents(store) == 0) is want_empty, db
        finally:
            store.close()
    # offline: the tiles fail, the map says so and draws Natural Earth borders with labels
    frame = map_frame(page)
    frame.locator(".geomap-tile-note").wait_for(state="visible", timeout=15_000)
    assert frame.locator(".leaflet-geomapBase-pane canvas").count() >= 1
    assert "SYRIA" in frame.locator(".leaflet-geomapBase-pane").inner_text().upper()
    _shot(page, "demo-offline-basemap")
    # the toast ("Loaded 15 bundled sample articles ... into the demo store") covers the top
    # right for a few seconds, longer while the pointer is on it
    page.mouse.move(600, 400)
    page.locator('[data-testid="stToast"]').first.wait_for(state="detached", timeout=30_000)
    # leaving the demo shows the user's (empty) store again
    page.get_by_role("button", name="Leave the demo").click()
    page.get_by_text("Your store is empty", exact=False).wait_for(timeout=60_000)
