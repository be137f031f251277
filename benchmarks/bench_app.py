"""How fast the map app becomes interactive with 1k, 10k and 50k incidents.

For each size: a store filled directly (SQL inserts of generated incidents), ``streamlit run
app.py`` headless on 127.0.0.1, and headless Debian Chromium timing from navigation to the first
marker or cluster icon in the map iframe. The first load of a new session reads the store
(cold data cache); the second hits the cache. Targets: 10k under 3 s, 50k under 8 s.

Usage: ``python benchmarks/bench_app.py [--sizes 1000,10000,50000] [--loads 2]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from apphelpers import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    insert_records,
    start_app,
    stop_app,
    synthetic_records,
    wait_healthy,
)

TARGETS = {10_000: 3.0, 50_000: 8.0}
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _one_size(n: int, loads: int, workdir: Path) -> list[tuple[str, float]]:
    from playwright.sync_api import sync_playwright

    db = workdir / f"bench-{n}.sqlite"
    t0 = time.perf_counter()
    insert_records(db, synthetic_records(n))
    fill = time.perf_counter() - t0
    port = free_port()
    env = dict(os.environ, GEOMAP_TILES="none", GEOMAP_OFFLINE="1")
    proc = start_app(db, port=port, env=env, log=workdir / f"streamlit-{n}.log")
    rows: list[tuple[str, float]] = [("fill store (s)", fill)]
    try:
        wait_healthy(port, proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for i in range(loads):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                outside: list[str] = []

                def route(r, outside=outside, port=port):  # type: ignore[no-untyped-def]
                    url = r.request.url
                    if url.startswith((f"http://127.0.0.1:{port}", "data:", "blob:", "about:")):
                        r.continue_()
                    else:
                        outside.append(url)
                        r.abort()

                page.route("**/*", route)
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_selector('[data-testid="stMetric"]', timeout=300_000)
                metrics = time.perf_counter() - start
                frame = page.frame_locator(MAP_FRAME)
                frame.locator(".marker-cluster, path.geomap-incident").first.wait_for(
                    timeout=300_000
                )
                ready = time.perf_counter() - start
                label = "cold" if i == 0 else "warm"
                rows.append((f"load {i + 1} ({label}): page shown (s)", metrics))
                rows.append((f"load {i + 1} ({label}): markers visible (s)", ready))
                if outside:
                    rows.append((f"load {i + 1}: requests off 127.0.0.1 (!)", float(len(outside))))
                page.close()
            browser.close()
    finally:
        stop_app(proc)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--loads", type=int, default=2)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing (apt-get install chromium)")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"geomap app benchmark: {os.cpu_count()} CPUs, Chromium {CHROMIUM}")
    with tempfile.TemporaryDirectory(prefix="geomap-bench-app-") as tmp:
        for n in sizes:
            rows = _one_size(n, args.loads, Path(tmp))
            print(f"\n{n:,} incidents")
            for label, value in rows:
                print(f"  {label:<42} {value:8.2f}")
            target = TARGETS.get(n)
            if target is not None:
                best = min(v for k, v in rows if k.endswith("markers visible (s)"))
                verdict = "meets" if best < target else "MISSES"
                print(f"  target {target:.0f} s: best {best:.2f} s {verdict} it")


if __name__ == "__main__":
    main()
