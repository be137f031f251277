"""Synthetic incident records for the benchmarks (a generator: nothing is held in memory)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

TYPES = (
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Violence against civilians", "Attack"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Violent demonstration"),
    ("Strategic developments", "Looting/property destruction"),
)
PLACES = (
    ("al-Bab", "Aleppo", "Syria", "SYR", 36.3707, 37.5157, 170017),
    ("Ar Rā‘ī", "Aleppo", "Syria", "SYR", 36.5917, 37.3306, 170906),
    ("Ḩalab", "Aleppo", "Syria", "SYR", 36.2021, 37.1343, 170063),
    ("Mosul", "Nineveh", "Iraq", "IRQ", 36.335, 43.1189, 99072),
    ("Kilis", "Kilis", "Turkey", "TUR", 36.7184, 37.1212, 300640),
)


def synthetic_records(n: int, *, seed: int = 1) -> Iterator[dict[str, Any]]:
    """``n`` plausible incident records with 1-3 sources each, nulls sprinkled in."""
    rng = random.Random(seed)
    for i in range(n):
        etype, sub = TYPES[i % len(TYPES)]
        name, admin1, country, iso3, lat, lon, gid = PLACES[i % len(PLACES)]
        n_src = 1 + i % 3
        day = f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}"
        sources = [
            {
                "name": f"Agency {k}",
                "url": f"https://news{k}.example/{i}",
                "published": day,
                "excerpt": f"Shelling hit {name} on Thursday, killing {i % 7} people, "
                "officials said, adding that several homes were destroyed.",
                "article_id": f"a{i}-{k}",
            }
            for k in range(n_src)
        ]
        yield {
            "incident_id": f"inc-{i:08d}",
            "event_date": day,
            "time_precision": 1 + i % 3,
            "event_type": etype,
            "sub_event_type": sub,
            "actor1": "Military Forces of Turkey",
            "actor2": "" if i % 4 else "ISIS",
            "iso3": iso3,
            "country": country,
            "admin1": admin1,
            "location": name,
            "latitude": lat + rng.uniform(-0.5, 0.5),
            "longitude": lon + rng.uniform(-0.5, 0.5),
            "geo_precision": 1 + i % 3,
            "source": "; ".join(s["name"] for s in sources),
            "notes": f"Shelling in {name}; {i % 7} killed.",
            "fatalities": None if i % 5 == 0 else i % 7,
            "injured": None if i % 3 == 0 else i % 11,
            "source_count": n_src,
            "geonameid": gid,
            "location_method": "gazetteer",
            "confidence": round(rng.random(), 3),
            "sources": sources,
            "evidence": [
                {"field": "event_type", "value": etype, "sentence": "Shelling hit.", "rule": "kw"}
            ],
            "link_reasons": [] if n_src == 1 else [f"same place {name} (0.0 km)"],
        }
