"""Choosing the event place among the places a sentence mentions.

Each mention is scored from its context in the sentence: a cue in the event's own clause
("near X", "in X", "the town of X", "X province", "the al-Sakhour neighbourhood of X")
raises it; a statement or metonymy context ("Ankara said", "told reporters in Moscow",
"speaking in St. Petersburg", "Moscow and Ankara announced", "Ankara's foreign ministry",
a dateline) rejects it; distance to the event verb lowers it. Countries and admin areas
only win when nothing finer is in the clause, and then at geo_precision 3.

geo_precision: 1 the place itself, 2 near it / part of it / a neighbourhood placed at its
town, 3 a region or the country.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from geomap.geoparse.resolve import distance_km
from geomap.models import Place, Resolution

__all__ = [
    "CUE_WEIGHTS",
    "DISTANCE_CAP",
    "DISTANCE_WEIGHT",
    "MentionScore",
    "PlaceChoice",
    "choose_event_place",
    "score_mention",
]


class _Areas(Protocol):
    def admin1_place(self, country_code: str, admin1_code: str) -> Place | None: ...


_ADJ = (
    r"(?:(?:northern|southern|eastern|western|central|north|south|east|west|northeastern"
    r"|northwestern|southeastern|southwestern|rebel-held|besieged|embattled|nearby|neighbouring"
    r"|neighboring|[\w]+-held|[\w]+-controlled|border|Syrian|Iraqi|Turkish|Kurdish|flashpoint"
    r"|[A-Z][\w-]*(?:'s|’s))\s+)*"
)
_UNIT = r"(?:town|city|village|hamlet|district|camp|suburb|settlement|area|region|province)"
_PART_OF = re.compile(
    r"\b(?:neighbou?rhoods?|quarters?|suburbs?|district|outskirts|countryside|parts?|areas?"
    r"|edge|centre|center|(?:north|south|east|west|northeast|northwest|southeast|southwest)"
    r"(?:ern)?(?:\s+(?:part|side|edge|outskirts))?|side|environs)\s+of\s+(?:the\s+)?"
    rf"(?:{_UNIT}\s+of\s+)?$",
    re.IGNORECASE,
)
_NEAR = re.compile(
    r"\b(?:near|nearby|outside|close to|around|not far from|rural|(?:\d+|a few|several)\s*"
    r"(?:km|kilometres|kilometers|miles)\s+(?:\w+\s+)?(?:from|of|outside)|on the road to"
    r"|road between|on the outskirts of|in the vicinity of)\s+(?:the\s+)?"
    rf"{_ADJ}(?:{_UNIT}\s+of\s+)?$",
    re.IGNORECASE,
)
_TOWN_OF = re.compile(rf"\b{_UNIT}\s+of\s+$", re.IGNORECASE)
_IN = re.compile(
    r"\b(?:in|at|inside|into|across|on|hit|struck|targeted|attacked|shelled|bombed|pounded"
    r"|stormed|captured|seized|entered|besieged|overran|recaptured|retook|over|throughout|through"
    r"|rocked|shook)\s+(?:the\s+)?" + _ADJ + "$",
    re.IGNORECASE,
)
_ROAD_AFTER = re.compile(r"^\s+(?:road|street|highway|avenue|motorway|expressway)\b", re.I)
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?" + _ADJ + "$", re.IGNORECASE)
_PROVINCE_AFTER = re.compile(r"^\s+(?:province|governorate|region|county)\b", re.IGNORECASE)
# "Imam Sahib district", "Shailkupa upazila": the district, placed at its seat (precision 2)
_DISTRICT_AFTER = re.compile(
    r"^\s+(?:district|sub-?district|sub-?county|tehsil|upazila|LGA)\b", re.IGNORECASE
)
# "Hama countryside", "the Al Burayj axis", "Tal Milh front": near the town, not the province.
_AROUND_AFTER = re.compile(
    r"^\s+(?:countryside|outskirts|suburbs|axis|front|frontline|environs|vicinity)\b",
    re.IGNORECASE,
)
_PART_AFTER = re.compile(
    r"^\s+(?:neighbou?rhood|district|quarter|suburb|area)\s+of\b"
    # "Al-Thawra and Al-Nadah neighbourhoods of Raqqa", "... neighborhoods in western Raqqa"
    r"|^(?:\s*(?:,|and)\s+[\w'’-]+(?:\s+[\w'’-]+)?)?\s+(?:neighbou?rhoods?|quarters?)\s+(?:of|in)\b",
    re.IGNORECASE,
)
_SAY = (
    r"(?:said|say|says|saying|announced|announce|announces|stated|claimed|denied|deny|denies"
    r"|confirmed|confirms|accused|accuses|blamed|blames|condemned|condemns|warned|warns"
    r"|insisted|called|calls|urged|urges|expressed|expresses|agreed|agree|reported|reports"
    r"|told|responded|demanded|demands|rejected|welcomed|vowed|pledged|promised|added"
    r"|summoned|declared|acknowledged|admitted|apologi[sz]ed|offered|sent|launched|opened"
    r"|ordered|insists|believes|hopes|wants|plans)"
)
_STATEMENT_AFTER = re.compile(
    r"^(?:\s*(?:'s|’s))?\s*(?:and\s+[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)?\s+)?"
    r"(?:(?:also|have|has|had|jointly|later|quickly|officially|publicly|immediately|swiftly"
    r"|separately|subsequently|on\s+\w+)\s+)*" + _SAY + r"\b"
)
_STATEMENT_BEFORE = re.compile(
    r"(?:\b(?:told|telling)\s+(?:\w+\s+){0,3}?(?:in|from)"
    r"|\b(?:speaking|spoke|speech|statement|statements|conference|briefing|interview|visit"
    r"|visiting|talks|meeting|summit|based|headquartered|reporters|journalists|correspondent"
    r"|said|says|announced|reported)\s+(?:\w+\s+){0,2}?(?:in|from|at)"
    r"|\b(?:officials?|ministry|embassy|sources?|authorities|diplomats?|spokesm[ae]n"
    r"|consulate)\s+(?:in|from|at)"
    r"|\b(?:returned|flew|travelled|traveled|arrived)\s+(?:\w+\s+){0,2}?(?:to|in|from)"
    r"|\b(?:between|ties with|relations with|talks with|agreement with))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# A nationality or country that names who struck, not where: "Russian jets", "US-led
# coalition", "Turkish forces", "Russian & regime air strikes" (victims keep theirs:
# "a Kenyan police officer" was shot in Kenya).
_ACTOR_AFTER = re.compile(
    r"^(?:-led\b|(?:\s+(?:&|and|[\w-]+)){0,3}?\s+(?:forces|jets|warplanes|aircraft|planes"
    r"|helicopters?|drones?|air ?strikes?|strikes|raids|bombers?|artillery|air force|aerospace"
    r"|coalition|missiles?|rockets?|howitzers|tanks|sorties|bombardment|shelling)\b)",
    re.IGNORECASE,
)
#: A demonym that describes foreigners or foreign things ("two British nationals", "Danish
#: cartoons", "Somali refugees") says nothing of where the event was (lower-case nouns only:
#: "the Indian National Congress" is at home).
_FOREIGNERS_AFTER = re.compile(
    r"^(?:\s+[\w-]+){0,2}?\s+(?:nationals?|citizens?|tourists?|expatriates?|doctors?"
    r"|aid\s+workers?|journalists?|cleric|preachers?|missionar(?:y|ies)|embassy|consulate"
    r"|cartoons?|flags?|ambassador|envoys?|diplomats?|refugees?|migrants?|asylum\s+seekers?"
    r"|hostages?)\b"
)
_AGENT_BEFORE = re.compile(r"\b(?:by|from)\s+(?:the\s+)?$", re.IGNORECASE)
_IN_COMMA_SAID = re.compile(r"^\s*,\s*(?:[\w’'.-]+\s+){0,5}?" + _SAY + r"\b")
_METONYMY_AFTER = re.compile(
    r"^(?:-based|(?:'s|’s)\s+(?:\w+\s+)?(?:ministry|government|embassy|officials?|president"
    r"|leaders?|foreign|defen[cs]e|spokes\w*|prime|army|military|general|response|position"
    r"|envoy|ambassador|relations|decision|intelligence|presidency|parliament|ally|allies))",
    re.IGNORECASE,
)


#: Score of each context cue; the distance to the event verb is then subtracted. Tuned on the
#: event-location dev corpus (benchmarks/bench_event_location.py).
CUE_WEIGHTS: dict[str, float] = {
    "named-part-of-later-place": 4.9,  # "the X neighbourhood of Y": X itself, when resolved
    "part-of": 4.8,
    "town-of": 4.8,
    "near": 4.6,
    "in": 4.5,
    "district": 4.4,
    "province": 4.0,
    "from": 3.0,
    "road": 2.6,  # a road named after X: X only when the clause names nothing else
    "bare": 2.5,
}
#: Score lost per character between the mention and the event verb, and its cap.
DISTANCE_WEIGHT = 0.025
DISTANCE_CAP = 3.0


@dataclass(frozen=True)
class MentionScore:
    """How likely a mention is the event place: ``score`` (None = rejected), precision, rule."""

    score: float | None
    geo_precision: int
    rule: str


@dataclass(frozen=True)
class PlaceChoice:
    """The chosen event place: a Resolution (possibly widened to its admin1 area)."""

    resolution: Resolution
    geo_precision: int
    rule: str
    index: int | None
    reasons: tuple[str, ...] = ()


def score_mention(
    text: str,
    start: int,
    end: int,
    *,
    trigger: tuple[int, int] | None = None,
    bounds: tuple[int, int] | None = None,
    kind: str = "name",
    cue: str = "",
) -> MentionScore:
    """Score one mention ``text[start:end]`` as the place of the event at ``trigger``.

    ``bounds`` limits the context to the sentence. Works on spans alone, so it can rank
    mentions that were never resolved (as the event-location benchmark does).

    Examples
    --------
    >>> s = "Putin, speaking in St. Petersburg, said a strike near al-Bab killed three."
    >>> score_mention(s, 19, 33).score is None
    True
    >>> score_mention(s, 54, 60, trigger=(43, 49))
    MentionScore(score=4.475, geo_precision=2, rule='near')
    """
    lo, hi = bounds if bounds is not None else (0, len(text))
    pre = text[max(lo, start - 80) : start]
    post = text[end : min(hi, end + 80)]
    if kind == "dateline":
        return MentionScore(None, 3, "dateline")
    if _STATEMENT_BEFORE.search(pre) or _STATEMENT_AFTER.match(post):
        return MentionScore(None, 3, "statement-place")
    if re.search(r"(?:^|\W)in\s+$", pre, re.IGNORECASE) and _IN_COMMA_SAID.match(post):
        return MentionScore(None, 3, "statement-place")
    if _METONYMY_AFTER.match(post):
        return MentionScore(None, 3, "metonymy")
    if _PART_AFTER.match(post):
        rule, precision = "named-part-of-later-place", 1
    elif _PART_OF.search(pre) or cue in ("neighbourhood of", "neighborhood of", "district of"):
        rule, precision = "part-of", 2
    elif _NEAR.search(pre) or cue in ("near", "outside", "outskirts of"):
        rule, precision = "near", 2
    elif _TOWN_OF.search(pre) or cue in ("town of", "village of", "city of"):
        rule, precision = "town-of", 1
    elif _AROUND_AFTER.match(post):
        rule, precision = "near", 2
    elif _PROVINCE_AFTER.match(post):
        rule, precision = "province", 3
    elif _DISTRICT_AFTER.match(post):
        rule, precision = "district", 2
    elif _ROAD_AFTER.match(post):
        rule, precision = "road", 2  # "on Murree road in Rawalpindi": a road named after X
    elif _IN.search(pre) or cue in ("in", "at"):
        rule, precision = "in", 1
    elif _FROM.search(pre):
        rule, precision = "from", 1
    else:
        rule, precision = "bare", 1
    base = CUE_WEIGHTS[rule]
    if kind == "demonym" and _ACTOR_AFTER.match(post):
        return MentionScore(None, 3, "actor-nationality")
    if kind == "demonym" and _FOREIGNERS_AFTER.match(post):
        return MentionScore(None, 3, "foreigners-nationality")
    if kind == "demonym":
        base, precision, rule = 0.3, 3, "demonym-country"
    elif kind == "region":  # "northern Syria", "central Ankara": part of the place
        base, precision = min(base, 1.5), 2
    if trigger is not None:
        gap = trigger[0] - end if end <= trigger[0] else start - trigger[1]
        base -= min(max(gap, 0) * DISTANCE_WEIGHT, DISTANCE_CAP)
    return MentionScore(round(base, 3), precision, rule)


# "north Ali town": a direction and a town's name, not a region
_SETTLEMENT_AFTER = re.compile(r"\s+(?:town|village|city|hamlet)\b", re.IGNORECASE)


def _place_level(place: Place) -> str:
    if place.is_country:
        return "country"
    if place.feature_class == "A" or place.feature_code in ("RGN", "AREA"):
        return "area"
    return "place"


def choose_event_place(
    text: str,
    resolutions: Sequence[Resolution],
    *,
    trigger: tuple[int, int] | None = None,
    bounds: tuple[int, int] | None = None,
    gazetteer: _Areas | None = None,
    indices: range | None = None,
) -> PlaceChoice | None:
    """The event place among resolved mentions inside ``bounds`` (the sentence), or None.

    A town beats an admin area, which beats a country, whatever their cues; "X province"
    becomes X's admin1 area when the gazetteer has it. ``indices`` limits the search to those
    positions of ``resolutions`` (the ones that can lie in ``bounds``), so that choosing for
    every sentence costs the sentence's mentions, not the article's.
    """
    lo, hi = bounds if bounds is not None else (0, len(text))
    best: tuple[float, int, PlaceChoice] | None = None
    towns: list[PlaceChoice] = []
    scores: dict[int, float] = {}
    for i in indices if indices is not None else range(len(resolutions)):
        r = resolutions[i]
        m = r.mention
        if r.place is None or m.start < lo or m.end > hi:
            continue
        ms = score_mention(
            text, m.start, m.end, trigger=trigger, bounds=(lo, hi), kind=m.kind, cue=m.cue
        )
        if ms.score is None:
            continue
        level = _place_level(r.place)
        if level == "country" and (
            _AGENT_BEFORE.search(text[max(lo, m.start - 20) : m.start])
            or _ACTOR_AFTER.match(text[m.end : min(hi, m.end + 60)])
        ):
            continue  # "carried out by the United States", "US-led coalition": who, not where
        rank = {"place": 2, "area": 1, "country": 0}[level]
        precision = ms.geo_precision if level == "place" else 3
        if ms.rule == "district" and r.place.feature_code in ("ADM2", "ADM3"):
            rank, precision = 2, 2  # "Maywand district, Kandahar": the district, not the city
        res, rule = r, ms.rule
        if ms.rule == "province" and level == "place" and gazetteer is not None:
            area = gazetteer.admin1_place(r.place.country_code, r.place.admin1_code)
            if area is not None:
                res = replace(r, place=area, reasons=(*r.reasons, "province cue: admin1 area"))
                rank = 1
        if ms.rule == "demonym-country":
            rank = -1
        choice = PlaceChoice(
            res, precision, rule, i, (f"{rule} ({m.surface})", f"score {ms.score}")
        )
        if rank == 2:
            towns.append(choice)
            scores[id(choice)] = ms.score
        key = (rank, ms.score)
        if best is None or key > (best[1], best[0]):
            best = (ms.score, rank, choice)
    if best is None:
        return None
    return _finest(text, _town_in_region(text, best[2], towns, scores), towns)


def _town_in_region(
    text: str, best: PlaceChoice, towns: Sequence[PlaceChoice], scores: dict[int, float]
) -> PlaceChoice:
    """A smaller town the clause names beats a region named after a city ("western Deir ez
    Zor badia near Ash Shula town"), but not the city's parent ("northern Afrin, Aleppo");
    "north Ali town" is a town with a direction, not a region."""
    m, region = best.resolution.mention, best.resolution.place
    if m.kind != "region" or region is None or _SETTLEMENT_AFTER.match(text, m.end):
        return best
    finer = [
        t for t in towns
        if t is not best and t.resolution.mention.kind != "region"
        and t.resolution.place is not None
        and t.resolution.place.country_code == region.country_code
        and t.resolution.place.population < region.population
    ]  # fmt: skip
    return max(finer, key=lambda t: scores[id(t)], default=best)


_PARENT_GAP = re.compile(
    r"^[\s,]*(?:\w+\s+){0,2}?(?:in|of|near|,)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?$", re.IGNORECASE
)
_PARENT_KM = 60.0


_NAMESAKE_KM = 15.0  # "the X neighbourhood of Y" resolved farther than this from Y: a namesake


def _finest(text: str, best: PlaceChoice, towns: Sequence[PlaceChoice]) -> PlaceChoice:
    """The smallest place the sentence names for the event: a town named just before the
    chosen one and near it ("Abbasiyeh area in the eastern countryside of Homs") is where
    the event happened; the later, larger place only says where that is. A neighbourhood
    resolved to a namesake far from its town is placed at the town (precision 2)."""
    chosen = best.resolution
    place = chosen.place
    if place is None or best.index is None:
        return best
    if best.rule == "named-part-of-later-place":
        later = [
            t for t in towns
            if t.resolution.mention.start > chosen.mention.end
            and t.resolution.mention.kind != "region"  # "the Afrin area of northern Aleppo"
        ]  # fmt: skip
        host = later[0].resolution.place if later else None
        if host is not None and distance_km(host, place) > _NAMESAKE_KM:
            why = f"{place.name} is {distance_km(host, place):.0f} km from {host.name}: a namesake"
            return replace(later[0], geo_precision=2, rule="part-of",
                           reasons=(*later[0].reasons, why))  # fmt: skip
        return best
    for town in towns:
        r = town.resolution
        p = r.place
        if p is None or r.mention.end > chosen.mention.start or p == place:
            continue
        if town.rule == "road":
            continue  # "Murree road in Rawalpindi": a road, not a town in Rawalpindi
        if r.mention.kind == "region" and p.population > place.population:
            continue  # "western Deir ez Zor near Ash Shula town": the region is wider
        gap = text[r.mention.end : chosen.mention.start]
        if len(gap) > 80 or not _PARENT_GAP.match(gap):
            continue
        if p.country_code != place.country_code:
            continue
        if distance_km(p, place) > _PARENT_KM and p.admin1_code != place.admin1_code:
            continue  # "Qarah Baba village in Aleppo northern countryside": the governorate
        why = f"named with the larger place {chosen.mention.surface} after it"
        return replace(town, reasons=(*town.reasons, why))
    return best
