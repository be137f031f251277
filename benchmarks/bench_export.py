"""Export and map benchmarks: GeoJSON/CSV for 10k/100k/1M synthetic incidents, the map for
1k/10k/50k, and ``geomap map -o`` on a real store of 10k and 50k incidents. Each measurement
runs in a fresh subprocess, so the peak RSS is its own.

    python benchmarks/bench_export.py            # everything (about 5 minutes)
    python benchmarks/bench_export.py --quick    # 10k exports, 1k/10k maps
    python benchmarks/bench_export.py --cli-map-only --cli-maps 10000 50000

``geomap map`` streams (``geomap.mapview.foliummap.write_map``): its peak RSS should stay
nearly flat from 10k to 50k incidents. Run with ``PYTHONPATH`` set to the tree to measure.

Records come from a generator (benchmarks/synth.py), never a list, so the export figures show
that memory stays flat however many incidents are written. Target: 1M to GeoJSON < 30 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(kind: str, n: int) -> dict[str, float]:
    """One measurement, run in this (fresh) process."""
    from synth import synthetic_records

    from geomap.export import write_csv, write_geojson

    base = _rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        if kind in ("geojson", "csv"):
            path = Path(tmp) / f"out.{kind}"
            start, cpu = time.perf_counter(), time.process_time()
            with path.open("w", encoding="utf-8", newline="") as out:
                if kind == "geojson":
                    written = write_geojson(synthetic_records(n), out)
                else:
                    written = write_csv(synthetic_records(n), out)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            assert written == n
            size = path.stat().st_size
        elif kind == "generate":
            start, cpu = time.perf_counter(), time.process_time()
            for _ in synthetic_records(n):
                pass
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            size = 0
        else:  # map-inline / map-data
            from geomap.mapview.foliummap import build_map, map_html

            start, cpu = time.perf_counter(), time.process_time()
            fmap = build_map(synthetic_records(n), tiles="OpenStreetMap", assets=kind[4:])
            built = time.perf_counter() - start
            html = map_html(fmap)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            size = len(html.encode("utf-8"))
            return {"seconds": seconds, "cpu": cpu, "build": built, "mb": size / 1e6,
                    "rss": _rss_mb(), "base": base}  # fmt: skip
    return {"seconds": seconds, "cpu": cpu, "mb": size / 1e6, "rss": _rss_mb(), "base": base}


# The child writes the map of a store and prints its own peak RSS in MB (ru_maxrss in kB).
_MAP_CHILD = """
import resource, sys, time
from click.testing import CliRunner
from geomap.cli.main import main
t0, c0 = time.perf_counter(), time.process_time()
r = CliRunner().invoke(main, ["map", "--db", sys.argv[1], "-o", sys.argv[2], "--tiles", "none"])
assert r.exit_code == 0, r.output
print(time.perf_counter() - t0, time.process_time() - c0,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def fill_store(path: Path, n: int) -> None:
    """A store of ``n`` generated incidents (``bench_scale``'s reports, no linking)."""
    import random

    from bench_scale import PER_DAY, _places, _report

    from geomap.store.sqlite import open_store, write_article

    rng = random.Random(n)
    places = _places(random.Random(7))
    with open_store(path) as store:
        for i in range(n):
            article, cand = _report(rng, places, i, max(1, n // PER_DAY))
            write_article(store, article, [cand.location], [cand])  # type: ignore[list-item]


def cli_map_table(sizes: list[int]) -> None:
    """Peak RSS of ``geomap map -o`` on a real store, per store size."""
    print(f"{'geomap map':<12}{'incidents':>10}{'wall s':>9}{'cpu s':>9}{'HTML MB':>9}"
          f"{'peak RSS MB':>13}")  # fmt: skip
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            db, out = Path(tmp) / "s.sqlite", Path(tmp) / "map.html"
            fill_store(db, n)
            proc = subprocess.run([sys.executable, "-c", _MAP_CHILD, str(db), str(out)],
                                  capture_output=True, text=True, check=True)  # fmt: skip
            wall, cpu, rss = (float(x) for x in proc.stdout.split()[-3:])
            print(f"{'map -o':<12}{n:>10,}{wall:>9.2f}{cpu:>9.2f}"
                  f"{out.stat().st_size / 1e6:>9.1f}{rss:>13.1f}", flush=True)  # fmt: skip


def measure(kind: str, n: int) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(n)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--cli-maps", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--cli-map-only", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return
    if args.cli_map_only:
        cli_map_table(args.cli_maps)
        return

    sizes = [10_000] if args.quick else [10_000, 100_000, 1_000_000]
    print("wall = elapsed seconds; cpu = this process's CPU seconds (what wall would be on an "
          "idle machine)\n")  # fmt: skip
    print(f"{'export':<10}{'records':>10}{'wall s':>9}{'cpu s':>9}{'rec/s cpu':>11}"
          f"{'file MB':>9}{'peak RSS MB':>13}{'(start)':>9}")  # fmt: skip
    for n in sizes:
        for kind in ("generate", "geojson", "csv"):
            r = measure(kind, n)
            print(f"{kind:<10}{n:>10,}{r['seconds']:>9.2f}{r['cpu']:>9.2f}"
                  f"{n / r['cpu']:>11,.0f}{r['mb']:>9.1f}{r['rss']:>13.1f}{r['base']:>9.1f}",
                  flush=True)  # fmt: skip
    print("('generate' is the synthetic generator alone; exports include it.)\n", flush=True)

    maps = [1_000, 10_000] if args.quick else [1_000, 10_000, 50_000]
    print(f"{'map':<12}{'records':>10}{'build s':>9}{'wall s':>9}{'cpu s':>9}{'HTML MB':>9}"
          f"{'peak RSS MB':>13}")  # fmt: skip
    for n in maps:
        for kind in ("map-inline", "map-data"):
            r = measure(kind, n)
            print(f"{kind:<12}{n:>10,}{r['build']:>9.2f}{r['seconds']:>9.2f}{r['cpu']:>9.2f}"
                  f"{r['mb']:>9.1f}{r['rss']:>13.1f}", flush=True)  # fmt: skip
    print()
    cli_map_table(args.cli_maps)


if __name__ == "__main__":
    main()
