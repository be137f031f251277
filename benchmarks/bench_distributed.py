"""Serial vs a local Dask cluster: throughput, memory per worker, linking share, projection;
and the app and exports on a PostGIS store beside the same on SQLite.

Reports: the dev notes (``/work/shared/eval/incidents/incidents.dev.jsonl``, read at run time,
never copied; each line's ``id`` kept distinct) plus generated ones (``bench_ingest``'s
templates: 1-3 outlets per event, so linking has work) up to ``--reports``, written as JSONL
files of 1,000 lines in a temp dir.

Phases, each timed on its own so that the figures do not depend on how they overlap:

1. extraction (read + geoparse + extract), in rounds of ``10 x workers`` partitions: each
   round runs serially in this process, then on a ``LocalCluster`` of ``--workers`` processes
   (warmed by the gazetteer plugin, results gathered, not written). The machine is shared, so
   the two runs of a round see about the same load; the table gives the wall-time ratio
   (total and median of rounds), the CPU time of each side (``serial CPU / busiest worker's
   CPU`` is the speed-up when each process has a core), each round's load, and each
   worker's memory;
2. the store write and link step (driver only) of those results, on SQLite and, with
   ``--postgres``, on a throwaway PostGIS cluster (``tests/pgserver.py``), with progress;
3. ``geomap.distributed.ingest_distributed`` end to end, checked equal to the serial store
   (``--skip-e2e`` leaves it out: at 100k it repeats the long link step).

The projection for N workers uses the measured CPU per partition and the driver's write
rate: ``T(N) = max(extract / N, write) + startup`` (the write streams while workers run).

``--app N,M``: stores of N and M generated incidents on SQLite and on PostGIS; for each, the
time until the app's markers are visible (``bench_app``'s browser timing, alternating the two
backends) and the peak RSS of ``geomap export`` (flat memory means the same at N and M).

    python benchmarks/bench_distributed.py --reports 100000 --workers 2 --skip-e2e
    python benchmarks/bench_distributed.py --reports 0 --app 10000,50000
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
from geomap.distributed import (  # noqa: E402
    _setup_plugin,
    ingest_distributed,
    local_cluster,
    plan_partitions,
    process_partition,
    warm_worker,
)
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


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def _write_all(
    store: Any, results: list[list[Any]], label: str, every: int = 10_000
) -> tuple[float, float]:
    """Write and link every article (the driver's step); (wall, CPU) seconds; prints progress
    every ``every``."""
    from geomap.distributed import _Counts, _write

    gaz: list[Gazetteer] = []
    counts = _Counts()
    linker = make_linker()
    t0, c0 = time.perf_counter(), time.process_time()
    done = 0
    for items in results:
        for item in items:
            if item[0] == "article":
                _write(store, item[1], item[2], item[3], linker=linker,
                       gazetteer=lambda: gaz[0], counts=counts)  # fmt: skip
                done += 1
                if done % every == 0:
                    el = time.perf_counter() - t0
                    print(f"  {label}: {done} written in {el:.0f} s ({done / el:.0f}/s), "
                          f"load {_load()}", flush=True)  # fmt: skip
    return time.perf_counter() - t0, time.process_time() - c0


def _rss_mb() -> tuple[float, float]:
    """(current, peak) RSS of this process in MB."""
    import resource

    import psutil

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return float(psutil.Process().memory_info().rss) / 2**20, peak


def _worker_cpu() -> float:
    return time.process_time()


def _ids(results: list[list[Any]]) -> list[list[str]]:
    return [[x[1].id for x in r if x[0] == "article"] for r in results]


def extraction_rounds(
    partitions: list[Any], settings: Settings, client: Any, workers: int
) -> dict[str, Any]:
    """Phase 1: each round serially here, then on the cluster; returns the totals."""
    group = 10 * workers
    serial_results: list[list[Any]] = []
    tot = {"serial_s": 0.0, "serial_cpu": 0.0, "dist_s": 0.0, "client_cpu": 0.0}
    worker_cpu: dict[str, float] = {}
    ratios: list[float] = []
    loads: list[float] = []
    same = True
    print("| round | partitions | load | serial s (CPU s) | cluster s (busiest worker CPU s) "
          "| wall ratio |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|")
    for r, k in enumerate(range(0, len(partitions), group), 1):
        chunk = partitions[k : k + group]
        load = os.getloadavg()[0]
        loads.append(load)
        t0, c0 = time.perf_counter(), time.process_time()
        serial = [process_partition(p, settings) for p in chunk]
        s_wall, s_cpu = time.perf_counter() - t0, time.process_time() - c0
        before = client.run(_worker_cpu)
        t0, c0 = time.perf_counter(), time.process_time()
        futures = client.map(process_partition, chunk, settings=settings, pure=False)
        dist = client.gather(futures)
        d_wall, d_cpu = time.perf_counter() - t0, time.process_time() - c0
        after = client.run(_worker_cpu)
        del futures
        used = {w: after[w] - before.get(w, 0.0) for w in after}
        for w, v in used.items():
            worker_cpu[w] = worker_cpu.get(w, 0.0) + v
        same = same and _ids(dist) == _ids(serial)
        del dist
        serial_results += serial
        tot["serial_s"] += s_wall
        tot["serial_cpu"] += s_cpu
        tot["dist_s"] += d_wall
        tot["client_cpu"] += d_cpu
        ratios.append(s_wall / d_wall)
        print(f"| {r} | {len(chunk)} | {load:.1f} | {s_wall:.1f} ({s_cpu:.1f}) | {d_wall:.1f} "
              f"({max(used.values()):.1f}) | {s_wall / d_wall:.2f}x |", flush=True)  # fmt: skip
    ratios.sort()
    return {**tot, "worker_cpu": worker_cpu, "median_ratio": ratios[len(ratios) // 2],
            "loads": loads, "same": same, "results": serial_results}  # fmt: skip


def run_ingest(args: argparse.Namespace) -> None:
    """Phases 1-3 and the projection (see the module docstring)."""
    import distributed

    settings = Settings.from_env().with_overrides(offline=True)
    gaz = Gazetteer.open(settings)
    tmp = Path(tempfile.mkdtemp(prefix="bench-dist-"))
    dev, gen = write_corpus(tmp / "in", args.reports, gaz)
    partitions, _ = plan_partitions([tmp / "in"], lines_per_chunk=args.lines)
    n = dev + gen
    print(f"reports: {n} ({dev} dev notes, {gen} generated), {len(partitions)} partitions of "
          f"{args.lines} lines; cpus {os.cpu_count()}; load {_load()}", flush=True)  # fmt: skip

    cluster = local_cluster(args.workers)
    client = distributed.Client(cluster)
    plugin = _setup_plugin(settings)
    t0 = time.perf_counter()
    client.register_plugin(plugin, name=plugin.name)  # each worker opens + warms once
    warm_s = time.perf_counter() - t0
    warm_worker(settings)  # the serial side warm too: both measure steady work
    ex = extraction_rounds(partitions, settings, client, args.workers)
    rss = client.run(_rss_mb)
    results = ex.pop("results")

    writes: dict[str, tuple[tuple[float, float], int]] = {}
    lite = tmp / "serial.sqlite"
    with open_store(lite) as store:
        writes["sqlite"] = (_write_all(store, results, "sqlite"), count_incidents(store))
    server = None
    if args.postgres:
        sys.path.insert(0, str(ROOT / "tests"))
        import pgserver

        why = pgserver.missing()
        if why:
            print(f"PostGIS skipped: {why}")
        else:
            server = pgserver.start_server()
            with open_store(server.new_database()) as store:
                writes["postgis"] = (_write_all(store, results, "postgis"),
                                     count_incidents(store))  # fmt: skip
            server.stop()
    del results

    e2e_s, equal = None, None
    if not args.skip_e2e:
        e2e_db = tmp / "dist.sqlite"
        with open_store(e2e_db) as store:
            t0 = time.perf_counter()
            ingest_distributed([tmp / "in"], settings=settings, store=store, client=client,
                               lines_per_chunk=args.lines)  # fmt: skip
            e2e_s = time.perf_counter() - t0

        def groups(db: Any) -> list[Any]:
            with open_store(db, readonly=True) as s:
                return [(r["incident_id"], r["source_count"], r["event_date"], r["location"])
                        for r in iter_incidents(s, order_by="incident_id")]  # fmt: skip

        equal = groups(e2e_db) == groups(lite)
    client.close()
    cluster.close()

    serial_s, dist_s, serial_cpu = ex["serial_s"], ex["dist_s"], ex["serial_cpu"]
    busiest = max(ex["worker_cpu"].values())
    write_s, write_cpu = writes["sqlite"][0]
    loads = ex["loads"]
    print()
    print(f"load during extraction rounds: min {min(loads):.1f}, max {max(loads):.1f}; "
          f"now {_load()}")  # fmt: skip
    print("| phase | wall s | reports/s | note |")
    print("|---|---:|---:|---|")
    print(f"| extraction, serial (1 process) | {serial_s:.1f} | {n / serial_s:.0f} | CPU "
          f"{serial_cpu:.1f} s, {1000 * serial_cpu / n:.2f} ms a report |")  # fmt: skip
    print(f"| extraction, LocalCluster({args.workers}) | {dist_s:.1f} | {n / dist_s:.0f} | "
          f"wall {serial_s / dist_s:.2f}x (median of rounds {ex['median_ratio']:.2f}x); "
          f"worker CPU " + " + ".join(f"{v:.1f}" for v in ex["worker_cpu"].values())
          + f" s ({sum(ex['worker_cpu'].values()) / serial_cpu:.2f}x the serial CPU): "
          f"{serial_cpu / busiest:.2f}x with a core each; same articles, same order: "
          f"{ex['same']} |")  # fmt: skip
    for name, ((secs, cpu), incidents) in writes.items():
        print(f"| write + link, {name} (driver) | {secs:.1f} | {n / secs:.0f} | "
              f"CPU {cpu:.1f} s; {incidents} incidents |")  # fmt: skip
    if e2e_s is not None:
        print(f"| end to end, ingest_distributed({args.workers}) | {e2e_s:.1f} | "
              f"{n / e2e_s:.0f} | incidents equal serial: {equal} |")  # fmt: skip
    serial_total = serial_s + write_s
    print(
        f"| end to end, serial (sum of phases) | {serial_total:.1f} | {n / serial_total:.0f} | "
        f"linking share {100 * write_s / serial_total:.0f}% of wall, "
        f"{100 * write_cpu / (serial_cpu + write_cpu):.0f}% of the CPU time |"
    )
    print()
    print(f"worker plugin (open + warm the gazetteer on {args.workers} workers): {warm_s:.1f} s")
    print("worker RSS MB (now / peak): "
          + ", ".join(f"{a:.0f} / {b:.0f}" for a, b in rss.values()))  # fmt: skip
    print()
    per_part = serial_cpu / len(partitions)
    print(f"projection from {per_part:.2f} s of CPU per partition of {args.lines} reports and "
          f"the driver's {write_cpu:.1f} s of CPU to write and link (SQLite), a core per "
          "process:")  # fmt: skip
    print("| workers | projected wall s | reports/s | bound by |")
    print("|---:|---:|---:|---|")
    startup = warm_s + 2.0
    for k in (1, 2, 4, 8, 16, 32, 64):
        extract = per_part * len(partitions) / k
        t = max(extract, write_cpu) + startup
        bound = "extraction" if extract > write_cpu else "linking + writing (driver)"
        print(f"| {k} | {t:.0f} | {n / t:.0f} | {bound} |")
    print(f"\nload {_load()}; temp dir {tmp}")


class _Url(str):
    """A store URL that ``bench_app`` can name its log after."""

    stem = "postgis"


def _export_peak_mb(db: str, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS MB) of ``geomap export`` in its own process."""
    import subprocess

    code = (
        "import atexit, resource, sys, runpy\n"
        "atexit.register(lambda: print('PEAK', resource.getrusage(resource.RUSAGE_SELF)"
        ".ru_maxrss, file=sys.stderr))\n"
        f"sys.argv = ['geomap', '--db', {db!r}, 'export', '-o', {str(out)!r}]\n"
        "runpy.run_module('geomap', run_name='__main__')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    secs = time.perf_counter() - t0
    peak = [ln for ln in done.stderr.splitlines() if ln.startswith("PEAK")][-1]
    return secs, int(peak.split()[1]) / 1024


def run_app(sizes: list[int], loads: int) -> None:
    """The app (markers visible) and exports on PostGIS beside SQLite, same incidents."""
    sys.path.insert(0, str(ROOT / "tests"))
    import pgserver
    from apphelpers import APP, insert_records, synthetic_records
    from bench_app import _page_loads

    why = pgserver.missing()
    if why:
        print(f"PostGIS app scenario skipped: {why}")
        return
    server = pgserver.start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-dist-app-") as tmp:
            work = Path(tmp)
            print(f"app and export, SQLite vs PostGIS; load {_load()}", flush=True)
            print("| incidents | backend | fill s | markers visible s (cold, warm...) "
                  "| export s | export peak RSS MB | load |")  # fmt: skip
            print("|---:|---|---:|---:|---:|---:|---:|")
            for n in sizes:
                stores: dict[str, Any] = {
                    "sqlite": work / f"app-{n}.sqlite",
                    "postgis": _Url(server.new_database()),
                }
                fill: dict[str, float] = {}
                for name, db in stores.items():
                    t0 = time.perf_counter()
                    insert_records(db, synthetic_records(n))
                    fill[name] = time.perf_counter() - t0
                marks: dict[str, list[float]] = {name: [] for name in stores}
                for _ in range(2):  # alternate the backends: they see the same load
                    for name, db in stores.items():
                        rows = _page_loads(APP, db, loads, work, wait_map=True)
                        marks[name] += [v for k, v in rows if k.endswith("markers visible (s)")]
                for name, db in stores.items():
                    secs, peak = _export_peak_mb(str(db), work / f"{name}-{n}.geojson")
                    shown = ", ".join(f"{v:.2f}" for v in marks[name])
                    print(f"| {n} | {name} | {fill[name]:.0f} | {shown} | {secs:.1f} | "
                          f"{peak:.0f} | {_load()} |", flush=True)  # fmt: skip
                best = {name: min(v) for name, v in marks.items()}
                print(f"  {n}: best markers visible PostGIS / SQLite = "
                      f"{best['postgis'] / best['sqlite']:.2f}", flush=True)  # fmt: skip
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=100_000, help="0: no ingest phases")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--lines", type=int, default=500, help="lines per JSONL partition")
    ap.add_argument("--postgres", action="store_true", help="also write to a throwaway PostGIS")
    ap.add_argument("--skip-e2e", action="store_true", help="leave out ingest_distributed")
    ap.add_argument("--app", default="", help="incident counts for the app/export scenario")
    ap.add_argument("--loads", type=int, default=2, help="page loads per app start")
    args = ap.parse_args()
    if args.reports:
        run_ingest(args)
    if args.app:
        run_app([int(x) for x in args.app.split(",") if x.strip()], args.loads)


if __name__ == "__main__":
    main()
