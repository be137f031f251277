"""Escaping helpers for everything geomap puts into map HTML (popups, tooltips, legend).

Article text is untrusted. Folium interpolates popup and tooltip HTML into JavaScript template
literals without escaping, so ``${...}`` or a backtick in an excerpt can run script on page load,
and ``<img onerror>`` runs when a popup opens. Every value that reaches map HTML therefore goes
through :func:`html_text` (HTML-escape, plus backslash, backtick and ``$`` as entities) and every
link through :func:`safe_url` (http/https only). Exports (GeoJSON/CSV) stay raw text: escaping
belongs to the map only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["highlight_html", "html_text", "safe_url", "script_json"]

# html.escape(quote=True) plus the three characters that matter inside JS template literals and
# string escapes, plus braces (see html_text). Chained str.replace is ~10x faster than
# str.translate with a dict, and most values need none of it (checked first).
_ESCAPES = (
    ("&", "&amp;"),  # first, so the entities below are not escaped again
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("'", "&#x27;"),
    ("\\", "&#92;"),
    ("`", "&#96;"),
    ("$", "&#36;"),
    # folium/branca render element output through Jinja a second time, so "{{ 7*7 }}" in a
    # popup becomes "49" (and worse: it is Python-side template injection). Braces go too.
    ("{", "&#123;"),
    ("}", "&#125;"),
)
_NEEDS_ESCAPE = re.compile("[&<>\"'\\\\`${}]")

# C0 controls, DEL and whitespace: stripped at both ends (as browsers do); tab/CR/LF anywhere
# (browsers drop them inside URLs, so "java\tscript:" must not slip past the scheme check).
_URL_EDGE = "".join(chr(c) for c in range(0x21)) + "\x7f \u00a0\u2028\u2029\ufeff"
_URL_INNER = re.compile(r"[\t\n\r]")
_URL_BAD = re.compile(r"[\x00-\x1f\x7f\s<>\"'`\\]")


def html_text(value: object) -> str:
    """Escape any value as HTML text or a quoted attribute value; ``None`` becomes ``""``.

    Besides ``& < > " '`` it replaces backslash, backtick and ``$`` with ``&#92;``, ``&#96;``
    and ``&#36;``, so the result is inert inside a JS template literal too, and ``{``/``}``
    with ``&#123;``/``&#125;``, because folium (branca) renders element output through Jinja
    a second time: ``{{ ... }}`` in article text would otherwise be evaluated in Python.

    Examples
    --------
    >>> html_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> html_text("${alert(1)} `x` C:\\\\")
    '&#36;&#123;alert(1)&#125; &#96;x&#96; C:&#92;'
    """
    if value is None:
        return ""
    text = str(value)
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    for char, entity in _ESCAPES:
        text = text.replace(char, entity)
    return text


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) URL with a host, else ``None``.

    Surrounding whitespace and control characters are stripped first and tab/newline removed
    inside (as browsers do). ``javascript:``, ``data:``, ``vbscript:``, protocol-relative
    (``//host``), scheme-less and host-less URLs are rejected, as are URLs that still contain
    spaces, quotes, angle brackets, backslashes or control characters. The result still has to
    be escaped with :func:`html_text` when it is put into an attribute.

    Examples
    --------
    >>> safe_url("  https://example.org/a?b=1 ")
    'https://example.org/a?b=1'
    >>> safe_url("javascript:alert(1)") is None, safe_url("//evil.example/x") is None
    (True, True)
    """
    if not isinstance(url, str):
        return None
    cleaned = _URL_INNER.sub("", url.strip(_URL_EDGE))
    if not cleaned or _URL_BAD.search(cleaned):
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if not cleaned.lower().startswith(parts.scheme.lower() + "://"):
        return None  # "http:/host" or "http:\\host": browsers guess, we do not
    return cleaned


def highlight_html(text: object, terms: Iterable[str]) -> str:
    """Escape ``text`` and wrap each case-insensitive occurrence of a term in ``<mark>``.

    The text is split at the matches first, then every part is escaped on its own, and only then
    are the escaped matches wrapped, so a term can never combine with the text into markup.
    Longer terms win over shorter ones that overlap them.

    Examples
    --------
    >>> highlight_html("Shelling near al-Bab <b>today</b>", ["al-Bab"])
    'Shelling near <mark>al-Bab</mark> &lt;b&gt;today&lt;/b&gt;'
    """
    if text is None:
        return ""
    text = str(text)
    wanted = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not wanted:
        return html_text(text)
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.IGNORECASE)
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(text):
        out.append(html_text(text[pos : match.start()]))
        out.append("<mark>" + html_text(match.group(0)) + "</mark>")
        pos = match.end()
    out.append(html_text(text[pos:]))
    return "".join(out)


# Inside <script>, the element ends only at "</script" and "<!--" starts the escaped states in
# which "<script" matters, so escaping "</" (as "<\/", a JSON escape of "/") and "<!" suffices;
# "<" elsewhere (our popups' opening tags) stays one byte. U+2028/9 are escaped for old JS
# parsers. A "{" followed by "{", "%" or "#" can only be inside a JSON string (a structural
# "{" is followed by '"' or "}"); escaping it keeps branca's second Jinja pass from seeing a tag.
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def script_json(value: object) -> str:
    """JSON for embedding in a ``<script>`` element or a JS string that is ``eval``-ed.

    Neither ``</`` (so no ``</script>``) nor ``<!`` (no ``<!--``) nor a Jinja opening tag
    (``{{``, ``{%``, ``{#``) survives: each is written with a JSON escape inside the strings.

    Examples
    --------
    >>> script_json({"a": "</script><script>alert(1)</script>"})
    '{"a":"<\\\\/script><script>alert(1)<\\\\/script>"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("</", "<\\/").replace("<!", "<\\u0021")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return _JINJA_OPEN.sub(r"\\u007b", text)
