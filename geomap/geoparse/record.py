"""Recognize and resolve in one call, and the JSONL record shape of ``geomap geoparse``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from geomap.gazetteer.lookup import Gazetteer
from geomap.geoparse.recognize import recognize
from geomap.geoparse.resolve import is_dismissed, resolve_mentions
from geomap.models import METHOD_GAZETTEER, Mention, Place, Resolution

__all__ = ["geoparse_text", "main_town", "resolution_to_json"]


def geoparse_text(
    text: str,
    *,
    gazetteer: Gazetteer,
    geocoder: object | None = None,
    spans: Sequence[tuple[int, int]] | None = None,
    demonyms: bool = True,
) -> list[Resolution]:
    """Every place mention in ``text`` with its resolution, in text order.

    A lone word whose only gazetteer readings are namesakes far from the article and that
    nothing marks as a place ("Nelson said") is left out (:func:`is_dismissed`).
    With ``spans`` (start, end pairs) recognition is skipped and exactly those spans are
    resolved, one Resolution each, in the given order.

    Examples
    --------
    >>> [r.place.name for r in geoparse_text("Shelling hit al-Bab.", gazetteer=gaz)]
    ... # doctest: +SKIP
    ['Al Bāb']
    """
    found = recognize(text, gazetteer=gazetteer, demonyms=demonyms)
    if spans is None:
        resolved = resolve_mentions(
            text, found, gazetteer=gazetteer, geocoder=geocoder, dismiss=True
        )
        return [r for r in resolved if not is_dismissed(r)]
    # Given spans: only they are output, but the whole text still gives the context: the
    # countries, regions and first-level areas it names ("in northern Syria", "Syrian"); a
    # recognised mention with the same span lends its kind and cue ("the town of"). Smaller
    # recognised places are left out: a wrong one would mislead more than it helps.
    same = {(m.start, m.end): m for m in found}
    given = [same.get((s, e), Mention(s, e, text[s:e])) for s, e in spans]
    context = [
        m
        for m in found
        if not any(m.start < e and s < m.end for s, e in spans) and _is_wide(m, gazetteer)
    ]
    everything = resolve_mentions(text, [*given, *context], gazetteer=gazetteer)
    resolved = everything[: len(given)]
    if geocoder is not None and any(r.place is None for r in resolved):
        # the fallback is asked for the given spans only, never for context mentions
        again = resolve_mentions(text, given, gazetteer=gazetteer, geocoder=geocoder)
        resolved = [r if r.place is not None else a for r, a in zip(resolved, again, strict=True)]
    town = main_town(everything)
    if town is None:
        return resolved
    # A span given as a place that nothing can place is most likely in the article's main
    # town or near it (a racetrack, a suburb, a hamlet): a low-scored estimate, said so.
    why = f"given as a place the gazetteer cannot place: the article's main town {town.name}"
    return [
        r
        if r.place is not None
        else Resolution(r.mention, town, 0.2, METHOD_GAZETTEER, (*r.reasons, why))
        for r in resolved
    ]


def main_town(resolutions: Sequence[Resolution]) -> Place | None:
    """The town (not a country or first-level area) the article names most often with
    confidence; the first of them on a tie."""
    towns = [
        r.place
        for r in resolutions
        if r.place is not None
        and r.score >= 0.43
        and r.method == METHOD_GAZETTEER
        and not (r.place.is_country or r.place.is_admin1)
        and r.place.feature_class == "P"
    ]
    if not towns:
        return None
    counts = Counter(p.geonameid for p in towns)
    best = max(counts.values())
    return next(p for p in towns if counts[p.geonameid] == best)


def _is_wide(m: Mention, gazetteer: Gazetteer) -> bool:
    """A demonym, a region ("northern Syria"), or the official name of a country or admin1."""
    if m.kind in ("demonym", "region"):
        return True
    return any(
        c.kind == 0 and (c.place.is_country or c.place.is_admin1)
        for c in gazetteer.candidates(m.surface)
    )


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
