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
import itertools
import json
import os
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import km, score

from geomap.config import Settings
from geomap.gazetteer.lookup import Gazetteer
from geomap.geoparse.record import geoparse_text, resolution_to_json

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
    widths = {"docs": 6, "recP": 7, "recR": 7, "recF1": 7, "e2eF1": 7, "acc161": 8, "medkm": 8}
    widths |= {"docs/s": 8, "peakMB": 8}
    print(f"{'corpus':<13}" + "".join(f"{k:>{w}}" for k, w in widths.items()))
    rows = []
    calibration: list[tuple[float, bool]] = []
    for name in args.corpora.split(","):
        path = args.eval / f"{name}.dev.jsonl"
        if not path.exists():
            print(f"{name:<13} SKIPPED: {path} not found")
            continue
        docs = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        e2e, secs = run(docs, gaz, gold=False, demonyms=not args.no_demonyms)
        res, _ = run(docs, gaz, gold=True, demonyms=False)
        s_e2e, s_res = score(docs, e2e), score(docs, res)
        calibration += score_pairs(docs, res)
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
        mean = [sum(r[i] for r in rows) / len(rows) for i in range(2, len(rows[0]))]
        mean = [0.0, 0.0, *mean]
        print(
            f"{'mean':<13}{'':>6}{mean[2]:>7.3f}{mean[3]:>7.3f}{mean[4]:>7.3f}{mean[5]:>7.3f}"
            f"{mean[6]:>8.3f}{'':>8}{mean[8]:>8.1f}"
        )

    print_calibration(calibration)


def score_pairs(docs: list[dict], preds: list[dict]) -> list[tuple[float, bool]]:
    """(score, within 161 km) for each resolved gold-span prediction with gold coordinates."""
    out = []
    for doc, pred in zip(docs, preds, strict=True):
        for gold, place in zip(doc["toponyms"], pred["places"], strict=True):
            if gold["lat"] is None or place["lat"] is None:
                continue
            out.append(
                (place["score"], km(gold["lat"], gold["lon"], place["lat"], place["lon"]) <= 161)
            )
    return out


def print_calibration(pairs: list[tuple[float, bool]]) -> None:
    """How often a score of x is right: the score should read as that probability."""
    edges = (0.0, 0.3, 0.5, 0.7, 0.85, 0.95, 1.01)
    print("\ncalibration (gold spans): score range -> share within 161 km")
    for lo, hi in itertools.pairwise(edges):
        hits = [ok for s, ok in pairs if lo <= s < hi]
        if hits:
            print(f"  {lo:.2f}-{min(hi, 1.0):.2f}: {sum(hits) / len(hits):.2f} of {len(hits)}")


if __name__ == "__main__":
    main()
