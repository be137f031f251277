"""Ingest throughput end to end, and whether linking stays flat as the store grows.

Generates synthetic articles from our own templates (places from the bundled gazetteer, varied
dates, event types and counts; about a third of the events are reported by two or three
outlets, so linking has real work), writes them as JSONL files of 1,000 articles, and ingests
them with ``geomap.pipeline.ingest_paths`` into a fresh store per size.

Prints, per size: articles/s end to end, and the wall and CPU time of each successive 1,000
articles (if linking were quadratic in the store size, the later thousands would get slower).
CPU time is the steadier figure on a busy machine.

    python benchmarks/bench_ingest.py                  # sizes 1000 2000 5000 10000
    python benchmarks/bench_ingest.py --sizes 1000 --seed 7
    python benchmarks/bench_ingest.py --sizes 10000 --spread backfill   # dense date windows
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geomap.config import Settings
from geomap.gazetteer.lookup import Gazetteer
from geomap.pipeline import ingest_paths
from geomap.store.sqlite import count_incidents, open_store

PLACES = {
    "Syria": ["al-Bab", "Idlib", "Aleppo", "Homs", "Hama", "Raqqa", "Deir ez-Zor", "Manbij",
              "Douma", "Daraa", "Palmyra", "Qamishli", "Kobani", "Azaz", "Jarablus", "Latakia"],
    "Iraq": ["Mosul", "Tikrit", "Fallujah", "Ramadi", "Kirkuk", "Baqubah", "Samarra", "Tal Afar",
             "Baiji", "Hit", "Haditha", "Erbil"],
    "Yemen": ["Taiz", "Hodeidah", "Marib", "Aden", "Saada", "Sanaa", "Ibb", "Dhamar"],
    "Afghanistan": ["Kunduz", "Kandahar", "Jalalabad", "Ghazni", "Herat", "Lashkar Gah",
                    "Mazar-i-Sharif", "Farah"],
    "Nigeria": ["Maiduguri", "Damboa", "Konduga", "Bama", "Gwoza", "Monguno", "Dikwa", "Yola"],
}  # fmt: skip
ADJ = {"Syria": "Syrian", "Iraq": "Iraqi", "Yemen": "Yemeni", "Afghanistan": "Afghan",
       "Nigeria": "Nigerian"}  # fmt: skip
CAPITAL = {"Syria": "BEIRUT", "Iraq": "BAGHDAD", "Yemen": "ADEN", "Afghanistan": "KABUL",
           "Nigeria": "ABUJA"}  # fmt: skip
OUTLETS = ["Wire A", "Wire B", "Daily Example", "Evening Sample", "Monitor News"]
NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"]
EVENTS = [
    ("An air strike hit a market in {town}", "killing {k} civilians and wounding {w}"),
    ("Shelling struck a residential area of {town}", "killing {k} people and injuring {w}"),
    ("Clashes between government forces and rebels broke out near {town}",
     "leaving {k} fighters dead"),
    ("A car bomb exploded at a checkpoint in {town}", "killing {k} and wounding {w}"),
    ("Hundreds of people protested in {town} against rising prices", "and police detained {k}"),
    ("Gunmen attacked a village near {town}", "killing {k} villagers"),
]  # fmt: skip
OPENERS = ["", "Residents said ", "According to local officials, "]
CLOSERS = [
    "a war monitor said.", "officials told reporters.", "the health ministry said.",
    "witnesses said.", "a local council member said.",
]  # fmt: skip
FILLER = (
    "The area has seen repeated violence in recent months, and aid groups have warned that "
    "hospitals are short of supplies. Earlier in the year, several families left for safer "
    "districts, and schools in the area closed for weeks."
)


def usable_places(gaz: Gazetteer) -> dict[str, list[str]]:
    """The template towns the gazetteer knows, per country."""
    out = {}
    for country, towns in PLACES.items():
        known = [t for t in towns if any(c.place.country == country for c in gaz.candidates(t))]
        if known:
            out[country] = known
    return out


def make_articles(
    n: int, places: dict[str, list[str]], rng: random.Random, *, spread: str = "news"
) -> list[dict]:
    """``n`` article records; events get 1-3 reports each (varied wording and counts).

    ``spread="news"``: dates advance with the feed (about 4 articles a day), as when news is
    ingested as it comes, so the reports per date window stay constant as the store grows.
    ``spread="backfill"``: dates uniform over 900 days, so later thousands land in windows
    already full of reports (the density, and so the linking work per article, grows).
    """
    records: list[dict] = []
    start = date(2016, 1, 1)
    event_no = 0
    while len(records) < n:
        event_no += 1
        country = rng.choice(sorted(places))
        town = rng.choice(places[country])
        if spread == "news":
            day = start + timedelta(days=len(records) // 4 + rng.randrange(3))
        else:
            day = start + timedelta(days=rng.randrange(900))
        template = rng.randrange(len(EVENTS))
        killed = rng.randrange(len(NUMBERS))
        reports = rng.choice([1, 1, 2, 3])
        for r in range(reports):
            if len(records) >= n:
                break
            lead, tail = EVENTS[template]
            k = NUMBERS[min(killed + rng.choice([0, 0, 1]), len(NUMBERS) - 1)]
            w = NUMBERS[rng.randrange(len(NUMBERS))]
            outlet = OUTLETS[(event_no + r) % len(OUTLETS)]
            published = day + timedelta(days=rng.choice([0, 0, 1]))
            weekday = day.strftime("%A")
            body = (
                f"{CAPITAL[country]}, {published.strftime('%b')} {published.day}, "
                f"{published.year} ({outlet}) - {rng.choice(OPENERS)}"
                f"{lead.format(town=town)} in {ADJ[country]} territory on {weekday}, "
                f"{tail.format(k=k, w=w)}, {rng.choice(CLOSERS)} {FILLER} (event {event_no}.{r})"
            )
            records.append(
                {
                    "title": f"{lead.split(' in ')[0].split(' near ')[0]} in {town}",
                    "text": body,
                    "source": outlet,
                    "url": f"https://news{r}.example/{event_no}-{r}",
                    "published": published.isoformat(),
                }
            )
    return records


def bench(
    size: int, gaz: Gazetteer, places: dict[str, list[str]], seed: int, tmp: Path, spread: str
) -> None:
    rng = random.Random(seed)
    records = make_articles(size, places, rng, spread=spread)
    chunks = []
    for i in range(0, size, 1000):
        path = tmp / f"size{size}-chunk{i // 1000:03}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for rec in records[i : i + 1000]:
                fh.write(json.dumps(rec) + "\n")
        chunks.append(path)
    db = tmp / f"store-{size}.sqlite"
    settings = Settings.from_env({"GEOMAP_OFFLINE": "1"}).with_overrides(db_path=db)
    per_chunk = []
    cpu_chunk = []
    created = merged = 0
    total_start = time.perf_counter()
    cpu_start = time.process_time()
    with open_store(db) as store:
        for path in chunks:
            cpu = time.process_time()
            report = ingest_paths([path], settings=settings, store=store, gazetteer=gaz)
            cpu_chunk.append(time.process_time() - cpu)
            assert report.ok, report.failed[:3]
            per_chunk.append(report.elapsed)
            created += report.incidents_created
            merged += report.incidents_merged
        elapsed = time.perf_counter() - total_start
        cpu_total = time.process_time() - cpu_start
        incidents = count_incidents(store)
    rate = size / elapsed
    print(
        f"{size:>6} articles: {elapsed:7.1f} s, {rate:6.1f} articles/s "
        f"(CPU {cpu_total:.1f} s, {size / cpu_total:.1f} articles per CPU-s); "
        f"incidents {incidents} ({created} created, {merged} merged); store "
        f"{db.stat().st_size / 2**20:.1f} MB"
    )
    print("        wall s per 1k as the store grows: " + " ".join(f"{t:.1f}" for t in per_chunk))
    print("        CPU s per 1k as the store grows:  " + " ".join(f"{t:.1f}" for t in cpu_chunk))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--spread", choices=["news", "backfill"], default="news")
    args = parser.parse_args()
    t = time.perf_counter()
    gaz = Gazetteer.open(Settings.from_env())
    print(f"gazetteer open: {time.perf_counter() - t:.1f} s")
    places = usable_places(gaz)
    print(f"template towns known to the gazetteer: {sum(map(len, places.values()))}")
    print(f"dates: {args.spread}")
    with tempfile.TemporaryDirectory(prefix="geomap-bench-") as tmp:
        for size in args.sizes:
            bench(size, gaz, places, args.seed, Path(tmp), args.spread)


if __name__ == "__main__":
    main()
