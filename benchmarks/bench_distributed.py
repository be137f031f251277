"""Serial vs a local Dask cluster: throughput, memory per worker, linking share, projection.

Reports: the dev notes (``/work/shared/eval/incidents/incidents.dev.jsonl``, read at run time,
never copied; each line's ``id`` kept distinct) plus generated ones (``bench_ingest``'s
templates: 1-3 outlets per event, so linking has work) up to ``--reports``, written as JSONL
files of 1,000 lines in a temp dir.

Phases, each timed on its own so that the figures do not depend on how they overlap:

1. extraction (read + geoparse + extract) of every partition, serially in this process;
2. the same partitions on a ``LocalCluster`` of ``--workers`` processes (gathered, not
   written): the speed-up of the part that scales out, and each worker's RSS;
3. the store write and link step (driver only) of those results, on SQLite and, with
   ``--postgres``, on a throwaway PostGIS cluster (``tests/pgserver.py``);
4. ``geomap.distributed.ingest_distributed`` end to end, checked equal to the serial store.

The projection for N workers uses the measured per-partition cost and the driver's write
rate: ``T(N) = max(extract / N, write) + startup`` (the write streams while workers run).
The machine is shared: the load average before and after is printed with the figures.

    python benchmarks/bench_distributed.py --reports 20000 --workers 2 --postgres
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_ingest import make_articles, usable_places  # noqa: E402

from geomap.config import Settings  # noqa: E402
from geomap.distributed import ingest_distributed, plan_partitions, process_partition  # noqa: E402
from geomap.gazetteer.lookup import Gazetteer  # noqa: E402
from geomap.pipeline import make_linker  # noqa: E402
from geomap.store.sqlite import count_incidents, iter_incidents, open_store  # noqa: E402

DEV = Path("/work/shared/eval/incidents/incidents.dev.jsonl")


def write_corpus(folder: Path, n: int, gaz: Gazetteer, *, seed: int = 7) -> tuple[int, int]:
    """JSONL files of 1,000 reports; returns (dev reports, generated reports)."""
    records: list[dict[str, Any]] = []
    if DEV.exists():
        with DEV.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if len(records) >= n:
                    break
                rec = json.loads(line)
                records.append({"id": f"dev-{i}-{rec.get('id')}", "text": rec["text"],
                                "source": str(rec.get("source") or "dev")})  # fmt: skip
    dev = len(records)
    rng = random.Random(seed)
    generated = make_articles(n - dev, usable_places(gaz), rng) if n > dev else []
    records += generated
    rng.shuffle(records)  # dev notes spread over all partitions
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(0, len(records), 1000):
        with (folder / f"part{k // 1000:04d}.jsonl").open("w", encoding="utf-8") as fh:
            for rec in records[k : k + 1000]:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return dev, len(generated)


def _write_all(store: Any, results: list[list[Any]]) -> float:
    from geomap.distributed import _Counts, _write

    gaz: list[Gazetteer] = []
    counts = _Counts()
    linker = make_linker()
    t0 = time.perf_counter()
    for items in results:
        for item in items:
            if item[0] == "article":
                _write(store, item[1], item[2], item[3], linker=linker,
                       gazetteer=lambda: gaz[0], counts=counts)  # fmt: skip
    return time.perf_counter() - t0


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--lines", type=int, default=500, help="lines per JSONL partition")
    ap.add_argument("--postgres", action="store_true", help="also write to a throwaway PostGIS")
    args = ap.parse_args()

    import distributed

    settings = Settings.from_env().with_overrides(offline=True)
    gaz = Gazetteer.open(settings)
    tmp = Path(tempfile.mkdtemp(prefix="bench-dist-"))
    load0 = os.getloadavg()
    dev, gen = write_corpus(tmp / "in", args.reports, gaz)
    partitions, _ = plan_partitions([tmp / "in"], lines_per_chunk=args.lines)
    print(f"reports: {dev + gen} ({dev} dev notes, {gen} generated), "
          f"{len(partitions)} partitions of {args.lines} lines; cpus {os.cpu_count()}; "
          f"load avg before {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}")  # fmt: skip

    # 1. serial extraction
    t0, c0 = time.perf_counter(), time.process_time()
    serial_results = [process_partition(p, settings) for p in partitions]
    serial_s, serial_cpu = time.perf_counter() - t0, time.process_time() - c0
    per_partition = serial_s / len(partitions)

    # 2. the same on a LocalCluster
    cluster = distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                       processes=True, dashboard_address=None)  # fmt: skip
    client = distributed.Client(cluster)
    warm = time.perf_counter()
    client.run(lambda: None)
    futures = client.map(process_partition, partitions, settings=settings, pure=False)
    dist_results = client.gather(futures)
    dist_s = time.perf_counter() - warm
    rss = client.run(_rss_mb)
    del futures
    same = [[x[1].id for x in r if x[0] == "article"] for r in dist_results] == [
        [x[1].id for x in r if x[0] == "article"] for r in serial_results
    ]

    # 3. write + link, driver only
    writes: dict[str, tuple[float, int]] = {}
    lite = tmp / "serial.sqlite"
    with open_store(lite) as store:
        writes["sqlite"] = (_write_all(store, serial_results), count_incidents(store))
    server = None
    if args.postgres:
        sys.path.insert(0, str(ROOT / "tests"))
        import pgserver

        why = pgserver.missing()
        if why:
            print(f"PostGIS skipped: {why}")
        else:
            server = pgserver.start_server()
            pg_url = server.new_database()
            with open_store(pg_url) as store:
                writes["postgis"] = (_write_all(store, serial_results), count_incidents(store))

    # 4. end to end on the cluster, checked against the serial store
    e2e_db = tmp / "dist.sqlite"
    stats: list[Any] = []
    with open_store(e2e_db) as store:
        t0 = time.perf_counter()
        ingest_distributed([tmp / "in"], settings=settings, store=store, client=client,
                           lines_per_chunk=args.lines, stats=stats)  # fmt: skip
        e2e_s = time.perf_counter() - t0

    def groups(db: Any) -> list[Any]:
        with open_store(db, readonly=True) as s:
            return [(r["incident_id"], r["source_count"], r["event_date"], r["location"])
                    for r in iter_incidents(s, order_by="incident_id")]  # fmt: skip

    equal = groups(e2e_db) == groups(lite)

    # app and export read on both stores
    reads: dict[str, tuple[float, float]] = {}
    from geomap.app.state import load_view
    from geomap.export import write_geojson
    from geomap.models import IncidentFilter

    for name, db in [("sqlite", str(lite))] + ([("postgis", pg_url)] if "postgis" in writes
                                              else []):  # fmt: skip
        t0 = time.perf_counter()
        view = load_view(db, IncidentFilter())
        t_view = time.perf_counter() - t0
        with open_store(db, readonly=True) as s, open(os.devnull, "w") as out:
            t0 = time.perf_counter()
            write_geojson(iter_incidents(s), out)
            t_exp = time.perf_counter() - t0
        reads[name] = (t_view, t_exp)
        del view
    client.close()
    cluster.close()
    if server is not None:
        server.stop()
    load1 = os.getloadavg()

    n = dev + gen
    write_s = writes["sqlite"][0]
    print()
    print("| phase | wall s | reports/s | note |")
    print("|---|---:|---:|---|")
    print(f"| extraction, serial (1 process) | {serial_s:.1f} | {n / serial_s:.0f} | "
          f"CPU {serial_cpu:.1f} s; {per_partition:.2f} s per partition |")  # fmt: skip
    print(f"| extraction, LocalCluster({args.workers}) | {dist_s:.1f} | {n / dist_s:.0f} | "
          f"speed-up {serial_s / dist_s:.2f}x; same articles, same order: {same} |")  # fmt: skip
    for name, (secs, incidents) in writes.items():
        print(f"| write + link, {name} (driver) | {secs:.1f} | {n / secs:.0f} | "
              f"{incidents} incidents |")  # fmt: skip
    print(f"| end to end, ingest_distributed({args.workers}) | {e2e_s:.1f} | {n / e2e_s:.0f} | "
          f"incidents equal serial: {equal} |")  # fmt: skip
    serial_total = serial_s + write_s
    print(f"| end to end, serial (sum of phases) | {serial_total:.1f} | {n / serial_total:.0f} | "
          f"linking share {100 * write_s / serial_total:.0f}% |")  # fmt: skip
    print()
    print("worker RSS (MB): " + ", ".join(f"{v:.0f}" for v in rss.values()))
    for name, (t_view, t_exp) in reads.items():
        print(f"{name}: app load_view {t_view:.2f} s, GeoJSON export {t_exp:.2f} s")
    print()
    print("| workers | projected wall s (extract/N vs write, whichever is larger) | reports/s |")
    print("|---:|---:|---:|")
    startup = max(0.0, e2e_s - max(dist_s, write_s))
    for k in (1, 2, 4, 8, 16, 32, 64):
        t = max(serial_s / k, write_s) + startup
        print(f"| {k} | {t:.0f} | {n / t:.0f} |")
    print(f"\nload avg after {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}; startup/overhead "
          f"{startup:.1f} s; temp dir {tmp}")  # fmt: skip


if __name__ == "__main__":
    main()
