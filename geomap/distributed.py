"""Ingest on a Dask cluster: the per-article work on the workers, the store written from here.

:func:`ingest_distributed` splits the inputs into partitions (:func:`plan_partitions`: a few
files each, or byte ranges of a large ``.jsonl`` file), and each worker reads, geoparses and
extracts its partitions with the gazetteer opened once per worker process. Nothing on a
worker touches the store. This process (the driver) takes the partitions' results back *in
input order*, whatever order they finish in, and writes and links each article exactly as a
serial ``geomap ingest`` does (``geomap.pipeline``): same corrections, same linker, same
order, so the incidents equal a serial ingest's whatever the partitioning and the number of
workers. Linking is thus the part that does not scale out; it is cheap (an index range scan
per report) and the benchmark measures its share.

A partition that fails (a worker killed mid-run) is retried on another worker; when the
retries run out the run stops with a message naming the partition. Every article written so
far is whole (one transaction each) and a re-run skips them, so nothing is half-written.
The geocoder fallback is not used on workers (thousands of workers must not hit a public
Nominatim): mentions it would have resolved stay unresolved, and a later plain ``geomap
ingest`` of the same inputs resolves them (known articles are processed again for that).

dask[distributed] is an optional extra (``pip install "geomap[dask]"``), imported only here.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap.config import Settings
from geomap.errors import ConfigError, GeomapError, InputError, StoreError
from geomap.ingest.readers import InputNotice, iter_sources, read_jsonl_range, read_source
from geomap.models import Article, IncidentCandidate, Resolution
from geomap.pipeline import IngestReport, apply_corrections, make_linker, outlet_focus
from geomap.store.sqlite import Store, add_copy, has_article, write_article

if TYPE_CHECKING:
    from geomap.gazetteer.lookup import Gazetteer
    from geomap.incidents.outlets import OutletFocus

__all__ = [
    "DistributedError",
    "Partition",
    "ingest_distributed",
    "plan_partitions",
    "process_partition",
]

#: Files per partition, and lines per chunk of a large ``.jsonl`` file: about 0.5-2 s of
#: work each (2-4 ms a report), so the scheduler's per-task cost is noise.
FILES_PER_PARTITION = 200
LINES_PER_CHUNK = 500
#: How often a failed partition (a lost worker) is tried again elsewhere; at most three
#: partitions per worker are in flight (or waiting to be written) at any time.
RETRIES = 2


class DistributedError(GeomapError, RuntimeError):
    """The cluster cannot be reached, or a partition failed after its retries."""


@dataclass(frozen=True)
class Partition:
    """One unit of work: ``(source, start, stop, first_line)`` parts; ``start`` None reads the
    whole file, else bytes ``start:stop`` of a ``.jsonl`` file whose first line is
    ``first_line``."""

    index: int
    parts: tuple[tuple[str, int | None, int, int], ...]

    def describe(self) -> str:
        names = [p[0] if p[1] is None else f"{p[0]}:{p[3]}.." for p in self.parts]
        return ", ".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else "")


def _jsonl_chunks(path: str, lines_per_chunk: int) -> list[tuple[int, int, int]]:
    """(start byte, stop byte, first line) of each chunk of a ``.jsonl`` file."""
    chunks = []
    with open(path, "rb") as fh:
        start, first, pos = 0, 1, 0
        for lineno, line in enumerate(fh, 1):
            pos += len(line)
            if lineno - first + 1 >= lines_per_chunk:
                chunks.append((start, pos, first))
                start, first = pos, lineno + 1
        if pos > start or not chunks:
            chunks.append((start, pos, first))
    return chunks


def plan_partitions(
    paths: Sequence[str | Path],
    *,
    files_per_partition: int = FILES_PER_PARTITION,
    lines_per_chunk: int = LINES_PER_CHUNK,
) -> tuple[list[Partition], list[tuple[str, str]]]:
    """The partitions of the inputs, in input order, and the inputs that failed already.

    Small files go ``files_per_partition`` to a partition; a ``.jsonl`` file of more than
    ``lines_per_chunk`` lines is split into chunks of that many lines.
    """
    partitions: list[Partition] = []
    failed: list[tuple[str, str]] = []
    pending: list[tuple[str, int | None, int, int]] = []

    def flush() -> None:
        if pending:
            partitions.append(Partition(len(partitions), tuple(pending)))
            pending.clear()

    for src in iter_sources(paths):
        if isinstance(src, InputError):
            failed.append((src.source, src.problem))
            continue
        if src == "-":
            raise ConfigError("a distributed ingest reads files, not stdin: save it to a file")
        chunks = None
        if src.lower().endswith(".jsonl") and os.path.isfile(src):
            try:
                chunks = _jsonl_chunks(src, lines_per_chunk)
            except OSError:
                chunks = None  # the worker reports it when it reads the file
        if chunks is not None and len(chunks) > 1:
            flush()
            for start, stop, first in chunks:
                partitions.append(Partition(len(partitions), ((src, start, stop, first),)))
            continue
        pending.append((src, None, 0, 1))
        if len(pending) >= files_per_partition:
            flush()
    flush()
    return partitions, failed


# -- on the workers ----------------------------------------------------------------------------
_GAZETTEERS: dict[str, Gazetteer] = {}
_GAZ_LOCK = threading.Lock()
#: How many times this process opened a gazetteer (once per index path is the contract).
OPENED = [0]
_WARM_TEXT = "Shelling hit al-Bab in Aleppo on Monday, killing 3 civilians, officials said."


def _worker_gazetteer(settings: Settings) -> Gazetteer:
    """The gazetteer of this worker process, opened once per index path and kept."""
    from geomap.gazetteer.lookup import Gazetteer

    key = str(settings.gazetteer_path)
    with _GAZ_LOCK:
        if key not in _GAZETTEERS:
            _GAZETTEERS[key] = Gazetteer.open(settings)
            OPENED[0] += 1
        return _GAZETTEERS[key]


def warm_worker(settings: Settings) -> None:
    """Open the gazetteer and import and exercise the pipeline's modules once, so that a
    worker's first partition costs what every later one does."""
    from geomap.geoparse.record import geoparse_text
    from geomap.incidents.extract import extract_incidents
    from geomap.models import Article

    gazetteer = _worker_gazetteer(settings)
    article = Article(id="warm-up", text=_WARM_TEXT, origin="warm-up")
    res = geoparse_text(article.text, gazetteer=gazetteer, geocoder=None)
    extract_incidents(article, res, gazetteer=gazetteer)


def _setup_plugin(settings: Settings) -> Any:
    """A Dask worker plugin running :func:`warm_worker` on every worker as it starts
    (replacements of lost workers too), before any partition."""
    import distributed

    class GazetteerPlugin(distributed.WorkerPlugin):
        name = f"geomap-gazetteer-{settings.gazetteer_path}"
        idempotent = True  # registered again by a later run on the same cluster: kept

        def __init__(self, settings: Settings) -> None:
            self.settings = settings

        def setup(self, worker: Any) -> None:
            warm_worker(self.settings)

    return GazetteerPlugin(settings)


#: What a partition returns per input item: ("article", Article, resolutions, candidates),
#: ("failed", source, message) or ("notice", source, message). Plain tuples: they pickle.
Item = tuple[Any, ...]


def _items(part: tuple[str, int | None, int, int]) -> Iterator[Any]:
    source, start, stop, first = part
    try:
        if start is None:
            yield from read_source(source)
        else:
            yield from read_jsonl_range(source, start, stop, first_line=first)
    except Exception as exc:  # a reader bug on an odd file must not stop the batch
        yield InputError(source, f"could not read: {type(exc).__name__}: {exc}")


def process_partition(partition: Partition, settings: Settings) -> list[Item]:
    """Read, geoparse and extract one partition (on a worker); nothing is written.

    Each article is geoparsed with the gazetteer only (no geocoder) and its incident
    candidates extracted, exactly as ``geomap.pipeline`` does for one article.
    """
    from geomap.geoparse.record import geoparse_text
    from geomap.incidents.extract import extract_incidents

    gazetteer = _worker_gazetteer(settings)
    out: list[Item] = []
    for part in partition.parts:
        for item in _items(part):
            if isinstance(item, InputError):
                out.append(("failed", item.source, item.problem))
            elif isinstance(item, InputNotice):
                out.append(("notice", item.source, item.message))
            else:
                capped: list[str] = []  # the stated caps this article reached
                try:
                    res = geoparse_text(item.text, gazetteer=gazetteer, geocoder=None)
                    cands = extract_incidents(item, res, gazetteer=gazetteer, notices=capped)
                except Exception as exc:
                    out.append(("failed", item.origin,
                                f"could not process: {type(exc).__name__}: {exc}"))  # fmt: skip
                    continue
                out.extend(("notice", item.origin, line) for line in capped)
                out.append(("article", item, res, cands))
    return out


# -- on the driver -----------------------------------------------------------------------------
@dataclass
class _Counts:
    new: int = 0
    known: int = 0
    created: int = 0
    merged: int = 0
    copies: int = 0


def _write(
    store: Store,
    article: Article,
    resolutions: list[Resolution],
    candidates: list[IncidentCandidate],
    *,
    linker: Callable[..., Any],
    gazetteer: Callable[[], Gazetteer],
    counts: _Counts,
    focus: OutletFocus,
) -> None:
    """Store one processed article as ``geomap.pipeline`` does (corrections, the outlet's
    focus country, linking)."""
    if has_article(store, article.id):
        counts.known += 1
        counts.copies += add_copy(store, article)
        return
    corrected = apply_corrections(store, resolutions)
    if corrected != resolutions:  # an analyst's correction changes what extraction sees
        from geomap.incidents.extract import extract_incidents

        candidates = extract_incidents(article, corrected, gazetteer=gazetteer())
    candidates = focus.settle(article, candidates, lambda cc: gazetteer().country(cc), corrected)
    try:
        result = write_article(store, article, corrected, candidates, linker=linker)
    except store.db_errors as exc:
        raise StoreError(f"store {store.path}: {exc} (while writing {article.origin})") from exc
    if not result.new:
        counts.known += 1
        counts.copies += add_copy(store, article)
        return
    focus.count(article, candidates)
    counts.new += 1
    counts.created += len(result.incidents_created)
    counts.merged += len(result.incidents_merged)


@dataclass(frozen=True)
class DistributedStats:
    """Where the time went: worker phase (wall), driver write/link time, partitions."""

    partitions: int
    workers: int
    write_seconds: float
    wall_seconds: float


#: Dask settings of the local cluster: no statistical profiler (it samples each worker's
#: task thread every 10 ms and costs a few per cent of the extraction's CPU).
LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}


def local_cluster(workers: int) -> Any:
    """A ``distributed.LocalCluster`` of ``workers`` one-thread processes, no dashboard."""
    import dask
    import distributed

    dd: Any = distributed  # untyped library
    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        return dd.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )


def ingest_distributed(
    paths: Sequence[str | Path],
    *,
    settings: Settings,
    store: Store,
    address: str | None = None,
    workers: int | None = None,
    files_per_partition: int = FILES_PER_PARTITION,
    lines_per_chunk: int = LINES_PER_CHUNK,
    client: Any = None,
    process: Callable[[Partition, Settings], list[Item]] = process_partition,
    stats: list[DistributedStats] | None = None,
) -> IngestReport:
    """Ingest ``paths`` with the per-article work on a Dask cluster.

    ``address`` is a scheduler (``tcp://host:8786``); else ``workers`` local worker processes
    are started (a ``distributed.LocalCluster``) and stopped afterwards; or pass a ``client``.
    The store is written only here, in input order, so the result equals
    ``geomap.pipeline.ingest_paths`` on the same inputs whatever the partitioning.

    Examples
    --------
    >>> ingest_distributed(["feeds/"], settings=s, store=st, workers=2)  # doctest: +SKIP
    """
    try:
        import distributed
    except ImportError:
        raise ConfigError("distributed ingest needs dask: pip install 'geomap[dask]'") from None
    started = time.perf_counter()
    partitions, failed = plan_partitions(
        paths, files_per_partition=files_per_partition, lines_per_chunk=lines_per_chunk
    )
    dd: Any = distributed  # untyped library
    cluster = None
    own_client = client is None
    if client is None:
        try:
            if address:
                client = dd.Client(address, timeout="30s")
            else:
                cluster = local_cluster(workers or 2)
                client = dd.Client(cluster)
        except (OSError, TimeoutError) as exc:
            raise DistributedError(f"cannot reach the Dask scheduler {address}: {exc}") from exc
    # Workers never geocode; the settings they get say so.
    worker_settings = replace(settings, offline=True)
    notices: list[tuple[str, str]] = []
    counts = _Counts()
    linker = make_linker()
    focus = outlet_focus(store)
    gaz: list[Gazetteer] = []

    def driver_gazetteer() -> Gazetteer:
        if not gaz:
            from geomap.gazetteer.lookup import Gazetteer

            gaz.append(Gazetteer.open(settings))
        return gaz[0]

    write_seconds = 0.0
    try:
        plugin = _setup_plugin(worker_settings)
        client.register_plugin(plugin, name=plugin.name)
        # A bounded window of partitions in flight: workers stay busy while the driver
        # writes, and results waiting to be written never fill the workers' memory.
        window = max(4, 3 * max(1, len(client.scheduler_info().get("workers", {}))))
        tag = f"{os.getpid()}-{time.time_ns()}"
        futures: dict[int, Any] = {}

        def submit(i: int) -> None:
            if i < len(partitions):
                futures[i] = client.submit(
                    process, partitions[i], settings=worker_settings, retries=RETRIES,
                    pure=False, key=f"geomap-partition-{i}-{tag}",
                )  # fmt: skip

        for i in range(window):
            submit(i)
        for partition in partitions:
            future = futures.pop(partition.index)
            try:
                items = future.result()
            except Exception as exc:
                for f in futures.values():
                    f.cancel()
                raise DistributedError(
                    f"partition {partition.index} ({partition.describe()}) failed after "
                    f"{RETRIES} retries: {type(exc).__name__}: {exc}. {counts.new} new "
                    "articles were stored whole; run the same ingest again to finish"
                ) from exc
            future.release()
            submit(partition.index + window)
            t0 = time.perf_counter()
            for item in items:
                if item[0] == "failed":
                    failed.append((item[1], item[2]))
                elif item[0] == "notice":
                    notices.append((item[1], item[2]))
                else:
                    _write(store, item[1], item[2], item[3], linker=linker,
                           gazetteer=driver_gazetteer, counts=counts, focus=focus)  # fmt: skip
            write_seconds += time.perf_counter() - t0
        n_workers = len(client.scheduler_info().get("workers", {}))
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()
        for g in gaz:
            g.close()
    if stats is not None:
        stats.append(DistributedStats(len(partitions), n_workers, write_seconds,
                                      time.perf_counter() - started))  # fmt: skip
    return IngestReport(
        new=counts.new,
        known=counts.known,
        failed=tuple(failed),
        notices=tuple(notices),
        incidents_created=counts.created,
        incidents_merged=counts.merged,
        elapsed=time.perf_counter() - started,
        copies=counts.copies,
    )
