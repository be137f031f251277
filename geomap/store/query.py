"""Reading the store: incidents as flat ``INCIDENT_FIELDS`` records, mentions, facets.

Everything streams from a cursor (no ``fetchall`` of a whole table) and filters run in SQL.
Import these from ``geomap.store.sqlite``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from geomap.errors import NotFoundError
from geomap.gazetteer.iso3 import iso3
from geomap.gazetteer.names import match_key
from geomap.models import INCIDENT_FIELDS, IncidentFilter

if TYPE_CHECKING:
    from geomap.store.sqlite import Store

__all__ = [
    "ORDERS",
    "count_incidents",
    "facet_values",
    "get_incident",
    "incident_ids",
    "iter_candidates",
    "iter_incidents",
    "iter_mentions",
    "iter_with_reports",
    "outlet_countries",
    "report_values",
    "unknown_values",
    "with_reports",
]

_JSON_FIELDS = tuple(k for k, t in INCIDENT_FIELDS.items() if t == "json")
_SELECT = ", ".join("id AS incident_id" if k == "incident_id" else k for k in INCIDENT_FIELDS)
#: Accepted ``order_by`` values; a leading "-" sorts descending.
ORDERS = ("event_date", "incident_id", "fatalities", "updated_at", "country", "source_count")


def _key_places(store: Store, text: str) -> tuple[str, ...]:
    """The stored place names (location or admin1) whose match key holds ``text``'s: "El Bab"
    and "al-Bab" find Al Bāb. Computed here (distinct names are few), so every backend's SQL
    stays plain."""
    key = match_key(text)
    if not key:
        return ()
    names = {
        str(name)
        for row in store.conn.execute("SELECT DISTINCT location, admin1 FROM incident")
        for name in row
        if name
    }
    return tuple(sorted(n for n in names if key in match_key(n)))


def _where(flt: IncidentFilter, store: Store | None = None) -> tuple[str, list[Any]]:
    """SQL condition and parameters for a filter (on the ``incident`` table); with the
    store, the search text also finds places by the gazetteer's match key."""
    parts: list[str] = []
    params: list[Any] = []

    def any_of(expr: str, values: tuple[str, ...]) -> None:
        parts.append(f"{expr} IN ({', '.join('?' * len(values))})")
        params.extend(values)

    dated: list[str] = []
    if flt.date_from is not None:
        dated.append("event_date >= ?")
        params.append(flt.date_from.isoformat())
    if flt.date_to is not None:
        dated.append("event_date <= ?")
        params.append(flt.date_to.isoformat())
    if dated and flt.include_undated:
        parts.append(f"(event_date IS NULL OR event_date = '' OR ({' AND '.join(dated)}))")
    else:
        parts.extend(dated)
    if flt.event_types:
        any_of("event_type", flt.event_types)
    if flt.countries:
        # Country names as stored, ISO3 or ISO2 codes; any matches.
        codes = [iso3(c) if len(c.strip()) == 2 else c.strip().upper() for c in flt.countries]
        marks = ", ".join("?" * len(flt.countries))
        parts.append(f"(country IN ({marks}) OR iso3 IN ({marks}))")
        params.extend(flt.countries)
        params.extend(codes)
    if flt.actors:
        marks = ", ".join("?" * len(flt.actors))
        parts.append(f"(actor1 IN ({marks}) OR actor2 IN ({marks}))")
        params.extend(flt.actors * 2)
    if flt.sources:
        marks = ", ".join("?" * len(flt.sources))
        parts.append(
            "EXISTS (SELECT 1 FROM json_each(incident.sources) s"
            f" WHERE json_extract(s.value, '$.name') IN ({marks}))"
        )
        params.extend(flt.sources)
    if flt.text.strip():
        text_match = (
            "instr(geomap_fold(location || ' ' || admin1 || ' ' || notes || ' ' || actor1"
            " || ' ' || actor2 || ' ' || sources), ?) > 0"
        )
        params.append(flt.text.strip().casefold())
        places = _key_places(store, flt.text) if store is not None else ()
        if places:  # or a place spelled another way (the match key)
            marks = ", ".join("?" * len(places))
            text_match = f"({text_match} OR location IN ({marks}) OR admin1 IN ({marks}))"
            params.extend(places * 2)
        parts.append(text_match)
    if flt.min_confidence > 0:
        parts.append("confidence >= ?")
        params.append(flt.min_confidence)
    if flt.review_statuses:
        any_of("review_status", flt.review_statuses)
    elif not flt.include_rejected:
        parts.append("review_status != 'rejected'")
    if flt.bbox is not None:
        min_lon, min_lat, max_lon, max_lat = flt.bbox
        parts.append("latitude BETWEEN ? AND ?")
        params.extend((min_lat, max_lat))
        if min_lon <= max_lon:
            parts.append("longitude BETWEEN ? AND ?")
            params.extend((min_lon, max_lon))
        else:  # the box crosses the antimeridian
            parts.append("(longitude >= ? OR longitude <= ?)")
            params.extend((min_lon, max_lon))
    return (" WHERE " + " AND ".join(parts)) if parts else "", params


def _order(order_by: str) -> str:
    key = order_by.lstrip("-")
    if key not in ORDERS:
        raise ValueError(f"order_by must be one of {', '.join(ORDERS)} (optionally with '-')")
    column = "id" if key == "incident_id" else key
    direction = "DESC" if order_by.startswith("-") else "ASC"
    nulls = "NULLS LAST" if direction == "ASC" else "NULLS FIRST"
    return f" ORDER BY {column} {direction} {nulls}, id"


def _record(names: list[str], row: tuple[Any, ...]) -> dict[str, Any]:
    record = dict(zip(names, row, strict=True))
    for key in _JSON_FIELDS:
        record[key] = json.loads(record[key] or "[]")
    return record


def iter_incidents(
    store: Store, flt: IncidentFilter | None = None, *, order_by: str = "event_date"
) -> Iterator[dict[str, Any]]:
    """Incidents matching ``flt`` as flat records with exactly the ``INCIDENT_FIELDS`` keys.

    Dates are ISO ``YYYY-MM-DD`` strings, missing numbers None, JSON fields (``sources``,
    ``evidence``, ``link_reasons``) Python lists. Streams from a cursor. ``order_by`` is one of
    :data:`ORDERS`, "-" for descending; ties go by incident id.
    """
    where, params = _where(flt or IncidentFilter(), store)
    cur = store.conn.execute(f"SELECT {_SELECT} FROM incident{where}{_order(order_by)}", params)
    names = [d[0] for d in cur.description]
    for row in cur:
        yield _record(names, row)


def count_incidents(store: Store, flt: IncidentFilter | None = None) -> int:
    """How many incidents match ``flt``."""
    where, params = _where(flt or IncidentFilter(), store)
    return int(store.conn.execute(f"SELECT count(*) FROM incident{where}", params).fetchone()[0])


def incident_ids(store: Store) -> set[str]:
    """The ids of every stored incident (rejected ones too): to tell what an ingest added."""
    return {str(row[0]) for row in store.conn.execute("SELECT id FROM incident")}


def report_values(store: Store, incident_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Each report's own values (killed, injured, date, place as named and as written) per
    incident, in the order the reports were stored: where sources disagree."""
    out: dict[str, list[dict[str, Any]]] = {}
    ids = list(dict.fromkeys(incident_ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        cur = store.conn.execute(
            "SELECT incident_id, article_id, fatalities, injured, event_date, location,"
            " location_surface FROM candidate"
            f" WHERE incident_id IN ({', '.join('?' * len(chunk))}) ORDER BY rowid",
            chunk,
        )
        names = [d[0] for d in cur.description]
        for row in cur:
            rec = dict(zip(names, row, strict=True))
            out.setdefault(str(rec.pop("incident_id")), []).append(rec)
    return out


def with_reports(store: Store, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records, those merged from several reports as copies with each report's values.

    A copy gains ``reports`` (per report: ``source``, ``fatalities``, ``injured``,
    ``event_date``, ``location``, ``location_surface``) and, unless the record has them,
    ``fatalities_low``/``fatalities_high`` (the store's own when it has them) and
    ``injured_low``/``injured_high``: the lowest and highest figure the reports give (the
    record's own value is the best estimate).
    """
    items = list(records)
    merged = [r["incident_id"] for r in items if (r.get("source_count") or 0) > 1]
    values = report_values(store, merged) if merged else {}
    out = []
    for rec in items:
        reports = values.get(rec["incident_id"])
        if not reports:
            out.append(rec)
            continue
        names = {
            s.get("article_id"): s.get("name")
            for s in rec.get("sources") or ()
            if isinstance(s, dict)
        }
        copy = dict(rec)
        copy["reports"] = [{"source": names.get(r["article_id"]) or "", **r} for r in reports]
        for field in ("fatalities", "injured"):
            figures = [r[field] for r in reports if isinstance(r[field], int)]
            if figures and copy.get(f"{field}_low") is None:
                copy[f"{field}_low"] = min(figures)
            if figures and copy.get(f"{field}_high") is None:
                copy[f"{field}_high"] = max(figures)
        out.append(copy)
    return out


def iter_with_reports(
    store: Store, records: Iterable[dict[str, Any]], *, chunk: int = 500
) -> Iterator[dict[str, Any]]:
    """:func:`with_reports` as a stream: ``chunk`` records at a time, so a map or an export of
    every incident never holds them all."""
    batch: list[dict[str, Any]] = []
    for rec in records:
        batch.append(rec)
        if len(batch) >= chunk:
            yield from with_reports(store, batch)
            batch = []
    if batch:
        yield from with_reports(store, batch)


def get_incident(store: Store, incident_id: str) -> dict[str, Any]:
    """One incident record; raises NotFoundError when there is no such incident."""
    cur = store.conn.execute(f"SELECT {_SELECT} FROM incident WHERE id = ?", (incident_id,))
    row = cur.fetchone()
    if row is None:
        raise NotFoundError(f"no incident {incident_id!r} in {store.path}")
    return _record([d[0] for d in cur.description], row)


def iter_candidates(store: Store, incident_id: str) -> Iterator[dict[str, Any]]:
    """The reports (candidates) merged into an incident, each with its own values and the
    link reasons that joined it, in the order they were stored."""
    cur = store.conn.execute(
        "SELECT c.*, a.title AS article_title, a.url AS article_url, a.source AS article_source,"
        " a.published AS article_published FROM candidate c JOIN article a ON a.id = c.article_id"
        " WHERE c.incident_id = ? ORDER BY c.rowid",
        (incident_id,),
    )
    names = [d[0] for d in cur.description]
    for row in cur:
        rec = dict(zip(names, row, strict=True))
        rec["evidence"] = json.loads(rec["evidence"])
        rec["link_reasons"] = json.loads(rec["link_reasons"])
        yield rec


def outlet_countries(store: Store, source: str) -> dict[str, int]:
    """{country code: articles of ``source`` with a report the text locates there}.

    Located means geo_precision 1 or 2 (a place the text names, not a country guessed for
    it); ``geomap.incidents.outlets.OutletFocus`` seeds its tallies from this.
    """
    cur = store.conn.execute(
        "SELECT c.country_code, count(DISTINCT a.id) FROM article a JOIN candidate c"
        " ON c.article_id = a.id WHERE a.source = ? AND c.geo_precision <= 2"
        " AND c.country_code <> '' GROUP BY c.country_code",
        (source,),
    )
    return {str(cc): int(n) for cc, n in cur}


def iter_mentions(
    store: Store, *, article_id: str | None = None, resolved_only: bool = False
) -> Iterator[dict[str, Any]]:
    """Places mentioned in articles (the map's and the export's mentions layer).

    Each record: ``article_id``, ``start``, ``end``, ``surface``, ``kind``, ``cue``,
    ``geonameid``, ``name``, ``latitude``, ``longitude``, ``feature_code``, ``country_code``,
    ``admin1``, ``country``, ``score``, ``method``, ``reasons`` (list), and the article's
    ``title``, ``url``, ``published``.
    """
    sql = (
        'SELECT m.article_id, m.start, m."end", m.surface, m.kind, m.cue, m.geonameid, m.name,'
        " m.lat AS latitude, m.lon AS longitude, m.feature_code, m.country_code, m.admin1,"
        " m.country, m.score, m.method, m.reasons, a.title, a.url, a.published"
        " FROM mention m JOIN article a ON a.id = m.article_id"
    )
    conds, params = [], []
    if article_id is not None:
        conds.append("m.article_id = ?")
        params.append(article_id)
    if resolved_only:
        conds.append("m.lat IS NOT NULL")
    if conds:
        sql += " WHERE " + " AND ".join(conds)
    cur = store.conn.execute(sql + " ORDER BY m.article_id, m.idx", params)
    names = [d[0] for d in cur.description]
    for row in cur:
        rec = dict(zip(names, row, strict=True))
        rec["reasons"] = json.loads(rec["reasons"])
        yield rec


def _closest(value: str, options: Iterable[str]) -> list[str]:
    """Known values spelled like ``value``, best first: the same match key, then by
    similarity (difflib), letters swapped counting as close ("Sirya" -> "Syria")."""
    opts = list(dict.fromkeys(o for o in options if o))
    key, low = match_key(value), value.casefold()

    def score(option: str) -> float:
        other = option.casefold()
        ratio = difflib.SequenceMatcher(None, low, other).ratio()
        return ratio + (0.5 if sorted(low) == sorted(other) else 0.0)

    same = [o for o in opts if key and match_key(o) == key]
    close = sorted((o for o in opts if score(o) >= 0.6), key=lambda o: -score(o))
    close = [o for o in close if score(o) >= score(close[0]) - 0.2]  # only the clear ones
    return list(dict.fromkeys([*same, *close]))[:3]


def unknown_values(flt: IncidentFilter, facets: Mapping[str, Sequence[str]]) -> list[str]:
    """A "did you mean" message for each filter value that no stored incident has.

    ``facets`` is :func:`facet_values`. Country codes (2-3 letters) are taken as given; an
    event type that is a sub-event type's spelling gets its event type suggested.

    Examples
    --------
    >>> country, kind = unknown_values(
    ...     IncidentFilter(countries=("Sirya",), event_types=("Airstrike",)),
    ...     {"countries": ["Syria"], "event_types": ["Battles"]},
    ... )
    >>> country
    "no incident has country 'Sirya'; did you mean 'Syria'?"
    >>> kind.split("; ")[1]
    "did you mean 'Explosions/Remote violence' (sub-event 'Air/drone strike')?"
    """
    from geomap.incidents.eventtypes import EVENT_TYPES

    out = []
    checks = (
        ("country", flt.countries, facets.get("countries") or ()),
        ("type", flt.event_types, facets.get("event_types") or ()),
        ("actor", flt.actors, facets.get("actors") or ()),
        ("source", flt.sources, facets.get("sources") or ()),
    )
    for label, values, known in checks:
        lowered = {k.casefold() for k in known}
        for value in values:
            if value.casefold() in lowered:
                continue
            if label == "country" and value.strip().isalpha() and len(value.strip()) <= 3:
                continue  # an ISO code: matched in SQL
            hints = [f"'{c}'" for c in _closest(value, known)]
            if label == "type" and not hints:
                subs = {sub: kind for kind, subs_ in EVENT_TYPES.items() for sub in subs_}
                for sub in _closest(value, [*subs, *EVENT_TYPES]):
                    hints.append(
                        f"'{subs[sub]}' (sub-event '{sub}')" if sub in subs else f"'{sub}'"
                    )
            message = f"no incident has {label} '{value}'"
            if hints:
                message += f"; did you mean {' or '.join(hints[:3])}?"
            out.append(message)
    return out


def facet_values(store: Store) -> dict[str, list[str]]:
    """Values for the app's sidebar: ``event_types``, ``countries``, ``actors``, ``sources``
    (sorted, distinct) and ``dates`` (``[min, max]`` ISO dates, or ``[]`` when no dated
    incident is stored)."""
    conn = store.conn

    def distinct(sql: str) -> list[str]:
        return [str(r[0]) for r in conn.execute(sql) if r[0]]

    lo, hi = conn.execute("SELECT min(event_date), max(event_date) FROM incident").fetchone()
    return {
        "event_types": distinct("SELECT DISTINCT event_type FROM incident ORDER BY 1"),
        "countries": distinct("SELECT DISTINCT country FROM incident ORDER BY 1"),
        "actors": distinct(
            "SELECT actor1 FROM incident UNION SELECT actor2 FROM incident ORDER BY 1"
        ),
        "sources": distinct(
            "SELECT DISTINCT json_extract(s.value, '$.name') FROM incident,"
            " json_each(incident.sources) s ORDER BY 1"
        ),
        "dates": [lo, hi] if lo else [],
    }
