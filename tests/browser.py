"""Debian's Chromium for the end-to-end tests and benchmarks (driven by Playwright with
``executable_path``; no browser download). One place for its path and launch flags."""

from __future__ import annotations

from pathlib import Path

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
