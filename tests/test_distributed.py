"""Ingest on a Dask cluster (#17): a real ``distributed.LocalCluster`` of two worker processes.

The incidents equal a serial ingest's whatever the partitioning; a worker killed mid-run is
replaced and its partition retried, and a partition that keeps failing stops the run with a
clear message and nothing half-written.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faulthelpers import article_text, write_articles

from geomap.config import Settings
from geomap.distributed import DistributedError, Partition, ingest_distributed, process_partition
from geomap.pipeline import ingest_paths
from geomap.store.sqlite import iter_incidents, open_store

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 text files (pairs of reports of one shelling: they link) and a JSONL feed of 90, 30
    of them copies of files (the same text at a url)."""
    root = tmp_path_factory.mktemp("corpus")
    write_articles(root / "files", 60)
    with (root / "feed.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(30, 120):  # overlaps the files: some articles are already known
            text = article_text(i if i < 60 else i + 300)
            rec = {
                "id": f"f{i}",
                "text": text,
                "source": f"Feed {i}",
                "url": f"https://f.example/{i}",
            }
            fh.write(json.dumps(rec) + "\n")
        fh.write("not json\n")
    return root


def _groups(db: str) -> list[tuple[Any, ...]]:
    with open_store(db, readonly=True) as store:
        out = []
        for rec in iter_incidents(store, order_by="incident_id"):
            rec.pop("updated_at", None)
            out.append(tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in rec.items())))
        return out


def _settings(settings: Settings, db: str) -> Settings:
    return settings.with_overrides(db_path=db)


def test_incidents_equal_a_serial_ingest_whatever_the_partitioning(
    client: Any, corpus: Path, settings: Settings, tmp_path: Path, gazetteer: Any
) -> None:
    inputs = [corpus / "files", corpus / "feed.jsonl"]
    serial_db = str(tmp_path / "serial.sqlite")
    with open_store(serial_db) as store:
        serial = ingest_paths(inputs, settings=_settings(settings, serial_db), store=store,
                              gazetteer=gazetteer)  # fmt: skip
    assert serial.incidents_merged > 0 and serial.new > 100 and serial.copies == 30
    expected = _groups(serial_db)
    for files, lines in ((1, 7), (8, 500), (25, 33)):
        db = str(tmp_path / f"d{files}-{lines}.sqlite")
        with open_store(db) as store:
            report = ingest_distributed(
                inputs, settings=_settings(settings, db), store=store, client=client,
                files_per_partition=files, lines_per_chunk=lines,
            )  # fmt: skip
        got = (report.new, report.known, report.copies, report.incidents_created,
               report.incidents_merged)  # fmt: skip
        assert got == (serial.new, serial.known, serial.copies, serial.incidents_created,
                       serial.incidents_merged)  # fmt: skip
        assert sorted(report.failed) == sorted(serial.failed)  # the bad JSONL line, named
        assert _groups(db) == expected, (files, lines)


def kill_first_attempt(partition: Partition, settings: Settings) -> list[Any]:
    """Partition 1's first attempt kills its worker process (SIGKILL), as an OOM kill would."""
    marker = Path(settings.db_path).with_suffix(".killed")
    if partition.index == 1 and not marker.exists():
        marker.write_text("x")
        os.kill(os.getpid(), signal.SIGKILL)
    return process_partition(partition, settings)


def always_fail(partition: Partition, settings: Settings) -> list[Any]:
    if partition.index == 2:
        raise RuntimeError("this partition cannot be processed")
    return process_partition(partition, settings)


def gazetteers_opened(partition: Partition, settings: Settings) -> list[Any]:
    """Reports, as a notice, how often this worker had opened a gazetteer before its work."""
    import geomap.distributed

    before = geomap.distributed.OPENED[0]
    process_partition(partition, settings)
    return [("notice", f"partition {partition.index}", f"{before}/{os.getpid()}")]


def test_each_worker_opens_the_gazetteer_once_before_its_first_partition(
    corpus: Path, settings: Settings, tmp_path: Path
) -> None:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    db = str(tmp_path / "fresh.sqlite")
    with distributed.Client(cluster) as fresh, open_store(db) as store:
        report = ingest_distributed(
            [corpus / "files"], settings=_settings(settings, db), store=store, client=fresh,
            files_per_partition=4, process=gazetteers_opened,
        )  # fmt: skip
        after = fresh.run(lambda: __import__("geomap.distributed").distributed.OPENED[0])
    cluster.close()
    assert len(report.notices) == 15
    assert {message.split("/")[0] for _, message in report.notices} == {"1"}
    assert sorted(after.values()) == [1, 1]


def test_a_killed_worker_is_replaced_and_its_partition_retried(
    client: Any, corpus: Path, settings: Settings, tmp_path: Path
) -> None:
    db = str(tmp_path / "killed.sqlite")
    with open_store(db) as store:
        report = ingest_distributed(
            [corpus / "files"], settings=_settings(settings, db), store=store, client=client,
            files_per_partition=10, process=kill_first_attempt,
        )  # fmt: skip
    assert Path(db).with_suffix(".killed").exists()  # the kill happened
    assert (report.new, report.failed) == (60, ())
    client.wait_for_workers(2, timeout=60)


def test_a_partition_that_keeps_failing_stops_the_run_cleanly(
    client: Any, corpus: Path, settings: Settings, tmp_path: Path
) -> None:
    db = str(tmp_path / "failing.sqlite")
    with open_store(db) as store, pytest.raises(DistributedError) as err:
        ingest_distributed(
            [corpus / "files"], settings=_settings(settings, db), store=store, client=client,
            files_per_partition=10, process=always_fail,
        )  # fmt: skip
    message = str(err.value)
    assert "partition 2 (" in message and "cannot be processed" in message
    assert "20 new articles were stored whole; run the same ingest again" in message
    with open_store(db, readonly=True) as store:
        q = store.conn.execute
        assert q("SELECT count(*) FROM article").fetchone()[0] == 20
        assert q("SELECT count(DISTINCT article_id) FROM candidate").fetchone()[0] == 20


def test_cli_ingest_workers(corpus: Path, tmp_path: Path) -> None:
    from faulthelpers import run_geomap

    db = tmp_path / "cli.sqlite"
    done = run_geomap("--db", db, "ingest", "--workers", "2", corpus / "files", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "articles: 60 new" in done.stdout
    usage = run_geomap("--db", db, "ingest", "--workers", "2", "--dask", "tcp://x:1", "a")
    assert usage.returncode == 2 and "not both" in usage.stderr
