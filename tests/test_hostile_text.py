"""Hostile article text end to end: ingest -> map / GeoJSON / CSV.

Titles, texts, sources, urls and a file name carry script tags, ``onerror``/``onload``
handlers, ``${...}`` template-literal injection, backticks, ``</textarea>``, Jinja braces,
``javascript:`` and ``data:`` urls and spreadsheet formulas. After a real ``geomap ingest``:

(a) the standalone map (``geomap map -o``) holds no live handler, script or unsafe link from
    our data (checked by parsing the page and every popup/tooltip fragment, and by opening
    every popup and tooltip in headless Chromium with the network cut off);
(b) the GeoJSON export keeps every string raw (exact, unescaped);
(c) the CSV export prefixes cells starting with = + - @ with an apostrophe, and
    ``geomap export --help`` says so.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS
from faulthelpers import article_text, run_geomap
from htmltags import Tags, parse

from geomap.gazetteer.lookup import Gazetteer

IMG = "<img src=x onerror=window.__pwned=1>"
SCRIPT = "<script>alert(1)</script>"
TEMPLATE = "${window.__pwned=1}"
BACKTICK = "`;window.__pwned=1;//`"
TEXTAREA = "</textarea><svg onload=window.__pwned=1>"
BREAKOUT = "</script><script>window.__pwned=1</script>"
JINJA = "{{ 7*7 }}"
FORMULA = '=HYPERLINK("http://evil.example","x")'
FILE_NAME = f"{TEMPLATE}`{IMG}`.txt"

RECORDS: list[dict[str, str]] = [
    {
        "title": f"{SCRIPT} Strike near al-Bab",
        "source": IMG,
        "url": "javascript:alert(1)",
        "published": "2017-03-06",
        "text": "ALEPPO, March 6 (Wire) - Artillery shells hit the town of al-Bab on Monday, "
        f"killing three civilians {IMG} {TEMPLATE}, a monitor said.",
    },
    {
        "title": f"=1+2 {BACKTICK}",
        "source": FORMULA,
        "url": "JaVaScRiPt:window.__pwned=1",
        "published": "2017-03-07",
        "text": "IDLIB, March 7 (Wire) - Clashes between rebels and government forces in the city "
        f"of Idlib killed seven fighters on Tuesday {TEXTAREA} {BACKTICK}, a monitor said.",
    },
    {
        "title": JINJA,
        "source": "-2+3",
        "url": "https://ok.example/a?b=1&c=2",
        "published": "2017-03-08",
        "text": "=cmd|' /C calc'!A0 RAQQA, March 8 (Wire) - An air strike hit the city of Raqqa "
        f"on Wednesday, killing four people {JINJA}, a monitor said.",
    },
    {
        "title": "@SUM(1)",
        "source": "@SUM(1,2)",
        "url": f"data:text/html,{SCRIPT}",
        "published": "2017-03-09",
        "text": "HOMS, March 9 (Wire) - Shelling hit the city of Homs on Thursday, killing two "
        f"civilians {BREAKOUT}, a monitor said.",
    },
]
FILE_TEXT = (
    "Shelling hits Deir ez-Zor\n10 March 2017\n\n"
    "DEIR EZ-ZOR, March 10 (Wire) - Artillery shells hit the city of Deir ez-Zor on Friday, "
    f"killing five civilians {IMG}, a monitor said.\n"
)
PAYLOADS = (IMG, SCRIPT, TEMPLATE, BACKTICK, TEXTAREA, BREAKOUT, JINJA, "javascript:alert")


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory, gazetteer: Gazetteer) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "in"
    folder.mkdir()
    (folder / "feed.json").write_text(json.dumps(RECORDS), encoding="utf-8")
    (folder / FILE_NAME).write_text(FILE_TEXT, encoding="utf-8")
    db = root / "hostile.sqlite"
    result = run_geomap("ingest", folder, "--db", db)
    assert result.returncode == 0, result.stderr
    assert "articles: 5 new" in result.stdout and "incidents: 5 created" in result.stdout
    return db


@pytest.fixture(scope="module")
def hostile_map(hostile_store: Path) -> Path:
    out = hostile_store.parent / "map.html"
    result = run_geomap("map", "--db", hostile_store, "--mentions", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "5 incidents mapped" in result.stderr
    return out


@pytest.fixture(scope="module")
def benign_map(tmp_path_factory: pytest.TempPathFactory, gazetteer: Gazetteer) -> Path:
    root = tmp_path_factory.mktemp("benign")
    folder = root / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"a{i}.txt").write_text(article_text(i), encoding="utf-8")
    db = root / "benign.sqlite"
    assert run_geomap("ingest", folder, "--db", db).returncode == 0
    out = root / "map.html"
    assert run_geomap("map", "--db", db, "--mentions", "-o", out).returncode == 0
    return out


def handlers(p: Tags) -> list[tuple[str, str]]:
    return [(tag, name) for tag, attrs in p.tags for name, _ in attrs if name.startswith("on")]


def script_array(page: str, name: str) -> list[Any]:
    found = re.search(rf"^\s*var {name} = (.*);$", page, re.MULTILINE)
    assert found is not None, f"no `var {name}` in the map"
    return json.loads(found.group(1))


# -- (a) the map -------------------------------------------------------------------------------
def test_map_page_has_no_live_markup_from_the_articles(hostile_map: Path, benign_map: Path) -> None:
    page = hostile_map.read_text(encoding="utf-8")
    for payload in PAYLOADS:
        assert payload.lower() not in page.lower(), payload  # never verbatim, anywhere
    # the page itself: the same elements as a map of harmless articles, and no handlers
    hostile, benign = parse(page), parse(benign_map.read_text(encoding="utf-8"))
    assert [t for t, _ in hostile.tags] == [t for t, _ in benign.tags]
    assert handlers(hostile) == []

    # every popup, tooltip and mention label, as Leaflet will put it into the page
    rows = script_array(page, "rows")
    popups = script_array(page, "popups")
    places = script_array(page, "places")
    assert len(rows) == len(popups) == 5 and len(places) >= 5
    fragments = [r[5] for r in rows] + [str(p) for p in popups] + [p[2] for p in places]
    shown, links = "", []
    for fragment in fragments:
        p = parse(fragment)
        assert handlers(p) == [], fragment
        assert {t for t, _ in p.tags} <= {"div", "b", "small", "mark", "a", "br", "span"}
        for tag, attrs in p.tags:
            if tag == "a":
                href = dict(attrs).get("href") or ""
                assert urlsplit(href).scheme in ("http", "https"), href
                links.append(href)
        shown += "".join(p.text)
    # the hostile text is shown to the reader as text, not dropped
    for payload in (IMG, TEMPLATE, BACKTICK, TEXTAREA, BREAKOUT, JINJA, FORMULA):
        assert payload in html.unescape(shown), payload
    assert set(links) == {"https://ok.example/a?b=1&c=2"}  # the one http(s) link is kept


_COLLECT_CONTENT = """() => {
    const seen = new Set(), out = [];
    function visit(layer) {
        if (!layer || seen.has(layer)) return;
        seen.add(layer);
        const popup = layer.getPopup && layer.getPopup();
        const tooltip = layer.getTooltip && layer.getTooltip();
        let content = popup && popup.getContent();
        if (typeof content === "function") content = content(layer);  // popups per marker
        if (popup) out.push(String(content));
        if (tooltip) out.push(String(tooltip.getContent()));
        if (layer.getLayers) layer.getLayers().forEach(visit);
    }
    for (const key of Object.keys(window)) {
        let value;
        try { value = window[key]; } catch (e) { continue; }
        if (value instanceof L.Layer || value instanceof L.Map) {
            if (value.eachLayer) value.eachLayer(visit);
            visit(value);
        }
    }
    for (const html of out) {
        const box = document.createElement("div");
        box.className = "geomap-test-render";
        box.innerHTML = html;  // what Leaflet does when a popup or tooltip opens
        document.body.appendChild(box);
    }
    return out.length;
}"""


@pytest.mark.browser
def test_map_in_chromium_runs_nothing_from_the_articles(hostile_map: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    dialogs: list[str] = []
    errors: list[str] = []
    blocked: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})

            def route(r: Any) -> None:
                if urlsplit(r.request.url).scheme in ("file", "data"):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            def on_dialog(dialog: Any) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.route("**/*", route)
            page.on("dialog", on_dialog)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(hostile_map.as_uri())
            page.wait_for_selector("path.geomap-incident", state="attached", timeout=15_000)
            page.wait_for_timeout(300)

            # open every marker's popup and tooltip for real
            markers = page.locator("path.geomap-incident")
            opened = 0
            for i in range(markers.count()):
                marker = markers.nth(i)
                marker.hover()
                marker.click()
                popup = page.locator(".leaflet-popup-content").last  # the old one may fade
                popup.wait_for(timeout=3_000)
                assert "Killed:" in popup.inner_text()
                opened += 1
                page.locator(".leaflet-popup-close-button").last.click()
                page.locator(".leaflet-popup").wait_for(state="detached", timeout=3_000)
                page.locator(".geomap-fit").click()  # undo the popup's pan: every marker
                page.wait_for_timeout(400)
            assert opened >= 3  # the rest may sit in a cluster; covered below

            # and every popup/tooltip of every layer (clustered or hidden ones too)
            rendered = page.evaluate(_COLLECT_CONTENT)
            assert rendered >= 10  # 5 popups + 5 tooltips at least
            page.wait_for_timeout(500)  # time for onerror/onload to fire, if they could
            pwned = page.evaluate("() => typeof window.__pwned")
            text = page.locator(".geomap-test-render").all_inner_texts()
        finally:
            browser.close()
    assert pwned == "undefined"
    assert dialogs == []
    assert errors == []
    assert all(urlsplit(u).scheme in ("http", "https") for u in blocked)  # tiles only
    assert any(IMG in t for t in text) and any(BREAKOUT in t for t in text)


# -- (b) GeoJSON stays raw ---------------------------------------------------------------------
def test_geojson_export_keeps_the_text_raw(hostile_store: Path) -> None:
    out = hostile_store.parent / "incidents.geojson"
    result = run_geomap("export", "--db", hostile_store, "-o", out)
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    sources = {s["name"]: s for f in doc["features"] for s in f["properties"]["sources"]}
    expected_names = {r["source"] for r in RECORDS} | {FILE_NAME}
    assert set(sources) == expected_names
    for rec in RECORDS:
        assert sources[rec["source"]]["url"] == rec["url"]  # raw, even javascript: urls
    excerpts = " ".join(s["excerpt"] for s in sources.values())
    notes = " ".join(f["properties"]["notes"] for f in doc["features"])
    for payload in (IMG, TEMPLATE, BACKTICK, TEXTAREA, BREAKOUT, JINJA):
        assert payload in excerpts + notes, payload
    text = out.read_text(encoding="utf-8")
    assert "&lt;" not in text and "&#96;" not in text and "&quot;" not in text


# -- (c) CSV formula guard ---------------------------------------------------------------------
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def test_csv_export_neutralises_formulas(hostile_store: Path) -> None:
    out = hostile_store.parent / "incidents.csv"
    result = run_geomap("export", "--db", hostile_store, "--format", "csv", "-o", out)
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5
    numeric = {"latitude", "longitude", "fatalities", "injured", "year", "time_precision",
               "geo_precision", "source_count", "confidence", "geonameid"}  # fmt: skip
    for row in rows:
        for column, value in row.items():
            if column not in numeric:
                assert not value.startswith(FORMULA_START), (column, value)
    by_source = {row["source"] for row in rows}
    assert {f"'{FORMULA}", "'-2+3", "'@SUM(1,2)"} <= by_source
    assert any(row["notes"].startswith("'=cmd|") for row in rows)
    # raw otherwise: the HTML stays as text, unescaped
    assert any(IMG in row["notes"] for row in rows)

    # --no-formula-guard gives the raw cells back
    raw_out = hostile_store.parent / "raw.csv"
    result = run_geomap(
        "export", "--db", hostile_store, "--format", "csv", "--no-formula-guard", "-o", raw_out
    )
    assert result.returncode == 0, result.stderr
    with raw_out.open(encoding="utf-8", newline="") as fh:
        assert FORMULA in {row["source"] for row in csv.DictReader(fh)}


def test_export_help_explains_the_formula_guard() -> None:
    result = run_geomap("export", "--help")
    assert result.returncode == 0
    help_text = " ".join(result.stdout.split())
    assert "= + - @" in help_text and "apostrophe" in help_text
    assert "--no-formula-guard" in help_text
    assert "raw text" in help_text
