"""Incidents on real coded reports (the reference scorer) and on scraped-page fixtures.

1. Runs the reference scorer ``score_incidents.py`` on the dev reports, with *this*
   checkout's ``geomap`` first on PATH, and prints its table (found, incidents per report,
   country, within 25 km, date, type, sub-type, fatalities per source) and the ACLED 2019+
   means the targets are stated in.
2. Ingests the scraped-page fixtures (``tests/fixtures/pages``: two pages of one strike, as
   HTML and as scraped text, with captions, headers, widgets, comments, statements made
   elsewhere and an older event) and prints the incidents they make.

Usage::

    python benchmarks/bench_incidents.py [--eval DIR] [--scorer PATH] [--per-source N]

DIR defaults to $GEOMAP_EVAL_DIR or ../shared/eval next to the repository; the scorer to
../shared/tools/score_incidents.py. Either missing: that part is skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_EVAL = Path(os.environ.get("GEOMAP_EVAL_DIR") or SHARED / "eval")
DEFAULT_SCORER = SHARED / "tools" / "score_incidents.py"
PAGES = ROOT / "tests" / "fixtures" / "pages"
ACLED_2019 = (
    "acled_yasarkerem_syria_battles", "acled_rpanlilio_global_2020", "acled_carol0128_kenya",
    "acled_dkoban_afghanistan_2020",
)  # fmt: skip
COLUMNS = ("found", "per_rec", "country", "loc25", "date", "type", "sub", "fatal")


def _env_with_this_geomap(tmp: Path) -> dict[str, str]:
    """PATH with a ``geomap`` that runs this checkout (whatever is installed)."""
    shim = tmp / "bin" / "geomap"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m geomap "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    path = f"{shim.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PATH": path, "PYTHONPATH": pythonpath, "GEOMAP_OFFLINE": "1"}


def scorer_table(eval_dir: Path, scorer: Path, per_source: int, tmp: Path) -> None:
    data = eval_dir / "incidents" / "incidents.dev.jsonl"
    if not data.exists() or not scorer.exists():
        print(f"reference scorer: skipped ({data if not data.exists() else scorer} not found)")
        return
    out = tmp / "scores.json"
    env = _env_with_this_geomap(tmp)
    env["GEOMAP_GAZETTEER"] = os.environ.get("GEOMAP_GAZETTEER", str(tmp / "gazetteer.sqlite"))
    cmd = [sys.executable, str(scorer), str(data), "--per-source", str(per_source)]
    proc = subprocess.run([*cmd, "--json", str(out)], env=env, capture_output=True, text=True)
    print(proc.stdout.rstrip())
    if proc.returncode != 0:
        print(proc.stderr[-2000:])
        return
    summary = json.loads(out.read_text())["summary"]
    means = []
    for col in COLUMNS:
        values = [summary[s][col] for s in ACLED_2019 if summary.get(s, {}).get(col) is not None]
        means.append(f"{col}={sum(values) / len(values):.3f}" if values else f"{col}=-")
    print("ACLED 2019+ note sets, mean: " + " ".join(means))


def page_scenario(tmp: Path) -> None:
    env = _env_with_this_geomap(tmp)
    for suffix in (".html", ".txt"):
        db = tmp / f"pages{suffix}.sqlite"
        env["GEOMAP_DB"] = str(db)
        pages = sorted(str(p) for p in PAGES.glob(f"*{suffix}"))
        ingest = subprocess.run(
            [sys.executable, "-m", "geomap", "ingest", *pages],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        listing = subprocess.run(
            [sys.executable, "-m", "geomap", "incidents", "--json"],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        incidents = [json.loads(line) for line in listing.stdout.splitlines() if line.strip()]
        print(f"scraped pages ({suffix}, {len(pages)} pages): {ingest.stdout.strip()}")
        for i in incidents:
            print(
                f"  {i['event_date']}  {i['sub_event_type']:24} {i['location']} "
                f"({i['country']})  killed {i['fatalities']}, injured {i['injured']}, "
                f"{i['source_count']} sources"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    ap.add_argument("--per-source", type=int, default=400)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scorer_table(args.eval, args.scorer, args.per_source, Path(tmp))
    with tempfile.TemporaryDirectory() as tmp:
        page_scenario(Path(tmp))


if __name__ == "__main__":
    main()
