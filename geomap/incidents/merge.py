"""Merged incident values from the candidates (reports) linked into one incident.

Pure functions over candidate rows (dicts with the ``candidate`` table's columns plus the
reporting article's ``article_title``, ``article_url``, ``article_source``, ``article_origin``
and ``article_published``), so the rules are testable without a database:

- date: the most precise report (lowest time_precision), earliest report first on ties;
- location: the most precise (lowest geo_precision), then the highest confidence;
- type, sub-type and actors: the most common value among reports that give one, first on ties;
- fatalities / injured: the highest figure any report gives (early reports undercount); each
  report's own figure stays on its candidate;
- evidence: the first sentence behind each (field, value) across reports (every report's own
  evidence stays on its candidate); link reasons: those of every report that joined;
- sources: one per reporting article (name = the article's source, else the url's domain, else
  the file name it came from), with url, published date, excerpt and article id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from geomap.gazetteer.iso3 import iso3

__all__ = ["merge_candidates", "source_name"]

Row = Mapping[str, Any]


def source_name(*, source: str, url: str, origin: str) -> str:
    """The name shown for a source: the outlet, else the url's domain, else the file name.

    Examples
    --------
    >>> source_name(source="", url="https://www.example.org/a", origin="x.txt")
    'example.org'
    >>> source_name(source="", url="", origin="/data/in/report-7.txt")
    'report-7.txt'
    """
    if source.strip():
        return source.strip()
    host = urlsplit(url).hostname or "" if url else ""
    if host:
        return host.removeprefix("www.")
    return PurePath(origin).name if origin else ""


def _most_common(values: Sequence[str]) -> str:
    present = [v for v in values if v]
    if not present:
        return ""
    counts = Counter(present)
    best = max(counts.values())
    return next(v for v in present if counts[v] == best)


def _max_opt(values: Sequence[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def merge_candidates(rows: Sequence[Row], *, loads: Any) -> dict[str, Any]:
    """The incident columns (all but id and timestamps) merged from its candidate rows.

    ``rows`` must be in insertion order (the first is the report that created the incident);
    ``loads`` decodes the JSON columns (``json.loads``). JSON columns come back as Python
    lists, ready to be dumped.
    """
    if not rows:
        raise ValueError("an incident needs at least one candidate")
    order = {id(r): i for i, r in enumerate(rows)}
    dated = [r for r in rows if r["event_date"]]
    when = min(dated, key=lambda r: (r["time_precision"], order[id(r)])) if dated else rows[0]
    where = min(
        rows,
        key=lambda r: (
            r["latitude"] is None,
            r["geo_precision"],
            -(r["confidence"] or 0.0),
            order[id(r)],
        ),
    )
    sources: list[dict[str, Any]] = []
    seen: set[str] = set()
    for r in rows:
        if r["article_id"] in seen:
            continue
        seen.add(r["article_id"])
        sources.append(
            {
                "name": source_name(
                    source=r["article_source"], url=r["article_url"], origin=r["article_origin"]
                ),
                "url": r["article_url"],
                "published": r["article_published"] or "",
                "excerpt": r["excerpt"],
                "article_id": r["article_id"],
            }
        )
    evidence: list[dict[str, Any]] = []
    seen_evidence: set[tuple[str, str]] = set()
    reasons: list[str] = []
    for r in rows:
        for ev in loads(r["evidence"]):
            key = (str(ev.get("field")), str(ev.get("value")))
            if key not in seen_evidence:  # one sentence per (field, value); all stay per report
                seen_evidence.add(key)
                evidence.append({**ev, "article_id": r["article_id"]})
        reasons.extend(loads(r["link_reasons"]))
    names = list(dict.fromkeys(s["name"] for s in sources if s["name"]))
    return {
        "event_date": when["event_date"],
        "time_precision": when["time_precision"],
        "event_type": _most_common([r["event_type"] for r in rows]),
        "sub_event_type": _most_common([r["sub_event_type"] for r in rows]),
        "actor1": _most_common([r["actor1"] for r in rows]),
        "actor2": _most_common([r["actor2"] for r in rows]),
        "iso3": iso3(where["country_code"]),
        "country": where["country"],
        "admin1": where["admin1"],
        "location": where["location"],
        "latitude": where["latitude"],
        "longitude": where["longitude"],
        "geo_precision": where["geo_precision"],
        "geonameid": where["geonameid"],
        "location_method": where["location_method"],
        "confidence": where["confidence"] or 0.0,
        "source": "; ".join(names),
        "notes": rows[0]["notes"],
        "fatalities": _max_opt([r["fatalities"] for r in rows]),
        "injured": _max_opt([r["injured"] for r in rows]),
        "source_count": len(sources),
        "sources": sources,
        "evidence": evidence,
        "link_reasons": reasons,
    }
