"""The ingest pipeline: articles -> places -> incident candidates -> linked incidents in the store.

:func:`ingest_paths` reads inputs lazily (``geomap.ingest.readers``), and for each article not yet
stored: geoparses it (gazetteer opened once, geocoder fallback cached in the store), applies
analysts' stored place corrections, extracts incident candidates, and writes the article, its
mentions and candidates with their links in one transaction (``geomap.store.sqlite.write_article``).
A file or article that fails is reported and skipped; everything else is kept.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from geomap.config import Settings
from geomap.errors import InputError, StoreError
from geomap.ingest.readers import InputNotice, count_sources, iter_sources, read_source
from geomap.models import METHOD_MANUAL, Article, IncidentCandidate, Resolution
from geomap.store.sqlite import (
    Store,
    add_copy,
    find_correction,
    has_article,
    needs_geocoder_retry,
    outlet_countries,
    write_article,
)

if TYPE_CHECKING:
    from geomap.gazetteer.lookup import Gazetteer
    from geomap.incidents.link import LinkDecision
    from geomap.incidents.outlets import OutletFocus

__all__ = [
    "IngestReport",
    "apply_corrections",
    "ingest_articles",
    "ingest_paths",
    "make_linker",
    "outlet_focus",
]

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did. ``failed`` and ``notices`` are ``(source, message)`` pairs."""

    new: int = 0
    known: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    notices: tuple[tuple[str, str], ...] = ()
    incidents_created: int = 0
    incidents_merged: int = 0
    elapsed: float = 0.0
    retried: int = 0  # known articles processed again to resolve what the geocoder could not
    copies: int = 0  # known articles seen at a new url (listed among their incidents' sources)

    @property
    def ok(self) -> bool:
        """True when every input was ingested (nothing failed)."""
        return not self.failed

    def summary(self) -> str:
        """The one-line summary the CLI prints."""
        return (
            f"articles: {self.new} new, {self.known} already known"
            + (f" ({self.retried} re-resolved)" if self.retried else "")
            + (f" ({self.copies} at a new address)" if self.copies else "")
            + f", {len(self.failed)} failed; "
            f"incidents: {self.incidents_created} created, {self.incidents_merged} merged"
        )


@dataclass
class _Tally:
    new: int = 0
    known: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)
    created: int = 0
    merged: int = 0
    retried: int = 0
    copies: int = 0


def make_linker() -> Callable[[IncidentCandidate, list[dict[str, Any]]], LinkDecision]:
    """The store's linker: ``geomap.incidents.link.link_candidate`` over stored reports."""
    from geomap.incidents.link import link_candidate, target_from_record

    def linker(candidate: IncidentCandidate, rows: list[dict[str, Any]]) -> LinkDecision:
        return link_candidate(candidate, [target_from_record(r) for r in rows])

    return linker


def outlet_focus(store: Store) -> OutletFocus:
    """The outlets' focus countries for one ingest run, seeded from ``store``."""
    from geomap.incidents.outlets import OutletFocus

    return OutletFocus(seed=lambda source: outlet_countries(store, source))


def apply_corrections(store: Store, resolutions: Sequence[Resolution]) -> list[Resolution]:
    """Resolutions with analysts' stored corrections applied (same name, same countries)."""
    if store.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM correction)").fetchone()[0]:
        return list(resolutions)
    countries = sorted({r.place.country_code for r in resolutions if r.place is not None})
    out = []
    for res in resolutions:
        found = find_correction(store, surface=res.mention.surface, context=countries)
        if found is None:
            out.append(res)
        else:
            cid, place = found
            out.append(
                replace(res, place=place, score=1.0, method=METHOD_MANUAL,
                        reasons=(f"manual correction #{cid}",))
            )  # fmt: skip
    return out


#: SQLite errors caused by one article's values, not by the store: that article fails.
_ARTICLE_DATA_ERRORS = (
    sqlite3.IntegrityError, sqlite3.DataError, sqlite3.InterfaceError, sqlite3.ProgrammingError,
)  # fmt: skip


def _process(
    article: Article,
    *,
    store: Store,
    gazetteer: Gazetteer,
    geocoder: object,
    linker: Callable[..., Any],
    tally: _Tally,
    focus: OutletFocus,
) -> None:
    from geomap.geoparse.record import geoparse_text
    from geomap.incidents.extract import extract_incidents

    retry = False
    if has_article(store, article.id):
        # A known article is processed again only to resolve what the geocoder could not.
        retry = geocoder is not None and needs_geocoder_retry(store, article.id)
        if not retry:
            tally.known += 1
            tally.copies += add_copy(store, article)
            return
    start_article = getattr(geocoder, "start_article", None)
    if start_article is not None:
        start_article()
    try:
        resolutions = geoparse_text(article.text, gazetteer=gazetteer, geocoder=geocoder)
        budget_note = str(getattr(geocoder, "budget_note", "") or "")
        if budget_note:  # the rest of the article's unknown names stay unresolved
            tally.notices.append((article.origin, f"{budget_note}; later names left unresolved"))
        resolutions = apply_corrections(store, resolutions)
        capped: list[str] = []  # the stated caps this article reached
        candidates = extract_incidents(article, resolutions, gazetteer=gazetteer, notices=capped)
        candidates = focus.settle(article, candidates, gazetteer.country, resolutions)
        tally.notices.extend((article.origin, line) for line in capped)
    except Exception as exc:
        # A bug or an odd text in one article must not stop the others; say which one.
        tally.failed.append((article.origin, f"could not process: {type(exc).__name__}: {exc}"))
        return
    try:
        result = write_article(
            store, article, resolutions, candidates, linker=linker, replace=retry
        )
    except _ARTICLE_DATA_ERRORS as exc:
        tally.failed.append((article.origin, f"could not store: {type(exc).__name__}: {exc}"))
        return
    except store.db_errors as exc:
        # The store itself is failing (locked, full, read-only, corrupt): stop the batch.
        raise StoreError(f"store {store.path}: {exc} (while writing {article.origin})") from exc
    except Exception as exc:
        # Anything else is about this article's data (the transaction rolled back): the
        # article fails, named, and the batch goes on.
        tally.failed.append((article.origin, f"could not store: {type(exc).__name__}: {exc}"))
        return
    if not result.new:  # stored meanwhile by another process
        tally.known += 1
        tally.copies += add_copy(store, article)
        return
    if retry:
        tally.known += 1
        tally.retried += 1
        return
    focus.count(article, candidates)
    tally.new += 1
    tally.created += len(result.incidents_created)
    tally.merged += len(result.incidents_merged)


def ingest_articles(
    items: Any,
    *,
    store: Store,
    gazetteer: Gazetteer,
    geocoder: object = None,
    tally: _Tally | None = None,
    focus: OutletFocus | None = None,
) -> _Tally:
    """Process an iterable of ``Article | InputError | InputNotice`` into the store.

    ``focus`` carries the outlets' focus countries across calls (one per ingest run); by
    default a new one, seeded from the store."""
    tally = tally or _Tally()
    focus = focus or outlet_focus(store)
    linker = make_linker()
    for item in items:
        if isinstance(item, InputError):
            tally.failed.append((item.source, item.problem))
        elif isinstance(item, InputNotice):
            tally.notices.append((item.source, item.message))
        else:
            _process(
                item, store=store, gazetteer=gazetteer, geocoder=geocoder, linker=linker,
                tally=tally, focus=focus,
            )  # fmt: skip
    return tally


def _guarded(items: Iterator[Any], source: str) -> Iterator[Any]:
    """``items``, with an unexpected reader exception turned into that file's failure."""
    try:
        yield from items
    except Exception as exc:  # a reader bug on an odd file must not stop the whole batch
        yield InputError(source, f"could not read: {type(exc).__name__}: {exc}")


def ingest_paths(
    paths: Sequence[str | Path],
    *,
    settings: Settings,
    store: Store,
    progress: Progress | None = None,
    stdin: TextIO | None = None,
    gazetteer: Gazetteer | None = None,
) -> IngestReport:
    """Ingest files, folders (recursively) and ``"-"`` (stdin) into ``store``.

    ``progress(done, total)`` is called after each file (``total`` counts files; None when
    unknown). ``gazetteer`` defaults to ``Gazetteer.open(settings)``; the geocoder fallback
    is ``geomap.geoparse.geocode.make_geocoder(settings, cache=store.geocode_cache)`` (None
    offline).

    Examples
    --------
    >>> report = ingest_paths(["articles/"], settings=settings, store=store)  # doctest: +SKIP
    >>> report.summary()  # doctest: +SKIP
    'articles: 12 new, 0 already known, 0 failed; incidents: 9 created, 3 merged'
    """
    from geomap.geoparse.geocode import make_geocoder

    started = time.perf_counter()
    if gazetteer is None:
        from geomap.gazetteer.lookup import Gazetteer

        gazetteer = Gazetteer.open(settings)
    geocoder = make_geocoder(settings, cache=store.geocode_cache)
    total = count_sources(paths) if progress is not None else None
    tally = _Tally()
    focus = outlet_focus(store)
    for done, src in enumerate(iter_sources(paths), 1):
        if isinstance(src, InputError):
            tally.failed.append((src.source, src.problem))
        else:
            ingest_articles(
                _guarded(read_source(src, stdin=stdin), src), store=store,
                gazetteer=gazetteer, geocoder=geocoder, tally=tally, focus=focus,
            )  # fmt: skip
        if progress is not None:
            progress(done, total)
    return IngestReport(
        new=tally.new,
        known=tally.known,
        failed=tuple(tally.failed),
        notices=tuple(tally.notices),
        incidents_created=tally.created,
        incidents_merged=tally.merged,
        elapsed=time.perf_counter() - started,
        retried=tally.retried,
        copies=tally.copies,
    )
