"""How fast the map app becomes interactive with 1k, 10k and 50k incidents.

For each size: a store filled directly (SQL inserts of generated incidents), ``streamlit run
app.py`` headless on 127.0.0.1, and headless Debian Chromium timing from navigation to the first
marker or cluster icon in the map iframe. The first load of a new session reads the store
(cold data cache, empty browser cache); the second is a returning user (both caches warm).
Targets (#14): markers visible for a returning user at 10k in 2.5 s and at 50k in 4.5 s; a
first visit to a started server at 10k in 3.5 s. A one-metric Streamlit page is timed first: the
floor that no Streamlit app on this machine can beat.

``--fresh`` times a fresh clone instead: no gazetteer index yet (a new ``GEOMAP_GAZETTEER``),
an empty store; the page is opened, "Try it with sample articles" clicked at once, and the
time to the first marker taken (target: under 30 s), with the index build on the way.

Usage: ``python benchmarks/bench_app.py [--sizes 1000,10000,50000] [--loads 2] [--fresh]``
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
    APP,
    free_port,
    insert_records,
    start_app,
    stop_app,
    synthetic_records,
    wait_healthy,
)
from browser import CHROMIUM, CHROMIUM_ARGS, loopback_only  # noqa: E402

TARGETS = {10_000: 2.5, 50_000: 4.5}  # returning user; first visit at 10k: 3.5 s
FIRST_VISIT_TARGET = 3.5
FRESH_TARGET = 30.0
FLOOR_APP = "import streamlit as st\n\nst.metric('incidents', 0)\n"
MAP_FRAME = 'iframe[title$="geomap_map"]'
# The page is shown: the floor page's metric, or geomap's counts line (#14).
PAGE_SHOWN = '[data-testid="stMetric"], [data-testid="stCaptionContainer"]'


def _page_loads(
    script: Path, db: Path, loads: int, workdir: Path, *, wait_map: bool
) -> list[tuple[str, float]]:
    """Start ``streamlit run script`` and time ``loads`` page loads in headless Chromium."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = dict(os.environ, GEOMAP_TILES="none", GEOMAP_OFFLINE="1")
    proc = start_app(db, port=port, env=env, log=workdir / f"streamlit-{db.stem}.log", app=script)
    rows: list[tuple[str, float]] = []
    try:
        wait_healthy(port, proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            # One context: the second load is a returning user (Streamlit's JS in the HTTP
            # cache, the data in the server's caches); the first is a first visit on a cold
            # server.
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            for i in range(loads):
                page = context.new_page()
                outside: list[str] = []
                page.route("**/*", loopback_only(outside))
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_selector(PAGE_SHOWN, timeout=300_000)
                label = "cold" if i == 0 else "warm"
                rows.append(
                    (f"load {i + 1} ({label}): page shown (s)", time.perf_counter() - start)
                )
                if wait_map:
                    frame = page.frame_locator(MAP_FRAME)
                    frame.locator(".marker-cluster, path.geomap-incident").first.wait_for(
                        timeout=300_000
                    )
                    ready = time.perf_counter() - start
                    rows.append((f"load {i + 1} ({label}): markers visible (s)", ready))
                if outside:
                    rows.append((f"load {i + 1}: requests off 127.0.0.1 (!)", float(len(outside))))
                page.close()
            browser.close()
    finally:
        stop_app(proc)
    return rows


def _fresh_clone(workdir: Path) -> list[tuple[str, float]]:
    """A fresh clone's first page: no gazetteer index, an empty store, "Try it with sample
    articles" clicked as soon as it shows; seconds to the page and to the first marker."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = dict(
        os.environ,
        GEOMAP_TILES="none",
        GEOMAP_OFFLINE="1",
        GEOMAP_GAZETTEER=str(workdir / "fresh-cache" / "gazetteer.sqlite"),
    )
    db = workdir / "fresh.sqlite"
    proc = start_app(db, port=port, env=env, log=workdir / "streamlit-fresh.log")
    rows: list[tuple[str, float]] = []
    cpu0 = _children_cpu(proc.pid)
    try:
        wait_healthy(port, proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            outside: list[str] = []
            page.route("**/*", loopback_only(outside))
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            offer = page.get_by_role("button", name="Try it with sample articles")
            offer.wait_for(timeout=300_000)
            rows.append(("first page shown, with the offer (s)", time.perf_counter() - start))
            offer.click()
            frame = page.frame_locator(MAP_FRAME)
            frame.locator(".marker-cluster, path.geomap-incident").first.wait_for(timeout=300_000)
            rows.append(("sample markers visible (s)", time.perf_counter() - start))
            if outside:
                rows.append(("requests off 127.0.0.1 (!)", float(len(outside))))
            browser.close()
        rows.append(("server CPU time, index build included (s)", _children_cpu(proc.pid) - cpu0))
    finally:
        stop_app(proc)
    return rows


def _children_cpu(pid: int) -> float:
    """User+system CPU seconds of a process so far."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def _script_runs(db: Path, runs: int = 2) -> list[tuple[str, float]]:
    """The page script alone (AppTest, no browser): first run fills the caches."""
    from streamlit.testing.v1 import AppTest

    os.environ.update(GEOMAP_DB=str(db), GEOMAP_TILES="none", GEOMAP_OFFLINE="1")
    rows = []
    for i in range(runs):
        start = time.perf_counter()
        at = AppTest.from_file(str(APP), default_timeout=600)
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].value)
        label = "cold" if i == 0 else "warm"
        rows.append((f"script run, AppTest ({label}) (s)", time.perf_counter() - start))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--loads", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="time a fresh clone's first page")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing (apt-get install chromium)")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    load = os.getloadavg()[0]
    print(f"geomap app benchmark: {os.cpu_count()} CPUs, load average {load:.1f}")
    with tempfile.TemporaryDirectory(prefix="geomap-bench-app-") as tmp:
        work = Path(tmp)
        if args.fresh:
            rows = _fresh_clone(work)
            print("\nFresh clone (no gazetteer index, empty store), 1366x768")
            for label, value in rows:
                print(f"  {label:<42} {value:8.2f}")
            best = next(v for k, v in rows if k.startswith("sample markers"))
            verdict = "meets" if best < FRESH_TARGET else "MISSES"
            print(f"  target {FRESH_TARGET:.0f} s: {best:.2f} s {verdict} it")
            print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
            return
        floor_app = work / "floor_app.py"
        floor_app.write_text(FLOOR_APP, encoding="utf-8")
        floor = _page_loads(floor_app, work / "floor.sqlite", args.loads, work, wait_map=False)
        print("\nStreamlit floor (a one-metric page, same machine and browser)")
        for label, value in floor:
            print(f"  {label:<42} {value:8.2f}")
        for n in sizes:
            db = work / f"bench-{n}.sqlite"
            start = time.perf_counter()
            insert_records(db, synthetic_records(n))
            rows = [("fill store (s)", time.perf_counter() - start)]
            rows += _script_runs(db)
            rows += _page_loads(APP, db, args.loads, work, wait_map=True)
            print(f"\n{n:,} incidents")
            for label, value in rows:
                print(f"  {label:<42} {value:8.2f}")
            target = TARGETS.get(n)
            if target is not None:
                best = min(v for k, v in rows if "warm): markers visible" in k)
                verdict = "meets" if best <= target else "MISSES"
                print(f"  returning user, target {target:.1f} s: best {best:.2f} s {verdict} it")
            if n == 10_000:
                first = next(v for k, v in rows if "(cold): markers visible" in k)
                verdict = "meets" if first <= FIRST_VISIT_TARGET else "MISSES"
                target = FIRST_VISIT_TARGET
                print(f"  first visit, target {target:.1f} s: {first:.2f} s {verdict} it")
    print(f"\nload average at the end {os.getloadavg()[0]:.1f} (figures are only comparable at ~0)")


if __name__ == "__main__":
    main()
