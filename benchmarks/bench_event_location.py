"""Event place choice on the event-location corpus: did we pick the gold event location?

Each line of the corpus is one newswire sentence with its ``event`` verb span and the
toponyms marked ``role: event_location``; other places in the sentence are not marked. The
candidates of a sentence are the gold spans plus the places a recognizer finds there; a
pick is right when it is (or overlaps) a gold span. Two recognizers are shown:

- ``geoparser``: geomap's own recognizer on the bundled gazetteer (demonyms left out);
- ``cues``: capitalised word runs after a place preposition ("in", "near", "of"...), no
  gazetteer at all.

and three choosers: geomap's :func:`geomap.incidents.eventplace.score_mention` (with the event
verb), the first place in the sentence (baseline) and the place nearest the verb (baseline). Only
sentences with at least one gold event location are scored; the ``>=2`` columns count only
sentences where there was a choice to make. When every candidate is rejected (a statement
place) the score chooser abstains, which counts as wrong; ``+fallback`` takes the first
candidate then.

    python benchmarks/bench_event_location.py [PATH]     # or GEOMAP_EVENT_EVAL=PATH

The corpus is read where it lies (default ``/work/shared/eval/event/event-location.dev.jsonl``)
and never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

from geomap.incidents.eventplace import score_mention  # noqa: E402

DEFAULT = Path("/work/shared/eval/event/event-location.dev.jsonl")
Span = tuple[int, int]
#: Kind of each recognised span ("dateline" for "ANKARA -"), filled by the recognizer.
KINDS: dict[tuple[str, int, int], str] = {}

_CUE_RUN = re.compile(
    r"\b(?:in|near|at|from|to|into|outside|of|across|around|towards|toward|through)\s+"
    r"(?:the\s+)?((?:(?:al|el|ad|an|ar|as|ash|at|az)-)?[A-Z][\w'’-]+"
    r"(?:\s+(?:(?:al|el|de|ad|an|ar|as|ash|at|az)[- ])?[A-Z][\w'’-]+){0,3})"
)
_NOT_PLACES = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December The A An President".split()
)


def _records(path: Path) -> Iterator[dict]:  # type: ignore[type-arg]
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def cue_spans(text: str) -> list[Span]:
    """Capitalised runs after a place preposition (no gazetteer)."""
    out = []
    for m in _CUE_RUN.finditer(text):
        if m.group(1).split()[0] not in _NOT_PLACES:
            out.append(m.span(1))
    return out


def _merge(gold: list[Span], found: list[Span]) -> list[Span]:
    """Gold spans plus found spans that overlap no gold span, in text order."""
    extra = [f for f in found if not any(f[0] < g[1] and g[0] < f[1] for g in gold)]
    return sorted(set(gold) | set(extra))


def _is_gold(span: Span | None, gold: list[Span]) -> bool:
    return span is not None and any(span[0] < g[1] and g[0] < span[1] for g in gold)


def choose_score(text: str, spans: list[Span], event: Span) -> Span | None:
    best: tuple[float, Span] | None = None
    for s in spans:
        kind = KINDS.get((text, s[0], s[1]), "name")
        ms = score_mention(text, s[0], s[1], trigger=event, kind=kind)
        if ms.score is not None and (best is None or ms.score > best[0]):
            best = (ms.score, s)
    return best[1] if best else None


def choose_first(text: str, spans: list[Span], event: Span) -> Span | None:
    return spans[0] if spans else None


def choose_nearest(text: str, spans: list[Span], event: Span) -> Span | None:
    def gap(s: Span) -> int:
        return event[0] - s[1] if s[1] <= event[0] else s[0] - event[1]

    return min(spans, key=gap) if spans else None


CHOOSERS: dict[str, Callable[[str, list[Span], Span], Span | None]] = {
    "score (geomap)": choose_score,
    "first place (baseline)": choose_first,
    "nearest to verb (baseline)": choose_nearest,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path(os.environ.get("GEOMAP_EVENT_EVAL", DEFAULT)),
        help="event-location JSONL (default: $GEOMAP_EVENT_EVAL or ../shared/eval/event/...)",
    )
    path: Path = parser.parse_args(argv[1:]).path
    if not path.exists():
        print(f"skipped: event-location corpus not found at {path} "
              "(pass a path or set GEOMAP_EVENT_EVAL)")  # fmt: skip
        return 0
    recognizers: dict[str, Callable[[str], list[Span]]] = {"cues": cue_spans}
    try:
        from geomap.config import Settings
        from geomap.gazetteer.lookup import Gazetteer
        from geomap.geoparse.recognize import recognize

        gaz = Gazetteer.open(Settings.from_env())

        def geoparser_spans(text: str) -> list[Span]:
            out = []
            for m in recognize(text, gazetteer=gaz):
                if m.kind != "demonym":
                    KINDS[(text, m.start, m.end)] = m.kind
                    out.append((m.start, m.end))
            return out

        recognizers = {"geoparser": geoparser_spans, **recognizers}
    except Exception as exc:  # the benchmark still runs on the cue recognizer alone
        print(f"note: geoparser recognizer unavailable ({type(exc).__name__}: {exc})")
    records = [r for r in _records(path) if r["toponyms"]]
    print(f"{path.name}: {len(records)} sentences with a gold event location")
    for rname, rec in recognizers.items():
        started = time.perf_counter()
        right = {name: [0, 0] for name in CHOOSERS}
        fallback = [0, 0]
        n_all = n_multi = abstained = 0
        for r in records:
            text = r["text"]
            gold = [(t["start"], t["end"]) for t in r["toponyms"]]
            spans = _merge(gold, rec(text))
            event = (r["event"]["start"], r["event"]["end"])
            multi = len(spans) >= 2 and not all(_is_gold(s, gold) for s in spans)
            n_all += 1
            n_multi += multi
            for name, choose in CHOOSERS.items():
                pick = choose(text, spans, event)
                ok = _is_gold(pick, gold)
                right[name][0] += ok
                right[name][1] += ok and multi
                if name.startswith("score") and pick is None:
                    abstained += 1
                    pick = choose_first(text, spans, event)
                if name.startswith("score"):
                    ok = _is_gold(pick, gold)
                    fallback[0] += ok
                    fallback[1] += ok and multi
        took = time.perf_counter() - started
        print(f"\nrecognizer: {rname} ({took:.1f} s); {n_multi} sentences with a real choice "
              f"(a non-gold candidate present)")  # fmt: skip
        print(f"  {'chooser':<30} {'all':>8} {'>=2 (choice)':>14}")
        for name, (a, m) in right.items():
            print(f"  {name:<30} {a / n_all:8.1%} {m / max(n_multi, 1):14.1%}")
        print(f"  {'score +fallback to first':<30} {fallback[0] / n_all:8.1%} "
              f"{fallback[1] / max(n_multi, 1):14.1%}   (abstained on {abstained})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
