"""Escaping helpers: html_text, safe_url, highlight_html, script_json."""

from __future__ import annotations

import json

import pytest
from htmltags import parse
from hypothesis import given
from hypothesis import strategies as st

from geomap.mapview.safe_html import highlight_html, html_text, safe_url, script_json


def test_html_text_escapes_markup_and_template_literal_characters() -> None:
    assert html_text("<b>&\"'") == "&lt;b&gt;&amp;&quot;&#x27;"
    assert html_text("${x}") == "&#36;&#123;x&#125;"
    assert html_text("`x`") == "&#96;x&#96;"
    assert html_text("a\\b") == "a&#92;b"
    assert html_text(None) == ""
    assert html_text(3) == "3"


@given(st.text())
def test_html_text_output_has_no_active_characters_and_round_trips(text: str) -> None:
    escaped = html_text(text)
    for char in "<>\"'`$\\{}":
        assert char not in escaped
    parsed = parse(f"<p>{escaped}</p>")
    assert [t for t, _ in parsed.tags] == ["p"]
    if "\r" not in text and "\x00" not in text:  # HTML itself normalises these two
        assert "".join(parsed.text) == text


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "///evil.example",
        "http:/evil.example",
        "https:\\\\evil.example",
        "http://",
        "ftp://files.example/x",
        "mailto:a@b.example",
        "evil.example/path",
        "/relative/path",
        'https://ok.example/"onmouseover="alert(1)',
        "https://ok.example/<script>",
        "https://ok.example/a b",
        "http://[::1",
        "",
        None,
        42,
    ],
)
def test_safe_url_rejects(url: object) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/a?b=1&c=2#x", "https://news.example/a?b=1&c=2#x"),
        ("  http://news.example/ \n", "http://news.example/"),
        ("\x00\x1fhttps://news.example/p", "https://news.example/p"),
        ("HTTPS://News.Example/Ä", "HTTPS://News.Example/Ä"),
        ("https://news.example/a\n/b", "https://news.example/a/b"),
    ],
)
def test_safe_url_accepts_http_and_https(url: str, expected: str) -> None:
    assert safe_url(url) == expected


def test_highlight_escapes_each_part_before_wrapping() -> None:
    out = highlight_html("<i>x</i> near AL-BAB and al-Bab${1}", ["al-Bab"])
    assert out == (
        "&lt;i&gt;x&lt;/i&gt; near <mark>AL-BAB</mark> and <mark>al-Bab</mark>&#36;&#123;1&#125;"
    )
    parsed = parse(out)
    assert [t for t, _ in parsed.tags] == ["mark", "mark"]


def test_highlight_term_with_markup_cannot_form_tags() -> None:
    # the term itself is hostile and so is the text around it
    out = highlight_html("a <img src=x onerror=alert(1)> b", ["<img src=x onerror=alert(1)>"])
    assert out == "a <mark>&lt;img src=x onerror=alert(1)&gt;</mark> b"
    assert [t for t, _ in parse(out).tags] == ["mark"]


def test_highlight_prefers_longer_terms_and_handles_no_terms() -> None:
    assert highlight_html("Bab al-Bab", ["Bab", "al-Bab"]) == "<mark>Bab</mark> <mark>al-Bab</mark>"
    assert highlight_html("a<b", []) == "a&lt;b"
    assert highlight_html("a<b", ["", "  "]) == "a&lt;b"
    assert highlight_html(None, ["x"]) == ""


def test_script_json_cannot_close_the_script_element() -> None:
    value = {"t": "</script><!-- <script></SCRIPT \\</", "u": "\u2028"}
    encoded = script_json(value)
    assert "</" not in encoded and "<!" not in encoded
    assert "\u2028" not in encoded
    assert json.loads(encoded) == value


def test_script_json_hides_jinja_tags_from_a_second_template_pass() -> None:
    # branca compiles element output as a Jinja template again: "{{ 7*7 }}" would become 49
    from jinja2 import Template

    value = ["{{ 7*7 }}", "{% for x in y %}", "{# open comment", "{{{x}}}", {"k": {}}]
    encoded = script_json(value)
    assert Template(encoded).render() == encoded
    assert json.loads(encoded) == value


def test_html_text_survives_a_second_template_pass() -> None:
    from jinja2 import Template

    escaped = html_text("{{ 7*7 }} {% raw %} {#")
    assert Template(escaped).render() == escaped
