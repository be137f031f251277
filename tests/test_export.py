"""GeoJSON and CSV exports, read back with GDAL (pyogrio), geopandas, csv and pandas."""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio
import pyogrio.raw
import pytest
from click.testing import CliRunner
from incident_samples import HOSTILE_TEXTS, awkward_records, make_store, record

from geomap.cli.main import main
from geomap.errors import InputError
from geomap.export import CSV_COLUMNS, coerce_record, write_csv, write_geojson
from geomap.models import INCIDENT_FIELDS

JSON_FIELDS = [k for k, v in INCIDENT_FIELDS.items() if v == "json"]


def write_file(path: Path, records: list[dict[str, Any]], **kwargs: Any) -> int:
    with path.open("w", encoding="utf-8") as out:
        return write_geojson(records, out, **kwargs)


class GdalLog:
    """Captures Python warnings and pyogrio/GDAL log records while reading."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog

    def __enter__(self) -> GdalLog:
        self._warnings = warnings.catch_warnings(record=True)
        self.warnings = self._warnings.__enter__()
        warnings.simplefilter("always")
        self.caplog.set_level(logging.DEBUG, logger="pyogrio")
        self.caplog.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        self._warnings.__exit__(*exc)

    def problems(self) -> list[str]:
        messages = [str(w.message) for w in self.warnings]
        messages += [r.getMessage() for r in self.caplog.records if r.levelno >= logging.WARNING]
        return messages


def as_list(value: Any) -> list[Any]:
    """JSON arrays come back as JSON text (raw), parsed lists (pyogrio >= 0.11 parses JSON
    subtype fields) or numpy arrays (StringList fields)."""
    if isinstance(value, str):
        return json.loads(value)
    if isinstance(value, list):
        return value
    return [str(v) for v in value]


# --- GeoJSON ------------------------------------------------------------------------------------


def test_geojson_is_rfc7946_feature_collection(tmp_path: Path) -> None:
    path = tmp_path / "incidents.geojson"
    records = awkward_records()
    assert write_file(path, records) == len(records)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert set(doc) == {"type", "features"}  # no crs, no extras
    assert doc["type"] == "FeatureCollection"
    ids = [f["id"] for f in doc["features"]]
    assert ids == [r["incident_id"] for r in records]
    assert len(set(ids)) == len(ids)
    for feature, rec in zip(doc["features"], records, strict=True):
        assert set(feature) == {"type", "id", "geometry", "properties"}
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (rec["longitude"], rec["latitude"])  # [lon, lat] order
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert list(feature["properties"]) == list(INCIDENT_FIELDS)
        assert feature["properties"] == rec  # raw values, lists as JSON arrays


def test_geojson_values_are_raw_text_not_html(tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    write_file(path, awkward_records())
    doc = json.loads(path.read_text(encoding="utf-8"))
    props = {f["id"]: f["properties"] for f in doc["features"]}
    assert props["inc-0004"]["location"] == "<script>alert(1)</script>"
    assert props["inc-0004"]["notes"] == HOSTILE_TEXTS[3]
    assert "&lt;" not in path.read_text(encoding="utf-8")
    assert "Ar Rā‘ī" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes


def test_geojson_property_types_are_stable_across_features(tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    records = [*awkward_records(), record(incident_id="f", fatalities=2.0, latitude=36)]
    write_file(path, records)
    doc = json.loads(path.read_text(encoding="utf-8"))
    expected = {"str": str, "date": str, "int": int, "float": float, "json": list}
    for feature in doc["features"]:
        for name, kind in INCIDENT_FIELDS.items():
            value = feature["properties"][name]
            if value is not None:
                assert type(value) is expected[kind], (feature["id"], name, value)
    last = doc["features"][-1]["properties"]
    assert last["fatalities"] == 2 and type(last["fatalities"]) is int
    assert last["latitude"] == 36.0 and type(last["latitude"]) is float


def test_geojson_reads_back_with_pyogrio_without_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "x.geojson"
    records = awkward_records()
    write_file(path, records)
    with GdalLog(caplog) as log:
        info = pyogrio.read_info(path)
        df = pyogrio.read_dataframe(path)
        meta, _, geometry, fields = pyogrio.raw.read(path)
    assert log.problems() == []
    assert info["crs"] == "EPSG:4326"
    assert info["geometry_type"] == "Point"
    assert info["features"] == len(records)
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    subtypes = dict(zip(info["fields"], info["ogr_subtypes"], strict=True))
    assert types["event_date"] == "OFTDate"
    for name in ("time_precision", "geo_precision", "fatalities", "injured", "geonameid"):
        assert types[name] == "OFTInteger", name
    for name in ("latitude", "longitude", "confidence"):
        assert types[name] == "OFTReal", name
    for name in ("sources", "evidence"):
        assert (types[name], subtypes[name]) == ("OFTString", "OFSTJSON")
    # link_reasons has an empty array in some features, so GDAL reads it as JSON text too
    assert (types["link_reasons"], subtypes["link_reasons"]) == ("OFTString", "OFSTJSON")

    by_id = df.set_index("incident_id")
    for rec in records:
        row = by_id.loc[rec["incident_id"]]
        assert row.geometry.x == rec["longitude"] and row.geometry.y == rec["latitude"]
        for name, kind in INCIDENT_FIELDS.items():
            if name == "incident_id":
                continue
            got, want = row[name], rec[name]
            if kind == "json":
                assert as_list(got) == want, name
            elif kind == "date":
                assert str(pd.Timestamp(got).date()) == want
            elif want is None:
                assert got is None or (isinstance(got, float) and math.isnan(got)), name
            elif kind == "str":
                assert got == want, name  # quotes, newlines, commas, <script> all raw
            else:
                assert float(got) == float(want), name
    # raw arrays: same values, ints with nulls come back as float NaN
    assert meta["fields"].tolist()[: len(INCIDENT_FIELDS) + 1][1:] == list(INCIDENT_FIELDS)
    fatalities = fields[list(meta["fields"]).index("fatalities")]
    assert math.isnan(fatalities[1]) and fatalities[3] == 120
    assert len(geometry) == len(records)


def test_geojson_link_reasons_as_stringlist_reads_cleanly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "x.geojson"
    records = [record(incident_id=f"i{i}", link_reasons=[f"r{i}", "b"]) for i in range(3)]
    write_file(path, records)
    with GdalLog(caplog) as log:
        info = pyogrio.read_info(path)
        df = pyogrio.read_dataframe(path)
    assert log.problems() == []
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types["link_reasons"] == "OFTStringList"
    assert [as_list(v) for v in df["link_reasons"]] == [r["link_reasons"] for r in records]


def test_geojson_reads_back_with_geopandas(tmp_path: Path) -> None:
    geopandas = pytest.importorskip("geopandas")
    path = tmp_path / "x.geojson"
    write_file(path, awkward_records())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gdf = geopandas.read_file(path)
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["location"]) == [r["location"] for r in awkward_records()]
    assert gdf.total_bounds.tolist() == [-70.65, -33.9, 37.5157, 36.5917]


def test_geojson_unlocated_skip_or_null(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    records = [
        record(incident_id="a"),
        record(incident_id="b", latitude=None, longitude=None),
        record(incident_id="c", latitude=91.0),
        record(incident_id="d", longitude=float("nan")),
    ]
    counts: dict[str, int] = {}
    skip = tmp_path / "skip.geojson"
    assert write_file(skip, records, counts=counts) == 1
    assert counts == {"incidents": 1, "mentions": 0, "skipped": 3}
    null = tmp_path / "null.geojson"
    assert write_file(null, records, unlocated="null") == 4
    doc = json.loads(null.read_text(encoding="utf-8"))
    assert [f["geometry"] for f in doc["features"]][1:] == [None, None, None]
    assert doc["features"][3]["properties"]["longitude"] is None  # NaN -> null, valid JSON
    with GdalLog(caplog) as log:
        df = pyogrio.read_dataframe(null)
        info = pyogrio.read_info(null)
    assert log.problems() == []
    assert info["geometry_type"] == "Point"
    assert df.geometry.isna().tolist() == [False, True, True, True]
    with pytest.raises(ValueError, match="unlocated"):
        write_geojson([], io.StringIO(), unlocated="drop")  # type: ignore[arg-type]


def test_geojson_empty_collection_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    assert write_file(path, []) == 0
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "type": "FeatureCollection",
        "features": [],
    }


def test_geojson_with_mentions_layer(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "x.geojson"
    mentions = [
        {
            "article_id": "art-1",
            "name": "Ankara",
            "latitude": 39.92,
            "longitude": 32.85,
            "geonameid": 323786,
            "score": 0.8,
            "start": 0,
            "end": 6,
        },
        {
            "article_id": "art-1",
            "name": "Nowhere",
            "latitude": None,
            "longitude": None,
            "geonameid": None,
            "score": 0.1,
            "start": 10,
            "end": 17,
        },
        {
            "article_id": "art-2",
            "name": "Ḩalab",
            "latitude": 36.2,
            "longitude": 37.13,
            "geonameid": 170063,
            "score": 0.9,
            "start": 3,
            "end": 8,
        },
    ]
    counts: dict[str, int] = {}
    assert write_file(path, awkward_records(), mentions=mentions, counts=counts) == 6
    assert counts == {"incidents": 4, "mentions": 2, "skipped": 0}
    doc = json.loads(path.read_text(encoding="utf-8"))
    layers = [f["properties"]["layer"] for f in doc["features"]]
    assert layers == ["incident"] * 4 + ["mention"] * 2
    ids = [f["id"] for f in doc["features"]]
    assert len(set(ids)) == len(ids)
    with GdalLog(caplog) as log:
        incidents = pyogrio.read_dataframe(path, where="layer = 'incident'")
        places = pyogrio.read_dataframe(path, where="layer = 'mention'")
    assert log.problems() == []
    assert len(incidents) == 4
    assert places["name"].tolist() == ["Ankara", "Ḩalab"]
    assert places.geometry.x.tolist() == [32.85, 37.13]


def test_geojson_streams_without_holding_records() -> None:
    out = io.StringIO()
    seen_output_at: list[int] = []

    def records() -> Iterator[dict[str, Any]]:
        for i in range(2000):
            if i == 1500:
                seen_output_at.append(len(out.getvalue()))
            yield record(incident_id=f"i{i}")

    assert write_geojson(records(), out) == 2000
    assert seen_output_at and seen_output_at[0] > 100_000  # >1000 features already written
    assert len(json.loads(out.getvalue())["features"]) == 2000


def test_coerce_record_names_incident_and_field_on_bad_value() -> None:
    with pytest.raises(InputError, match=r"inc-9.*fatalities"):
        coerce_record(record(incident_id="inc-9", fatalities="many"))
    coerced = coerce_record({"incident_id": "x", "event_date": "2016-11-24T10:00:00"})
    assert coerced["event_date"] == "2016-11-24"
    assert coerced["sources"] == [] and coerced["fatalities"] is None


# --- CSV ----------------------------------------------------------------------------------------


def write_csv_text(records: list[dict[str, Any]], **kwargs: Any) -> str:
    out = io.StringIO(newline="")
    write_csv(records, out, **kwargs)
    return out.getvalue()


def test_csv_header_and_acled_columns() -> None:
    text = write_csv_text([record()])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == [name for name, _ in CSV_COLUMNS]
    assert rows[0][:4] == ["event_id_cnty", "event_date", "year", "time_precision"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["event_id_cnty"] == "inc-0001"
    assert row["year"] == "2016"
    assert row["latitude"] == "36.3707" and row["fatalities"] == "3"
    assert json.loads(row["sources"]) == record()["sources"]
    assert len(rows) == 2


def test_csv_quoting_round_trips_with_csv_and_pandas(tmp_path: Path) -> None:
    records = awkward_records()
    path = tmp_path / "x.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        assert write_csv(records, out) == len(records)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["event_id_cnty"] for r in rows] == [r["incident_id"] for r in records]
    second = rows[1]
    assert second["notes"] == records[1]["notes"]  # quotes, newline, comma
    assert second["source"] == records[1]["source"]
    assert second["location"] == "Ar Rā‘ī"
    assert second["fatalities"] == "" and second["confidence"] == ""  # nulls are empty
    assert json.loads(second["link_reasons"]) == records[1]["link_reasons"]
    assert rows[3]["location"] == "<script>alert(1)</script>"  # raw, not escaped

    df = pd.read_csv(path, encoding="utf-8")
    assert len(df) == len(records)
    assert df["latitude"].tolist() == [r["latitude"] for r in records]
    assert df["longitude"].dtype.kind == "f" and df.loc[2, "longitude"] == -70.65
    assert pd.isna(df.loc[1, "fatalities"]) and df.loc[3, "fatalities"] == 120
    assert df.loc[1, "notes"] == records[1]["notes"]


def test_csv_formula_guard() -> None:
    records = awkward_records()
    rows = list(csv.DictReader(io.StringIO(write_csv_text(records), newline="")))
    third = rows[2]
    assert third["location"] == "'" + records[2]["location"]
    assert third["admin1"] == "'+cmd"
    assert third["country"] == "'-2+3"
    assert third["actor1"] == "'@SUM(A1)"
    assert third["actor2"] == "'\tTabbed"
    assert third["notes"] == "'\rcarriage"
    assert third["latitude"] == "-33.9" and third["longitude"] == "-70.65"  # numbers untouched
    assert third["fatalities"] == "0"
    raw = list(csv.DictReader(io.StringIO(write_csv_text(records, formula_guard=False))))
    assert raw[2]["location"] == records[2]["location"]
    assert raw[2]["admin1"] == "+cmd"


def test_csv_every_text_cell_is_guarded() -> None:
    dangerous = {k: "=1+1" for k, v in INCIDENT_FIELDS.items() if v == "str"}
    rows = list(csv.DictReader(io.StringIO(write_csv_text([record(**dangerous)]))))
    columns = {field: name for name, field in CSV_COLUMNS}
    for field in dangerous:
        assert rows[0][columns[field]] == "'=1+1", field


# --- geomap export ------------------------------------------------------------------------------


@pytest.fixture()
def store_path(tmp_path: Path) -> Path:
    return make_store(tmp_path / "store.sqlite")


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["export", *args])


def test_export_command_geojson_file(
    store_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out.geojson"
    result = run("--db", str(store_path), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        f"2 incidents written to {out}; 1 without coordinates skipped (--keep-unlocated)"
    )
    assert result.stdout == ""
    with GdalLog(caplog) as log:
        df = pyogrio.read_dataframe(out)
    assert log.problems() == []
    assert sorted(df["location"]) == ["Ar Rā‘ī", "al-Bab"]
    hostile = df[df["location"] == "al-Bab"].iloc[0]
    assert hostile["source"].startswith(HOSTILE_TEXTS[0])  # raw text, not escaped
    assert hostile["sources"][0]["url"] == "javascript:window.__pwned=1"  # data, not a link
    assert list(tmp_path.glob(".out.geojson.*")) == []  # no temporary file left


def test_export_command_stdout_is_utf8_geojson(store_path: Path) -> None:
    result = run("--db", str(store_path))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout_bytes.decode("utf-8"))
    assert len(doc["features"]) == 2
    assert "Ar Rā‘ī" in result.stdout_bytes.decode("utf-8")
    assert "skipped" in result.stderr


def test_export_command_stdout_under_c_locale(store_path: Path) -> None:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "geomap", "export", "--db", str(store_path), "-o", "-"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Ar Rā‘ī" in json.dumps(json.loads(proc.stdout.decode("utf-8")), ensure_ascii=False)


def test_export_command_csv(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run("--db", str(store_path), "-o", str(out))  # format guessed from .csv
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"3 incidents written to {out}"
    df = pd.read_csv(out, encoding="utf-8")
    assert list(df.columns) == [name for name, _ in CSV_COLUMNS]
    assert len(df) == 3
    notes = df.set_index("location")["notes"]
    assert notes["Ar Rā‘ī"] == 'Clashes, "near" the town\nsecond line'
    stdout = run("--db", str(store_path), "--format", "csv")
    assert stdout.exit_code == 0
    assert stdout.stdout.splitlines()[0].startswith("event_id_cnty,event_date,year,")


def test_export_command_filters(store_path: Path) -> None:
    def ids(*args: str) -> list[str]:
        result = run("--db", str(store_path), "--keep-unlocated", *args)
        assert result.exit_code == 0, result.output
        return sorted(f["properties"]["location"] for f in json.loads(result.stdout)["features"])

    assert ids() == ["", "Ar Rā‘ī", "al-Bab"]
    assert ids("--type", "Battles") == ["Ar Rā‘ī"]
    assert ids("--bbox", "37.4,36.0,37.6,36.5") == ["al-Bab"]
    assert ids("--country", "Syria") == ["Ar Rā‘ī", "al-Bab"]
    assert ids("--since", "2016-11-25") == []
    assert ids("--since", "2016-11-24", "--until", "2016-11-24", "--type", "Battles") == ["Ar Rā‘ī"]
    assert ids("--actor", "Military Forces of Turkey", "--type", "Riots") == []


def test_export_command_mentions_and_unlocated(store_path: Path) -> None:
    result = run("--db", str(store_path), "--mentions", "--keep-unlocated")
    assert result.exit_code == 0, result.output
    features = json.loads(result.stdout)["features"]
    layers = [f["properties"]["layer"] for f in features]
    assert layers == ["incident"] * 3 + ["mention"] * 3
    assert sum(f["geometry"] is None for f in features) == 1
    names = sorted(f["properties"]["name"] for f in features[3:])
    assert names == ["Ankara", "Ar Rā‘ī", "al-Bab"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "--mentions"], "GeoJSON only"),
        (["--bbox", "1,2,3"], "four numbers"),
        (["--bbox", "1,50,3,40"], "minlat <= maxlat"),
        (["--since", "24/11/2016"], "since"),
        (["--format", "xml"], "xml"),
    ],
)
def test_export_command_usage_errors(store_path: Path, args: list[str], message: str) -> None:
    result = run("--db", str(store_path), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_export_command_missing_store_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "x.geojson"
    result = run("--db", str(tmp_path / "none.sqlite"), "-o", str(out))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_export_command_help_has_examples() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output and "geomap export -o incidents.geojson" in result.output
    assert "apostrophe" in result.output  # the formula guard is documented


def test_export_command_mentions_follow_the_filter(store_path: Path) -> None:
    result = run("--db", str(store_path), "--mentions", "--type", "Battles")
    assert result.exit_code == 0, result.output
    features = json.loads(result.stdout)["features"]
    assert [f["properties"]["layer"] for f in features] == ["incident", "mention"]
    assert features[1]["properties"]["name"] == "Ar Rā‘ī"
    assert (
        features[1]["properties"]["article_id"]
        == features[0]["properties"]["sources"][0]["article_id"]
    )


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_formula_guard_holds_for_semicolon_and_tab_readers(delimiter: str) -> None:
    # Issue 15: the guard looked only at the start of each comma-separated cell; a spreadsheet
    # that splits on ";" got the cell "=1+1" from a source named "Wire;=1+1;".
    dangerous = record(source="Wire;=1+1;", notes="Killed 3.\t=2+2", actor1="A; -cmd")
    dangerous["sources"][0]["excerpt"] = "said;@SUM(A1)"
    text = write_csv_text([dangerous])
    for line in text.splitlines():
        for cell in csv.reader(io.StringIO(line), delimiter=delimiter):
            for part in cell:
                assert not part.lstrip(' "').startswith(("=", "+", "-", "@")), part
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["source"] == "Wire;'=1+1;"
    assert json.loads(row["sources"])[0]["excerpt"] == "said;'@SUM(A1)"


# --- issue 15: export targets --------------------------------------------------------------------
def test_export_through_a_symlink_writes_the_file_it_points_to(
    store_path: Path, tmp_path: Path
) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = run("--db", str(store_path), "-o", str(link), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("event_id_cnty")


def test_export_to_a_fifo_writes_into_it_and_leaves_it_a_fifo(
    store_path: Path, tmp_path: Path
) -> None:
    import threading

    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    result = run("--db", str(store_path), "-o", str(fifo), "--format", "csv")
    reader.join(30)
    assert result.exit_code == 0, result.output
    assert fifo.is_fifo() and got and got[0].startswith("event_id_cnty")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_full_disk_is_a_one_line_error_and_leaves_no_temporary_file(
    store_path: Path, tmp_path: Path
) -> None:
    import resource
    import signal

    def small_files() -> None:  # the child may write 1 kB per file: a full disk, in effect
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    from geomap.store.sqlite import open_store

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    # Held open here, the store's WAL index exists already: the child only reads it.
    with open_store(store_path):
        proc = subprocess.run(
            [sys.executable, "-m", "geomap", "export", "--db", str(store_path), "--mentions",
             "-o", str(out_dir / "x.geojson")],
            capture_output=True, text=True, preexec_fn=small_files, timeout=120,
        )  # fmt: skip
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "x.geojson" in proc.stderr
    assert list(out_dir.iterdir()) == []


def test_a_temporary_file_left_by_a_killed_export_is_removed_next_time(
    store_path: Path, tmp_path: Path
) -> None:
    left = tmp_path / ".x.csv.abc123.tmp"
    left.write_text("half an export", encoding="utf-8")
    os.utime(left, (1_000_000_000, 1_000_000_000))
    assert run("--db", str(store_path), "-o", str(tmp_path / "x.csv")).exit_code == 0
    assert not left.exists()
