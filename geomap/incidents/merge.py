"""Merged incident values from the candidates (reports) linked into one incident.

Pure functions over candidate rows (dicts with the ``candidate`` table's columns plus the
reporting article's ``article_title``, ``article_url``, ``article_source``, ``article_origin``
and ``article_published``), so the rules are testable without a database:

- date: the most precise report (lowest time_precision), then the date most reports give,
  then the earliest date;
- location: the most precise (lowest geo_precision), then the highest confidence, then the
  smallest geonameid;
- type, sub-type and actors: the most common value among reports that give one, the
  alphabetically first on ties;
- fatalities / injured: each source (article) keeps its own figure (its highest, if it
  reports the incident twice), shown on its ``sources`` entry; the incident shows low (the
  smallest figure), high (the largest) and best, the median of the sources' figures (the
  lower of the two middle ones), UCDP style, instead of silently the highest;
- notes: those of the report that gave the date;
- evidence: the first sentence behind each (field, value) across reports (every report's own
  evidence stays on its candidate); link reasons: those of every report that joined;
- sources: one per reporting article (name = the article's source, else the url's domain, else
  the file name it came from), with url, published date, excerpt, article id and its own
  killed / injured figures; then one per copy of it (the same text seen at another url),
  marked ``copy_of``; ``source_count`` counts articles, not copies.

Every rule depends on the set of reports only, not on the order they arrived in, and the
link reasons end with where the merged date, place and counts came from.
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
    return min(counts, key=lambda v: (-counts[v], v))


def _per_source(rows: Sequence[Row], key: str) -> dict[str, int]:
    """Each article's figure for ``key`` (its highest, when it reports the incident twice)."""
    out: dict[str, int] = {}
    for r in rows:
        v = r[key]
        if v is not None:
            out[r["article_id"]] = max(v, out.get(r["article_id"], v))
    return out


def _best(figures: Sequence[int]) -> int | None:
    """The lower median of the sources' figures (UCDP's best without reliability grades)."""
    if not figures:
        return None
    ordered = sorted(figures)
    return ordered[(len(ordered) - 1) // 2]


def merge_candidates(
    rows: Sequence[Row], *, loads: Any, copies: Mapping[str, Sequence[Row]] | None = None
) -> dict[str, Any]:
    """The incident columns (all but id and timestamps) merged from its candidate rows.

    ``rows`` are the incident's reports in any order (the result does not depend on it);
    ``loads`` decodes the JSON columns (``json.loads``). JSON columns come back as Python
    lists, ready to be dumped. ``copies`` maps an article id to the other addresses its text
    was seen at (rows with ``url``, ``source``, ``published``, ``origin``): each is listed
    after the article's own source entry, with ``copy_of`` its url, and is not counted as
    another source.
    """
    if not rows:
        raise ValueError("an incident needs at least one candidate")
    dated = [r for r in rows if r["event_date"]]
    if dated:
        date_votes = Counter(r["event_date"] for r in dated)
        when = min(dated, key=lambda r: (r["time_precision"], -date_votes[r["event_date"]],
                                         r["event_date"], r["id"]))  # fmt: skip
    else:
        when = min(rows, key=lambda r: r["id"])
    where = min(
        rows,
        key=lambda r: (
            r["latitude"] is None,
            r["geo_precision"],
            -(r["confidence"] or 0.0),
            r["geonameid"] if r["geonameid"] is not None else 1 << 62,
            r["id"],
        ),
    )
    killed, injured = _per_source(rows, "fatalities"), _per_source(rows, "injured")
    sources: list[dict[str, Any]] = []
    seen: set[str] = set()
    names_by_article: dict[str, str] = {}
    for r in rows:
        if r["article_id"] in seen:
            continue
        seen.add(r["article_id"])
        name = source_name(
            source=r["article_source"], url=r["article_url"], origin=r["article_origin"]
        )
        names_by_article[r["article_id"]] = name or r["article_id"]
        sources.append(
            {
                "name": name,
                "url": r["article_url"],
                "published": r["article_published"] or "",
                "excerpt": r["excerpt"],
                "article_id": r["article_id"],
                "fatalities": killed.get(r["article_id"]),
                "injured": injured.get(r["article_id"]),
            }
        )
        for c in sorted((copies or {}).get(r["article_id"], ()), key=lambda c: c["url"]):
            copy = {"url": c["url"], "published": c["published"] or "", "copy_of": r["article_url"]}
            name = source_name(source=c["source"], url=c["url"], origin=c["origin"])
            sources.append({**sources[-1], **copy, "name": name})
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
    if len(seen) > 1:
        reasons.extend(_merge_reasons(when, where, killed, injured, names_by_article))
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
        "notes": when["notes"],
        "fatalities": _best(list(killed.values())),
        "fatalities_low": min(killed.values()) if killed else None,
        "fatalities_high": max(killed.values()) if killed else None,
        "injured": _best(list(injured.values())),
        "source_count": len(seen),
        "sources": sources,
        "evidence": evidence,
        "link_reasons": reasons,
    }


def _merge_reasons(
    when: Row, where: Row, killed: dict[str, int], injured: dict[str, int], names: dict[str, str]
) -> list[str]:
    """Where a merged incident's date, place and counts came from."""
    out = [
        f"merged date {when['event_date'] or 'none'} from {names[when['article_id']]}"
        " (most precise, then most reported, then earliest)",
        f"merged place {where['location'] or 'none'} from {names[where['article_id']]}"
        " (most precise, then most confident)",
    ]
    for label, figures in (("killed", killed), ("injured", injured)):
        if figures:
            each = ", ".join(f"{names[a]} {v}" for a, v in sorted(figures.items()))
            out.append(
                f"{label}: best {_best(list(figures.values()))} (low {min(figures.values())},"
                f" high {max(figures.values())}; median of sources) from {each}"
            )
    return out
