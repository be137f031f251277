"""Read articles from files, folders and stdin: text decoding, HTML main text, publication dates."""

from __future__ import annotations

from geomap.ingest.htmltext import html_to_article_fields
from geomap.ingest.pubdate import find_published, parse_date_value
from geomap.ingest.readers import (
    InputItem,
    InputNotice,
    article_id,
    count_sources,
    iter_articles,
    iter_sources,
    make_article,
    read_article_file,
    read_source,
)
from geomap.ingest.textdecode import decode_bytes, decode_document

__all__ = [
    "InputItem",
    "InputNotice",
    "article_id",
    "count_sources",
    "decode_bytes",
    "decode_document",
    "find_published",
    "html_to_article_fields",
    "iter_articles",
    "iter_sources",
    "make_article",
    "parse_date_value",
    "read_article_file",
    "read_source",
]
