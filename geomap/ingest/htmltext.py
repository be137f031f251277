"""Main text and metadata of a scraped HTML page (trafilatura, with a plain tag-strip fallback).

The result is plain text: markup, scripts and styles are dropped, entities decoded. Nothing of
the page is ever run or kept as HTML.
"""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser

__all__ = ["html_to_article_fields", "strip_tags"]

logger = logging.getLogger(__name__)

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "blockquote", "pre", "figure", "figcaption",
    "title", "hr", "dd", "dt",
}  # fmt: skip
_BLANKS = re.compile(r"[ \t\r\f\v]+")
_MANY_NEWLINES = re.compile(r"\n\s*\n+")


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP:
            self._skip += 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP and self._skip:
            self._skip -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def strip_tags(html: str) -> tuple[str, str]:
    """``(text, title)`` of a page by dropping tags; block elements become line breaks.

    Examples
    --------
    >>> strip_tags("<title>T</title><p>A &amp; B<script>x()</script></p><p>C</p>")
    ('A & B\\n\\nC', 'T')
    """
    parser = _Stripper()
    parser.feed(html)
    parser.close()
    text = _BLANKS.sub(" ", "".join(parser.parts))
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text).strip()
    return text, " ".join("".join(parser.title).split())


def html_to_article_fields(html: str) -> dict[str, str]:
    """``text``, ``title``, ``url``, ``source`` and ``published`` (raw string) of a page.

    trafilatura picks the main text and reads the metadata; when it is missing or finds no
    text, the whole page is tag-stripped instead.
    """
    fields = {"text": "", "title": "", "url": "", "source": "", "published": ""}
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura missing or failing on odd markup: fall back
        logger.debug("trafilatura failed: %s", exc)
        doc = None
    if doc is not None:
        data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
        fields["text"] = str(data.get("text") or "")
        fields["title"] = str(data.get("title") or "")
        fields["url"] = str(data.get("url") or "")
        fields["source"] = str(data.get("sitename") or data.get("hostname") or "")
        fields["published"] = str(data.get("date") or "")
    if not fields["text"].strip():
        text, title = strip_tags(html)
        fields["text"] = text
        fields["title"] = fields["title"] or title
    if fields["url"] and not fields["url"].lower().startswith(("http://", "https://")):
        fields["url"] = ""
    return fields
