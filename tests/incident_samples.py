"""Hand-written incident records for the export and map tests (our own texts, no article text).

Includes awkward values on purpose: nulls, non-ASCII names, quotes, commas, newlines, formula
starts, markup and script payloads that try to set ``window.__pwned``.
"""

from __future__ import annotations

import copy
from typing import Any

from geomap.models import INCIDENT_FIELDS

HOSTILE_TEXTS = (
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "${window.__pwned=1}${alert(1)}",
    "`;window.__pwned=1;alert(1);`",
    "</script><script>window.__pwned=1;alert(1)</script>",
    "<svg onload=window.__pwned=1>",
    "\\u003cimg src=x onerror=window.__pwned=1\\u003e {{ 7*7 }}",
)


def record(**overrides: Any) -> dict[str, Any]:
    """A complete, plain incident record (every INCIDENT_FIELDS key) with overrides."""
    base: dict[str, Any] = {
        "incident_id": "inc-0001",
        "event_date": "2016-11-24",
        "time_precision": 1,
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Military Forces of Turkey",
        "actor2": "",
        "iso3": "SYR",
        "country": "Syria",
        "admin1": "Aleppo",
        "location": "al-Bab",
        "latitude": 36.3707,
        "longitude": 37.5157,
        "geo_precision": 1,
        "source": "Daily Example",
        "notes": "Shelling on al-Bab; three killed.",
        "fatalities": 3,
        "injured": 11,
        "source_count": 1,
        "geonameid": 170017,
        "location_method": "gazetteer",
        "confidence": 0.91,
        "sources": [
            {
                "name": "Daily Example",
                "url": "https://daily.example/news/1",
                "published": "2016-11-25",
                "excerpt": "Artillery shells hit al-Bab on Thursday, killing three people.",
                "article_id": "art-1",
            }
        ],
        "evidence": [
            {
                "field": "location",
                "value": "al-Bab",
                "sentence": "Artillery shells hit al-Bab on Thursday.",
                "rule": "cue:hit",
            }
        ],
        "link_reasons": [],
        "review_status": "unreviewed",
        "reviewed_by": "",
        "reviewed_at": None,
        "review_reason": "",
        "fatalities_low": 3,
        "fatalities_high": 3,
    }
    assert set(base) == set(INCIDENT_FIELDS)
    base.update(copy.deepcopy(overrides))
    return base


def awkward_records() -> list[dict[str, Any]]:
    """Records exercising nulls, non-ASCII, quoting, formulas and markup (all located)."""
    return [
        record(),
        record(
            incident_id="inc-0002",
            location="Ar Rā‘ī",
            admin1="Ḩalab",
            latitude=36.5917,
            longitude=37.3306,
            geo_precision=2,
            fatalities=None,
            injured=None,
            confidence=None,
            geonameid=None,
            actor2="Islamic State (ISIS)",
            notes='He said "a convoy, then a blast"\nsecond line, with comma',
            source='Agence, "Quoted"; Other',
            source_count=2,
            sources=[
                {
                    "name": "Agence Ö",
                    "url": "http://agence.example/a?b=1&c=2",
                    "published": None,
                    "excerpt": "Clashes near Ar Rā‘ī, north of Ḩalab.",
                    "article_id": "art-2",
                },
                {
                    "name": "Other",
                    "url": "",
                    "published": "2016-11-26",
                    "excerpt": 'Tab\there, and a "quote".',
                    "article_id": "art-3",
                },
            ],
            link_reasons=["same place Ar Rā‘ī (0.0 km)", "dates overlap"],
        ),
        record(
            incident_id="inc-0003",
            event_type="Battles",
            sub_event_type="Armed clash",
            location='=HYPERLINK("http://evil.example","x")',
            admin1="+cmd",
            country="-2+3",
            actor1="@SUM(A1)",
            actor2="\tTabbed",
            notes="\rcarriage",
            latitude=-33.9,
            longitude=-70.65,
            iso3="CHL",
            geo_precision=3,
            fatalities=0,
            injured=0,
            confidence=0.5,
        ),
        record(
            incident_id="inc-0004",
            event_type="Violence against civilians",
            notes=HOSTILE_TEXTS[3],
            location="<script>alert(1)</script>",
            fatalities=120,
            sources=[
                {
                    "name": HOSTILE_TEXTS[0],
                    "url": "javascript:window.__pwned=1",
                    "published": "2016-11-24",
                    "excerpt": "Before " + " ".join(HOSTILE_TEXTS) + " after.",
                    "article_id": "art-4",
                }
            ],
        ),
    ]


def hostile_records() -> list[dict[str, Any]]:
    """One record per hostile payload, placed in every text field a popup or tooltip shows."""
    out = []
    for i, payload in enumerate(HOSTILE_TEXTS):
        out.append(
            record(
                incident_id=f"hostile-{i}",
                event_type=payload,
                sub_event_type=payload,
                location=f"al-Bab {payload}",
                admin1=payload,
                country=payload,
                event_date=payload,
                notes=payload,
                location_method=payload,
                latitude=36.0 + i * 0.3,
                longitude=37.0 + i * 0.3,
                geo_precision=1 + i % 3,
                sources=[
                    {
                        "name": payload,
                        "url": f"javascript:window.__pwned=1//{i}",
                        "published": payload,
                        "excerpt": f"Fighting in al-Bab {payload} continued.",
                        "article_id": f"h{i}",
                    },
                    {
                        "name": f"Safe source {i}",
                        "url": f'https://news.example/{i}?q="><script>window.__pwned=1</script>',
                        "published": "2016-11-24",
                        "excerpt": f"al-Bab {payload}",
                        "article_id": f"h{i}b",
                    },
                ],
                evidence=[{"field": "location", "value": payload, "sentence": "", "rule": "x"}],
            )
        )
    return out


def make_store(path: Any) -> Any:
    """A real SQLite store at ``path`` with three incidents written through ``write_article``
    (one with hostile article metadata and excerpt, one in Ar Rā‘ī, one without a place), and
    their place mentions. Returns the path."""
    from datetime import date

    from geomap.ingest.readers import make_article
    from geomap.models import (
        METHOD_GAZETTEER,
        Evidence,
        IncidentCandidate,
        Mention,
        Place,
        Resolution,
    )
    from geomap.store.sqlite import open_store, write_article

    bab = Place(170017, "al-Bab", 36.3707, 37.5157, "P", "PPL", "SY", "09", "Aleppo", "Syria")
    rai = Place(170906, "Ar Rā‘ī", 36.5917, 37.3306, "P", "PPL", "SY", "09", "Aleppo", "Syria")
    ankara = Place(323786, "Ankara", 39.92, 32.85, "P", "PPLC", "TR", "68", "Ankara", "Turkey")

    def res(place: Place | None, surface: str, start: int) -> Resolution:
        mention = Mention(start, start + len(surface), surface, "name", "in")
        return Resolution(mention, place, 0.9 if place else 0.0, METHOD_GAZETTEER, ("test",))

    def cand(article_id: str, place: Place | None, excerpt: str, **kw: Any) -> IncidentCandidate:
        return IncidentCandidate(
            article_id=article_id,
            event_type=kw.pop("kind", "Explosions/Remote violence"),
            sub_event_type="Shelling/artillery/missile attack",
            event_date=date(2016, 11, 24),
            time_precision=1,
            location=res(place, place.name, 0) if place else None,
            geo_precision=kw.pop("precision", 1),
            actor1="Military Forces of Turkey",
            fatalities=kw.pop("killed", 3),
            injured=kw.pop("injured", None),
            notes=kw.pop("notes", "Shelling."),
            excerpt=excerpt,
            evidence=(Evidence("fatalities", "3", excerpt, "digits"),),
        )

    hostile = HOSTILE_TEXTS[0] + " " + HOSTILE_TEXTS[1] + " {{ 7*7 }}"
    texts = [
        (
            "Artillery shells hit al-Bab on Thursday, killing three people, a monitor said "
            "in Ankara. " + hostile,
            {"title": hostile, "url": "javascript:window.__pwned=1", "source": hostile},
            [res(bab, "al-Bab", 22), res(ankara, "Ankara", 86)],
            lambda aid: cand(aid, bab, "Artillery shells hit al-Bab. " + hostile),
        ),
        (
            "Clashes near Ar Rā‘ī left two fighters dead, a local council said.",
            {"title": "Clashes", "url": "https://council.example/rai", "source": "Council"},
            [res(rai, "Ar Rā‘ī", 13)],
            lambda aid: cand(
                aid,
                rai,
                "Clashes near Ar Rā‘ī left two fighters dead.",
                kind="Battles",
                precision=2,
                killed=2,
                notes='Clashes, "near" the town\nsecond line',
            ),
        ),
        (
            "A blast was reported somewhere in the north, with no casualties given.",
            {"title": "Blast", "url": "https://north.example/b", "source": "North"},
            [],
            lambda aid: cand(aid, None, "A blast was reported.", killed=None),
        ),
    ]
    with open_store(path) as store:
        for i, (text, meta, resolutions, make) in enumerate(texts):
            article, _ = make_article(
                text, origin=f"sample-{i}.txt", published="2016-11-25", **meta
            )
            write_article(store, article, resolutions, [make(article.id)])
    return path
