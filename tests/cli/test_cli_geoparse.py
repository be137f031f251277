"""``geomap geoparse`` end to end: the JSONL contract, bad lines, and the geocoder fallback
through geopy against a local Nominatim (loopback only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from geocoder_server import FakeNominatim, Reply, nominatim_result

from geomap.cli.main import main

CONTRACT_KEYS = "start end name lat lon geonameid feature_code country score method reasons".split()
TEXT = "A Russian airstrike near al-Bab in northern Syria hit the Qwzxabad neighbourhood."


def run(
    args: list[str], stdin: str, env: dict[str, str] | None = None
) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(main, args, input=stdin, env=env)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines, result.stderr


def test_output_contract_one_line_per_input_in_order() -> None:
    docs = [{"id": "b", "text": "Shelling in Aleppo."}, {"id": "a", "text": TEXT}]
    code, out, _ = run(["geoparse"], "".join(json.dumps(d) + "\n" for d in docs))
    assert code == 0
    assert [o["id"] for o in out] == ["b", "a"]
    for doc, record in zip(docs, out, strict=True):
        for place in record["places"]:
            assert doc["text"][place["start"] : place["end"]] == place["name"]
            assert set(place) >= set(CONTRACT_KEYS)
    al_bab = next(p for p in out[1]["places"] if p["name"] == "al-Bab")
    assert (al_bab["geonameid"], al_bab["country"], al_bab["method"]) == (174018, "SY", "gazetteer")


def test_gold_spans_resolve_exactly_the_given_spans() -> None:
    doc = {
        "id": 1,
        "text": "Rai and Qwzx",
        "toponyms": [{"start": 8, "end": 12}, {"start": 0, "end": 3}],
    }
    code, [out], _ = run(["geoparse", "--gold-spans"], json.dumps(doc) + "\n")
    assert code == 0
    assert [(p["start"], p["end"]) for p in out["places"]] == [(8, 12), (0, 3)]
    qwzx, rai = out["places"]
    assert rai["resolved_name"] is not None
    # a given span nothing can place: estimated at the article's main town, and said so
    assert (qwzx["lat"], qwzx["lon"]) == (rai["lat"], rai["lon"]) and qwzx["score"] < 0.3
    assert "main town" in qwzx["reasons"][-1]

    doc = {"id": 2, "text": "Qwzx", "toponyms": [{"start": 0, "end": 4}]}
    code, [out], _ = run(["geoparse", "--gold-spans"], json.dumps(doc) + "\n")
    assert out["places"][0]["lat"] is None and out["places"][0]["method"] == "unresolved"


def test_bad_lines_are_named_and_the_rest_processed(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": 1, "text": "In Aleppo."}\nnot json\n{"id": 3}\n[1, 2]\n'
        '{"id": 5, "text": "In Homs."}\n'
    )
    code, out, err = run(["geoparse", str(path)], "")
    assert code == 1
    assert [o["id"] for o in out] == [1, 5]
    assert f"{path}:2: not JSON" in err
    assert f"{path}:3: no 'text' string" in err
    assert f"{path}:4: expected a JSON object" in err


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run(["geoparse", str(tmp_path / "nope.jsonl")], "")
    assert code != 0 and "nope.jsonl" in err and "Traceback" not in err


@pytest.fixture()
def nominatim() -> FakeNominatim:
    with FakeNominatim() as server:
        server.add_results(
            "Qwzxabad",
            nominatim_result("Qwzxabad", 36.21, 37.19, country_code="sy", osm_type="suburb"),
        )
        yield server


def geocoder_env(tmp_path: Path, server: FakeNominatim) -> dict[str, str]:
    return {
        "GEOMAP_OFFLINE": "0",
        "GEOMAP_NOMINATIM_URL": server.url,
        "GEOMAP_DB": str(tmp_path / "store.sqlite"),
        "GEOMAP_GEOCODER_MIN_DELAY": "0.1",
        "GEOMAP_GEOCODER_TIMEOUT": "1",
    }


def test_fallback_resolves_what_the_gazetteer_lacks_and_caches_it(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    env = geocoder_env(tmp_path, nominatim)
    doc = json.dumps({"id": 1, "text": TEXT}) + "\n"
    code, [out], _ = run(["geoparse"], doc, env)
    assert code == 0
    place = next(p for p in out["places"] if p["name"] == "Qwzxabad")
    assert (place["method"], place["lat"], place["country"]) == ("geocoder", 36.21, "SY")
    # Only the unknown name went over the network, restricted to the article's country.
    assert nominatim.queries() == ["Qwzxabad"]
    assert "sy" in nominatim.requests[0].params.get("countrycodes", "").split(",")
    # A second run is answered from the cache in the store file: no new request.
    code, [again], _ = run(["geoparse"], doc, env)
    assert code == 0 and len(nominatim.requests) == 1
    assert next(p for p in again["places"] if p["name"] == "Qwzxabad")["lat"] == 36.21


def test_offline_flag_and_geocoder_none_make_zero_requests(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    env = geocoder_env(tmp_path, nominatim)
    doc = json.dumps({"id": 1, "text": TEXT}) + "\n"
    run(["--offline", "geoparse"], doc, env)
    run(["geoparse"], doc, {**env, "GEOMAP_OFFLINE": "1"})
    run(["geoparse"], doc, {**env, "GEOMAP_GEOCODER": "none"})
    assert nominatim.requests == []


@pytest.mark.parametrize(
    "reply",
    [
        Reply.http_error(429, retry_after=1),
        Reply.http_error(500),
        Reply.raw("<html>oops</html>"),
        Reply.close(),
    ],
)
def test_service_failures_leave_the_mention_unresolved_and_the_run_going(
    tmp_path: Path, nominatim: FakeNominatim, reply: Reply
) -> None:
    nominatim.queue_replies(reply)
    env = geocoder_env(tmp_path, nominatim)
    docs = (
        json.dumps({"id": 1, "text": TEXT})
        + "\n"
        + json.dumps({"id": 2, "text": "In Aleppo."})
        + "\n"
    )
    code, out, _ = run(["geoparse"], docs, env)
    assert code == 0 and [o["id"] for o in out] == [1, 2]
    place = next(p for p in out[0]["places"] if p["name"] == "Qwzxabad")
    assert place["lat"] is None and any("geocoder" in r for r in place["reasons"])
    # Errors are not cached: with the service back, the next run resolves it.
    code, [again, _], _ = run(["geoparse"], docs, env)
    assert next(p for p in again["places"] if p["name"] == "Qwzxabad")["method"] == "geocoder"


def test_python_dash_m_is_the_same_cli() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "geomap", "geoparse"],
        input='{"id": 7, "text": "Talks in Ankara."}\n',
        capture_output=True,
        text=True,
        env={**os.environ, "GEOMAP_OFFLINE": "1"},
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    [record] = [json.loads(line) for line in proc.stdout.splitlines()]
    assert record["places"][0]["name"] == "Ankara" and record["places"][0]["country"] == "TR"


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    commands = ["ingest", "incidents", "geoparse", "export", "map", "gazetteer",
                "gazetteer build", "gazetteer info", "gazetteer add"]  # fmt: skip
    for command in commands:
        result = runner.invoke(main, [*command.split(), "--help"])
        assert result.exit_code == 0, command
        assert "Example" in result.output, f"{command} --help has no example"


def test_a_deeply_nested_line_or_nan_fails_alone(tmp_path: Path) -> None:
    # Issue 15: one deeply nested line stopped the lines after it; {"id": NaN} was echoed
    # back as NaN, which is not JSON.
    path = tmp_path / "in.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text(
        f'{deep}\n{{"id": NaN, "text": "In Aleppo."}}\n{{"id": 3, "text": "In Homs."}}\n'
    )
    code, out, err = run(["geoparse", str(path)], "")
    assert code == 1
    assert [o["id"] for o in out] == [3]
    assert f"{path}:1: not JSON (nested too deeply)" in err
    assert f"{path}:2: not JSON (NaN is not a JSON value)" in err
