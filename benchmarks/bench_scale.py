"""Ingest cost as the store grows and as one article grows (issue 15's tables).

Store scale: a store is filled with N generated reports (5 countries, 2,000 places, 20
reports a day, so a bigger store spans more days, as a growing store does; written with
``write_article`` and no linker, which is fast), then the cost per report of the next
reports (dated within the store's span) is measured at that size, linked with the real
linker:

- generated reports (``write_article`` + ``geomap.pipeline.make_linker``): ms per report, the
  stored rows offered to the linker per report, and SQL statements per report;
- ACLED dev notes (``--dev`` of them, from ``GEOMAP_DEV_RECORDS`` or
  ``../shared/eval/incidents/incidents.dev.jsonl``; skipped when absent) through the whole
  pipeline (``ingest_articles``): ms per report.

Article scale: one article of 10 kB, 100 kB, 1 MB, 6 MB of dense event text ("Shelling hit
Aleppo on Monday." repeated) and of one run-on sentence with no full stop, each ingested by
``geomap ingest --offline`` in a child process: wall time and peak RSS. A child that runs past
``--timeout`` is killed and shown as ``>timeout``.

    python benchmarks/bench_scale.py                       # both tables
    python benchmarks/bench_scale.py --store-sizes 1000 10000 --skip-articles
    python benchmarks/bench_scale.py --article-sizes 10000 100000 --skip-store

Figures for the closing note are printed as Markdown tables; CPU time is the steadier figure
on a busy machine. Run with ``PYTHONPATH`` set to
the tree you want to measure; the gazetteer comes from the usual settings.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geomap.config import Settings
from geomap.ingest.readers import make_article
from geomap.models import METHOD_GAZETTEER, IncidentCandidate, Mention, Place, Resolution
from geomap.store.sqlite import open_store, write_article

DEV = Path(
    os.environ.get("GEOMAP_DEV_RECORDS")
    or Path(__file__).resolve().parents[2] / "shared" / "eval" / "incidents" / "incidents.dev.jsonl"
)
COUNTRIES = (("SY", "Syria", 33.0, 36.0), ("IQ", "Iraq", 31.0, 41.0), ("YE", "Yemen", 13.0, 43.0),
             ("AF", "Afghanistan", 32.0, 63.0), ("KE", "Kenya", -1.0, 36.0))  # fmt: skip
TYPES = (("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
         ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
         ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest"))  # fmt: skip
START = date(2016, 1, 1)


def _places(rng: random.Random, n: int = 2000) -> list[Place]:
    out = []
    for i in range(n):
        cc, country, lat, lon = COUNTRIES[i % len(COUNTRIES)]
        lat_i, lon_i = lat + rng.uniform(-3, 3), lon + rng.uniform(-3, 3)
        out.append(Place(9_000_000 + i, f"Place {i}", lat_i, lon_i, "P", "PPL", cc, "01",
                         "Region", country))  # fmt: skip
    return out


#: Generated reports per day: the store's density in time stays the same as it grows.
PER_DAY = 20


def _report(
    rng: random.Random, places: list[Place], i: int, days: int
) -> tuple[Any, IncidentCandidate]:
    place = rng.choice(places)
    etype, sub = rng.choice(TYPES)
    when = START + timedelta(days=rng.randrange(days))
    precision = rng.choice((1, 1, 1, 2, 3))
    article, _ = make_article(f"Generated report {i} about {place.name}.", origin=f"gen-{i}")
    res = Resolution(Mention(0, len(place.name), place.name), place, 0.9, METHOD_GAZETTEER)
    cand = IncidentCandidate(article.id, etype, sub, when, precision, res,
                             rng.choice((1, 1, 2, 3)), fatalities=rng.randrange(0, 20))  # fmt: skip
    return article, cand


def _dev_articles(limit: int) -> list[Any]:
    if not DEV.exists():
        return []
    out = []
    with DEV.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["source"].startswith("acled"):
                art, _ = make_article(
                    r["text"], origin=r["id"], url=f"https://dev.invalid/{r['id']}"
                )
                out.append(art)
            if len(out) >= limit:
                break
    return out


def store_table(sizes: list[int], probe: int, dev: int) -> list[str]:
    from geomap.gazetteer.lookup import Gazetteer
    from geomap.pipeline import _Tally, ingest_articles, make_linker

    settings = Settings.from_env().with_overrides(offline=True)
    gazetteer = Gazetteer.open(settings)
    dev_articles = _dev_articles(dev)
    rows = ["| reports in store | generated: CPU ms/report | rows offered/report | SQL/report |"
            " dev notes: CPU ms/report |", "|---:|---:|---:|---:|---:|"]  # fmt: skip
    print("\n".join(rows), flush=True)
    for size in sizes:
        rng = random.Random(size)
        places = _places(random.Random(7))
        with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "s.sqlite") as store:
            for i in range(size):
                article, cand = _report(rng, places, i, max(1, size // PER_DAY))
                write_article(store, article, [cand.location], [cand])  # type: ignore[list-item]
            offered: list[int] = []

            def counting(
                c: IncidentCandidate, r: list[dict[str, Any]], seen: list[int] = offered
            ) -> Any:
                seen.append(len(r))
                return make_linker()(c, r)

            statements: list[str] = []
            store.conn.set_trace_callback(statements.append)
            days = max(1, size // PER_DAY)
            reports = [_report(rng, places, size + i, days) for i in range(probe)]
            t0 = time.process_time()
            for article, cand in reports:
                write_article(store, article, [cand.location], [cand], linker=counting)  # type: ignore[list-item]
            gen_ms = (time.process_time() - t0) * 1000 / probe
            store.conn.set_trace_callback(None)
            ours = sum(not s.startswith("--") for s in statements) / probe
            dev_ms = float("nan")
            if dev_articles:
                t0 = time.process_time()
                ingest_articles(
                    [replace(a, id=f"{a.id}-{size}") for a in dev_articles],
                    store=store, gazetteer=gazetteer, tally=_Tally(),
                )  # fmt: skip
                dev_ms = (time.process_time() - t0) * 1000 / len(dev_articles)
        rows.append(f"| {size:,} | {gen_ms:.2f} | {sum(offered) / probe:.1f} | {ours:.1f} |"
                    f" {dev_ms:.2f} |")  # fmt: skip
        print(rows[-1], flush=True)
    return rows


def _article(kind: str, size: int) -> str:
    unit = "Shelling hit Aleppo on Monday. " if kind == "dense" else "shelling hit Aleppo and "
    text = unit * (size // len(unit) + 1)
    return text[:size]


def article_table(sizes: list[int], timeout: float) -> list[str]:
    rows = ["| article | dense event text: wall s (CPU s) | peak MB |"
            " one run-on sentence: wall s (CPU s) | peak MB |",
            "|---:|---:|---:|---:|---:|"]  # fmt: skip
    print("\n".join(rows), flush=True)
    for size in sizes:
        cells = []
        for kind in ("dense", "runon"):
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"{kind}.txt"
                path.write_text(_article(kind, size), encoding="utf-8")
                cmd = [sys.executable, "-c", _CHILD, str(path), str(Path(tmp) / "s.sqlite")]
                t0 = time.perf_counter()
                cpu0 = _children_cpu()
                try:
                    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                         env=dict(os.environ, GEOMAP_OFFLINE="1"))  # fmt: skip
                except subprocess.TimeoutExpired:
                    cells += [f">{timeout:g}", "-"]
                    continue
                wall = time.perf_counter() - t0
                cpu = _children_cpu() - cpu0
                rss = out.stdout.strip().splitlines()[-1] if out.returncode == 0 else "failed"
                cells += [f"{wall:.1f} ({cpu:.1f})", rss]
        rows.append(f"| {size / 1e6:g} MB | " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)
    return rows


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# The child ingests one file and prints its own peak RSS in MB (ru_maxrss is in kB on Linux).
_CHILD = """
import resource, sys
from click.testing import CliRunner
from geomap.cli.main import main
r = CliRunner().invoke(main, ["ingest", sys.argv[1], "--db", sys.argv[2], "--offline"])
assert r.exit_code == 0, r.output
print(round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store-sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--probe", type=int, default=500, help="reports measured per size")
    ap.add_argument("--dev", type=int, default=500, help="ACLED dev notes measured per size")
    ap.add_argument("--article-sizes", type=int, nargs="+",
                    default=[10_000, 100_000, 1_000_000, 6_000_000])  # fmt: skip
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--skip-store", action="store_true")
    ap.add_argument("--skip-articles", action="store_true")
    args = ap.parse_args()
    assert resource  # imported for the child's sake too
    if not args.skip_store:
        print("\n## Cost per report as the store grows\n", flush=True)
        store_table(args.store_sizes, args.probe, args.dev)
    if not args.skip_articles:
        print("\n## Cost per article as it grows\n", flush=True)
        article_table(args.article_sizes, args.timeout)


if __name__ == "__main__":
    main()
