"""Articles from files, folders (recursively) and stdin, read lazily, one error per bad input.

Formats, chosen by the file's suffix:

- ``.txt`` (and any other explicitly named text file): one article; the title is the first
  non-empty line when it looks like a headline (short, no closing full stop).
- ``.html`` / ``.htm``: the main text and metadata (title, date, url, site name) via trafilatura,
  or a plain tag strip when trafilatura finds nothing.
- ``.json``: one object or a list of objects; ``.jsonl``: one object per line.
- ``.csv``: a header row with a ``text`` column and optional ``title``, ``url``, ``source``,
  ``published``; other columns are ignored.

JSON/CSV records use the keys ``text`` (also ``body`` / ``content``), ``title`` (``headline``),
``url`` (``link``), ``source`` (``sitename`` / ``site`` / ``publisher``) and ``published``
(``date`` / ``published_at``).

Limits: a single-document file (.txt, .html, .json, stdin) is read up to 20 MB
(:data:`MAX_BYTES`); a larger one is reported as an error, not loaded. ``.jsonl`` and ``.csv``
are streamed record by record, each record up to 20 MB, with no limit on the file.

Text decoding: UTF-8 (with or without BOM; UTF-16 with a BOM), else a careful guess between
Windows-1256 (Arabic) and Windows-1252 / Latin-1, reported as an :class:`InputNotice`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

from geomap.errors import InputError
from geomap.ingest.htmltext import html_to_article_fields
from geomap.ingest.pubdate import (
    EARLIEST_YEAR,
    find_published,
    parse_date_value,
    plausible_published,
)
from geomap.ingest.textdecode import MAX_BYTES, decode_bytes, decode_document, read_limited
from geomap.models import Article

__all__ = [
    "MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "InputItem",
    "InputNotice",
    "article_id",
    "count_sources",
    "decode_bytes",
    "iter_articles",
    "iter_sources",
    "make_article",
    "normalise_text",
    "read_article_file",
    "read_jsonl_range",
    "read_source",
]

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".csv")
STDIN = "-"

_KEYS = {
    "text": ("text", "body", "content"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "source": ("source", "sitename", "site", "publisher"),
    "published": ("published", "date", "published_at"),
}
_WS = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_HEADLINE_END = (".", ",", ";", ":")


@dataclass(frozen=True)
class InputNotice:
    """Something worth telling the user about an input that was still read (e.g. its encoding)."""

    source: str
    message: str


InputItem = Article | InputError | InputNotice


# -- text ------------------------------------------------------------------------------------
def normalise_text(text: str) -> str:
    """The text an article id is computed from: NFC, whitespace collapsed, stripped.

    Examples
    --------
    >>> normalise_text("  Clashes\\r\\n near   al-Bab ")
    'Clashes near al-Bab'
    """
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def article_id(text: str) -> str:
    """The article id: the first 16 hex digits of the SHA-256 of the normalised text.

    Examples
    --------
    >>> article_id("Clashes near al-Bab.") == article_id(" Clashes  near\\nal-Bab. ")
    True
    """
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]


def _clean_body(text: str) -> str:
    """The stored text: NFC, Unix newlines, no trailing spaces, stripped (paragraphs kept)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


_MENU_LINE = re.compile(r"(?:\S.*?\s[|•·»]\s){2,}")
_META_LINE = re.compile(r"^[\W\d_]*(?:views?|comments?|shares?|by|updated|posted)\b", re.I)


_WIDGET_LINE = re.compile(
    r"follow us|subscribe|sign up|newsletter|help us|share (?:this|on)|log ?in|donate", re.I
)
_WORD = re.compile(r"[^\W\d_]{5,}")


def _echoes_below(line: str, text: str) -> int:
    """How many of the line's longer words come back in the 1,500 characters after it."""
    at = text.find(line) + len(line)
    below = {w.lower() for w in _WORD.findall(text[at : at + 1500])}
    return len({w.lower() for w in _WORD.findall(line)} & below)


def _headline(text: str) -> str:
    """The first line that looks like a headline, else "".

    Menus ("World | Middle East | Video"), counters ("views 4871 | comments 12") and lines
    without words (timestamps) at the top of a scraped page are skipped, up to 6 lines.
    """
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) < 2:
        return ""
    top = [
        line
        for line in lines[:6]
        if not _MENU_LINE.search(line)
        and not _META_LINE.match(line)
        and sum(ch.isalpha() for ch in line) >= max(8, len(line) // 2)
    ]
    top = [
        line
        for line in top
        if not _WIDGET_LINE.search(line)
        and len(line) <= 160
        and len(line.split()) <= 25
        and not line.endswith(_HEADLINE_END)
    ]
    if top and top[0] == lines[0]:
        first = top[0]  # the page starts with its headline
    else:
        # Below menus and banners: the line whose words the story repeats (a site's
        # tagline shares fewer).
        echoes = [(_echoes_below(line, text), -i, line) for i, line in enumerate(top)]
        best = max(echoes, default=(0, 0, ""))
        first = best[2] if best[0] >= 2 else ""
    if not first or first == lines[-1]:
        return ""
    if len(first) > 160 or len(first.split()) > 25 or first.endswith(_HEADLINE_END):
        return ""
    return first


def make_article(
    text: str,
    *,
    origin: str,
    title: str = "",
    url: str = "",
    source: str = "",
    published: object = None,
) -> tuple[Article, list[InputNotice]]:
    """An :class:`Article` from raw fields: id, cleaned text, title and publication date.

    The date comes from ``published`` (metadata) when it parses, else from the text
    (:func:`geomap.ingest.pubdate.find_published`); ``published_from`` records which.

    Examples
    --------
    >>> art, notes = make_article("Strike in Idlib\\nPosted 9 Feb 2017\\nA strike.", origin="a.txt")
    >>> art.title, art.published.isoformat(), art.published_from
    ('Strike in Idlib', '2017-02-09', 'text:timestamp')
    """
    # Lone surrogates (JSON "\ud800" escapes, undecodable file names) cannot be stored as UTF-8.
    text, title, url, source, origin = (
        _SURROGATE.sub("\ufffd", v or "") for v in (text, title, url, source, origin)
    )
    body = _clean_body(text)
    notices: list[InputNotice] = []
    when: date | None = parse_date_value(published)
    how = "metadata" if when else ""
    if when is None and published not in (None, ""):
        notices.append(
            InputNotice(origin, f"published value {str(published)[:40]!r} not understood")
        )
    elif when is not None and not plausible_published(when):
        notices.append(
            InputNotice(
                origin,
                f"published date {when.isoformat()} is outside {EARLIEST_YEAR} to next year;"
                " ignored",
            )
        )
        when, how = None, ""
    if when is None:
        when, how = find_published(body)
    article = Article(
        id=article_id(body),
        text=body,
        title=_WS.sub(" ", title or "").strip() or _headline(body),
        url=(url or "").strip(),
        source=(source or "").strip(),
        published=when,
        published_from=how,
        origin=origin,
    )
    return article, notices


def _decode_document(path: Path, source: str) -> tuple[str, list[InputNotice]]:
    text, enc = decode_document(read_limited(path, source), source)
    if enc in ("utf-8", "utf-8-sig"):
        return text, []
    return text, [InputNotice(source, f"not valid UTF-8; decoded as {enc}")]


# -- records ---------------------------------------------------------------------------------
def _field(record: dict[str, object], name: str) -> object:
    for key in _KEYS[name]:
        if record.get(key) not in (None, ""):
            return record[key]
    return None


def _record_article(record: object, where: str) -> Iterator[InputItem]:
    """An article from one JSON/CSV record, or an error naming ``where``."""
    if not isinstance(record, dict):
        yield InputError(where, f"expected a JSON object, got {type(record).__name__}")
        return
    text = _field(record, "text")
    if text is None:
        yield InputError(where, "no 'text' field")
        return
    if not isinstance(text, str):
        yield InputError(where, f"'text' must be a string, got {type(text).__name__}")
        return
    if not text.strip():
        yield InputError(where, "empty 'text'")
        return
    if len(text) > MAX_BYTES:
        yield InputError(where, f"'text' is larger than {MAX_BYTES // 2**20} MB")
        return
    fields = {k: _field(record, k) for k in ("title", "url", "source")}
    article, notices = make_article(
        text,
        origin=where,
        title=str(fields["title"] or ""),
        url=str(fields["url"] or ""),
        source=str(fields["source"] or ""),
        published=_field(record, "published"),
    )
    yield from notices
    yield article


def _load_json(text: str, where: str, *, with_line: bool) -> Any:
    """The parsed JSON value, or an InputError naming ``where`` (and the line, for a whole
    file) and the problem: a syntax error, nesting too deep, or a number too long."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = f"{where}:{exc.lineno}" if with_line else where
        return InputError(at, f"invalid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return InputError(where, "invalid JSON: nested too deeply")
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        return InputError(where, f"invalid JSON: {str(exc)[:100]}")


def _iter_json(path: Path, source: str) -> Iterator[InputItem]:
    text, notices = _decode_document(path, source)
    yield from notices
    data = _load_json(text, source, with_line=True)
    if isinstance(data, InputError):
        yield data
        return
    if isinstance(data, list):
        if not data:
            yield InputError(source, "empty JSON list")
        for i, record in enumerate(data, 1):
            yield from _record_article(record, f"{source}[{i}]")
    else:
        yield from _record_article(data, source)


def _iter_binary_lines(fh: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; ``None`` for a line longer than MAX_BYTES (skipped)."""
    lineno = 0
    while True:
        line = fh.readline(MAX_BYTES + 1)
        if not line:
            return
        lineno += 1
        if len(line) > MAX_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the long line
                line = fh.readline(MAX_BYTES + 1)
            yield lineno, None
        else:
            yield lineno, line


def _iter_jsonl_lines(
    lines: Iterator[tuple[int, bytes | None]], source: str
) -> Iterator[InputItem]:
    seen_any = False
    noted: set[str] = set()
    for lineno, raw in lines:
        where = f"{source}:{lineno}"
        if raw is None:
            yield InputError(where, f"line longer than {MAX_BYTES // 2**20} MB")
            continue
        if not raw.strip():
            continue
        seen_any = True
        try:
            line, enc = decode_bytes(raw, source=where)
        except InputError as exc:
            yield exc
            continue
        if enc not in ("utf-8", "utf-8-sig") and enc not in noted:
            noted.add(enc)
            yield InputNotice(source, f"line {lineno} is not valid UTF-8; decoded as {enc}")
        record = _load_json(line, where, with_line=False)
        if isinstance(record, InputError):
            yield record
            continue
        yield from _record_article(record, where)
    if not seen_any:
        yield InputError(source, "empty file")


def _open_binary(path: Path, source: str) -> BinaryIO | InputError:
    """The file opened for reading bytes, or the error that names it."""
    try:
        return path.open("rb")
    except OSError as exc:
        return InputError(source, f"cannot read: {exc.strerror or exc}")


def _iter_jsonl(path: Path, source: str) -> Iterator[InputItem]:
    fh = _open_binary(path, source)
    if isinstance(fh, InputError):
        yield fh
        return
    with fh:
        yield from _iter_jsonl_lines(_iter_binary_lines(fh), source)


def _iter_csv(path: Path, source: str) -> Iterator[InputItem]:
    fh = _open_binary(path, source)
    if isinstance(fh, InputError):
        yield fh
        return
    with fh:
        head = fh.read(64 * 1024)
        if not head.strip():
            yield InputError(source, "empty file")
            return
        try:
            # Judge the encoding on the head (an incomplete last character is fine).
            codecs.getincrementaldecoder("utf-8")().decode(head.removeprefix(codecs.BOM_UTF8))
            enc = "utf-8-sig"
            if b"\x00" in head:
                raise InputError(source, "binary content (NUL bytes), not a text file")
        except UnicodeDecodeError:
            try:
                if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    enc = "utf-16"  # the head may end inside a character; the reader won't
                else:
                    enc = decode_bytes(head, source=source)[1]
            except InputError as exc:
                yield exc
                return
            yield InputNotice(source, f"not valid UTF-8; decoded as {enc}")
        except InputError as exc:
            yield exc
            return
        fh.seek(0)
        text = io.TextIOWrapper(fh, encoding=enc, newline="")
        csv.field_size_limit(MAX_BYTES)
        reader = csv.DictReader(text)
        try:
            names = [(n or "").strip().lower() for n in (reader.fieldnames or [])]
            if "text" not in names:
                shown = ", ".join(n for n in names if n) or "none"
                yield InputError(source, f"no 'text' column (columns: {shown})")
                return
            reader.fieldnames = names
            for row in reader:
                size = sum(
                    len(v) if isinstance(v, str) else sum(len(x) for x in v or ())
                    for v in row.values()
                )
                if size > MAX_BYTES:  # every column counts, not only "text"
                    yield InputError(
                        f"{source}:{reader.line_num}", f"record over {MAX_BYTES:,} characters"
                    )
                    continue
                record = {k: v for k, v in row.items() if k}
                yield from _record_article(record, f"{source}:{reader.line_num}")
        except (csv.Error, UnicodeDecodeError) as exc:
            yield InputError(f"{source}:{reader.line_num}", f"unreadable CSV: {exc}")


def _iter_text(path: Path, source: str, *, html: bool) -> Iterator[InputItem]:
    text, notices = _decode_document(path, source)
    yield from notices
    if html:
        fields = html_to_article_fields(text)
        if not fields["text"].strip():
            yield InputError(source, "no text found in the HTML page")
            return
        article, more = make_article(origin=source, **fields)
    else:
        article, more = make_article(text, origin=source)
    yield from more
    yield article


def read_jsonl_range(
    source: str | Path, start: int, stop: int, *, first_line: int = 1
) -> Iterator[InputItem]:
    """The articles of one chunk of a ``.jsonl`` file: bytes ``start`` to ``stop`` (at line
    boundaries), whose first line is line ``first_line`` of the file (for messages).

    Used by the distributed ingest, which splits large files into chunks. Never raises.
    """
    name = str(source)
    fh = _open_binary(Path(source), name)
    if isinstance(fh, InputError):
        yield fh
        return
    with fh:
        fh.seek(start)

        def lines() -> Iterator[tuple[int, bytes | None]]:
            for lineno, raw in _iter_binary_lines(fh):
                yield first_line + lineno - 1, raw
                if fh.tell() >= stop:
                    return

        for item in _iter_jsonl_lines(lines(), name):
            if isinstance(item, InputError) and item.problem == "empty file" and start > 0:
                continue  # a chunk of blank lines inside a file that has records
            yield item


def read_source(source: str | Path, *, stdin: TextIO | None = None) -> Iterator[InputItem]:
    """Every article (or error / notice) in one file, or in stdin when ``source`` is ``"-"``.

    Never raises for a bad input: problems are yielded as :class:`InputError`.
    """
    if str(source) == STDIN:
        yield from _iter_stdin(stdin)
        return
    path = Path(source)
    name = str(source)
    if not path.exists():
        yield InputError(name, "no such file or directory")
        return
    if path.is_dir():
        yield InputError(name, "is a directory")
        return
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            yield from _iter_json(path, name)
        elif suffix == ".jsonl":
            yield from _iter_jsonl(path, name)
        elif suffix == ".csv":
            yield from _iter_csv(path, name)
        else:
            yield from _iter_text(path, name, html=suffix in (".html", ".htm"))
    except InputError as exc:
        yield exc


def _iter_stdin(stdin: TextIO | None) -> Iterator[InputItem]:
    """stdin is JSONL when every non-empty line starts with "{", else one plain-text article."""
    if stdin is None:
        import sys

        stdin = sys.stdin
    text = stdin.read(MAX_BYTES + 1)
    if len(text) > MAX_BYTES:
        yield InputError("<stdin>", f"larger than {MAX_BYTES // 2**20} MB; use a JSONL file")
        return
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        yield InputError("<stdin>", "empty input")
    elif all(line.lstrip().startswith("{") for line in lines):
        numbered = ((i, line.encode("utf-8")) for i, line in enumerate(text.split("\n"), 1))
        yield from _iter_jsonl_lines(numbered, "<stdin>")
    else:
        article, notices = make_article(text, origin="<stdin>")
        yield from notices
        yield article


# -- paths -----------------------------------------------------------------------------------
def _not_regular(path: str) -> str:
    """``""`` for a regular file (or a symlink to one), else what it is (``FIFO``, ...)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return ""  # gone or unreadable: the reader names the problem when it gets there
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"


def iter_sources(paths: Sequence[str | Path]) -> Iterator[str | InputError]:
    """Files to read, in a stable order: named files as given, folders walked lazily.

    Inside folders only files with a supported suffix are taken; hidden files and folders are
    skipped. A path that does not exist, a sub-folder that cannot be listed and, inside
    folders, anything but a regular file (a FIFO would block forever) are yielded as
    InputErrors.
    """
    for given in paths:
        name = str(given)
        if name == STDIN:
            yield STDIN
            continue
        path = Path(given)
        if path.is_dir():
            unreadable: list[OSError] = []
            for root, dirs, files in os.walk(path, onerror=unreadable.append):
                while unreadable:  # a folder that cannot be listed is named, not skipped
                    err = unreadable.pop(0)
                    yield InputError(
                        str(err.filename or root), f"cannot read folder: {err.strerror}"
                    )
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith(".") and Path(f).suffix.lower() in SUPPORTED_SUFFIXES:
                        full = os.path.join(root, f)
                        kind = _not_regular(full)
                        if kind:  # a FIFO would block the ingest forever, a device worse
                            yield InputError(full, f"not a regular file ({kind}); skipped")
                        else:
                            yield full
            for err in unreadable:
                yield InputError(str(err.filename or path), f"cannot read folder: {err.strerror}")
        elif path.exists():
            yield name
        else:
            yield InputError(name, "no such file or directory")


def count_sources(paths: Sequence[str | Path]) -> int:
    """How many files :func:`iter_sources` will yield (cheap: walks names, reads nothing)."""
    return sum(1 for _ in iter_sources(paths))


def iter_articles(
    paths: Sequence[str | Path], *, stdin: TextIO | None = None
) -> Iterator[InputItem]:
    """Every article under ``paths`` (files, folders, ``"-"`` for stdin), lazily.

    Yields :class:`~geomap.models.Article`, :class:`~geomap.errors.InputError` (a file or record
    that could not be read; the others go on) and :class:`InputNotice`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text("Clashes in Idlib.")
    >>> [type(x).__name__ for x in iter_articles([d, d / "missing.txt"])]
    ['Article', 'InputError']
    """
    for src in iter_sources(paths):
        if isinstance(src, InputError):
            yield src
        else:
            yield from read_source(src, stdin=stdin)


def read_article_file(path: str | Path) -> list[Article]:
    """All articles in one file; raises the first :class:`InputError` met."""
    out = []
    for item in read_source(path):
        if isinstance(item, InputError):
            raise item
        if isinstance(item, Article):
            out.append(item)
    return out
