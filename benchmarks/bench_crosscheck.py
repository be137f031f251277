"""Does the resolver's tuning carry over? Leave one corpus out.

The context weights of :class:`geomap.geoparse.resolve.Weights` were set on the dev corpora.
This benchmark re-tunes them on two corpora over a small grid and scores the third with what
won, beside the shipped weights and the best the grid could do on the third itself. When
tuning on two corpora picks weights that do about as well on the third as the shipped ones,
the weights are not fitted to one corpus. Resolution with gold spans (accuracy within 161 km),
as ``bench_geoparse.py`` and ``../shared/tools/score_geoparse.py --gold-spans`` score it.

Usage::

    python benchmarks/bench_crosscheck.py [--eval DIR] [--corpora geowebnews,lgl,tr-news]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_geoparse import DEFAULT_EVAL, NEWS, run
from scoring import score

from geomap.config import Settings
from geomap.gazetteer.lookup import Gazetteer
from geomap.geoparse import resolve

#: The context weights re-tuned here (the name and feature priors are cached per name).
GRID = {
    "country_share": (1.5, 2.5, 3.5),
    "distance": (0.75, 1.5, 2.25),
    "admin1_each": (0.2, 0.4, 0.8),
}


def accuracy(docs: list[dict], gaz: Gazetteer, weights: resolve.Weights) -> float:
    resolve.W = weights
    preds, _ = run(docs, gaz, gold=True, demonyms=False)
    return float(score(docs, preds)["acc161"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--eval", type=Path, default=Path(os.environ.get("GEOMAP_EVAL_DIR", DEFAULT_EVAL))
    )
    ap.add_argument("--corpora", default=",".join(NEWS))
    args = ap.parse_args()
    names = [n for n in args.corpora.split(",") if (args.eval / f"{n}.dev.jsonl").exists()]
    if len(names) < 2:
        print(f"SKIPPED: need two or more corpora under {args.eval} (set --eval)")
        return
    corpora = {
        n: [json.loads(line) for line in (args.eval / f"{n}.dev.jsonl").open(encoding="utf-8")]
        for n in names
    }
    gaz = Gazetteer.open(Settings.from_env({**os.environ, "GEOMAP_OFFLINE": "1"}))
    shipped = resolve.W
    configs = [
        dataclasses.replace(shipped, **dict(zip(GRID, values, strict=True)))
        for values in itertools.product(*GRID.values())
    ]
    started = time.perf_counter()
    table = {i: {n: accuracy(d, gaz, w) for n, d in corpora.items()} for i, w in enumerate(configs)}
    base = {n: accuracy(d, gaz, shipped) for n, d in corpora.items()}
    resolve.W = shipped
    secs = time.perf_counter() - started
    print(f"{len(configs)} weight settings x {len(names)} corpora in {secs:.0f} s")
    print(f"{'held out':<12}{'shipped':>9}{'tuned on others':>17}{'best possible':>15}  chosen")
    for held in names:
        others = [n for n in names if n != held]
        pick = max(table, key=lambda i: sum(table[i][n] for n in others))
        oracle = max(table[i][held] for i in table)
        chosen = ", ".join(f"{k}={getattr(configs[pick], k):g}" for k in GRID)
        print(f"{held:<12}{base[held]:>9.3f}{table[pick][held]:>17.3f}{oracle:>15.3f}  {chosen}")
    mean = sum(base.values()) / len(base)
    print(f"{'mean':<12}{mean:>9.3f}")


if __name__ == "__main__":
    main()
