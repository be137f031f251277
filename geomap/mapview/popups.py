"""Popup, tooltip and legend HTML for incident records, built only from escaped pieces.

Every value from a record goes through :func:`~geomap.mapview.safe_html.html_text` (or
:func:`~geomap.mapview.safe_html.highlight_html` for excerpts) and every link through
:func:`~geomap.mapview.safe_html.safe_url`; the only unescaped strings are this module's own tags.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from geomap.mapview.safe_html import highlight_html, html_text, safe_url

__all__ = [
    "EVENT_COLOURS",
    "OTHER_COLOUR",
    "UNCERTAINTY_KM",
    "event_colour",
    "legend_entries",
    "legend_html",
    "marker_radius",
    "popup_html",
    "tooltip_html",
]

#: Marker colour per ACLED event type (colour-blind-safe Okabe-Ito palette).
EVENT_COLOURS: dict[str, str] = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#CC79A7",
    "Violence against civilians": "#000000",
    "Protests": "#0072B2",
    "Riots": "#E69F00",
    "Strategic developments": "#009E73",
}
OTHER_COLOUR = "#7F7F7F"
#: Radius of the uncertainty circle drawn for geo_precision 2 (near / part of) and 3 (region).
UNCERTAINTY_KM: dict[int, float] = {2: 15.0, 3: 75.0}
_PRECISION = {1: "exact date", 2: "within a week", 3: "within a month or vaguer"}


def event_colour(event_type: object) -> str:
    """The marker colour of an event type (grey for unknown or missing types)."""
    return EVENT_COLOURS.get(str(event_type or ""), OTHER_COLOUR)


def legend_entries(event_types: Iterable[object] | None = None) -> list[tuple[str, str]]:
    """``(label, colour)`` rows for a legend, in the order of :data:`EVENT_COLOURS`.

    With ``event_types`` only the types present are listed, plus ``Other`` if any type is not
    a known one; without, every known type and ``Other``.

    Examples
    --------
    >>> legend_entries(["Riots", "Battles", "Battles"])
    [('Battles', '#D55E00'), ('Riots', '#E69F00')]
    """
    if event_types is None:
        return [*EVENT_COLOURS.items(), ("Other", OTHER_COLOUR)]
    present = {str(t or "") for t in event_types}
    rows = [(label, colour) for label, colour in EVENT_COLOURS.items() if label in present]
    if present - EVENT_COLOURS.keys():
        rows.append(("Other", OTHER_COLOUR))
    return rows


def legend_html(entries: list[tuple[str, str]]) -> str:
    """The legend box: a swatch and an escaped label per entry, plus the marker key."""
    rows = "".join(
        f'<div><span class="geomap-swatch" style="background:{html_text(colour)}"></span>'
        f"{html_text(label)}</div>"
        for label, colour in entries
    )
    return (
        '<div class="geomap-legend-title">Event type</div>'
        + rows
        + '<div class="geomap-legend-note">Larger marker: more killed.<br>'
        "Dashed outline: approximate place (circle of &plusmn;15 km or &plusmn;75 km "
        "when opened).</div>"
    )


def marker_radius(fatalities: object) -> float:
    """Circle-marker radius in pixels: 5 for none/unknown, growing with log2(1 + killed)."""
    if not isinstance(fatalities, int | float) or fatalities <= 0 or fatalities != fatalities:
        return 5.0
    return round(min(16.0, 5.0 + 2.5 * math.log2(1.0 + float(fatalities))), 1)


def _place_line(record: dict[str, Any]) -> str:
    parts = [record.get("location"), record.get("admin1"), record.get("country")]
    seen: list[str] = []
    for part in parts:
        if part and str(part) not in seen:
            seen.append(str(part))
    return ", ".join(seen)


def tooltip_html(record: dict[str, Any]) -> str:
    """One escaped line: ``event type - place, date (N killed)``."""
    text = f"{record.get('event_type') or 'Incident'} – {_place_line(record) or 'unknown place'}"
    if record.get("event_date"):
        text += f", {record['event_date']}"
    if isinstance(record.get("fatalities"), int) and record["fatalities"] > 0:
        text += f" ({record['fatalities']} killed)"
    return html_text(text)


def _number(value: object) -> str:
    return "unknown" if value is None else html_text(value)


def _mention_terms(record: dict[str, Any]) -> list[str]:
    terms = [str(record["location"])] if record.get("location") else []
    for report in record.get("reports") or ():  # the place as each article spells it
        if isinstance(report, dict) and 0 < len(str(report.get("location_surface") or "")) <= 60:
            terms.append(str(report["location_surface"]))
    for item in record.get("evidence") or ():
        if isinstance(item, dict) and item.get("field") in ("location", "place"):
            value = str(item.get("value") or "")
            if 0 < len(value) <= 60:
                terms.append(value)
    return terms


def _excerpt_window(text: str, terms: list[str], limit: int) -> tuple[str, str, str]:
    """(prefix ellipsis, excerpt part, suffix ellipsis), centred on the first term if cut."""
    if len(text) <= limit:
        return "", text, ""
    lowered = text.lower()
    hits = [lowered.find(t.lower()) for t in terms if t]
    first = min((h for h in hits if h >= 0), default=0)
    start = max(0, min(first - limit // 3, len(text) - limit))
    return (
        ("…" if start else ""),
        text[start : start + limit],
        ("…" if start + limit < len(text) else ""),
    )


def _source_html(source: dict[str, Any], terms: list[str], excerpt_chars: int) -> str:
    name = html_text(source.get("name") or "source")
    url = safe_url(source.get("url"))
    if url:
        title = f'<a href="{html_text(url)}" rel="noopener noreferrer" target="_blank">{name}</a>'
    else:
        title = f"<b>{name}</b>"
    published = (
        f" <small>{html_text(source['published'])}</small>" if source.get("published") else ""
    )
    excerpt = str(source.get("excerpt") or "")
    body = ""
    if source.get("copy_of"):  # the same text as the source before it: said, not repeated
        body = ' <small class="geomap-copy">(the same text, another address)</small>'
    elif excerpt:
        before, part, after = _excerpt_window(excerpt, terms, excerpt_chars)
        body = (
            '<div class="geomap-excerpt">'
            + html_text(before)
            + highlight_html(part, terms)
            + html_text(after)
            + "</div>"
        )
    return f'<div class="geomap-source">{title}{published}{body}</div>'


def _range(record: dict[str, Any], field: str) -> str:
    """ " (low 4, high 5)" when the reports disagree; nothing otherwise."""
    low, high = record.get(f"{field}_low"), record.get(f"{field}_high")
    if not isinstance(low, int) or not isinstance(high, int) or low == high:
        return ""
    return f" <small>(low {html_text(low)}, high {html_text(high)})</small>"


def _reports_html(record: dict[str, Any]) -> list[str]:
    """A small table of each source's own figures, when the incident has several reports."""
    reports = [r for r in record.get("reports") or () if isinstance(r, dict)]
    if len(reports) < 2:
        return []

    def cell(value: object, missing: str = "?") -> str:
        return f"<td>{html_text(missing if value in (None, '') else value)}</td>"

    rows = "".join(
        "<tr>"
        + cell(r.get("source"), "source")
        + cell(r.get("fatalities"))
        + cell(r.get("injured"))
        + cell(r.get("event_date"), "undated")
        + cell(r.get("location_surface") or r.get("location"))
        + "</tr>"
        for r in reports
    )
    return [
        '<table class="geomap-reports"><tr><th>Each source says</th><th>killed</th>'
        f"<th>injured</th><th>date</th><th>place</th></tr>{rows}</table>"
    ]


def _review_lines(record: dict[str, Any]) -> list[str]:
    """ "Verified by NAME on DATE (reason)" or "Rejected ..."; nothing while unreviewed."""
    status = record.get("review_status")
    if status not in ("verified", "rejected"):
        return []
    text = f"{str(status).capitalize()} by {record.get('reviewed_by') or 'an analyst'}"
    if record.get("reviewed_at"):
        text += f" on {str(record['reviewed_at'])[:10]}"
    if record.get("review_reason"):
        text += f" ({record['review_reason']})"
    return [f'<div class="geomap-review geomap-{html_text(status)}">{html_text(text)}</div>']


def popup_html(
    record: dict[str, Any],
    *,
    max_sources: int = 5,
    excerpt_chars: int = 400,
    review_link: bool = False,
) -> str:
    """The popup of one incident: what, when, where, casualties, confidence and sources.

    At most ``max_sources`` sources are shown (then "+N more"), each excerpt cut to
    ``excerpt_chars`` around the place mention, which is highlighted with ``<mark>``. With
    ``review_link`` a "Review this incident" link (``?view=review&incident=ID``) ends it; the
    map points it at the app's page.
    """
    lines = [f'<div class="geomap-type">{html_text(record.get("event_type") or "Incident")}</div>']
    if record.get("sub_event_type"):
        lines.append(f'<div class="geomap-sub">{html_text(record["sub_event_type"])}</div>')
    date = html_text(record.get("event_date") or "date unknown")
    precision = _PRECISION.get(record.get("time_precision"))  # type: ignore[arg-type]
    lines.append(
        f"<div>{date}" + (f" <small>({precision})</small>" if precision else "") + "</div>"
    )
    place = html_text(_place_line(record) or "place unknown")
    radius = UNCERTAINTY_KM.get(record.get("geo_precision"))  # type: ignore[arg-type]
    approx = f" <small>(approximate, ±{radius:g} km)</small>" if radius else ""
    lines.append(f"<div>{place}{approx}</div>")
    lines.append(
        f"<div>Killed: {_number(record.get('fatalities'))}{_range(record, 'fatalities')} · "
        f"Injured: {_number(record.get('injured'))}{_range(record, 'injured')}</div>"
    )
    lines.extend(_reports_html(record))
    confidence = record.get("confidence")
    if isinstance(confidence, int | float) and confidence == confidence:
        method = record.get("location_method")
        lines.append(
            f"<div>Location confidence: {confidence:.2f}"
            + (f" ({html_text(method)})" if method else "")
            + "</div>"
        )
    lines.extend(_review_lines(record))
    sources = [s for s in (record.get("sources") or ()) if isinstance(s, dict)]
    terms = _mention_terms(record)
    if sources:
        lines.append('<div class="geomap-sources">')
        lines.extend(_source_html(s, terms, excerpt_chars) for s in sources[:max_sources])
        if len(sources) > max_sources:
            lines.append(f"<div><small>+{len(sources) - max_sources} more sources</small></div>")
        lines.append("</div>")
    if review_link and record.get("incident_id"):
        iid = html_text(record["incident_id"])
        lines.append(
            f'<div class="geomap-review-line"><a class="geomap-review-link" target="_top" '
            f'data-incident="{iid}" href="?view=review&amp;incident={iid}">'
            "Review this incident</a></div>"
        )
    return '<div class="geomap-popup">' + "".join(lines) + "</div>"
