"""The map app's page logic, without streamlit: URL filters, table rows, counts, demo data.

``app.py`` is a thin page over these functions, so everything here can be tested without a
browser or a Streamlit runtime:

- :func:`load_view` / :func:`load_facets`: the records and counts the page shows for a filter,
  and the sidebar's options;
- :func:`table_rows` and :func:`summarize`: the incident table (plain values, never HTML) and
  the metrics;
- :func:`needs_samples` / :func:`load_samples`: an empty store gets the bundled sample articles
  on first start, offline;
- :func:`ingest_uploads`: uploaded files and pasted text through the ingest pipeline, with each
  failure named by the uploaded file's own name;
- :func:`store_signature`: the cache key of the store's current contents;
- :func:`place_choices` / :func:`manual_place` / :func:`correct_incident`: the "correct a place"
  form over the gazetteer and the store's correction API;
- :func:`export_geojson` / :func:`export_csv`: the download buttons' bytes, via geomap.export.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap.config import SAMPLE_ARTICLES_DIR, Settings
from geomap.export import write_csv, write_geojson
from geomap.models import IncidentFilter, Place

if TYPE_CHECKING:
    from geomap.gazetteer.lookup import Gazetteer
    from geomap.pipeline import IngestReport
    from geomap.store.sqlite import Store

__all__ = [
    "TABLE_COLUMNS",
    "TABLE_ORDERS",
    "Counts",
    "View",
    "correct_incident",
    "export_csv",
    "export_geojson",
    "failure_lines",
    "ingest_uploads",
    "load_facets",
    "load_samples",
    "load_view",
    "manual_place",
    "needs_samples",
    "notice_lines",
    "place_choices",
    "place_label",
    "sample_paths",
    "store_signature",
    "summarize",
    "table_rows",
    "with_reports",
]

#: Columns of the incident table, in order (a subset of INCIDENT_FIELDS, all plain values).
TABLE_COLUMNS: tuple[str, ...] = (
    "event_date",
    "event_type",
    "sub_event_type",
    "location",
    "admin1",
    "country",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
    "injured",
    "source_count",
    "source",
    "reports",
    "actor1",
    "actor2",
    "location_method",
    "confidence",
    "geo_precision",
    "time_precision",
    "latitude",
    "longitude",
    "notes",
    "incident_id",
)

Progress = Callable[[int, int | None], None]


# -- reading the store -----------------------------------------------------------------------
def store_signature(path: str | Path) -> tuple[int, int, int, int]:
    """``(mtime_ns, size)`` of the store file and of its WAL file: changes on every write.

    With WAL journaling a commit touches only ``<store>-wal`` until a checkpoint, so both files
    count. A missing file gives zeros. A PostgreSQL store: its row counts and newest writes
    (``geomap.store.postgres.change_signature``).
    """
    from geomap.store.postgres import change_signature, is_postgres_url

    if is_postgres_url(path):
        return change_signature(str(path))
    out: list[int] = []
    for p in (Path(path), Path(f"{path}-wal")):
        try:
            st = p.stat()
            out.extend((st.st_mtime_ns, st.st_size))
        except OSError:
            out.extend((0, 0))
    return (out[0], out[1], out[2], out[3])


@dataclass(frozen=True)
class Counts:
    """The page's metrics for the shown incidents."""

    incidents: int
    located: int
    fatalities: int
    injured: int
    reports: int


@dataclass(frozen=True)
class View:
    """What the page shows for one filter: the records and their counts."""

    records: tuple[dict[str, Any], ...]
    counts: Counts


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def summarize(records: Iterable[Mapping[str, Any]]) -> Counts:
    """Incidents, located incidents, killed, injured and source reports, summed.

    Examples
    --------
    >>> summarize([{"fatalities": 3, "injured": None, "source_count": 2, "latitude": 1.0,
    ...             "longitude": 2.0}, {"fatalities": None, "source_count": 1}])
    Counts(incidents=2, located=1, fatalities=3, injured=0, reports=3)
    """
    n = located = killed = injured = reports = 0
    for rec in records:
        n += 1
        if rec.get("latitude") is not None and rec.get("longitude") is not None:
            located += 1
        killed += _int(rec.get("fatalities"))
        injured += _int(rec.get("injured"))
        reports += _int(rec.get("source_count"))
    return Counts(n, located, killed, injured, reports)


def load_view(db_path: str | Path, flt: IncidentFilter) -> View:
    """Read the incidents matching ``flt`` (newest first) and their counts."""
    from geomap.store.sqlite import iter_incidents, open_store

    store = open_store(db_path)
    try:
        records = tuple(iter_incidents(store, flt, order_by="-event_date"))
    finally:
        store.close()
    return View(records=records, counts=summarize(records))


def with_reports(db_path: str | Path, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records, those merged from several reports as copies with each report's own
    values and the low/high range (``geomap.store.sqlite.with_reports``), for the popups and
    the table; the view's own records stay as the store gives them."""
    from geomap.store.sqlite import open_store
    from geomap.store.sqlite import with_reports as attach

    store = open_store(db_path, readonly=True)
    try:
        return attach(store, records)
    finally:
        store.close()


def load_facets(db_path: str | Path) -> tuple[dict[str, list[str]], int]:
    """The sidebar's options (``store.facet_values``) and the number of stored incidents."""
    from geomap.store.sqlite import count_incidents, facet_values, open_store

    store = open_store(db_path)
    try:
        return facet_values(store), count_incidents(store)
    finally:
        store.close()


def _reports_cell(reports: list[dict[str, Any]]) -> str:
    """Each report's own figures on one line: "Wire A: 4 killed, 15 injured, 2017-02-09,
    Khan Shaykhun; Wire B: ..." (plain text)."""
    parts = []
    for r in reports:
        bits = [
            f"{'?' if r.get('fatalities') is None else r['fatalities']} killed",
            f"{'?' if r.get('injured') is None else r['injured']} injured",
            str(r.get("event_date") or "undated"),
            str(r.get("location_surface") or r.get("location") or "unplaced"),
        ]
        parts.append(f"{r.get('source') or 'source'}: {', '.join(bits)}")
    return "; ".join(parts)


def _cell(value: object) -> object:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list) and value and isinstance(value[0], dict) and "injured" in value[0]:
        return _reports_cell(value)
    if isinstance(value, list | tuple | dict):
        return str(len(value))
    return str(value)


def _sort_key(field: str, *, descending: bool) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    def key(rec: Mapping[str, Any]) -> tuple[int, Any]:
        value = rec.get(field)
        if value is None or value == "":
            return (1, 0)  # missing values last, whatever the direction
        if isinstance(value, int | float):
            return (0, -value if descending else value)
        return (0, value)

    return key


#: Orders of the table (each a field and a direction); the first is the view's own order.
TABLE_ORDERS: dict[str, tuple[str, bool]] = {
    "newest first": ("event_date", True),
    "oldest first": ("event_date", False),
    "most killed": ("fatalities", True),
    "most injured": ("injured", True),
    "most reports": ("source_count", True),
    "lowest location confidence": ("confidence", False),
}


def table_rows(
    records: Iterable[Mapping[str, Any]],
    *,
    order: str = "newest first",
    limit: int | None = None,
) -> list[dict[str, object]]:
    """The incident table: :data:`TABLE_COLUMNS` of each record as plain str/int/float/None,
    in one of :data:`TABLE_ORDERS` (missing values last), at most ``limit`` rows.

    Cells are data, never markup: the page shows them with ``st.dataframe``, which renders
    text as text.

    Examples
    --------
    >>> rows = table_rows([{"incident_id": "a", "fatalities": 2}, {"incident_id": "b"},
    ...                    {"incident_id": "c", "fatalities": 9}], order="most killed")
    >>> [r["incident_id"] for r in rows]
    ['c', 'a', 'b']
    """
    field, descending = TABLE_ORDERS[order]
    items = list(records)
    if field == "event_date":  # strings: sort the present ones, then append the missing
        present = [r for r in items if r.get(field)]
        present.sort(key=lambda r: str(r[field]), reverse=descending)
        items = present + [r for r in items if not r.get(field)]
    else:
        items.sort(key=_sort_key(field, descending=descending))
    if limit is not None:
        items = items[:limit]
    return [{c: _cell(rec.get(c)) for c in TABLE_COLUMNS} for rec in items]


def mention_records(db_path: str | Path, article_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Resolved place mentions of the given articles (the map's "other places" layer)."""
    from geomap.store.sqlite import iter_mentions, open_store

    wanted = set(article_ids)
    store = open_store(db_path)
    try:
        return [
            m for m in iter_mentions(store, resolved_only=True) if m.get("article_id") in wanted
        ]
    finally:
        store.close()


def article_ids(records: Iterable[Mapping[str, Any]]) -> set[str]:
    """The ids of the articles reporting these incidents."""
    out: set[str] = set()
    for rec in records:
        for src in rec.get("sources") or ():
            if isinstance(src, dict) and src.get("article_id"):
                out.add(str(src["article_id"]))
    return out


# -- exports ---------------------------------------------------------------------------------
def export_geojson(records: Iterable[dict[str, Any]]) -> bytes:
    """The shown incidents as RFC 7946 GeoJSON (UTF-8), written by geomap.export."""
    buf = io.StringIO()
    write_geojson(records, buf)
    return buf.getvalue().encode("utf-8")


def export_csv(records: Iterable[dict[str, Any]]) -> bytes:
    """The shown incidents as CSV (UTF-8), written by geomap.export."""
    buf = io.StringIO(newline="")
    write_csv(records, buf)
    return buf.getvalue().encode("utf-8")


# -- demo data and uploads -------------------------------------------------------------------
def sample_paths(folder: Path = SAMPLE_ARTICLES_DIR) -> list[Path]:
    """The bundled sample article files, sorted (empty when the folder is missing); files of
    other types (the folder's README.md) are not articles."""
    from geomap.ingest.readers import SUPPORTED_SUFFIXES

    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES
    )


def needs_samples(store: Store) -> bool:
    """True when the store holds no article at all (a fresh store: show the samples)."""
    row = store.conn.execute("SELECT EXISTS (SELECT 1 FROM article)").fetchone()
    return not bool(row[0])


def load_samples(
    *,
    settings: Settings,
    store: Store,
    gazetteer: Gazetteer | None = None,
    progress: Progress | None = None,
    folder: Path = SAMPLE_ARTICLES_DIR,
) -> IngestReport | None:
    """Ingest the bundled sample articles, offline; None when there are no samples."""
    from geomap.pipeline import ingest_paths

    paths = sample_paths(folder)
    if not paths:
        return None
    return ingest_paths(
        paths,
        settings=settings.with_overrides(offline=True),
        store=store,
        gazetteer=gazetteer,
        progress=progress,
    )


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _disk_name(name: str, index: int) -> str:
    """A harmless file name that keeps the upload's suffix (the ingest format follows it)."""
    base = Path(name.replace("\\", "/")).name or "upload"
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ".txt"
    stem = _SAFE_NAME.sub("_", stem).strip("._")[:60] or "upload"
    return f"{index:04d}-{stem}{suffix}"


def ingest_uploads(
    files: Sequence[tuple[str, bytes]],
    *,
    text: str = "",
    settings: Settings,
    store: Store,
    gazetteer: Gazetteer | None = None,
    progress: Progress | None = None,
    outlet: str = "",
    url: str = "",
    published: str = "",
) -> IngestReport:
    """Ingest uploaded files (``(name, bytes)``) and pasted text through the pipeline.

    Each upload is written to a private temporary folder under a harmless version of its
    own name and suffix (the format follows it; a text file's source is then its own name,
    not a temporary one), then ``geomap.pipeline.ingest_paths`` reads them all; a failure is
    reported under the uploaded file's own name (``"pasted text"`` for the text area).
    Everything that can be ingested is, whatever fails. ``outlet``, ``url`` and
    ``published`` (what the user typed) name the source of the pasted text and of uploaded
    .txt and .html files (for .html, over what the page says of itself).
    """
    from dataclasses import replace

    from geomap.pipeline import ingest_paths

    with tempfile.TemporaryDirectory(prefix="geomap-upload-") as tmp:
        folder = Path(tmp)
        names: dict[str, str] = {}
        paths: list[Path] = []
        entries = list(files)
        if text.strip():
            entries.append(("pasted text", text.encode("utf-8")))
        meta = {"source": outlet.strip(), "url": url.strip(), "published": published.strip()}
        for i, (name, data) in enumerate(entries):
            shown = "pasted text" if i >= len(files) else (name or "upload")
            disk = _disk_name(shown, i) if i < len(files) else f"{i:04d}-pasted.txt"
            (folder / f"{i:04d}").mkdir()
            path = folder / f"{i:04d}" / disk.split("-", 1)[1]
            if any(meta.values()) and path.suffix in (".txt", ".html", ".htm"):
                data, path = _with_meta(data, path, meta)
            path.write_bytes(data)
            names[str(path)] = shown
            paths.append(path)
        report = ingest_paths(
            paths, settings=settings, store=store, gazetteer=gazetteer, progress=progress
        )

    def rename(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        out = []
        for source, message in pairs:
            shown = source
            for disk, name in names.items():
                if source.startswith(disk):
                    shown = name + source[len(disk) :]
                message = message.replace(disk, name)
            out.append((shown, message))
        return tuple(out)

    return replace(report, failed=rename(report.failed), notices=rename(report.notices))


def _with_meta(data: bytes, path: Path, meta: dict[str, str]) -> tuple[bytes, Path]:
    """A text or HTML upload as a one-record JSON file carrying what the user typed."""
    import json

    from geomap.ingest.htmltext import html_to_article_fields

    text = data.decode("utf-8", errors="replace")
    if path.suffix in (".html", ".htm"):
        record = html_to_article_fields(text)
    else:
        record = {"text": text, "title": ""}
    record["title"] = record.get("title") or path.stem
    record.update({k: v for k, v in meta.items() if v})
    record.setdefault("source", path.name)
    return json.dumps(record, ensure_ascii=False).encode("utf-8"), path.with_suffix(".json")


def failure_lines(report: IngestReport) -> list[str]:
    """One plain-text line per failed input (shown with ``st.text``, never as markup)."""
    return [f"{source}: {message}" for source, message in report.failed]


def notice_lines(report: IngestReport) -> list[str]:
    """One plain-text line per notice (a cap an article reached, a budget spent, an input
    read with a caveat), shown with ``st.text``, never as markup."""
    return [f"{source}: {message}" for source, message in report.notices]


# -- corrections -----------------------------------------------------------------------------
def place_label(place: Place) -> str:
    """``name, admin1, country (feature code, population) lat, lon`` for a candidate list."""
    where = ", ".join(p for p in (place.name, place.admin1, place.country) if p)
    extra = place.feature_code + (f", pop. {place.population:,}" if place.population else "")
    return f"{where} ({extra}) {place.lat:.4f}, {place.lon:.4f}"


def place_choices(gazetteer: Gazetteer, name: str, *, limit: int = 25) -> list[Place]:
    """Gazetteer places a name may refer to, best first (empty for no match)."""
    name = name.strip()
    if not name:
        return []
    return [c.place for c in gazetteer.candidates(name)[:limit]]


def manual_place(
    lat: float,
    lon: float,
    *,
    name: str,
    country: str = "",
    admin1: str = "",
    country_code: str = "",
) -> Place:
    """A place at coordinates the analyst entered (no gazetteer id), in the incident's
    country and first-level area unless told otherwise.

    Raises ValueError when the coordinates are out of range.
    """
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ValueError(f"coordinates out of range: {lat}, {lon}")
    return Place(
        geonameid=None,
        name=name.strip() or f"{lat:.4f}, {lon:.4f}",
        lat=float(lat),
        lon=float(lon),
        country_code=country_code,
        admin1=admin1,
        country=country,
    )


def correct_incident(store: Store, incident_id: str, place: Place) -> int:
    """Store a manual location for an incident (``location_method`` becomes ``manual``).

    The store reuses it for the same name in articles about the same countries on later
    ingests, and keeps it through re-ingest. Returns the correction id.
    """
    from geomap.store.sqlite import add_correction

    return add_correction(store, scope="incident", target=incident_id, place=place)
