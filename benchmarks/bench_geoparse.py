"""Geoparser quality and speed on the dev corpora, scored like shared/tools/score_geoparse.py.

Runs ``geomap geoparse`` (in-process, the same code path) over each corpus twice: end to end
(recognition + resolution) and with ``--gold-spans`` (resolution alone), then prints per
corpus: recognition P/R/F1, end-to-end F1@161 km, resolution accuracy@161 km, median error,
documents per second and peak resident memory. Predictions are written to a folder so the
reference scorer can be run on them to confirm the figures.

Usage::

    python benchmarks/bench_geoparse.py [--eval DIR] [--corpora geowebnews,lgl,tr-news]
                                        [--out DIR] [--no-demonyms]

DIR defaults to $GEOMAP_EVAL_DIR or ../shared/eval next to the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import score  # noqa: E402

from geomap.config import Settings  # noqa: E402
from geomap.gazetteer import Gazetteer  # noqa: E402
from geomap.geoparse import geoparse_text, resolution_to_json  # noqa: E402

NEWS = ("geowebnews", "lgl", "tr-news")
DEFAULT_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def run(
    docs: list[dict], gaz: Gazetteer, *, gold: bool, demonyms: bool
) -> tuple[list[dict], float]:
    started = time.perf_counter()
    preds = []
    for d in docs:
        spans = [(t["start"], t["end"]) for t in d["toponyms"]] if gold else None
        places = geoparse_text(d["text"], gazetteer=gaz, spans=spans, demonyms=demonyms)
        preds.append({"id": d["id"], "places": [resolution_to_json(r) for r in places]})
    return preds, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--eval", type=Path, default=Path(os.environ.get("GEOMAP_EVAL_DIR", DEFAULT_EVAL))
    )
    ap.add_argument("--corpora", default=",".join(NEWS))
    ap.add_argument("--out", type=Path, default=None, help="write predictions here")
    ap.add_argument("--no-demonyms", action="store_true")
    args = ap.parse_args()
    if not args.eval.is_dir():
        print(
            f"SKIPPED: evaluation corpora not found at {args.eval} (set --eval or GEOMAP_EVAL_DIR)"
        )
        return
    gaz = Gazetteer.open(Settings.from_env({**os.environ, "GEOMAP_OFFLINE": "1"}))
    proc = psutil.Process()
    header = f"{'corpus':<13}{'docs':>6}{'recP':>7}{'recR':>7}{'recF1':>7}{'e2eF1':>7}{'acc161':>8}{'medkm':>8}{'docs/s':>8}{'peakMB':>8}"
    print(header)
    rows = []
    for name in args.corpora.split(","):
        path = args.eval / f"{name}.dev.jsonl"
        if not path.exists():
            print(f"{name:<13} SKIPPED: {path} not found")
            continue
        docs = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        e2e, secs = run(docs, gaz, gold=False, demonyms=not args.no_demonyms)
        res, _ = run(docs, gaz, gold=True, demonyms=False)
        s_e2e, s_res = score(docs, e2e), score(docs, res)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            for tag, preds in (("e2e", e2e), ("gold", res)):
                with open(args.out / f"{name}.{tag}.jsonl", "w", encoding="utf-8") as fh:
                    fh.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in preds)
        peak = getattr(proc.memory_info(), "rss", 0) / 2**20
        row = (
            name,
            len(docs),
            s_e2e["rec_p"],
            s_e2e["rec_r"],
            s_e2e["rec_f1"],
            s_e2e["e2e_f1"],
            s_res["acc161"],
            s_res["median_km"],
            len(docs) / secs,
            peak,
        )
        rows.append(row)
        print(
            f"{row[0]:<13}{row[1]:>6}{row[2]:>7.3f}{row[3]:>7.3f}{row[4]:>7.3f}{row[5]:>7.3f}"
            f"{row[6]:>8.3f}{row[7]:>8.1f}{row[8]:>8.1f}{row[9]:>8.0f}"
        )
    if rows:
        n = len(rows)
        print(
            f"{'mean':<13}{'':>6}{sum(r[2] for r in rows) / n:>7.3f}{sum(r[3] for r in rows) / n:>7.3f}"
            f"{sum(r[4] for r in rows) / n:>7.3f}{sum(r[5] for r in rows) / n:>7.3f}"
            f"{sum(r[6] for r in rows) / n:>8.3f}{'':>8}{sum(r[8] for r in rows) / n:>8.1f}"
        )


if __name__ == "__main__":
    main()
