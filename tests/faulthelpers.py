"""Helpers for the fault tests: generated articles, ``python -m geomap`` subprocesses, store
invariants read straight from SQLite, and the peak memory of a running process.

The article texts are our own, generated from a template (no third-party text).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

import psutil

REPO = Path(__file__).resolve().parent.parent

#: Towns the bundled gazetteer knows; article ``i`` reports shelling in ``TOWNS[i % 12]``.
TOWNS = (
    "Aleppo", "Idlib", "al-Bab", "Manbij", "Homs", "Hama",
    "Raqqa", "Mosul", "Baqubah", "Kirkuk", "Deir ez-Zor", "Diyarbakir",
)  # fmt: skip
_FILLER = (
    "Traders from {town} met on Sunday to discuss the price of bread and fuel, item {p} of "
    "report {i}."
)


def article_text(i: int, *, paragraphs: int = 0) -> str:
    """A short wire report (headline, date, dateline, one shelling sentence) numbered ``i``.

    Articles ``i`` and ``i + 12 * 27`` share town and date; ``paragraphs`` adds neutral filler
    (no incident) to make an article slower to process.
    """
    town = TOWNS[i % len(TOWNS)]
    day = 1 + i % 27
    lines = [
        f"Shelling hits {town}",
        f"{day} March 2017",
        "",
        f"BEIRUT, March {day} (Wire {i}) - Artillery shells hit the town of {town} on Monday, "
        f"killing {i % 9 + 1} civilians and wounding {i % 5 + 2} others, a monitor said. "
        f"Report number {i}.",
    ]
    lines += [_FILLER.format(town=TOWNS[(i + p) % len(TOWNS)], p=p, i=i) for p in range(paragraphs)]
    return "\n".join(lines) + "\n"


def write_articles(folder: Path, count: int, *, start: int = 0, paragraphs: int = 0) -> list[Path]:
    """Write articles ``start .. start + count - 1`` as ``art00042.txt`` files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"art{i:05d}.txt"
        path.write_text(article_text(i, paragraphs=paragraphs), encoding="utf-8")
        paths.append(path)
    return paths


# -- subprocesses ------------------------------------------------------------------------------
def geomap_cmd(*args: str | Path) -> list[str]:
    """``python -m geomap ARGS`` with this interpreter."""
    return [sys.executable, "-m", "geomap", *(str(a) for a in args)]


def subprocess_env(**extra: str) -> dict[str, str]:
    """The session's (offline) environment plus ``extra``, with the repo importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


def run_geomap(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m geomap ARGS`` to completion; text stdout/stderr captured."""
    return subprocess.run(
        geomap_cmd(*args),
        env=env or subprocess_env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def failed_lines(stderr: str) -> list[str]:
    """The ``geomap: failed: SOURCE: MESSAGE`` lines of an ingest's stderr."""
    return [line for line in stderr.splitlines() if line.startswith("geomap: failed: ")]


# -- the store, read directly ------------------------------------------------------------------
TABLES = ("article", "mention", "candidate", "incident", "geocode_cache")


def read_counts(db: Path) -> dict[str, int]:
    """Row counts per table through a read-only connection (zeros before the schema exists)."""
    out = dict.fromkeys(TABLES, 0)
    if not db.exists():
        return out
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        for table in TABLES:
            # no such table yet (a writer mid-migration): count 0
            with contextlib.suppress(sqlite3.OperationalError):
                out[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()
    return out


def check_store(db: Path) -> dict[str, int]:
    """Assert the store's invariants and return its row counts.

    - ``PRAGMA integrity_check`` is ``ok`` and ``foreign_key_check`` finds nothing;
    - every article has its mentions and candidates numbered 0..n-1 without gaps, and every
      mention's offsets slice the stored text to its surface (no half-written article);
    - every incident has at least one candidate, and its ``source_count`` is the number of
      distinct articles among them; no candidate points to a missing incident.
    """
    conn = sqlite3.connect(db, timeout=30)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table in ("mention", "candidate"):
            gaps = conn.execute(
                f"SELECT article_id, count(*), min(idx), max(idx) FROM {table}"
                " GROUP BY article_id HAVING min(idx) != 0 OR max(idx) != count(*) - 1"
            ).fetchall()
            assert gaps == [], f"{table} rows with gaps: {gaps[:3]}"
        bad_offsets = [
            (aid, start, surface)
            for aid, text, start, end, surface in conn.execute(
                'SELECT m.article_id, a.text, m.start, m."end", m.surface'
                " FROM mention m JOIN article a ON a.id = m.article_id"
            )
            if text[start:end] != surface
        ]
        assert bad_offsets == [], bad_offsets[:3]
        orphans = conn.execute(
            "SELECT count(*) FROM incident i"
            " WHERE NOT EXISTS (SELECT 1 FROM candidate c WHERE c.incident_id = i.id)"
        ).fetchone()[0]
        assert orphans == 0, f"{orphans} incidents without any report"
        dangling = conn.execute(
            "SELECT count(*) FROM candidate c"
            " WHERE NOT EXISTS (SELECT 1 FROM incident i WHERE i.id = c.incident_id)"
        ).fetchone()[0]
        assert dangling == 0, f"{dangling} reports point to a missing incident"
        wrong_counts = conn.execute(
            "SELECT i.id, i.source_count, count(DISTINCT c.article_id) FROM incident i"
            " JOIN candidate c ON c.incident_id = i.id GROUP BY i.id"
            " HAVING i.source_count != count(DISTINCT c.article_id)"
        ).fetchall()
        assert wrong_counts == [], wrong_counts[:3]
    finally:
        conn.close()
    return read_counts(db)


# -- memory ------------------------------------------------------------------------------------
class PeakRSS:
    """Samples the resident memory of a process (and its children) every ``interval`` seconds
    in a background thread; ``peak`` is the largest sum seen, in bytes.

    Examples
    --------
    >>> with PeakRSS(os.getpid()) as mem:  # doctest: +SKIP
    ...     work()
    >>> mem.peak / 2**20  # doctest: +SKIP
    """

    def __init__(self, pid: int, *, interval: float = 0.02) -> None:
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        total = 0
        for p in (self.proc, *self.proc.children(recursive=True)):
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self._sample())
            except psutil.Error:  # the process ended
                return
            time.sleep(self.interval)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 120
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``python -m geomap ARGS`` and return ``(result, peak RSS in bytes)``."""
    proc = subprocess.Popen(
        geomap_cmd(*args),
        env=env or subprocess_env(),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with PeakRSS(proc.pid) as mem:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return result, mem.peak
