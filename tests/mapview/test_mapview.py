"""The Folium map: safe popups, local assets, tiles, legend, mentions, `geomap map`."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
import tracemalloc
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from incident_samples import HOSTILE_TEXTS, hostile_records, make_store, record

import geomap
from geomap.cli.main import main
from geomap.errors import ConfigError
from geomap.mapview.assets import STATIC_DIR, asset_links
from geomap.mapview.foliummap import (
    GEONAMES_ATTRIBUTION,
    build_map,
    map_html,
    save_map,
    tile_layer,
    write_map,
)
from geomap.mapview.furniture import fit_box
from geomap.mapview.popups import (
    EVENT_COLOURS,
    OTHER_COLOUR,
    legend_entries,
    marker_radius,
    popup_html,
)

ALLOWED_TAGS = {"div", "b", "small", "a", "mark", "br"}
CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "netdna.bootstrapcdn")


class Strict(HTMLParser):
    """Records every tag and attribute of a popup/tooltip fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text += data


def parse(fragment: str) -> Strict:
    parser = Strict()
    parser.feed(fragment)
    parser.close()
    return parser


def incident_rows(html: str) -> list[list[Any]]:
    """The incident layer's rows, each with its popup appended (they are two arrays)."""
    rows = re.search(r"^\s*var rows = (.*);$", html, re.MULTILINE)
    popups = re.search(r"^\s*var popups = (.*);$", html, re.MULTILINE)
    assert rows and popups, "incident data not found in map HTML"
    return [
        [*row, popup]
        for row, popup in zip(json.loads(rows.group(1)), json.loads(popups.group(1)), strict=True)
    ]


def assert_inert(fragment: str) -> Strict:
    """Only our own tags, no event handlers, no style, links only http(s) and noopener."""
    parsed = parse(fragment)
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED_TAGS, (tag, fragment)
        for name in attrs:
            assert not name.startswith("on"), (name, fragment)
            assert name in {"class", "href", "rel", "target", "style"}, (name, fragment)
        if tag == "a":
            assert attrs["href"] and attrs["href"].startswith(("https://", "http://"))
            assert attrs["rel"] == "noopener noreferrer" and attrs["target"] == "_blank"
    for char in "`$\\{}":
        assert char not in fragment, (char, fragment)
    return parsed


def test_hostile_records_give_inert_popups_and_tooltips() -> None:
    records = hostile_records()
    html = map_html(build_map(records, tiles="none"))
    rows = incident_rows(html)
    assert len(rows) == len(records)
    for row, rec, payload in zip(rows, records, HOSTILE_TEXTS, strict=True):
        lat, lon, _colour, _radius, precision, tooltip, _date, _sources, popup = row
        assert (lat, lon, precision) == (rec["latitude"], rec["longitude"], rec["geo_precision"])
        assert payload in assert_inert(tooltip).text  # shown as literal text
        shown = assert_inert(popup)
        assert f"Fighting in al-Bab {payload} continued." in shown.text
        assert [a for t, a in shown.tags if t == "a"] == []  # both URLs were unsafe
    # nothing hostile escaped into the page outside the JSON data either
    outside_data = re.sub(r"^\s*var (rows|popups) = .*;$", "", html, flags=re.MULTILINE)
    assert "window.__pwned" not in outside_data


def test_jinja_in_article_text_is_not_evaluated() -> None:
    rec = record(
        notes="{{ 7*7 }}",
        location="Kafr {{ 6*7 }} {% if true %}",
        sources=[
            {
                "name": "{# x",
                "url": "https://a.example/",
                "published": None,
                "excerpt": "{{ cycler.__init__.__globals__ }}",
                "article_id": "a",
            }
        ],
    )
    html = map_html(
        build_map(
            [rec],
            tiles="none",
            show_mentions=True,
            mentions=[{"name": "{{ 8*8 }}", "latitude": 1.0, "longitude": 2.0, "article_id": "a"}],
        )
    )
    row = incident_rows(html)[0]
    assert "Kafr {{ 6*7 }} {% if true %}" in parse(row[5]).text
    assert "{{ cycler.__init__.__globals__ }}" in parse(row[-1]).text
    places = re.search(r"^\s*var places = (.*);$", html, re.MULTILINE)
    assert places is not None
    assert "{{ 8*8 }}" in parse(json.loads(places.group(1))[0][2]).text


def test_popup_content() -> None:
    rec = record(
        geo_precision=2,
        sources=[
            {
                "name": f"S{i}",
                "url": f"https://s{i}.example/",
                "published": "2016-11-25",
                "excerpt": "x" * 900 + " shells hit al-Bab " + "y" * 900,
                "article_id": f"a{i}",
            }
            for i in range(7)
        ],
    )
    parsed = assert_inert(popup_html(rec, max_sources=5, excerpt_chars=300))
    text = parsed.text
    assert "Explosions/Remote violence" in text and "Shelling/artillery/missile attack" in text
    assert "2016-11-24" in text and "al-Bab, Aleppo, Syria" in text and "±15 km" in text
    assert "Killed: 3 · Injured: 11" in text
    assert "Location confidence: 0.91 (gazetteer)" in text
    assert [a["href"] for t, a in parsed.tags if t == "a"] == [
        f"https://s{i}.example/" for i in range(5)
    ]
    assert "+2 more sources" in text
    marks = [t for t, _ in parsed.tags if t == "mark"]
    assert len(marks) == 5  # the place mention in every (cut) excerpt is highlighted
    assert "…" in text
    unknown = parse(popup_html(record(fatalities=None, injured=None, confidence=None))).text
    assert "Killed: unknown · Injured: unknown" in unknown and "confidence" not in unknown


def test_a_copy_is_named_with_its_link_but_its_excerpt_not_repeated() -> None:
    first = {"name": "Wire", "url": "https://w.example/1", "excerpt": "Shells hit al-Bab.",
             "article_id": "a1"}  # fmt: skip
    copy = {**first, "name": "Mirror <b>", "url": "https://m.example/1",
            "copy_of": "https://w.example/1"}  # fmt: skip
    parsed = assert_inert(popup_html(record(sources=[first, copy])))
    assert [a["href"] for t, a in parsed.tags if t == "a"] == [first["url"], copy["url"]]
    assert parsed.text.count("Shells hit") == 1
    assert "Mirror <b> (the same text, another address)" in parsed.text


def test_legend_and_marker_size() -> None:
    assert legend_entries() == [*EVENT_COLOURS.items(), ("Other", OTHER_COLOUR)]
    assert legend_entries(["Protests", "Made up", None]) == [
        ("Protests", EVENT_COLOURS["Protests"]),
        ("Other", OTHER_COLOUR),
    ]
    assert marker_radius(None) == marker_radius(0) == 5.0
    assert marker_radius(1) < marker_radius(10) < marker_radius(1000) == 16.0


def test_inline_assets_make_a_standalone_file(tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    size = save_map(build_map([record()], tiles="none"), path)
    html = path.read_text(encoding="utf-8")
    assert size == len(html.encode("utf-8"))
    assert not any(host in html for host in CDN_HOSTS)
    assert "<script src=" not in html and 'rel="stylesheet"' not in html
    assert "Leaflet 1.9.4" in html and "L.markerClusterGroup" in html
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()
    assert "sourceMappingURL" not in html
    assert "url(images/" not in html  # layer-control icons inlined as data: URLs
    assert GEONAMES_ATTRIBUTION.replace("</", "<\\/").replace('"', '\\"') in html


@pytest.mark.parametrize(
    ("assets", "expected"),
    [
        ("data", "data:text/javascript;charset=utf-8;base64,"),
        ("cdn", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"),
        ("app/static/geomap", "app/static/geomap/leaflet/leaflet.js"),
    ],
)
def test_asset_modes(assets: str, expected: str) -> None:
    fmap = build_map([record()], tiles="none", assets=assets)
    html = map_html(fmap)
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert len(sources) == 2 and sources[0].startswith(expected)  # Leaflet first, then plugin
    assert "code.jquery.com" not in html and "bootstrap" not in html.lower()
    if assets == "data":
        scripts = [base64.b64decode(s.split(",", 1)[1]).decode("utf-8") for s in sources]
        assert "Leaflet 1.9.4" in scripts[0] and "MarkerClusterGroup" in scripts[1]
    else:
        assert sources[1].endswith("leaflet.markercluster.js")


def test_asset_files_exist_and_bad_mode_is_refused() -> None:
    js, css = asset_links("static")
    for _, url in js + css:
        assert (STATIC_DIR / url.removeprefix("static/")).is_file()
    assert (STATIC_DIR / "NOTICE").is_file()
    with pytest.raises(ConfigError):
        asset_links('x" onload="alert(1)')


def test_tiles_setting() -> None:
    assert tile_layer("none") is None and tile_layer("") is None and tile_layer(None) is None
    osm = tile_layer("OpenStreetMap")
    assert osm is not None and "openstreetmap" in osm.tiles
    assert tile_layer("OpenTopoMap") is not None
    custom = tile_layer("https://tiles.example/{z}/{x}/{y}.png")
    assert custom is not None and custom.tiles == "https://tiles.example/{z}/{x}/{y}.png"
    for bad in (
        "No Such Provider",
        "javascript:alert(1)/{z}/{x}/{y}",
        "https://t.example/a.png",
        'https://t.example/{z}/{x}/{y}.png"><script>',
    ):
        with pytest.raises(ConfigError):
            tile_layer(bad)
    html = map_html(build_map([record()], tiles="none"))
    assert "L.tileLayer" not in html


def test_view_and_unlocated_records() -> None:
    records = [record(), record(incident_id="x", latitude=None, longitude=None)]
    html = map_html(build_map(records, tiles="none"))
    assert len(incident_rows(html)) == 1
    fit = re.compile(r'"fit":\s*\[\[')  # the furniture fits the view to this box
    assert fit.search(html)
    fixed = map_html(build_map(records, tiles="none", center=(36.0, 37.0), zoom=7))
    assert not fit.search(fixed) and '"zoom": 7' in fixed
    empty = map_html(build_map([], tiles="none"))
    assert incident_rows(empty) == []


def test_mentions_layer_is_aggregated_and_toggleable() -> None:
    mentions = [
        {"article_id": "a1", "name": "Ankara", "latitude": 39.92, "longitude": 32.85},
        {"article_id": "a2", "name": "Ankara", "latitude": 39.92, "longitude": 32.85},
        {"article_id": "a2", "name": "Ankara", "latitude": 39.92, "longitude": 32.85},
        {"article_id": "a3", "name": "Nowhere", "latitude": None, "longitude": None},
    ]
    html = map_html(build_map([record()], tiles="none", show_mentions=True, mentions=mentions))
    places = json.loads(re.search(r"^\s*var places = (.*);$", html, re.M).group(1))  # type: ignore[union-attr]
    assert places == [[39.92, 32.85, "Ankara – mentioned 3× in 2 article(s)"]]
    assert '"Other places mentioned"' in html and "L.control.layers" in html
    off = map_html(build_map([record()], tiles="none", mentions=mentions))
    assert "var places" not in off


def test_no_streamlit_import_in_map_modules() -> None:
    code = (
        "import sys, geomap.cli, geomap.mapview, geomap.export; print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    names = ("mapview/foliummap", "mapview/popups", "mapview/assets", "mapview/safe_html")
    for name in (*names, "export", "cli/export"):
        source = (Path(geomap.__file__).parent / f"{name}.py").read_text(encoding="utf-8")
        assert "import streamlit" not in source and "from streamlit" not in source


def test_map_command_writes_standalone_html(tmp_path: Path) -> None:
    db = make_store(tmp_path / "store.sqlite")
    out = tmp_path / "map.html"
    result = CliRunner().invoke(main, ["map", "--db", str(db), "-o", str(out), "--mentions"])
    assert result.exit_code == 0, result.output
    assert "2 incidents mapped to" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert not any(host in html for host in CDN_HOSTS)
    rows = incident_rows(html)
    assert sorted(r[0] for r in rows) == [36.3707, 36.5917]
    for row in rows:
        assert_inert(row[5])
        assert_inert(row[-1])
    hostile = next(r for r in rows if r[0] == 36.3707)
    assert HOSTILE_TEXTS[0] in parse(hostile[-1]).text
    assert "{{ 7*7 }}" in parse(hostile[-1]).text
    places = re.search(r"^\s*var places = (.*);$", html, re.MULTILINE)
    assert places is not None
    names = sorted(parse(p[2]).text.split(" –")[0] for p in json.loads(places.group(1)))
    assert names == ["Ankara", "Ar Rā‘ī", "al-Bab"]
    only = tmp_path / "battles.html"
    args = ["map", "--db", str(db), "-o", str(only), "--mentions", "--type", "Battles"]
    assert CliRunner().invoke(main, args).exit_code == 0
    places = re.search(r"^\s*var places = (.*);$", only.read_text("utf-8"), re.MULTILINE)
    assert places is not None
    assert [parse(p[2]).text.split(" –")[0] for p in json.loads(places.group(1))] == ["Ar Rā‘ī"]


def test_map_command_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["map", "--db", str(tmp_path / "none.sqlite"), "-o", "x.html"])
    assert missing.exit_code == 1 and "does not exist" in missing.stderr
    db = make_store(tmp_path / "store.sqlite")
    bad = runner.invoke(
        main, ["map", "--db", str(db), "-o", str(tmp_path / "m.html"), "--tiles", "Nope"]
    )
    assert bad.exit_code == 1 and "GEOMAP_TILES" in bad.stderr
    assert not (tmp_path / "m.html").exists()
    usage = runner.invoke(main, ["map", "--db", str(db)])
    assert usage.exit_code == 2
    helptext = runner.invoke(main, ["map", "--help"])
    assert helptext.exit_code == 0 and "Examples:" in helptext.output


def test_popup_review_link_only_when_asked() -> None:
    rec = record(incident_id="abc123")
    assert "geomap-review-link" not in popup_html(rec)
    html = popup_html(rec, review_link=True)
    assert 'data-incident="abc123"' in html and "?view=review&amp;incident=abc123" in html
    assert "Review this incident" in html


def test_fit_box_ignores_a_stray_incident() -> None:
    lats = [36.0 + 0.1 * i for i in range(10)] + [61.0]
    lons = [37.0 + 0.1 * i for i in range(10)] + [90.0]
    box = fit_box(lats, lons)
    assert box is not None and box[1][0] < 40 and box[1][1] < 40
    assert fit_box([36.0, 61.0], [37.0, 90.0]) == [[36.0, 37.0], [61.0, 90.0]]  # too few
    assert fit_box([], []) is None


# -- the streamed map (#15) ----------------------------------------------------------------------
def _streamed(records: Any, **kwargs: Any) -> str:
    out = io.StringIO()
    write_map(records, out, tiles="none", **kwargs)
    return out.getvalue()


def test_the_streamed_map_carries_the_same_data_and_stays_inert() -> None:
    records = hostile_records()
    mentions = [{"name": "{{ 8*8 }}</script>", "latitude": 1.0, "longitude": 2.0,
                 "article_id": "a"}]  # fmt: skip
    html = _streamed(iter(records), show_mentions=True, mentions=iter(mentions))
    built = map_html(build_map(records, tiles="none", show_mentions=True, mentions=mentions))
    assert incident_rows(html) == incident_rows(built)
    for row in incident_rows(html):
        assert_inert(row[5])
        assert_inert(row[-1])
    assert "__geomap_" not in html  # every placeholder was filled
    outside_data = re.sub(r"^\s*var (rows|popups|places) = .*;$", "", html, flags=re.MULTILINE)
    assert "window.__pwned" not in outside_data
    places = re.search(r"^\s*var places = (.*);$", html, re.MULTILINE)
    assert places is not None
    assert "{{ 8*8 }}</script>" in parse(json.loads(places.group(1))[0][2]).text
    empty = _streamed(iter([]))
    assert incident_rows(empty) == []


def _many(n: int) -> Any:
    for i in range(n):
        yield record(incident_id=f"inc-{i}", latitude=30 + i % 500 / 100, longitude=40.0,
                     notes=f"Shelling number {i} " + "x" * 300)  # fmt: skip


def test_the_streamed_map_holds_no_more_for_four_times_the_incidents() -> None:
    # Issue 15: `geomap map` held every record, row, popup and the page (7.1 GB for 786k
    # incidents). Python's own allocations at the peak, in bytes, not seconds.
    peaks = {}
    for n in (1000, 4000):
        with open(os.devnull, "w", encoding="utf-8") as sink:
            tracemalloc.start()
            write_map(_many(n), sink, tiles="none")
            peaks[n] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    assert peaks[4000] - peaks[1000] < 1_000_000  # ~100 bytes an incident (was ~2 kB)


def test_reports_are_attached_a_chunk_at_a_time(tmp_path: Path) -> None:
    from geomap.store.sqlite import iter_incidents, iter_with_reports, open_store, with_reports

    with open_store(make_store(tmp_path / "store.sqlite"), readonly=True) as store:
        whole = with_reports(store, list(iter_incidents(store)))
        pulled: list[int] = []

        def source() -> Any:
            for i, rec in enumerate(iter_incidents(store)):
                pulled.append(i)
                yield rec

        stream = iter_with_reports(store, source(), chunk=1)
        first = next(stream)
        assert pulled == [0]  # one record read, not all of them
        assert [first, *stream] == whole
