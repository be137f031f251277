"""``geomap review``: every command, its help, exit codes and messages, and the log it leaves."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from geomap.cli.main import main
from geomap.ingest.readers import make_article
from geomap.models import METHOD_GAZETTEER, IncidentCandidate, Mention, Place, Resolution
from geomap.store.sqlite import iter_incidents, open_store, write_article

COMMANDS = ("list", "verify", "reject", "merge", "split", "edit", "log")
ALBAB = Place(174018, "Al Bāb", 36.37, 37.52, "P", "PPL", "SY", "09", "Aleppo", "Syria")
BINNISH = Place(172515, "Binnish", 35.957, 36.714, "P", "PPL", "SY", "10", "Idlib", "Syria")


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    """A store with three incidents: two reports of one strike (not linked) and a shelling."""
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        for text, place, killed in (
            ("Wire A: air strike near al-Bab kills three.", ALBAB, 3),
            ("Wire B: air strike near al-Bab, three dead.", ALBAB, 3),
            ("Wire C: shelling on Binnish kills two.", BINNISH, 2),
        ):
            article, _ = make_article(text, origin="x.txt", source=text[:6])
            res = Resolution(Mention(0, 3, place.name), place, 0.9, METHOD_GAZETTEER)
            cand = IncidentCandidate(
                article.id, "Explosions/Remote violence", "Air/drone strike", date(2017, 2, 9),
                1, res, 1, fatalities=killed, excerpt=text,
            )  # fmt: skip
            write_article(store, article, [res], [cand])
    return path


def _ids(db: Path) -> dict[str, str]:
    with open_store(db) as store:
        return {r["source"]: r["incident_id"] for r in iter_incidents(store)}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_review_command_has_help_with_an_example(command: str) -> None:
    result = invoke("review", command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output and f"geomap review {command}" in result.output


def test_a_decision_without_a_name_is_a_usage_error(db: Path) -> None:
    iid = _ids(db)["Wire A"]
    result = invoke("review", "verify", iid, "--db", str(db))
    assert result.exit_code == 2
    assert "--by NAME or set GEOMAP_REVIEWER" in result.stderr


def test_unknown_ids_are_one_line_errors(db: Path) -> None:
    for args in (("verify", "nope"), ("reject", "0000"), ("edit", "nope", "--killed", "1"),
                 ("merge", "nope", "nada"), ("split", "nope", "--source", "abcdef")):  # fmt: skip
        result = invoke("review", *args, "--db", str(db), "--by", "Ana")
        assert result.exit_code == 1, args
        assert result.stderr.count("\n") == 1 and "geomap: error: no incident" in result.stderr


def test_usage_errors_exit_2(db: Path) -> None:
    iid = _ids(db)["Wire A"]
    env = {"GEOMAP_REVIEWER": "Ana"}
    for args in (("merge", iid), ("edit", iid), ("edit", iid, "--lat", "36"),
                 ("edit", iid, "--place", "x", "--lat", "1", "--lon", "2"),
                 ("list", "--status", "maybe"), ("split", iid)):  # fmt: skip
        assert invoke("review", *args, "--db", str(db), env=env).exit_code == 2, args


def test_scripted_review_run_and_its_log(db: Path) -> None:
    ids = _ids(db)
    env = {"GEOMAP_REVIEWER": "Ana Lopez"}
    base = ("--db", str(db))
    a, b, c = ids["Wire A"], ids["Wire B"], ids["Wire C"]
    assert invoke("review", "merge", a, b, "--reason", "same strike", *base, env=env).exit_code == 0
    ok = invoke("review", "edit", a[:8], "--killed", "4", "--lat", "36.38", "--lon", "37.5",
                *base, env=env)  # fmt: skip
    assert ok.exit_code == 0 and "fatalities: 3 -> 4" in ok.output
    assert invoke("review", "verify", a, "--reason", "checked", *base, env=env).exit_code == 0
    assert invoke("review", "reject", c, "--by", "Ben", *base).exit_code == 0
    split = invoke("review", "split", a, "--source", "nosuch", *base, env=env)
    assert split.exit_code == 1
    listed = [json.loads(x) for x in invoke("review", "list", "--json", *base).output.splitlines()]
    assert {(r["incident_id"], r["review_status"]) for r in listed} == {
        (a, "verified"), (c, "rejected")}  # fmt: skip
    only = invoke("review", "list", "--status", "rejected", *base).output
    assert c in only and a not in only
    log = [json.loads(x) for x in invoke("review", "log", "--json", *base).output.splitlines()]
    assert [(e["incident_id"], e["action"], e["field"]) for e in log] == [
        (b, "merge", "incident_id"), (a, "merge", "source_count"), (a, "edit", "fatalities"),
        (a, "edit", "location"), (a, "verify", "review_status"), (c, "reject", "review_status"),
    ]  # fmt: skip
    assert set(log[0]) == {"id", "incident_id", "action", "field", "old_value", "new_value",
                           "reviewer", "at", "reason"}  # fmt: skip
    assert log[-1]["reviewer"] == "Ben" and log[0]["reason"] == "same strike"
    text = invoke("review", "log", "--incident", a, *base).output.splitlines()
    assert len(text) == 4 and "fatalities: 3 -> 4  by Ana Lopez" in text[1]
    # exports: review columns, rejected left out unless asked for
    geo = json.loads(invoke("export", *base).output)
    props = {f["id"]: f["properties"] for f in geo["features"]}
    assert set(props) == {a}
    assert (props[a]["review_status"], props[a]["reviewed_by"]) == ("verified", "Ana Lopez")
    assert props[a]["fatalities"] == 4 and props[a]["geo_precision"] == 1
    rows = list(
        csv.DictReader(
            io.StringIO(invoke("export", "--format", "csv", "--include-rejected", *base).output)
        )
    )
    assert {r["review_status"] for r in rows} == {"verified", "rejected"}
    assert "reviewed_at" in rows[0]


def test_merged_id_says_where_it_went(db: Path) -> None:
    ids = _ids(db)
    invoke("review", "merge", ids["Wire A"], ids["Wire B"], "--db", str(db), "--by", "Ana")
    result = invoke("review", "verify", ids["Wire B"], "--db", str(db), "--by", "Ana")
    assert result.exit_code == 1 and f"merged it into {ids['Wire A']}" in result.stderr
