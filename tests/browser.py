"""Debian's Chromium for the end-to-end tests and benchmarks (driven by Playwright with
``executable_path``; no browser download). One place for its path and launch flags."""

from __future__ import annotations

import re
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
