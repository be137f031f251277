"""Crashes and concurrent use of one store.

- ``geomap ingest`` killed with SIGKILL mid-batch: the store opens, passes ``integrity_check``,
  keeps every article committed before the kill, each whole; a re-run completes the rest with
  no duplicate article, report or incident.
- Two ingests at once on overlapping folders: both succeed, nobody sees "database is locked",
  and the store ends exactly as after one sequential ingest.
- Readers (the app's ``load_view`` and ``iter_incidents`` on a read-only store) during an
  ingest never fail.
- Several processes/threads creating the same new store at once.
"""

from __future__ import annotations

import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from faulthelpers import (
    REPO,
    check_store,
    geomap_cmd,
    read_counts,
    run_geomap,
    subprocess_env,
    write_articles,
)

from geomap.app.state import load_view
from geomap.gazetteer.lookup import Gazetteer
from geomap.models import INCIDENT_FIELDS, IncidentFilter
from geomap.store.sqlite import count_incidents, iter_incidents, open_store

N_ARTICLES = 200
PARAGRAPHS = 6  # neutral filler: makes each article slow enough to kill mid-batch
SUMMARY = re.compile(r"articles: (\d+) new, (\d+) already known, (\d+) failed")


@dataclass(frozen=True)
class Reference:
    """The corpus and the store one uninterrupted sequential ingest makes of it."""

    folder: Path
    db: Path
    counts: dict[str, int]
    groups: list[tuple[str, ...]]
    per_article: dict[str, tuple[int, int]]


def incident_groups(db: Path) -> list[tuple[str, ...]]:
    """Each incident as the sorted ids of the articles whose reports it merges, sorted."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT group_concat(article_id, ' ') FROM"
            " (SELECT incident_id, article_id FROM candidate ORDER BY article_id)"
            " GROUP BY incident_id"
        ).fetchall()
    finally:
        conn.close()
    return sorted(tuple(sorted(r[0].split())) for r in rows)


def per_article(db: Path) -> dict[str, tuple[int, int]]:
    """``article id -> (mentions, reports)`` stored for it."""
    conn = sqlite3.connect(db)
    try:
        return {
            aid: (m, c)
            for aid, m, c in conn.execute(
                "SELECT a.id,"
                " (SELECT count(*) FROM mention m WHERE m.article_id = a.id),"
                " (SELECT count(*) FROM candidate c WHERE c.article_id = a.id) FROM article a"
            )
        }
    finally:
        conn.close()


def summary(stdout: str) -> tuple[int, int, int]:
    found = SUMMARY.search(stdout)
    assert found, stdout
    return int(found[1]), int(found[2]), int(found[3])


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, gazetteer: Gazetteer) -> Reference:
    root = tmp_path_factory.mktemp("corpus")
    folder = root / "articles"
    write_articles(folder, N_ARTICLES, paragraphs=PARAGRAPHS)
    db = root / "reference.sqlite"
    result = run_geomap("ingest", folder, "--db", db)
    assert result.returncode == 0, result.stderr
    assert summary(result.stdout) == (N_ARTICLES, 0, 0)
    counts = check_store(db)
    assert counts["article"] == counts["candidate"] == N_ARTICLES
    assert 0 < counts["incident"] < N_ARTICLES  # some reports merge
    return Reference(folder, db, counts, incident_groups(db), per_article(db))


def assert_same_as_reference(db: Path, ref: Reference) -> None:
    counts = check_store(db)
    assert counts == ref.counts
    assert incident_groups(db) == ref.groups
    assert per_article(db) == ref.per_article


def _poll_articles(db: Path) -> int:
    try:
        return read_counts(db)["article"]
    except sqlite3.Error:  # the file is being created
        return 0


def test_sigkill_mid_batch_loses_nothing_committed_and_a_rerun_completes(
    tmp_path: Path, reference: Reference
) -> None:
    db = tmp_path / "killed.sqlite"
    proc = subprocess.Popen(
        geomap_cmd("ingest", reference.folder, "--db", db),
        env=subprocess_env(),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen = 0
    deadline = time.monotonic() + 60
    try:
        while seen < 20:
            assert proc.poll() is None, "the ingest finished before it could be killed"
            assert time.monotonic() < deadline, "no article was committed within 60 s"
            seen = _poll_articles(db)
            time.sleep(0.005)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    after = check_store(db)  # opens, integrity_check ok, invariants hold
    print(f"killed after seeing {seen} articles; {after['article']} stored after the kill")
    assert seen <= after["article"] < N_ARTICLES
    # every stored article is whole: the same mentions and reports as in the reference
    stored = per_article(db)
    assert all(stored[aid] == reference.per_article[aid] for aid in stored)
    assert after["candidate"] == after["article"]

    rerun = run_geomap("ingest", reference.folder, "--db", db)
    assert rerun.returncode == 0, rerun.stderr
    assert summary(rerun.stdout) == (N_ARTICLES - after["article"], after["article"], 0)
    assert_same_as_reference(db, reference)


def _split_folders(root: Path, ref: Reference) -> tuple[Path, Path]:
    """Two folders, articles 0..139 and 60..199 (80 in both)."""
    files = sorted(ref.folder.iterdir())
    first, second = root / "first", root / "second"
    for folder, part in ((first, files[:140]), (second, files[60:])):
        folder.mkdir()
        for f in part:
            shutil.copy(f, folder / f.name)
    return first, second


def test_two_ingests_at_once_on_one_store(tmp_path: Path, reference: Reference) -> None:
    first, second = _split_folders(tmp_path, reference)
    db = tmp_path / "shared.sqlite"  # created by whichever process gets there first
    procs = [
        subprocess.Popen(
            geomap_cmd("ingest", folder, "--db", db),
            env=subprocess_env(),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in (first, second)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err, err
    (new1, known1, failed1), (new2, known2, failed2) = (summary(o) for o, _ in outputs)
    print(f"concurrent ingests: {new1}+{new2} new, {known1}+{known2} already known")
    assert failed1 == failed2 == 0
    assert new1 + new2 == N_ARTICLES  # each article stored by exactly one of them
    assert known1 + known2 == 80  # the overlap was seen as known by the other
    assert_same_as_reference(db, reference)


def test_readers_during_an_ingest_never_fail(tmp_path: Path, reference: Reference) -> None:
    db = tmp_path / "read-while-writing.sqlite"
    proc = subprocess.Popen(
        geomap_cmd("ingest", reference.folder, "--db", db),
        env=subprocess_env(),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors: list[str] = []
    app_counts: list[int] = []
    ro_counts: list[int] = []
    done = threading.Event()

    def app_reader() -> None:  # what the Streamlit page does on every rerun
        while not done.is_set():
            try:
                view = load_view(db, IncidentFilter())
                assert all(set(r) == set(INCIDENT_FIELDS) for r in view.records)
                app_counts.append(view.counts.incidents)
            except Exception as exc:
                errors.append(f"load_view: {type(exc).__name__}: {exc}")
            time.sleep(0.01)

    def readonly_reader() -> None:
        while not done.is_set():
            if not read_counts(db)["incident"]:
                time.sleep(0.01)
                continue
            try:
                with open_store(db, readonly=True) as store:
                    n = sum(1 for _ in iter_incidents(store, IncidentFilter()))
                    assert count_incidents(store) >= n
                ro_counts.append(n)
            except Exception as exc:
                errors.append(f"iter_incidents: {type(exc).__name__}: {exc}")
            time.sleep(0.01)

    threads = [threading.Thread(target=f) for f in (app_reader, readonly_reader)]
    for t in threads:
        t.start()
    try:
        _out, err = proc.communicate(timeout=120)
    finally:
        done.set()
        for t in threads:
            t.join()
    assert proc.returncode == 0, err
    assert "locked" not in err
    assert errors == []
    print(f"reads during the ingest: {len(app_counts)} app views, {len(ro_counts)} read-only")
    assert len(app_counts) >= 5 and len(ro_counts) >= 3
    # incidents only ever appear (merging never removes one), and readers see them grow
    assert app_counts == sorted(app_counts) and ro_counts == sorted(ro_counts)
    assert app_counts[0] < reference.counts["incident"]
    assert_same_as_reference(db, reference)


def test_many_openers_creating_one_new_store_at_once() -> None:
    """Regression: the schema migration and the switch to WAL raced ("not a geomap store",
    "database is locked") when several processes created the same store at once."""
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(40):
            path = Path(tmp) / f"s{round_}.sqlite"
            barrier = threading.Barrier(4)

            def open_one(path: Path = path, barrier: threading.Barrier = barrier) -> None:
                barrier.wait()
                try:
                    with open_store(path) as store:
                        assert store.schema_version >= 1 and store.journal_mode == "wal"
                except Exception as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")

            threads = [threading.Thread(target=open_one) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    assert failures == []
