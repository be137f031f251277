"""Gazetteer figures: index build time and size, memory after load, cold and warm start of
``geomap geoparse`` on one document, and lookups per second.

Usage::

    python benchmarks/bench_gazetteer.py [--eval DIR]

Targets: resident memory under 400 MB, warm start under 2 s, first lookup on a fresh clone
(index build included) under 30 s. With the dev reports (``DIR/incidents/incidents.dev.jsonl``,
default $GEOMAP_EVAL_DIR or ../shared/eval) it also prints *coverage*: the share of coders'
event places that have a gazetteer entry of that name (any spelling the resolver accepts,
and the named part of ACLED's "Town - Place") within 25 km of the coded point.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from geomap.config import BUNDLED_GAZETTEER_DIR, Settings
from geomap.gazetteer.build import build_index
from geomap.gazetteer.lookup import Candidate, Gazetteer
from geomap.geoparse.resolve import distance_km
from geomap.models import Place

DOC = json.dumps({"id": 1, "text": "A Russian airstrike near al-Bab in northern Syria."})
NAMES = ["al-Bab", "Aleppo", "Ar Ra'i", "Ankara", "St. Petersburg", "Springfield", "Paris",
         "Qwzxabad", "Deir ez-Zor", "Homs", "Alexandria", "Tripoli"]  # fmt: skip


def geoparse_seconds(index: Path) -> float:
    env = {**os.environ, "GEOMAP_GAZETTEER": str(index), "GEOMAP_OFFLINE": "1"}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "geomap", "geoparse"],
        input=DOC + "\n", capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    assert "Al B" in proc.stdout, proc.stdout
    return time.perf_counter() - started


DEFAULT_EVAL = Path(
    os.environ.get("GEOMAP_EVAL_DIR") or Path(__file__).resolve().parents[2] / "shared" / "eval"
)
COVERAGE_SOURCES = (
    "acled_yasarkerem_syria_battles", "acled_rpanlilio_global_2020", "acled_carol0128_kenya",
    "acled_dkoban_afghanistan_2020",
)  # fmt: skip


def _near(cands: list[Candidate], point: tuple[float, float]) -> bool:
    where = Place(None, "", *point)
    return any(distance_km(c.place, where) <= 25 for c in cands)


def coverage(gaz: Gazetteer, eval_dir: Path) -> None:
    """Share of coded event places with a gazetteer entry of that name within 25 km."""
    data = eval_dir / "incidents" / "incidents.dev.jsonl"
    if not data.exists():
        print(f"coverage: skipped ({data} not found; pass --eval DIR)")
        return
    hits: dict[str, list[bool]] = {s: [] for s in COVERAGE_SOURCES}
    exact_hits: dict[str, list[bool]] = {s: [] for s in COVERAGE_SOURCES}
    with open(data, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            gold = rec["gold"]
            if rec["source"] not in hits or not gold.get("location"):
                continue
            if gold.get("latitude") is None:
                continue
            name = gold["location"]
            names = [name, *name.split(" - ")[1:]]  # ACLED's "Town - Place"

            point = (gold["latitude"], gold["longitude"])
            loose = [c for n in names for c in gaz.candidates(n, loose=True)]
            hits[rec["source"]].append(_near(loose, point))
            exact_hits[rec["source"]].append(_near(gaz.candidates(name), point))
    print("coverage (coded event place has an entry of that name within 25 km):")
    for source in COVERAGE_SOURCES:
        got, exact = hits[source], exact_hits[source]
        if got:
            print(f"  {source:34} {sum(got) / len(got):.3f}  (exact full name only "
                  f"{sum(exact) / len(exact):.3f}, n={len(got)})")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="dev data folder")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "gazetteer.sqlite"
        counts = build_index(BUNDLED_GAZETTEER_DIR, index)
        print(f"index build:          {counts['build_ms'] / 1000:.1f} s "
              f"({counts['places']:,} places, {counts['names']:,} names)")  # fmt: skip
        print(f"index size on disk:   {index.stat().st_size / 2**20:.1f} MiB")
        bundle = sum(p.stat().st_size for p in BUNDLED_GAZETTEER_DIR.glob("*.*"))
        print(f"bundle in the repo:   {bundle / 2**20:.1f} MiB")
        index.unlink()
        print(f"cold geoparse (build): {geoparse_seconds(index):.1f} s")
        warm = min(geoparse_seconds(index) for _ in range(3))
        print(f"warm geoparse:        {warm:.2f} s (best of 3, whole process)")
        proc = psutil.Process()
        before = proc.memory_info().rss
        gaz = Gazetteer.open(Settings.from_env({"GEOMAP_GAZETTEER": str(index)}))
        for name in NAMES:
            gaz.candidates(name)
        rss = proc.memory_info().rss
        print(
            f"resident memory:      {rss / 2**20:.0f} MiB (+{(rss - before) / 2**20:.0f} MiB load)"
        )
        n = 20_000
        started = time.perf_counter()
        for i in range(n):
            gaz.candidates(f"{NAMES[i % len(NAMES)]}{i}")  # distinct names: no cache hits
        cold_rate = n / (time.perf_counter() - started)
        started = time.perf_counter()
        for i in range(n):
            gaz.candidates(NAMES[i % len(NAMES)])
        warm_rate = n / (time.perf_counter() - started)
        print(f"lookups per second:   {cold_rate:,.0f} uncached, {warm_rate:,.0f} cached")
        coverage(gaz, args.eval)
        gaz.close()


if __name__ == "__main__":
    main()
