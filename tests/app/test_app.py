"""The map app in Streamlit's AppTest, and its page logic (geomap.app.state) on real stores."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from apphelpers import APP, XSS, hostile_records, insert_records, synthetic_records
from streamlit.testing.v1 import AppTest

import geomap.app
from geomap.app import mapcomponent, page, urlfilters
from geomap.app import state as appstate
from geomap.config import SAMPLE_ARTICLES_DIR, Settings
from geomap.mapview.foliummap import build_map, incident_layer, incident_popups
from geomap.mapview.safe_html import script_json
from geomap.models import IncidentFilter
from geomap.store.sqlite import (
    count_incidents,
    get_incident,
    iter_incidents,
    iter_mentions,
    open_store,
)

AIRSTRIKE = (
    "Airstrike kills five in al-Bab\n\n"
    "Five civilians were killed and twelve injured on Tuesday when an airstrike hit a market "
    "in the town of al-Bab in northern Syria, local officials said."
)
LATER_ALBAB = (
    "Clashes west of al-Bab\n\n"
    "Two fighters were killed in clashes on the western edge of al-Bab in Syria on Saturday, "
    "a monitoring group said."
)
PROTEST = (
    "Protesters rally in Mosul\n\n"
    "Hundreds of people protested on Friday in the city of Mosul in northern Iraq against "
    "power cuts, witnesses said. Nobody was hurt."
)


# -- helpers -------------------------------------------------------------------------------------
@pytest.fixture()
def filled_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store of 60 synthetic incidents plus the hostile ones, named by GEOMAP_DB."""
    db = tmp_path / "filled.sqlite"
    insert_records(db, [*synthetic_records(60), *hostile_records()])
    monkeypatch.setenv("GEOMAP_DB", str(db))
    monkeypatch.setenv("GEOMAP_TILES", "none")
    return db


def run_app(query: dict[str, str | list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    if query:
        at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def show(at: AppTest, section: str) -> AppTest:
    """Switch the page to one of its sections (Map, Table, Add articles, Correct a place)."""
    at.radio(key="section").set_value(section).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> int:
    """A number from the page's compact counts line ("Incidents shown **12** of 40 · ...")."""
    lines = [m.value for m in at.caption if "Incidents shown" in m.value]
    for line in lines:
        found = re.search(re.escape(label) + r" \*\*([\d,]+)\*\*", line)
        if found:
            return int(found.group(1).replace(",", ""))
    raise AssertionError(f"no count {label!r}: {lines}")


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def map_script(document: str) -> str:
    """The map's own script: the last script in its document."""
    return document.rsplit("<script>", 1)[1].split("</script>", 1)[0]


def test_the_map_does_not_wait_for_the_gazetteer(
    filled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map and its counts need no gazetteer (the first start builds its index in the
    background); adding articles does, and says so when it cannot open. Here the index's
    folder is a file, so the gazetteer can never open."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(blocker / "gazetteer.sqlite"))
    at = run_app()
    assert metric(at, "Incidents shown") == 66
    assert not at.error
    show(at, "Add articles")
    assert any("cannot show this store" in e.value for e in at.error), at.error
    assert any("gazetteer" in t.value for t in at.text)


# -- safety (the package's import rules are in test_architecture.py) -------------------------
def test_app_never_renders_unsafe_html() -> None:
    sources = [APP, *sorted(Path(geomap.app.__file__).parent.glob("*.py"))]
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in sources]
    calls = [n for tree in trees for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert calls
    keywords = {k.arg for c in calls for k in c.keywords}
    assert "unsafe_allow_html" not in keywords
    called = {ast.unparse(c.func) for c in calls}
    assert not called & {"st.html", "components.html", "st.markdown", "st.write"}


# -- query parameters ----------------------------------------------------------------------------
def test_filter_params_round_trip() -> None:
    flt = IncidentFilter(
        date_from=date(2016, 3, 1),
        date_to=date(2017, 1, 31),
        event_types=("Battles", "Explosions/Remote violence"),
        countries=("Syria",),
        actors=("Rebel group",),
        sources=("Agency 1", "A&B <news>"),
        text="al-Bab",
        min_confidence=0.55,
        bbox=(36.0, 35.5, 38.25, 37.0),
        include_undated=True,
    )
    params = urlfilters.filter_to_params(flt)
    assert params["type"] == ["Battles", "Explosions/Remote violence"]
    assert params["from"] == "2016-03-01" and params["conf"] == "0.55"
    assert urlfilters.filter_from_params(params) == flt
    # the app's default: a date range keeps undated incidents ("include undated" is on)
    assert urlfilters.filter_to_params(IncidentFilter(include_undated=True)) == {}
    assert urlfilters.filter_from_params({}) == IncidentFilter(include_undated=True)
    assert urlfilters.filter_to_params(IncidentFilter()) == {"undated": "0"}
    assert urlfilters.filter_from_params({"undated": "0"}) == IncidentFilter()


def test_bad_params_are_ignored() -> None:
    flt = urlfilters.filter_from_params(
        {"from": "yesterday", "to": "2017-13-01", "conf": "lots", "bbox": "1,2,3", "type": ""}
    )
    assert flt == IncidentFilter(include_undated=True)
    flt = urlfilters.filter_from_params({"conf": "7", "from": "2017-05-01", "to": "2017-01-01"})
    assert flt.min_confidence == 1.0
    assert (flt.date_from, flt.date_to) == (date(2017, 1, 1), date(2017, 5, 1))
    assert urlfilters.filter_from_params({"type": ["Riots", "Riots", " "]}).event_types == (
        "Riots",
    )


# -- page logic on a real store ------------------------------------------------------------------
def test_load_view_counts_and_table_rows_are_plain(filled_db: Path) -> None:
    view = appstate.load_view(filled_db, IncidentFilter())
    facets, total = appstate.load_facets(filled_db)
    assert total == view.counts.incidents == 60 + len(XSS)
    assert facets["countries"] == ["Iraq", "Syria", "Turkey"]
    expected_killed = sum(
        r["fatalities"] or 0 for r in [*synthetic_records(60), *hostile_records()]
    )
    assert view.counts.fatalities == expected_killed
    rows = appstate.table_rows(view.records)
    assert list(rows[0]) == list(appstate.TABLE_COLUMNS)
    for row in rows:
        assert all(v is None or isinstance(v, str | int | float) for v in row.values())
    evil = [r for r in rows if str(r["incident_id"]).startswith("evil-")]
    assert evil and any(XSS[0] in str(r["location"]) for r in evil)  # shown as the text it is
    by_killed = appstate.table_rows(view.records, order="most killed", limit=5)
    assert len(by_killed) == 5
    killed = [r["fatalities"] for r in appstate.table_rows(view.records, order="most killed")]
    known = [k for k in killed if k is not None]
    assert known == sorted(known, reverse=True) and killed[: len(known)] == known
    oldest = appstate.table_rows(view.records, order="oldest first")
    dates = [r["event_date"] for r in oldest if r["event_date"]]
    assert dates == sorted(dates)
    battles = appstate.load_view(filled_db, IncidentFilter(event_types=("Battles",)))
    assert 0 < battles.counts.incidents < view.counts.incidents
    assert {r["event_type"] for r in battles.records} == {"Battles"}


def test_store_signature_changes_on_write(tmp_path: Path) -> None:
    db = tmp_path / "sig.sqlite"
    assert appstate.store_signature(db) == (0, 0, 0, 0)
    insert_records(db, synthetic_records(3))
    first = appstate.store_signature(db)
    insert_records(db, hostile_records()[:1])
    assert appstate.store_signature(db) != first


def test_store_signature_changes_on_write_to_postgis(pg_server: Any) -> None:
    url = pg_server.new_database()
    assert appstate.store_signature(url + "_missing") == (0, 0, 0, 0)
    insert_records(url, synthetic_records(3))
    first = appstate.store_signature(url)
    assert first == appstate.store_signature(url) and first[0] == 3
    insert_records(url, hostile_records()[:1])
    second = appstate.store_signature(url)
    assert second[0] == 4 and second[1] > first[1]
    with open_store(url) as store, store.transaction() as conn:
        conn.execute("UPDATE incident SET fatalities = 9 WHERE id = (SELECT min(id) FROM incident)")
    assert appstate.store_signature(url)[1] > second[1]


def test_exports_are_exactly_the_shown_incidents(filled_db: Path) -> None:
    flt = IncidentFilter(countries=("Iraq",))
    records = appstate.load_view(filled_db, flt).records
    gj = json.loads(appstate.export_geojson(records))
    assert gj["type"] == "FeatureCollection"
    assert sorted(f["id"] for f in gj["features"]) == sorted(r["incident_id"] for r in records)
    assert {f["properties"]["country"] for f in gj["features"]} == {"Iraq"}
    rows = list(csv.DictReader(io.StringIO(appstate.export_csv(records).decode("utf-8"))))
    assert len(rows) == len(records) > 0


def test_ingest_uploads_shows_a_cap_notice_by_upload_name(
    settings: Settings, gazetteer: object
) -> None:
    # Issue 15: a cap an upload reached is shown (as plain text) under the upload's name.
    store = open_store(settings.db_path)
    try:
        report = appstate.ingest_uploads(
            [("live-blog.txt", ("Shelling hit Aleppo on Monday. " * 600).encode())],
            text="",
            settings=settings,
            store=store,
            gazetteer=gazetteer,  # type: ignore[arg-type]
        )
    finally:
        store.close()
    lines = appstate.notice_lines(report)
    assert "live-blog.txt: read the first 500 event sentences of 600 (cap 500); the rest stay" \
        " mentions" in lines  # fmt: skip
    assert not any("geomap-upload-" in line for line in lines)


def test_ingest_uploads_names_failures_by_upload_name(
    settings: Settings, gazetteer: object
) -> None:
    store = open_store(settings.db_path)
    bad_name = '<img src=x onerror="alert(1)">.json'
    try:
        report = appstate.ingest_uploads(
            [("airstrike.txt", AIRSTRIKE.encode()), (bad_name, b"{not json")],
            text=PROTEST,
            settings=settings,
            store=store,
            gazetteer=gazetteer,  # type: ignore[arg-type]
        )
        assert report.new == 2
        assert len(report.failed) == 1
        assert report.failed[0][0] in (bad_name, bad_name + ":1")  # the upload's own name
        assert "geomap-upload-" not in appstate.failure_lines(report)[0]
        assert count_incidents(store) >= 2
        places = {r["country"] for r in iter_incidents(store)}
        assert {"Syria", "Iraq"} <= places
    finally:
        store.close()


def test_place_choices_and_manual_place(gazetteer: object) -> None:
    choices = appstate.place_choices(gazetteer, "Aleppo")  # type: ignore[arg-type]
    assert choices and any(p.country_code == "SY" for p in choices)
    assert "Syria" in appstate.place_label(choices[0]) or choices[0].country_code != "SY"
    assert appstate.place_choices(gazetteer, "   ") == []  # type: ignore[arg-type]
    place = appstate.manual_place(36.2, 37.15, name="")
    assert (place.lat, place.lon, place.geonameid) == (36.2, 37.15, None)
    with pytest.raises(ValueError):
        appstate.manual_place(95.0, 0.0, name="x")


# -- the page in AppTest -------------------------------------------------------------------------
@pytest.mark.skipif(
    not appstate.sample_paths(), reason=f"no bundled sample articles in {SAMPLE_ARTICLES_DIR}"
)
def test_empty_store_offers_the_samples_in_a_demo_store_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gazetteer: object
) -> None:
    db = tmp_path / "fresh" / "geomap.sqlite"
    monkeypatch.setenv("GEOMAP_DB", str(db))
    monkeypatch.setenv("GEOMAP_TILES", "none")
    at = run_app()
    assert any("Your store is empty" in i.value for i in at.info)
    assert metric(at, "Incidents shown") == 0
    at.button(key="try_demo").click().run()
    assert not at.exception
    shown = metric(at, "Incidents shown")
    assert shown > 0 and at.query_params.get("demo") == "1"
    assert any("Demo:" in i.value for i in at.info)
    demo = tmp_path / "fresh" / "geomap-demo.sqlite"
    with open_store(demo) as store:
        assert count_incidents(store) == shown
        readme = store.conn.execute(
            "SELECT count(*) FROM article WHERE source LIKE '%README%' OR title LIKE '%README%'"
        ).fetchone()[0]
        assert readme == 0  # the samples' README is not an article
    with open_store(db) as store:
        assert count_incidents(store) == 0  # never mixed into the user's store
    again = run_app({"demo": "1"})  # a shared demo link opens the demo
    assert metric(again, "Incidents shown") == shown
    at.button(key="leave_demo").click().run()
    assert metric(at, "Incidents shown") == 0 and "demo" not in at.query_params


def test_store_path_from_env_is_used(filled_db: Path) -> None:
    at = run_app()
    assert str(filled_db) in texts(at)
    assert metric(at, "Incidents shown") == 60 + len(XSS)
    assert not at.info  # a filled store gets no sample data


def test_filters_change_the_counts_and_the_url(filled_db: Path) -> None:
    at = run_app()
    total = metric(at, "Incidents shown")
    at.sidebar.multiselect(key="f_types").select("Protests").run()
    protests = metric(at, "Incidents shown")
    assert 0 < protests < total
    assert at.query_params.get("type") == "Protests"
    at.sidebar.text_input(key="f_text").input("report 2").run()
    both = metric(at, "Incidents shown")
    assert 0 < both < protests
    assert at.query_params.get("q") == "report 2"
    at.sidebar.slider(key="f_conf").set_value(0.9).run()
    assert metric(at, "Incidents shown") < both or both == 0
    at.sidebar.button[-1].click().run()  # Reset filters
    assert metric(at, "Incidents shown") == total
    assert at.query_params == {}


def test_query_params_set_the_filters_on_load(filled_db: Path) -> None:
    at = run_app({"country": "Iraq", "from": "2017-01-01"})
    store = open_store(filled_db)
    try:
        expected = count_incidents(
            store,
            IncidentFilter(countries=("Iraq",), date_from=date(2017, 1, 1), include_undated=True),
        )
    finally:
        store.close()
    assert 0 < expected < 60
    assert metric(at, "Incidents shown") == expected
    assert at.sidebar.multiselect(key="f_countries").value == ["Iraq"]
    assert at.query_params.get("country") == "Iraq"
    assert at.query_params.get("from") == "2017-01-01"


def test_sections_show_one_thing_at_a_time(filled_db: Path) -> None:
    at = run_app()
    assert at.radio(key="section").value == "Map"  # the default: the map and the downloads
    assert [b.label for b in at.get("download_button")] == ["Download GeoJSON", "Download CSV"]
    assert len(at.dataframe) == 0 and len(at.get("file_uploader")) == 0
    shown = metric(at, "Incidents shown")
    show(at, "Table")
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == shown
    show(at, "Add articles")
    assert len(at.get("file_uploader")) == 1 and len(at.dataframe) == 0
    assert at.query_params.get("view") == "add"  # the section is in the URL...
    show(at, "Correct a place")
    assert at.selectbox(key="fix_incident").value is not None
    assert metric(at, "Incidents shown") == shown  # counts stay in every section
    show(at, "Map")
    assert "view" not in at.query_params
    shared = run_app({"view": "table", "country": "Iraq"})  # ...so a link opens it
    assert shared.radio(key="section").value == "Table" and len(shared.dataframe) == 1
    assert metric(shared, "Incidents shown") < shown


def test_paste_text_and_upload_through_the_page(filled_db: Path, gazetteer: object) -> None:
    at = show(run_app(), "Add articles")
    before = metric(at, "Incidents shown")
    bad_name = "<script>alert(1)</script>.json"
    at.file_uploader[0].set_value(
        [("airstrike.txt", AIRSTRIKE.encode(), "text/plain"), (bad_name, b"[{", "text/plain")]
    )
    at.text_area[0].input(PROTEST)
    at.button(key="FormSubmitter:add_articles-Ingest").click().run()
    assert not at.exception
    assert metric(at, "Incidents shown") >= before + 2
    assert any("2 new" in t for t in texts(at))
    failures = [t for t in texts(at) if t.startswith(bad_name)]
    assert len(failures) == 1  # the name is shown as plain text
    for el in [*at.markdown, *at.error, *at.success, *at.caption]:
        assert "<script>" not in el.value


@pytest.fixture()
def correction_page(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, gazetteer: object
) -> AppTest:
    """The "Correct a place" section over a store holding the airstrike article."""
    store = open_store(settings.db_path)
    try:
        appstate.ingest_uploads(
            [("airstrike.txt", AIRSTRIKE.encode())], settings=settings, store=store,
            gazetteer=gazetteer,  # type: ignore[arg-type]
        )  # fmt: skip
    finally:
        store.close()
    monkeypatch.setenv("GEOMAP_DB", str(settings.db_path))
    monkeypatch.setenv("GEOMAP_TILES", "none")
    return show(run_app(), "Correct a place")


def test_correct_a_place_with_coordinates(
    correction_page: AppTest, settings: Settings, gazetteer: object
) -> None:
    at = correction_page
    target = at.selectbox(key="fix_incident").value
    at.radio(key="fix_how").set_value("Coordinates").run()
    assert at.number_input(key=f"fix_lat_{target}").value == pytest.approx(36.37, abs=0.01)
    at.number_input(key=f"fix_lat_{target}").set_value(36.4).run()
    at.number_input(key=f"fix_lon_{target}").set_value(37.6).run()
    at.button(key="fix_save").click().run()
    assert not at.exception
    assert any(s.value.startswith("Saved") for s in at.success)
    store = open_store(settings.db_path)
    try:
        fixed = get_incident(store, target)
    finally:
        store.close()
    assert fixed["location_method"] == "manual"
    assert (fixed["latitude"], fixed["longitude"]) == (36.4, 37.6)
    assert fixed["country"] == "Syria"
    fixed_article = fixed["sources"][0]["article_id"]
    shown = [r for r in appstate.load_view(settings.db_path, IncidentFilter()).records
             if r["incident_id"] == target]  # fmt: skip
    assert shown[0]["location_method"] == "manual"
    # Reused for the same name in an article about the same country.
    store = open_store(settings.db_path)
    try:
        appstate.ingest_uploads(
            [("later.txt", LATER_ALBAB.encode())], settings=settings, store=store,
            gazetteer=gazetteer,  # type: ignore[arg-type]
        )  # fmt: skip
        later = [m for m in iter_mentions(store) if m["surface"] == "al-Bab"]
    finally:
        store.close()
    assert len({m["article_id"] for m in later}) == 2  # the first article and the later one
    reused = [m for m in later if m["article_id"] != fixed_article]
    assert reused and all(m["method"] == "manual" for m in reused)
    assert all((m["latitude"], m["longitude"]) == (36.4, 37.6) for m in reused)
    assert all(m["country"] == "Syria" for m in reused)


def test_correct_a_place_with_a_gazetteer_candidate(
    correction_page: AppTest, settings: Settings, gazetteer: object
) -> None:
    at = correction_page
    target = at.selectbox(key="fix_incident").value
    at.text_input(key=f"fix_name_{target}").input("Aleppo").run()
    pick = next(s for s in at.selectbox if s.key and s.key.startswith(f"fix_pick_{target}"))
    choices = appstate.place_choices(gazetteer, "Aleppo")  # type: ignore[arg-type]
    city = next(i for i, p in enumerate(choices) if p.feature_code.startswith("PPLA"))
    pick.set_value(city).run()
    at.button(key="fix_save").click().run()
    store = open_store(settings.db_path)
    try:
        fixed = get_incident(store, target)
    finally:
        store.close()
    assert fixed["location_method"] == "manual"
    assert fixed["geonameid"] == choices[city].geonameid
    assert (fixed["latitude"], fixed["longitude"]) == (choices[city].lat, choices[city].lon)


def test_cached_map_payload_is_the_map_document(
    filled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app caches what its map component receives: the map's own HTML document (as
    ``geomap map`` writes it), its height and a key that changes only with the map."""
    records = appstate.load_view(filled_db, IncidentFilter()).records
    sent: list[dict[str, object]] = []
    monkeypatch.setattr(mapcomponent, "_map_component", lambda **kw: sent.append(kw))
    fmap = build_map(records, tiles="none", assets="data")
    ours = mapcomponent.map_payload(fmap)
    mapcomponent.show_map(ours, height=620)
    assert len(sent) == 1 and callable(sent[0].pop("on_change"))  # "Review this incident"
    assert sent == [{"page": ours["page"], "height": 620, "key": ours["key"], "default": None}]
    assert str(ours["page"]).startswith("<!DOCTYPE html>")  # the map's own document
    again = mapcomponent.map_payload(build_map(records, tiles="none", assets="data"))
    other = mapcomponent.map_payload(build_map(records[1:], tiles="none", assets="data"))
    assert again["key"] == ours["key"] != other["key"]  # same map, same component
    links = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"', str(ours["page"]))
    assert links and not any(link.startswith("http") for link in links)  # no CDN
    assert "geomap-incident" in str(ours["page"])


def test_big_tables_are_capped_and_ordered_on_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = page.TABLE_LIMIT
    db = tmp_path / "big.sqlite"
    insert_records(db, synthetic_records(limit + 100))
    monkeypatch.setenv("GEOMAP_DB", str(db))
    monkeypatch.setenv("GEOMAP_TILES", "none")
    at = run_app()
    assert metric(at, "Incidents shown") == limit + 100
    show(at, "Table")
    frame = at.dataframe[0].value
    assert len(frame) == limit
    assert list(frame["event_date"]) == sorted(frame["event_date"], reverse=True)
    at.selectbox(key="table_order").set_value("most killed").run()
    frame = at.dataframe[0].value
    most = max(r["fatalities"] or 0 for r in synthetic_records(limit + 100))
    assert frame["fatalities"].iloc[0] == most


def test_a_store_that_is_not_a_geomap_store_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    conn.close()
    monkeypatch.setenv("GEOMAP_DB", str(db))
    at = run_app()
    assert [e.value for e in at.error] == ["geomap cannot show this store."]
    assert any("not a geomap store" in t for t in texts(at))
    assert str(db) in texts(at)


def test_map_rows_are_served_as_a_separate_script(filled_db: Path, tmp_path: Path) -> None:
    records = appstate.load_view(filled_db, IncidentFilter()).records
    fmap = build_map(records, tiles="none", assets="data")
    folder = tmp_path / "rows"
    folder.mkdir()
    files = mapcomponent.serve_rows_separately(fmap, folder, "../x/")
    assert files is not None
    name = files[0]
    assert name.startswith("rows-") and name.endswith(".js")
    digest = name[5:-3]
    assert files[1] == f"popups-{digest}.js"
    data = (folder / name).read_text(encoding="utf-8")
    popups = (folder / f"popups-{digest}.js").read_text(encoding="utf-8")
    assert data.startswith(f"window.__geomapRows_{digest}=")
    assert popups.startswith(f"window.__geomapPopups_{digest}=")
    for text in (data, popups):
        assert "</script" not in text.lower()  # script_json output: safe inside a script
    document = mapcomponent.map_payload(fmap)["page"]
    script = map_script(document)
    assert f"window.__geomapRows_{digest}" in script
    assert "al-Bab" in data  # a tooltip, with its marker
    assert "Shelling hit" in popups and "Shelling hit" not in data  # an excerpt, in its popup
    assert "Shelling hit" not in document  # the data left the map...
    loads = document.index(f'src="../x/{name}"')  # ...the markers load before its script...
    assert loads < document.index(script)
    assert f'"../x/popups-{digest}.js"' in script  # ...the popups after the markers
    assert len(script) < len(data) + len(popups)
    again = build_map(records, tiles="none", assets="data")
    assert mapcomponent.serve_rows_separately(again, folder, "../x/") == files  # same files
    assert len(list(folder.iterdir())) == 2


def test_popups_are_written_after_the_map_when_asked(filled_db: Path, tmp_path: Path) -> None:
    records = appstate.load_view(filled_db, IncidentFilter()).records
    inline = build_map(records, tiles="none", assets="data")
    layer = incident_layer(inline)
    assert layer is not None
    inline_popups = json.loads(layer.popups)
    assert inline_popups == incident_popups(records)  # same popups, same order
    fmap = build_map(records, tiles="none", assets="data", popups=False)
    folder = tmp_path / "rows"
    folder.mkdir()
    started = threading.Event()

    def later() -> str:
        started.set()
        return script_json(incident_popups(records))

    files = mapcomponent.serve_rows_separately(fmap, folder, "../x/", popups_later=later, key="a")
    assert files is not None
    rows_name, popups_name = files
    assert (folder / rows_name).exists() and started.wait(10)
    for _ in range(100):  # written by a background thread
        if (folder / popups_name).exists():
            break
        time.sleep(0.05)
    data = (folder / popups_name).read_text(encoding="utf-8")
    assert json.loads(data.split("=", 1)[1].rstrip(";\n")) == inline_popups
    assert f'"../x/{popups_name}"' in map_script(mapcomponent.map_payload(fmap)["page"])
    other = build_map(records, tiles="none", assets="data", popups=False)
    # other data behind the same markers (a new source) gets other files
    assert mapcomponent.serve_rows_separately(other, folder, "../x/", key="b")[1] != popups_name


def test_date_range_filters_and_goes_to_the_url(filled_db: Path) -> None:
    at = run_app()
    total = metric(at, "Incidents shown")
    at.sidebar.date_input(key="f_dates").set_value((date(2016, 3, 1), date(2016, 6, 30))).run()
    shown = metric(at, "Incidents shown")
    store = open_store(filled_db)
    try:
        expected = count_incidents(
            store,
            IncidentFilter(
                date_from=date(2016, 3, 1), date_to=date(2016, 6, 30), include_undated=True
            ),
        )
    finally:
        store.close()
    assert 0 < shown == expected < total
    assert at.query_params.get("from") == "2016-03-01"
    assert at.query_params.get("to") == "2016-06-30"
    again = run_app({"from": "2016-03-01", "to": "2016-06-30"})  # the shared link
    assert metric(again, "Incidents shown") == expected


def test_the_app_never_shows_tracebacks_with_server_paths() -> None:
    # Issue 15: an unexpected exception showed its full traceback (server paths) in the page.
    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] in ("type", "none")


def test_unknown_filter_values_from_a_link_get_a_did_you_mean(filled_db: Path) -> None:
    at = run_app({"country": "Sirya", "type": "Airstrike"})
    warnings = [w.value for w in at.warning]
    assert "No incident has country 'Sirya'; did you mean 'Syria'?" in warnings, warnings
    assert any("sub-event 'Air/drone strike'" in w for w in warnings), warnings


def test_new_incidents_hidden_by_filters_are_announced(filled_db: Path, gazetteer: object) -> None:
    at = run_app({"country": "Iraq"})  # the upload below is about Syria and Turkey
    show(at, "Add articles")
    at.file_uploader[0].set_value([("airstrike.txt", AIRSTRIKE.encode(), "text/plain")])
    at.button(key="FormSubmitter:add_articles-Ingest").click().run()
    assert not at.exception
    hidden = [w.value for w in at.warning if "hidden by the current filters" in w.value]
    assert hidden, [w.value for w in at.warning]
    at.button(key="show_new").click().run()
    assert not [w.value for w in at.warning if "hidden by the current filters" in w.value]
    assert at.sidebar.multiselect(key="f_countries").value == []


def test_uploads_are_named_by_outlet_or_their_own_name(
    settings: Settings, gazetteer: object
) -> None:
    store = open_store(settings.db_path)
    try:
        appstate.ingest_uploads(
            [("airstrike.txt", AIRSTRIKE.encode())], settings=settings, store=store,
            gazetteer=gazetteer,  # type: ignore[arg-type]
        )  # fmt: skip
        appstate.ingest_uploads(
            [], text=PROTEST, settings=settings, store=store,
            gazetteer=gazetteer,  # type: ignore[arg-type]
            outlet="Meridian Wire", url="https://meridian.example/p", published="2017-02-10",
        )  # fmt: skip
        rows = store.conn.execute("SELECT source, url, published FROM article").fetchall()
        names = {s["name"] for r in iter_incidents(store) for s in r["sources"]}
    finally:
        store.close()
    assert "airstrike.txt" in names  # not a temporary file's name
    assert "Meridian Wire" in names
    assert ("Meridian Wire", "https://meridian.example/p", "2017-02-10") in rows


def test_table_rows_link_to_their_review(filled_db: Path) -> None:
    at = show(run_app(), "Table")
    frame = at.dataframe[0].value
    assert next(iter(frame.columns)) == "review"
    assert frame["review"].iloc[0] == f"?view=review&incident={frame['incident_id'].iloc[0]}"
    signed = run_app({"view": "table", "by": "Ana Lopez"}).dataframe[0].value
    first = signed["incident_id"].iloc[0]
    assert signed["review"].iloc[0] == f"?view=review&incident={first}&by=Ana+Lopez"
