"""Geoparse scoring with the same rules as shared/tools/score_geoparse.py.

Overlapping spans match one to one (exact first, then largest overlap); acc@161 over gold
places with coordinates; end-to-end counts a prediction only when it overlaps a gold place
and lies within 161 km; partially annotated documents count for resolution only.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

EARTH_KM = 6371.0088


def km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _pairs(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g["start"] < p["end"] and p["start"] < g["end"]:
                ov = min(g["end"], p["end"]) - max(g["start"], p["start"])
                exact = g["start"] == p["start"] and g["end"] == p["end"]
                cands.append((exact, ov, gi, pi))
    cands.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, _, gi, pi in cands:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gold[gi], pred[pi]))
    return out


def _coords(x: dict) -> bool:
    return x.get("lat") is not None and x.get("lon") is not None


def score(gold_docs: list[dict], preds: list[dict]) -> dict[str, Any]:
    """Recognition P/R/F1, acc161, end-to-end F1@161 and median error over the documents."""
    by_id = {str(p["id"]): p for p in preds}
    n_gold = n_pred = n_match = res_total = res_hit = tp = e_gold = e_pred = 0
    errors: list[float] = []
    for g in gold_docs:
        gold = g.get("toponyms", [])
        pred = by_id.get(str(g["id"]), {}).get("places", [])
        pairs = _pairs(gold, pred)
        paired = {id(a): b for a, b in pairs}
        partial = g.get("partial_annotation", False)
        if not partial:
            n_gold += len(gold)
            n_pred += len(pred)
            n_match += len(pairs)
            unjudged = [x for x in gold if not _coords(x)]
            e_gold += len(gold) - len(unjudged)
            e_pred += len(pred) - sum(1 for x in unjudged if id(x) in paired)
        for x in gold:
            if not _coords(x):
                continue
            res_total += 1
            p = paired.get(id(x))
            if p is None or not _coords(p):
                continue
            e = km(x["lat"], x["lon"], p["lat"], p["lon"])
            errors.append(e)
            if e <= 161:
                res_hit += 1
                tp += 0 if partial else 1

    def f1(p: float, r: float) -> float:
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    rp = n_match / n_pred if n_pred else 0.0
    rr = n_match / n_gold if n_gold else 0.0
    ep = tp / e_pred if e_pred else 0.0
    er = tp / e_gold if e_gold else 0.0
    return {
        "rec_p": rp, "rec_r": rr, "rec_f1": f1(rp, rr),
        "acc161": res_hit / res_total if res_total else 0.0,
        "e2e_p": ep, "e2e_r": er, "e2e_f1": f1(ep, er),
        "median_km": statistics.median(errors) if errors else float("nan"),
    }  # fmt: skip
