"""Debian's Chromium for the end-to-end tests and benchmarks (driven by Playwright with
``executable_path``; no browser download). One place for its path and launch flags, and for
reading the app's map frame."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
#: As root in a container, without the sandbox; background networking off, since the machine's
#: closed network refuses Chromium's own connections (tests route every request themselves).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

_LOOPBACK = re.compile(r"^(https?|wss?)://127\.0\.0\.1[:/]")


def loopback_only(outside: list[str]) -> Callable[[Any], None]:
    """A Playwright route handler that lets through 127.0.0.1 and data:/blob:/about: URLs and
    aborts every other request, noting its URL in ``outside``."""

    def route(r: Any) -> None:
        url = r.request.url
        if _LOOPBACK.match(url) or url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    return route


# -- the app's map (a Streamlit component iframe) ------------------------------------------------
#: The app's map component frame.
MAP_FRAME = 'iframe[title$="geomap_map"]'

_COUNT_JS = """() => {
    let n = document.querySelectorAll('path.geomap-incident').length;
    document.querySelectorAll('.marker-cluster span').forEach(s => {
        n += parseInt(s.textContent) || 0;
    });
    return n;
}"""


def map_frame(pg: Any, *, timeout: float = 60.0) -> Any:
    """The app's map iframe's frame (waiting while Streamlit replaces the iframe on a rerun)."""
    deadline = time.monotonic() + timeout
    while True:
        handle = pg.query_selector(MAP_FRAME)
        frame = handle.content_frame() if handle is not None else None
        if frame is not None and not frame.is_detached():
            return frame
        if time.monotonic() > deadline:
            raise AssertionError(f"no map iframe after {timeout:.0f} s")
        time.sleep(0.2)


def marker_count(pg: Any, *, timeout: float = 60.0, differ_from: int | None = None) -> int:
    """Markers on the app's map (single markers plus the counts on cluster icons), settled.

    While Leaflet animates a zoom, a cluster icon and its markers can both be in the page, so
    the count must read the same three times in a row.
    """
    deadline = time.monotonic() + timeout
    seen: list[int] = []
    while time.monotonic() < deadline:
        try:
            seen.append(int(map_frame(pg).evaluate(_COUNT_JS)))
        except Exception as exc:  # the iframe is replaced while Streamlit reruns
            if "detached" not in str(exc).lower() and "context" not in str(exc).lower():
                raise
            seen.append(-1)
        last = seen[-3:]
        if len(last) == 3 and len(set(last)) == 1 and last[0] > 0 and last[0] != differ_from:
            return last[0]
        time.sleep(0.3)
    raise AssertionError(f"marker count did not settle: {seen[-6:]} (was {differ_from})")
