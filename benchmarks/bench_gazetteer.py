"""Gazetteer figures: index build time and size, memory after load, cold and warm start of
``geomap geoparse`` on one document, and lookups per second.

Usage::

    python benchmarks/bench_gazetteer.py

Targets (issue #2): resident memory under 400 MB, warm start under 2 s, first lookup on a
fresh clone (index build included) under 30 s.
"""

from __future__ import annotations

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
from geomap.gazetteer.lookup import Gazetteer

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


def main() -> None:
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
        gaz.close()


if __name__ == "__main__":
    main()
