"""Recognize and resolve in one call, and the JSONL record shape of ``geomap geoparse``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from geomap.gazetteer.lookup import Gazetteer
from geomap.geoparse.recognize import recognize
from geomap.geoparse.resolve import resolve_mentions
from geomap.models import Mention, Resolution

__all__ = ["geoparse_text", "resolution_to_json"]


def geoparse_text(
    text: str,
    *,
    gazetteer: Gazetteer,
    geocoder: object | None = None,
    spans: Sequence[tuple[int, int]] | None = None,
    demonyms: bool = True,
) -> list[Resolution]:
    """Every place mention in ``text`` with its resolution, in text order.

    With ``spans`` (start, end pairs) recognition is skipped and exactly those spans are
    resolved, one Resolution each, in the given order.

    Examples
    --------
    >>> [r.place.name for r in geoparse_text("Shelling hit al-Bab.", gazetteer=gaz)]
    ... # doctest: +SKIP
    ['Al Bāb']
    """
    if spans is not None:
        mentions = [Mention(s, e, text[s:e]) for s, e in spans]
    else:
        mentions = recognize(text, gazetteer=gazetteer, demonyms=demonyms)
    return resolve_mentions(text, mentions, gazetteer=gazetteer, geocoder=geocoder)


def resolution_to_json(r: Resolution) -> dict[str, Any]:
    """The ``places[]`` item of ``geomap geoparse`` output (DESIGN.md contract)."""
    p = r.place
    out: dict[str, Any] = {
        "start": r.mention.start,
        "end": r.mention.end,
        "name": r.mention.surface,
        "lat": p.lat if p else None,
        "lon": p.lon if p else None,
        "geonameid": p.geonameid if p and p.geonameid and p.geonameid > 0 else None,
        "feature_code": p.feature_code if p else None,
        "country": p.country_code or None if p else None,
        "resolved_name": p.name if p else None,
        "score": r.score,
        "method": r.method,
        "kind": r.mention.kind,
        "reasons": list(r.reasons),
    }
    return out
