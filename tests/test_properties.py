"""Property-based tests (hypothesis): any text is safe to geoparse and to extract incidents from.

- ``geoparse_text`` never raises on any Unicode text (no surrogates) or on text made of place
  names, datelines, digits, punctuation and newlines; every mention's offsets slice the text to
  its surface, in text order, with a score in 0..1.
- ``extract_incidents`` never raises, and what it returns refers only to the given mentions.
- ``geomap geoparse`` (the CLI) gives one output line per input line, in order, with the ids
  echoed and the same places as the library; ``--gold-spans`` returns one place per span and
  refuses spans outside the text.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from faulthelpers import run_geomap
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.gazetteer.lookup import Gazetteer
from geomap.geoparse.record import geoparse_text
from geomap.incidents.extract import extract_incidents
from geomap.models import METHOD_NONE, Article

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PIECES = (
    "al-Bab", "Al-Bab's", "al Bab", "Aleppo", "ALEPPO", "ANKARA (Reuters) -", "BEIRUT, Feb 9 -",
    "the town of", "the village of", "near", "in", "northern", "Idlib province", "Syria",
    "Syrian", "Turkish", "Kurdish", "Ankara", "al-Rai", "Ar Rā‘ī", "حلب", "Qwzxabad",
    "neighbourhood of", "Mosul,", "Baghdad", "Diyarbakır", "Homs", "Raqqa", "Deir ez-Zor",
    "air strike", "shelling hit", "killed", "wounded", "three", "11", "soldiers", "civilians",
    "on Thursday", "last week", "9 February 2017", "2015", "said", "a monitor said", "(AP)",
    "St.", "Mr.", "U.S.", "—", "–", "’s", "«", "»", "&amp;", "<b>", "${x}", "`",
)  # fmt: skip
SEPARATORS = (" ", " ", " ", "\n", "\n\n", ", ", ". ", "", "\t", "\u00a0", "-", "'")

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
newsy_text = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.sampled_from(PIECES),  # twice as likely as the rest
        st.integers(min_value=-5, max_value=100_000).map(str),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=6),
    ),
    max_size=40,
).flatmap(
    lambda words: st.lists(
        st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)
    ).map(lambda seps: "".join(w + s for w, s in zip(words, seps, strict=True)))
)
texts = st.one_of(any_text, newsy_text)


@pytest.fixture(scope="module")
def gaz(gazetteer: Gazetteer) -> Gazetteer:
    """The session gazetteer, for ``@given`` tests (built once, not per example)."""
    return gazetteer


def check_resolutions(text: str, resolutions: list[Any]) -> None:
    previous = -1
    for r in resolutions:
        m = r.mention
        assert 0 <= m.start < m.end <= len(text), (m, len(text))
        assert text[m.start : m.end] == m.surface
        assert m.start >= previous, "mentions out of text order"
        previous = m.start
        assert 0.0 <= r.score <= 1.0
        if r.place is None:
            assert r.method == METHOD_NONE
        else:
            assert -90 <= r.place.lat <= 90 and -180 <= r.place.lon <= 180


@PROPERTY_SETTINGS
@given(text=texts)
def test_geoparse_never_fails_and_offsets_slice_the_text(gaz: Gazetteer, text: str) -> None:
    check_resolutions(text, geoparse_text(text, gazetteer=gaz))


@PROPERTY_SETTINGS
@given(
    text=texts,
    title=st.one_of(st.just(""), st.sampled_from(PIECES), any_text),
    published=st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1))),
)
def test_incident_extraction_never_fails(
    gaz: Gazetteer, text: str, title: str, published: date | None
) -> None:
    resolutions = geoparse_text(text, gazetteer=gaz)
    article = Article(id="prop", text=text, title=title, published=published)
    candidates = extract_incidents(article, resolutions, gazetteer=gaz)
    for c in candidates:
        assert c.article_id == "prop"
        assert c.time_precision in (1, 2, 3)
        assert c.geo_precision in (1, 2, 3)
        assert c.fatalities is None or c.fatalities >= 0
        assert c.injured is None or c.injured >= 0
        if c.location is not None:  # a mention's place, or the country or province around it
            assert c.location.place is not None
            if c.location.mention.kind == "group":  # the country of an armed group named
                assert c.location.place.is_country and c.geo_precision == 3
            else:
                own = [r.place for r in resolutions if r.mention == c.location.mention]
                assert own and any(
                    p is not None and p.country_code == c.location.place.country_code for p in own
                )
        assert c.event_type  # an incident always has a type


doc_ids = st.one_of(st.integers(), st.text(st.characters(exclude_categories=("Cs",)), max_size=8))
batches = st.lists(st.tuples(doc_ids, texts), min_size=20, max_size=20)


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(batch=batches)
def test_cli_geoparse_keeps_order_count_and_ids(
    gaz: Gazetteer, tmp_path_factory: pytest.TempPathFactory, batch: list[tuple[Any, str]]
) -> None:
    path = tmp_path_factory.mktemp("geoparse") / "docs.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for doc_id, text in batch:
            fh.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    result = run_geomap("geoparse", path, "--offline")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")[:-1]  # JSON text may hold U+2028; lines end in \n only
    assert len(lines) == len(batch)
    for line, (doc_id, text) in zip(lines, batch, strict=True):
        out = json.loads(line)
        assert out["id"] == doc_id
        got = [(p["start"], p["end"], p["name"]) for p in out["places"]]
        want = [(r.mention.start, r.mention.end, r.mention.surface)
                for r in geoparse_text(text, gazetteer=gaz)]  # fmt: skip
        assert got == want
        assert all(text[s:e] == name for s, e, name in got)


@st.composite
def texts_with_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(newsy_text.filter(bool))
    bounds = st.integers(min_value=0, max_value=len(text))
    spans = draw(st.lists(st.tuples(bounds, bounds).map(sorted).map(tuple), max_size=6))
    return text, [(s, e) for s, e in spans]


@PROPERTY_SETTINGS
@given(case=texts_with_spans())
def test_gold_spans_give_one_place_per_span_in_order(
    gaz: Gazetteer, case: tuple[str, list[tuple[int, int]]]
) -> None:
    text, spans = case
    resolutions = geoparse_text(text, gazetteer=gaz, spans=spans)
    assert [(r.mention.start, r.mention.end) for r in resolutions] == spans
    assert all(r.mention.surface == text[s:e] for r, (s, e) in zip(resolutions, spans, strict=True))


def test_cli_gold_spans_outside_the_text_are_refused(tmp_path: Path, gaz: Gazetteer) -> None:
    text = "Shelling hit Idlib."
    docs = [
        {"id": "ok", "text": text, "toponyms": [{"start": 13, "end": 18}]},
        {"id": "negative", "text": text, "toponyms": [{"start": -5, "end": 18}]},
        {"id": "past-end", "text": text, "toponyms": [{"start": 13, "end": 99}]},
        {"id": "reversed", "text": text, "toponyms": [{"start": 18, "end": 13}]},
        {"id": "last", "text": text, "toponyms": []},
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    result = run_geomap("geoparse", "--gold-spans", path, "--offline")
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["ok", "last"]
    assert out[0]["places"][0]["name"] == "Idlib"
    errors = result.stderr.splitlines()
    assert len(errors) == 3, errors
    assert all(f"gold.jsonl:{n}: " in e for n, e in zip((2, 3, 4), errors, strict=True)), errors
