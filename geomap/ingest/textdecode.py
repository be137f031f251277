"""Decoding input files: UTF-8 (with or without BOM), UTF-16 with a BOM, else a careful guess
between Windows-1256 (Arabic) and Windows-1252 / Latin-1; binary files and oversized documents
are refused with an error naming the file."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from geomap.errors import InputError

__all__ = ["MAX_BYTES", "decode_bytes", "decode_document", "read_limited"]

#: Largest single document (or JSONL line / CSV record) read, in bytes.
MAX_BYTES = 20 * 1024 * 1024


def _looks_arabic(data: bytes) -> bool:
    """True when the non-ASCII bytes read as Arabic words in Windows-1256.

    Arabic text in cp1256 is runs of high bytes (whole words); Latin-1 text has high bytes
    scattered one at a time inside ASCII words ("café"). Both tests must agree.
    """
    high = [i for i, b in enumerate(data) if b >= 0x80]
    if len(high) < 4:
        return False
    in_runs = sum(
        1
        for i in high
        if (i > 0 and data[i - 1] >= 0x80) or (i + 1 < len(data) and data[i + 1] >= 0x80)
    )
    decoded = data.decode("cp1256", errors="replace")
    letters = [c for c in decoded if ord(c) >= 0x80 and c.isalpha()]
    arabic = sum(1 for c in letters if "ARABIC" in unicodedata.name(c, ""))
    return in_runs / len(high) > 0.6 and bool(letters) and arabic / len(letters) > 0.7


def decode_bytes(data: bytes, *, source: str) -> tuple[str, str]:
    """Decode a file's bytes; returns ``(text, encoding used)``.

    Raises InputError for binary content (NUL bytes without a UTF-16 BOM).

    Examples
    --------
    >>> decode_bytes("café".encode("cp1252"), source="a.txt")
    ('café', 'cp1252')
    >>> decode_bytes("حلب".encode("cp1256") * 3, source="a.txt")[1]
    'cp1256'
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(source, f"has a UTF-16 BOM but is not UTF-16: {exc.reason}") from None
    if b"\x00" in data:
        raise InputError(source, "binary content (NUL bytes), not a text file")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_arabic(data):
        return data.decode("cp1256", errors="replace"), "cp1256"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_limited(path: Path, source: str) -> bytes:
    """The file's bytes; raises InputError when unreadable or larger than :data:`MAX_BYTES`."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError(
            source,
            f"larger than the {MAX_BYTES // 2**20} MB limit for one document; "
            "split it or use JSONL/CSV (read record by record)",
        )
    return data


def decode_document(data: bytes, source: str) -> tuple[str, str]:
    """``(text, encoding)`` of a whole document; raises InputError when it is empty."""
    if not data.strip():
        raise InputError(source, "empty file")
    text, enc = decode_bytes(data, source=source)
    if not text.strip():
        raise InputError(source, "empty file")
    return text, enc
