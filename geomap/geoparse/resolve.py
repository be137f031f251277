"""Resolve mentions to places: gazetteer candidates ranked in context, geocoder as fallback.

Each candidate gets an additive score from signals the strong geoparsers share; every
signal that fires becomes a human-readable reason. Two passes: the first ranks by prior
(feature class, population, name match) to learn the article's countries and centre, the
second re-ranks with that context ("X, Y" parents, country and admin1 of other places,
distance to other places, the dateline). A winner whose score stays low is reported as
unresolved rather than guessed; the geocoder (if enabled) is asked only for those.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from geomap.gazetteer.lookup import KIND_LOOSE, Candidate, Gazetteer
from geomap.gazetteer.names import match_key, match_keys
from geomap.geoparse.hints import area_hints, country_hints
from geomap.geoparse.wordlists import (
    COMMON_WORDS,
    FACILITY_WORDS,
    FUNCTION_WORDS,
    GENERIC_NAME_WORDS,
)
from geomap.models import (
    METHOD_GAZETTEER,
    METHOD_GEOCODER,
    METHOD_NONE,
    Mention,
    Place,
    Resolution,
)

_NOT_A_PART = (
    COMMON_WORDS | FUNCTION_WORDS | GENERIC_NAME_WORDS | {w.lower() for w in FACILITY_WORDS}
)

KIND_PART = 4  # Candidate.kind of a match on a part of an unknown multi-word name
KIND_PEOPLE = 5  # Candidate.kind of a place found from its people's name ("Ontarians")
__all__ = ["MIN_SCORE", "Weights", "distance_km", "is_dismissed", "resolve_mentions"]

MIN_SCORE = 0.16  # calibrated score below which a gazetteer answer is not given


@dataclass(frozen=True)
class Weights:
    """How much each ranking signal adds to a candidate's score (tuned on dev corpora)."""

    population: float = 0.45  # per power of ten of the population
    official_name: float = 1.0
    alternate_name: float = 0.5
    country_base: float = 1.5  # the article mentions the candidate's country...
    country_share: float = 2.5  # ...times the share of the article's places there
    dateline: float = 0.8
    admin1_base: float = 0.6
    admin1_each: float = 0.4  # per other place in the same admin1 (up to 3)
    distance: float = 1.5  # at 0 km from another place of the article, decaying...
    distance_km: float = 300.0  # ...with this length scale
    side: float = 0.8  # "southern Lebanon": a candidate in that part of the country


W = Weights()
_FEATURE_PRIOR = {
    "PCLI": 3.0, "PCLD": 2.5, "PCLS": 2.5, "PCLF": 2.5, "PCL": 2.5, "PCLIX": 2.0,
    "ADM1": 2.0, "PPLC": 2.4, "PPLA": 1.8, "PPLA2": 1.3, "PPLA3": 1.0, "PPLA4": 0.8,
    "PPLA5": 0.7, "PPL": 0.6, "PPLX": 0.2, "PPLL": 0.3,
}  # fmt: skip


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance in km.

    >>> round(distance_km(Place(1, "a", 0, 0), Place(2, "b", 0, 1)))
    111
    """
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


@dataclass
class _Context:
    countries: dict[str, float]
    admin1: Counter[str]
    anchors: list[Place]
    dateline_cc: str = ""
    #: What each mention itself added (country, weight, admin1 key), so that a candidate
    #: is never supported by its own first-pass guess, nor by other mentions of the same
    #: name ("Gainesville" three times must not vote for itself three times).
    own: dict[str, tuple[defaultdict[str, float], Counter[str]]] = field(default_factory=dict)
    main_town: Place | None = None
    anchor_keys: list[str] = field(default_factory=list)
    #: "southern Lebanon", "northern Aleppo": (the area, the direction word).
    sides: list[tuple[Place, str]] = field(default_factory=list)


@functools.lru_cache(maxsize=4096)
def _shared_prior(c: Candidate, surface: str) -> tuple[float, tuple[str, ...]]:
    """:func:`_prior`, remembered: an article that names one town 200,000 times shares one
    set of reason strings instead of making 200,000."""
    score, reasons = _prior(c, surface)
    return score, tuple(reasons)


def _prior(c: Candidate, surface: str) -> tuple[float, list[str]]:
    p = c.place
    reasons = []
    score = _FEATURE_PRIOR.get(p.feature_code, 0.4 if p.feature_class == "P" else 0.3)
    reasons.append(f"feature {p.feature_class}.{p.feature_code}")
    if p.population:
        score += W.population * math.log10(p.population + 1)
        reasons.append(f"population {p.population:,}")
    if c.kind == 0:
        score += W.official_name
        reasons.append("official name")
    elif c.kind == 1:
        score += W.alternate_name
        reasons.append("alternate name")
    elif c.kind == KIND_PART:
        score -= 0.5
        reasons.append("only a part of the name is in the gazetteer")
    elif c.kind == KIND_PEOPLE:
        reasons.append("the name of its people")
    elif c.kind == KIND_LOOSE:
        score -= 0.3
        reasons.append("spelled with other vowels")
    else:
        reasons.append("name matched without its article")
    if surface.strip().lower() == p.name.lower():
        score += 0.3
    return score, reasons


_ADMIN_AFTER = re.compile(
    r"\s+(province|governorate|region|state|oblast|county|district|prefecture)\b", re.I
)
_ADMIN_BEFORE = re.compile(r"\b(province|governorate|region|state) of\s+$", re.I)


def _admin_cue(text: str, m: Mention) -> str:
    after = _ADMIN_AFTER.match(text, m.end)
    if after:
        return after.group(1).lower()
    before = _ADMIN_BEFORE.search(text, max(0, m.start - 30), m.start)
    return before.group(1).lower() if before else ""


# "Oglethorpe County", "Clarke, Oconee and Oglethorpe counties", "Caddo Parish": the name is
# a county's, whatever towns share it.
_COUNTY_AFTER = re.compile(
    r"(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*)"
    r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?)*"
    r"\s+(?i:(count)(?:y|ies)|(parish)(?:es)?)\b"
)


# "Andar (Shalgar) district", "Nad Ali, Sangin and Nawa-e Barakzayi districts": the text
# calls the name a district, perhaps one of a list.
_DISTRICTS_AFTER = re.compile(
    r"(?:\s*\([^()]{1,40}\))?"
    r"(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)[A-Z][\w'’.-]*"
    r"(?:[\s-]+(?:[a-z]{1,3}-)?[A-Z][\w'’.-]*){0,2}"
    r"(?:\s*\([^()]{1,40}\))?)*"
    r",?\s+(?i:districts?|sub-?districts?|provinces?|governorates?|counties|county|areas?)\b"
)


def _county_suffix(text: str, m: Mention) -> str:
    """ "County" or "Parish" when the text says the mention is one (or one of a list)."""
    found = _COUNTY_AFTER.match(text, m.end)
    if not found:
        return ""
    return "County" if found.group(1) else "Parish"


_PARENT_AFTER = re.compile(
    r"(?:\s+(?:town|village|city|area|neighbou?rhood|district|camp|axis|front(?:line)?|hill"
    r"|farms|road|subdistrict|sub-district|quarter|suburb))?"
    r"(?:,|\s+in|,\s+in|\s+near|\s+of|\s*\()\s*(?:the\s+)?"
    r"(?:(?:north|south|east|west|northern|southern|eastern|western|central|north-?eastern"
    r"|north-?western|south-?eastern|south-?western)\s+)?"
    r"(?:(?:countryside|outskirts|suburbs|part|parts|province|governorate|district)\s+of\s+)?"
    r"([A-Z][\w.'’-]*(?:[\s-]+(?:(?i:al|el|ez|ed|ad|as|ar|an|at|az|ash|es|um|umm|bin|ibn|abu"
    r"|de|la|do|da|dos|das|del|di|du|des)[\s-]+)?[A-Z][\w.'’-]*){0,2})"
)


# "X in Y", "X of eastern Y", "X village near Y" (not "X, Y", which may be a list)
_IN_PARENT = re.compile(
    r"(?:\s+(?:town|village|hamlet|area|neighbou?rhood|farms|camp))?\s+(?:in|of|near)\s+"
    r"(?:the\s+)?(?:(?:north|south|east|west)(?:ern)?\s+|(?:countryside|outskirts) of\s+)?"
    r"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)"
)


def _named_parent(text: str, m: Mention, parents: Sequence[Place]) -> bool:
    """Whether the text puts the mention in a place ("X in Y", "X of eastern Y") whose
    readings were found by its whole name (not a shorter part of it)."""
    found = _IN_PARENT.match(text, m.end)
    if not found or not parents:
        return False
    key = match_key(found.group(1))
    return any(match_key(q.name) == key for q in parents)


def _far_from_parents(p: Place, parents: Sequence[Place]) -> bool:
    """Whether a small place lies far from every reading of the place the text puts it in
    (over :data:`_NEAR_PARENT_KM` from a town, :data:`_IN_DISTRICT_KM` from a district),
    outside each first-level area among them, and one reading is in its country."""
    if p.feature_class != "P" or _well_known(p) or not parents:
        return False
    if all(q.country_code != p.country_code for q in parents):
        return False  # the parent's readings are all abroad: one of them is misread
    for q in parents:
        if q.is_country:
            return False  # "X in Syria": any X in the country
        # the province itself, or a district of it (whose size is unknown)
        in_area = q.feature_class == "A" and (q.is_admin1 or bool(q.admin1_code))
        if in_area and (q.country_code, q.admin1_code) == (p.country_code, p.admin1_code):
            return False
        near = _NEAR_PARENT_KM if q.feature_class == "P" else _IN_DISTRICT_KM
        if not q.is_admin1 and distance_km(q, p) <= near:
            return False
    return True


def _big_namesake(area: Place, towns: set[tuple[str, int]]) -> bool:
    """A town officially named like the area, in its country, with a tenth of its people."""
    return any(cc == area.country_code and pop * 10 >= area.population for cc, pop in towns)


def _named_after(town: Place, areas: Sequence[Place]) -> Place | None:
    """A country or first-level area officially named like ``town``, with a hundred times
    its people (Kansas the state and Kansas, Illinois; Lebanon and Lebanon, Tennessee)."""
    for area in areas:
        if area != town and town.population * 100 < area.population:
            return area
    return None


_NEAR_PARENT_KM = 60.0  # a village named with its town ("X town in Y countryside")
_IN_DISTRICT_KM = 120.0  # ... or with its district (whose point may be far from its edge)
# Cues that call a place a village or town: a big city is not one.
_SMALL_PLACE_CUES = frozenset(
    {"village", "town", "area", "axis", "front", "frontline", "farms", "hill", "camp",
     "village of", "town of", "the village of", "the town of", "neighbourhood", "neighborhood"}
)  # fmt: skip
_BIG_CITY = 500_000


_SMALL_NOUN_AFTER = re.compile(
    r"\s+(village|town|city|hamlet|area|axis|front|frontline|farms|hill|camp|neighbou?rhood)\b",
    re.I,
)
_SETTLEMENT_NOUNS = frozenset({"village", "town", "city", "hamlet", "village of", "town of"})


def _small_place_cue(text: str, m: Mention) -> str:
    """ "village" when the text calls the mention a village (or town, area...), else ""."""
    if m.cue in _SMALL_PLACE_CUES:
        return m.cue.split()[-1]
    after = _SMALL_NOUN_AFTER.match(text, m.end)
    return after.group(1).lower() if after else ""


def _parent_places(text: str, m: Mention, gaz: Gazetteer) -> list[Place]:
    """Places named right after the mention ("X, Y" / "X in Y"), longest name first."""
    found = _PARENT_AFTER.match(text, m.end)
    if not found:
        return []
    words = found.group(1).rstrip(".,").split()
    for n in range(len(words), 0, -1):
        name = " ".join(words[:n])
        cands = _well_known_first(gaz.candidates(name))
        cc = gaz.demonym_country(name)
        places = [c.place for c in cands[:15] if c.place.feature_class == "A" or c.kind <= 1]
        if cc:
            places.insert(0, gaz.country(cc))
        if places:
            return places
    return []


_INSIDE_PARENT = re.compile(
    r"(?:\s+(?:town|village|city|area|neighbou?rhood|district|camp|subdistrict|sub-district"
    r"|quarter|suburb|hamlet|locality))?(?:\s*\(|\s+in\s)"
)


def _inside_countries(text: str, m: Mention, gaz: Gazetteer) -> set[str]:
    """The countries the mention's parent may be in, when the text puts the mention inside
    a place the gazetteer knows by its whole name ("X (Y, Z)", "X town in Y"); empty for
    "X, Y" (maybe a list of peers) and for a parent known only by a part of its name."""
    if not (_INSIDE_PARENT.match(text, m.end) or _comma_area(text, m, gaz)):
        return set()
    found = _PARENT_AFTER.match(text, m.end)
    if not found:
        return set()
    paren = _PARENTHESIS.match(text, m.end)
    names = paren.group(1).split(",") if paren else [found.group(1)]
    # "Rafah (Rafah, North Sinai)": a country every named parent may be in
    inside: set[str] = set()
    for name in names:
        ccs = _countries_named(name.strip().rstrip(".,"), gaz)
        if ccs:
            inside = inside & ccs if inside else ccs
            if not inside:
                return _countries_named(found.group(1).rstrip(".,"), gaz)
    return inside


_PARENTHESIS = re.compile(r"\s*\(([^()]{1,80})\)")
_LIST_GOES_ON = re.compile(r"\s*(?:,|and\b|or\b|&)")


def _after_comma(text: str, m: Mention) -> re.Match[str] | None:
    """The parent name right after a comma that follows the mention ("X, Y"), if any."""
    return _PARENT_AFTER.match(text, m.end) if text[m.end : m.end + 1] == "," else None


def _comma_province(text: str, m: Mention, gaz: Gazetteer) -> bool:
    """ "Myronivskyi, Donetsk." names the province after the comma (Donetsk is also an
    oblast); "Kafr Nabl, Hama and Idlib" is a list, so a name followed by more is not."""
    found = _after_comma(text, m)
    if not found:
        return False
    name = found.group(1).split(". ")[0].rstrip(".,")  # "Donetsk. During the day"
    if _LIST_GOES_ON.match(text, found.start(1) + len(name)):
        return False
    return any(c.kind == 0 and c.place.is_admin1 for c in gaz.candidates(name))


def _comma_area(text: str, m: Mention, gaz: Gazetteer) -> bool:
    """ "El-Wak, Mandera County": after a comma, a name that is only ever an area (never a
    town) puts the mention inside it; "Paris, London" may be a list of peers."""
    found = _after_comma(text, m)
    if not found:
        return False
    known = [c for c in gaz.candidates(found.group(1).rstrip(".,")) if c.kind == 0 and not c.local]
    return bool(known) and all(c.place.feature_class == "A" for c in known)


_AREA_CODES = frozenset({"ADM1", "ADM2", "PPLA", "PPLC"})


def _inside_areas(text: str, m: Mention, gaz: Gazetteer) -> dict[str, str]:
    """Country -> the one first-level area the text puts the mention in ("Batish in the
    countryside of Hama", "Ihie (Ohaji/Egbema LGA, Imo)"): read from the parent's
    well-known readings (the area itself, its districts, its seat); empty when unsure."""
    if not (
        _INSIDE_AREA.match(text, m.end)
        or _comma_area(text, m, gaz)
        or _comma_province(text, m, gaz)
    ):
        return {}
    found = _PARENT_AFTER.match(text, m.end)
    if found:
        paren = _PARENTHESIS.match(text, m.end)
        name = paren.group(1).split(",")[-1] if paren else found.group(1).split(". ")[0]
        if areas := _one_area(name, gaz, _AREA_CODES):
            return areas
    # "Mullah Faiz village of Mizan district, Zabul": the province further along the clause
    clause = _CLAUSE.match(text, m.end)
    for name in _CAPITALISED.findall(clause.group(0) if clause else ""):
        if areas := _one_area(name, gaz, frozenset({"ADM1"})):
            return areas
    return {}


_INSIDE_AREA = re.compile(
    r"(?:\s+(?:town|village|city|areas?|neighbou?rhoods?|district|camp|subdistrict|sub-district"
    r"|quarter|suburb|hamlet|locality))?(?:\s*\(|\s+(?:in|of)\s)"
)
_CLAUSE = re.compile(r"[^.;:!?\n]{0,120}")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}")


def _one_area(name: str, gaz: Gazetteer, codes: frozenset[str]) -> dict[str, str]:
    """Country -> first-level area, for the countries where a name's well-known readings
    (an area, its districts or its seat) all lie in one first-level area."""
    areas: dict[str, set[str]] = defaultdict(set)
    for c in _well_known_first(gaz.candidates(name.strip().rstrip(".,"))):
        if c.kind == 0 and c.place.feature_code in codes and c.place.admin1_code:
            areas[c.place.country_code].add(c.place.admin1_code)
    return {cc: next(iter(a1)) for cc, a1 in areas.items() if len(a1) == 1}


def _countries_named(name: str, gaz: Gazetteer) -> set[str]:
    """The countries a place of that name may be in (the well-known readings first)."""
    if not name:
        return set()
    cc = gaz.demonym_country(name)
    cands = _well_known_first(gaz.candidates(name))
    ccs = {c.place.country_code for c in cands if c.place.country_code}
    return ccs | {cc} if cc else ccs


#: First words of neighbourhood names: such a place lies in the town the article is about.
_NEIGHBOURHOOD_HEADS = frozenset(
    {"colonia", "barrio", "bairro", "barangay", "jardim", "vila", "hay", "harat", "fraccionamiento"}
)
_NEIGHBOURHOOD_KM = 50.0


def _far_neighbourhood(m: Mention, p: Place, ctx: _Context) -> bool:
    """A neighbourhood ("Colonia Libertad") far from every other place of the article."""
    if m.surface.split(maxsplit=1)[0].lower() not in _NEIGHBOURHOOD_HEADS:
        return False
    key = _mention_key(m)
    anchors = [a for a, k in zip(ctx.anchors, ctx.anchor_keys, strict=True) if k != key]
    return bool(anchors) and min(distance_km(p, a) for a in anchors) > _NEIGHBOURHOOD_KM


def _plain(name: str) -> str:
    """Letters and digits only, without case or accents: "Al Bāb" and "al-Bab" agree."""
    text = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch)).lower()


def _well_known_first(cands: list[Candidate]) -> list[Candidate]:
    """The readings of a parent name ("X town in Hama"): a parent is a place readers know, so
    when a place outside the village-level layer has that official name, its village
    namesakes (a Hamah in Yemen) are not the parent. (Toulouse, also called Tullus in
    Latin, does not hide the district of Tullus in Sudan.)"""
    if any(c.kind == 0 and not c.local for c in cands):
        return [c for c in cands if not c.local]
    return cands


def _parent_bonus(parents: Sequence[Place], p: Place) -> tuple[float, str]:
    """'X, Y' / 'X in Y': Y is the country or admin1 of candidate X, or a town near it
    ("Shiheil town in Deir ez Zor countryside")."""
    for parent in parents:
        if parent == p:
            continue
        if parent.is_country and parent.country_code == p.country_code:
            return 4.0, f"followed by its country {parent.name}"
        if parent.is_admin1 and (parent.country_code, parent.admin1_code) == (
            p.country_code,
            p.admin1_code,
        ):
            return 5.0, f"followed by its region {parent.name}"
    for parent in parents:
        if (
            parent.feature_code == "ADM2"
            and parent.country_code == p.country_code
            and (parent.admin1_code == p.admin1_code)
        ):
            return 3.0, f"followed by its district {parent.name}"
        if parent.country_code == p.country_code and parent.feature_class == "P" != p.feature_class:
            return 1.0, f"followed by {parent.name} in the same country"
        if (
            parent.country_code == p.country_code
            and parent.feature_class == "P" == p.feature_class
            and parent != p
            and distance_km(parent, p) <= _NEAR_PARENT_KM
        ):
            return 3.0, f"followed by {parent.name}, {distance_km(parent, p):.0f} km away"
    return 0.0, ""


_SIDE_TESTS = {
    "north": (1, 0), "northern": (1, 0), "south": (-1, 0), "southern": (-1, 0),
    "east": (0, 1), "eastern": (0, 1), "west": (0, -1), "western": (0, -1),
    "northeastern": (1, 1), "northwestern": (1, -1), "southeastern": (-1, 1),
    "southwestern": (-1, -1),
}  # fmt: skip


def _on_side(p: Place, area: Place, direction: str) -> bool:
    """Whether p lies in the named part of the area ("southern Lebanon"), judged from the
    area's point; only places of the same country (and admin1 for an admin area)."""
    if p == area or p.is_country or p.country_code != area.country_code:
        return False
    if not area.is_country and p.admin1_code != area.admin1_code:
        return False
    test = _SIDE_TESTS.get(direction)
    if test is None:
        return False
    dlat, dlon = test
    return (dlat == 0 or (p.lat - area.lat) * dlat > 0) and (
        dlon == 0 or (p.lon - area.lon) * dlon > 0
    )


def _context_bonus(p: Place, ctx: _Context, key: str) -> tuple[float, list[str]]:
    score, reasons = 0.0, []
    own_cc, own_a1 = ctx.own.get(key, (defaultdict(float), Counter()))
    n_cc = ctx.countries.get(p.country_code, 0.0) - own_cc.get(p.country_code, 0.0)
    total = (sum(ctx.countries.values()) - sum(own_cc.values())) or 1.0
    if n_cc:
        share = n_cc / total
        score += (
            W.country_base / 2 + W.country_share * share * 0.6
            if p.is_country
            else W.country_base + W.country_share * share
        )
        reasons.append(f"article mentions {p.country_code} ({share:.0%} of its places)")
    if ctx.dateline_cc and ctx.dateline_cc == p.country_code and not p.is_country:
        score += W.dateline
        reasons.append("dateline in the same country")
    a1key = f"{p.country_code}.{p.admin1_code}"
    same_a1 = ctx.admin1.get(a1key, 0) - own_a1.get(a1key, 0)
    if same_a1 > 0 and not p.is_admin1 and not p.is_country:
        score += W.admin1_base + W.admin1_each * min(same_a1, 3)
        reasons.append(f"same admin1 as {same_a1:g} other place(s)")
    for area, direction in ctx.sides:
        if _on_side(p, area, direction):
            score += W.side
            reasons.append(f"in the {direction} part of {area.name}, as the text says")
            break
    anchors = [a for a, k in zip(ctx.anchors, ctx.anchor_keys, strict=True) if k != key]
    if anchors and not p.is_country and not p.is_admin1:
        d = min(distance_km(p, a) for a in anchors)
        bonus = W.distance * math.exp(-d / W.distance_km)
        if bonus > 0.1:
            score += bonus
            reasons.append(f"{d:.0f} km from other places in the article")
    return score, reasons


# (raw confidence, share correct within 161 km) measured on the dev news corpora with gold
# spans; scores are mapped through it so that a score reads as a probability.
_CALIBRATION = (
    (0.0, 0.0),
    (0.4, 0.33),
    (0.6, 0.43),
    (0.78, 0.65),
    (0.9, 0.8),
    (0.97, 0.95),
    (1.0, 0.97),
)


def _calibrate(best: float, second: float | None) -> float:
    """Map the raw winner score and its margin to a probability of being right (0..1)."""
    margin = best - second if second is not None else 3.0
    strength = 1 / (1 + math.exp(-(best - 3.0) / 1.2))
    sure = 1 / (1 + math.exp(-(margin - 0.4) / 0.6))
    raw = 0.15 + 0.85 * strength * (0.4 + 0.6 * sure)
    for (x0, y0), (x1, y1) in itertools.pairwise(_CALIBRATION):
        if raw <= x1:
            return round(y0 + (y1 - y0) * (raw - x0) / (x1 - x0), 3)
    return _CALIBRATION[-1][1]


def _rank(
    text: str,
    mentions: Sequence[Mention],
    cands: Sequence[list[Candidate]],
    parents: Sequence[list[Place]],
    ctx: _Context | None,
    insides: Sequence[set[str]],
    inside_areas: Sequence[dict[str, str]],
) -> list[tuple[Place | None, float, list[str], tuple[Place, ...]]]:
    out: list[tuple[Place | None, float, list[str], tuple[Place, ...]]] = []
    for idx, (m, cs) in enumerate(zip(mentions, cands, strict=True)):
        if not cs:
            out.append((None, 0.0, ["no gazetteer entry for this name"], ()))
            continue
        scored = []
        admin_cue = _admin_cue(text, m)
        towns = {
            (c.place.country_code, c.place.population)
            for c in cs
            if c.place.feature_class == "P" and c.kind == 0
        }
        country_named = any(c.place.is_country and c.kind == 0 for c in cs)
        areas = [c.place for c in cs if c.kind == 0 and (c.place.is_country or c.place.is_admin1)]
        pointed = _pointed_countries(ctx, _mention_key(m), parents[idx])
        small = _small_place_cue(text, m)
        known_official = any(c.kind == 0 and not c.local for c in cs)
        # "Badah town (Larkana, Sindh)", "Nawa town in Dara": the text says where X is, so a
        # namesake in a country the parent cannot be in is not X ("X, Y" may be a list; a
        # well-known place by its own name stays: its parent may be a part we misread).
        inside = insides[idx]
        far = elsewhere = False
        written = _plain(m.surface)
        pointed_areas = [a for a in areas if a.country_code in pointed]
        offered = [c for c in cs if _offered(c, m, ctx, pointed)]
        in_town = _named_parent(text, m, parents[idx])
        district_named = (
            bool(admin_cue) or small == "area" or bool(_DISTRICTS_AFTER.match(text, m.end))
        )
        for c in offered:
            foreign = inside and not c.place.is_country and c.place.country_code not in inside
            own_name = c.kind == 0 and (
                c.place.is_admin1 or written == _plain(c.place.name)
            )  # "Calif. (AP)" is still California; "Djugu" is not Djougou
            if foreign and not (_well_known(c.place) and own_name):
                continue  # "Djugu, Ituri" is not Djougou, Benin
            a1 = inside_areas[idx].get(c.place.country_code)
            if a1 and c.place.admin1_code != a1 and not (_famous(c.place) and c.kind == 0):
                elsewhere = True
                continue  # "Batish in the countryside of Hama" is not the Batish in Homs
            if small in ("village", "hamlet") and c.place.population >= _BIG_CITY:
                continue  # "Kitah village" is not Quito (also called Kitah)
            if in_town and _far_from_parents(c.place, parents[idx]):
                elsewhere = True
                continue  # "Shahbah of eastern Afrin" is not Shahba, 400 km south
            if not district_named and _district_of_town(c.place, offered):
                continue  # "Tell Abiad town", "rural Tell Abiad": the town, not its district
            if ctx is not None and _far_neighbourhood(m, c.place, ctx):
                far = True
                continue  # "Colonia Libertad" in an Acapulco report is in Acapulco
            s, shared = _shared_prior(c, m.surface)
            reasons = list(shared)
            if country_named and c.kind > 0 and not c.place.is_country:
                # "Mexico" is the country, even though Mexico City is also called Mexico.
                s -= 2.0
                reasons.append("the name is a country's own name")
            if c.place.is_admin1 and not admin_cue and _big_namesake(c.place, towns):
                # "Aleppo" alone means the city; "Aleppo province" means the area.
                s -= 1.5
                reasons.append("a town of the same name is more likely than the area")
            elif c.place.is_admin1 and admin_cue:
                s += 1.5
                reasons.append(f"named as an area ({admin_cue})")
            if c.local and known_official and not small:
                s -= 1.0
                reasons.append("a village namesake of a better-known place")
            if small and small != "city" and c.place.population >= _BIG_CITY:
                s -= 1.5
                reasons.append(f"called a {small}, not a big city")
            if small in _SETTLEMENT_NOUNS and c.place.feature_class == "A":
                s -= 1.0
                reasons.append(f"called a {small}, not an area")
            bonus, why = _parent_bonus(parents[idx], c.place)
            if bonus:
                s += bonus
                reasons.append(why)
            elif c.place.feature_class == "P" and (area := _named_after(c.place, pointed_areas)):
                # "Kansas", "Lebanon", "England": the state or country, not the small town
                # named after it, unless the text names the town's parent ("Lebanon, Pa.")
                s -= 2.0
                reasons.append(f"a small town named like {area.name}")
            if ctx is not None:
                b, more = _context_bonus(c.place, ctx, _mention_key(m))
                s += b
                reasons.extend(more)
            scored.append((s, c.place, reasons))
        if not scored:
            why = NAMESAKES_ONLY
            if far:
                why = f"only namesakes over {_NEIGHBOURHOOD_KM:g} km from the article's places"
            elif elsewhere or inside:
                why = (
                    f"only namesakes outside the place the text puts it in ({parents[idx][0].name})"
                )
            out.append((None, 0.0, [why], tuple(c.place for c in cs[:5])))
            continue
        scored.sort(key=lambda t: -t[0])
        best_s, best_p, reasons = scored[0]
        second = scored[1][0] if len(scored) > 1 else None
        out.append(
            (best_p, _calibrate(best_s, second), reasons, tuple(p for _, p, _ in scored[:5]))
        )
    return out


def _pointed_countries(
    ctx: _Context | None, key: str, parents: Sequence[Place]
) -> dict[str, float]:
    """Countries the rest of the article points to (its other places, demonyms, armed
    groups, the mention's own parent "X in Y") with their weight, leaving out what this
    mention itself added."""
    if ctx is None:
        return {}
    own_cc = ctx.own.get(key, (defaultdict(float), Counter()))[0]
    pointed = {cc: w - own_cc.get(cc, 0.0) for cc, w in ctx.countries.items()}
    pointed = {cc: w for cc, w in pointed.items() if w > 0}
    top = max(pointed.values(), default=1.0)
    for p in parents:  # "X town in Y": any country Y may be in is as good as the best
        if p.country_code:
            pointed[p.country_code] = max(pointed.get(p.country_code, 0.0), top)
    return pointed


#: A place at least this big, a capital or a province's seat, may be named in an
#: article about another country without the article pointing to its own.
_WELL_KNOWN_POPULATION = 100_000
#: How close a spelled-otherwise name must be to a place's own name when the article points
#: nowhere ("Idleb"/"Idlib" 0.80, "Deir Ezzor"/"Deir ez-Zor" 0.82; "Rongo"/"Rayong" 0.73).
_OWN_NAME_SIMILARITY = 0.75
_SEATS = frozenset({"PPLC", "PPLA", "PPLG"})


def _famous(p: Place) -> bool:
    """Known well enough to be named anywhere without its province: a country, a
    first-level area, a capital, a province's seat or a city of 100,000 (not a district)."""
    return (
        p.is_country
        or p.is_admin1
        or p.population >= _WELL_KNOWN_POPULATION
        or p.feature_code in _SEATS
    )


def _well_known(p: Place) -> bool:
    """Famous, or any area (a district too): named without the article pointing there."""
    return p.feature_class == "A" or _famous(p)


def _offered(c: Candidate, m: Mention, ctx: _Context | None, pointed: dict[str, float]) -> bool:
    """Whether a candidate may be weighed at all (:func:`_admissible`); in an article that
    points nowhere, a place spelled otherwise only by its own name ("Idleb", "Deir Ezzor";
    "Koibirir" is not Kabul, by one of Kabul's names abroad), and for a name nothing marks
    as a place, a small place only by its own name as written ("Angry" is not Angri)."""
    if not _admissible(c, ctx, pointed):
        return False
    if ctx is None or pointed:
        return True
    if c.kind == KIND_LOOSE and not _near_own_name(m.surface, c.place):
        return False
    return (
        _well_known(c.place)
        or bool(m.cue)
        or (c.kind != 1 and _plain(m.surface) == _plain(c.place.name))
    )


def _district_of_town(place: Place, cands: Sequence[Candidate]) -> bool:
    """Whether ``place`` is a district (ADM2/ADM3) and a populated place among ``cands`` lies
    in the same country and first-level area (the town the district is named after)."""
    if place.feature_code not in ("ADM2", "ADM3"):
        return False
    return any(
        c.place.feature_class == "P"
        and c.place.country_code == place.country_code
        and c.place.admin1_code == place.admin1_code
        for c in cands
    )


def _near_own_name(written: str, place: Place) -> bool:
    """Whether ``written`` is spelled close to the place's own name (a similarity of at
    least :data:`_OWN_NAME_SIMILARITY` between their match keys)."""
    return any(
        SequenceMatcher(None, a, b).ratio() >= _OWN_NAME_SIMILARITY
        for a in match_keys(written)
        for b in match_keys(place.name)
    )


def _admissible(c: Candidate, ctx: _Context | None, pointed: dict[str, float]) -> bool:
    """Whether a candidate may be chosen, given the countries the article points to.

    In the first pass (no context yet) spelled-otherwise matches are left out, so they never
    shape the context. Later:

    - a spelled-otherwise match, a village from the village-level layer or a place found
      from a part of the name is only offered in a country the article points to, when it
      points to any (a spelled-otherwise match of an article that points nowhere must be a
      well-known place: "Kitah" is not Quito);
    - a small place (not well known) in a country nothing else in the article points to,
      while it points clearly to another, is a namesake: "Mine" in a Donetsk report is not
      Mine in Japan, "Sidon" in a Lebanese report is not Sidon, Mississippi.
    """
    cc = c.place.country_code
    if c.kind == KIND_LOOSE:
        if ctx is None:
            return False
        return cc in pointed if pointed else _well_known(c.place)
    if ctx is None or not pointed:
        return True
    part = c.kind == KIND_PART and bool(cc) and not (c.place.is_country or c.place.is_admin1)
    if c.local or part:
        # "Abu Qebab" in a Syrian report is not Ābu in India because its first word matches
        return cc in pointed
    if (
        c.kind in (1, 2)
        and cc
        and cc not in pointed
        and max(pointed.values()) >= 1.0
        and not (c.place.is_country or c.place.is_admin1 or c.place.feature_code == "PPLC")
    ):
        return False  # "Toda" in an Indian report is not Shimotoda, Japan, also called Toda
    if not cc or _well_known(c.place):
        return True  # regions without a country (the Middle East), well-known places
    return cc in pointed or max(pointed.values()) < 1.0


def _context(
    mentions: Sequence[Mention],
    first: Sequence[tuple[Place | None, float, list[str], tuple[Place, ...]]],
    gaz: Gazetteer,
    hints: dict[str, float] | None = None,
    areas: Sequence[str] = (),
) -> _Context:
    countries: defaultdict[str, float] = defaultdict(float)
    sides: list[tuple[Place, str]] = []
    for cc, weight in (hints or {}).items():
        countries[cc] += weight  # as much as a place there: the armed groups it names
    admin1: Counter[str] = Counter()
    for key in areas or ():
        admin1[key] += 2  # "DPR forces": a village in Donetsk oblast, among its namesakes
    anchors: list[Place] = []
    dateline_cc = ""
    own: dict[str, tuple[defaultdict[str, float], Counter[str]]] = {}
    anchor_keys: list[str] = []
    for m, (p, score, _, _) in zip(mentions, first, strict=True):
        key = _mention_key(m)
        own_cc, own_a1 = own.setdefault(key, (defaultdict(float), Counter()))
        if m.kind == "demonym" and m.cue:
            countries[m.cue] += 0.5
            own_cc[m.cue] += 0.5
            continue
        if p is None or score < 0.35:
            continue
        weight = 1.0 if score >= 0.43 else 0.5
        countries[p.country_code] += weight
        own_cc[p.country_code] += weight
        a1 = "" if p.is_country else f"{p.country_code}.{p.admin1_code}"
        if a1:
            admin1[a1] += 1
            own_a1[a1] += 1
            if not p.is_admin1 and score >= 0.43:
                anchors.append(p)
                anchor_keys.append(key)
        if m.kind == "dateline":
            dateline_cc = p.country_code
        if m.kind == "region" and (p.is_country or p.feature_class == "A"):
            sides.append((p, m.surface.split()[0].lower()))
    towns = Counter(a.geonameid for a in anchors)
    main_town = (
        next((a for a in anchors if a.geonameid == towns.most_common(1)[0][0]), None)
        if towns
        else None
    )
    return _Context(
        countries, admin1, anchors[:30], dateline_cc, own, main_town, anchor_keys[:30], sides[:5]
    )


def _mention_key(m: Mention) -> str:
    return match_key(m.surface)


def resolve_mentions(
    text: str,
    mentions: Sequence[Mention],
    *,
    gazetteer: Gazetteer,
    geocoder: object | None = None,
    dismiss: bool = False,
) -> list[Resolution]:
    """Resolve each mention in context; one Resolution per mention, same order.

    ``geocoder`` is a :class:`geomap.geoparse.geocode.Geocoder` (or None): asked only for mentions
    the gazetteer cannot place, restricted to the article's countries and checked against them.
    With ``dismiss``, a mention :func:`is_dismissed` judges no place is not sent to it.
    """
    cands = [_candidates(m, gazetteer, text) for m in mentions]
    parents = [
        _parent_places(text, m, gazetteer) if cs else []
        for m, cs in zip(mentions, cands, strict=True)
    ]
    inside_areas = [
        _inside_areas(text, m, gazetteer) if ps else {}
        for m, ps in zip(mentions, parents, strict=True)
    ]
    insides = [
        _inside_countries(text, m, gazetteer) if ps else set()
        for m, ps in zip(mentions, parents, strict=True)
    ]
    first = _rank(text, mentions, cands, parents, None, insides, inside_areas)
    ctx = _context(mentions, first, gazetteer, country_hints(text), area_hints(text))
    second = _rank(text, mentions, cands, parents, ctx, insides, inside_areas)
    results = []
    top_countries = tuple(sorted(ctx.countries, key=lambda cc: -ctx.countries[cc])[:3])
    for m, (place, score, reasons, alts) in zip(mentions, second, strict=True):
        if place is None and _is_facility(m) and ctx.main_town is not None:
            why = f"a street or site, placed at the article's main town {ctx.main_town.name}"
            results.append(Resolution(m, ctx.main_town, 0.3, METHOD_GAZETTEER, (why,), ()))
            continue
        if place is not None and score >= MIN_SCORE:
            results.append(Resolution(m, place, score, METHOD_GAZETTEER, tuple(reasons), alts))
            continue
        if dismiss and is_dismissed(Resolution(m, None, 0.0, METHOD_NONE, tuple(reasons))):
            geocoder_for_m = None
        else:
            geocoder_for_m = geocoder
        results.append(_fallback(m, geocoder_for_m, top_countries, reasons, alts))
    return results


def _candidates(m: Mention, gazetteer: Gazetteer, text: str) -> list[Candidate]:
    """Gazetteer candidates of a mention; a demonym ("Syrian") stands for its country, and a
    name the text calls a county ("Sarpy County", "Walton and Oconee counties") stands for
    the counties of that name."""
    name = m.surface if m.kind != "region" else _strip_direction(m.surface)
    suffix = _county_suffix(text, m)
    if suffix and not name.endswith(suffix):
        counties = [
            c for c in gazetteer.candidates(f"{name} {suffix}") if c.place.feature_code == "ADM2"
        ]
        if counties:
            return counties
    cc = m.cue if m.kind == "demonym" else gazetteer.demonym_country(name)
    found = [] if m.kind == "demonym" else gazetteer.candidates(name)
    if found and _spelling_may_differ(m, found, text):
        # an exact hit on a far-away namesake must not hide the village spelled otherwise
        exact = {c.place.geonameid for c in found}
        found += [c for c in gazetteer.loose_candidates(name) if c.place.geonameid not in exact]
    if cc:
        try:
            country = gazetteer.country(cc)
        except KeyError:
            return found
        return [Candidate(country, 0), *(c for c in found if c.place != country)]
    if not found and not _is_facility(m):
        # "the village of X" calls X a place, not a people: only bare words are tried as one
        people = [] if m.cue else _people_candidates(name, gazetteer)
        found = people or _part_candidates(name, gazetteer)
    if not found and m.kind != "demonym":
        found = gazetteer.loose_candidates(name)  # spelled with other vowels (Idleb, Idlib)
    return found


# Endings of words for a place's people, and what the place's name may end in instead:
# Ontarians -> Ontario, Ohioans -> Ohio, Gazans -> Gaza, Dagestani -> Dagestan,
# Abkhaz -> Abkhazia, Serb -> Serbia, Czechs -> Czech (a country's demonym).
_PEOPLE_ENDINGS = ("ians", "ans", "ns", "ian", "an", "n", "is", "i", "s", "")
_NAME_ENDINGS = ("", "a", "o", "ia")


def _spelling_may_differ(m: Mention, found: Sequence[Candidate], text: str) -> bool:
    """Whether to offer places spelled with other vowels beside the exact matches: when the
    text calls the name a village-level place and no exact match is a well-known place."""
    small = _small_place_cue(text, m)
    if not small:
        return False
    if small in ("town", "city", "village") and all(
        c.place.feature_code in ("ADM2", "ADM3") for c in found
    ):
        return True  # "Quamishli city": the district of that name hides the city spelled otherwise
    return not any(c.place.population >= 50_000 or c.place.feature_class == "A" for c in found)


def _people_candidates(name: str, gazetteer: Gazetteer) -> list[Candidate]:
    """The country or admin area whose people ``name`` names, for a name the gazetteer does
    not know: a plural of a known demonym, or a word formed from an area's name."""
    if " " in name or not name[:1].isupper():
        return []
    for ending in _PEOPLE_ENDINGS:
        stem = name[: len(name) - len(ending)] if ending else name
        if not name.endswith(ending) or len(stem) < 3:
            continue
        for tail in _NAME_ENDINGS:
            if not ending and not tail:
                continue  # the name itself: already looked up
            base = stem + tail
            cc = gazetteer.demonym_country(base)
            if cc:
                try:
                    return [Candidate(gazetteer.country(cc), KIND_PEOPLE)]
                except KeyError:
                    continue
            areas = [
                Candidate(c.place, KIND_PEOPLE)
                for c in gazetteer.candidates(base)
                if c.kind <= 1 and c.place.feature_class == "A"
            ]
            if areas:
                return areas
    return []


def _part_candidates(name: str, gazetteer: Gazetteer) -> list[Candidate]:
    """Candidates of the longest part of an unknown multi-word name that the gazetteer knows
    ("Nenagh MDC" -> Nenagh, "West Surrey" -> Surrey), marked as weak (``KIND_PART``)."""
    words = name.split()
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size + 1):
            part = words[start : start + size]
            if size == 1 and (part[0].lower() in _NOT_A_PART or not part[0][:1].isupper()):
                continue
            found = gazetteer.candidates(" ".join(part))
            if size == 1:  # one word of a longer name: only a well-known place will do
                found = [
                    c for c in found if c.place.feature_class == "A" or c.place.population >= 5000
                ]
            if found:
                return [Candidate(c.place, KIND_PART) for c in found]
    return []


def _is_facility(m: Mention) -> bool:
    """Streets, buildings and neighbourhoods: local, so near the article's main town."""
    if m.kind == "street":
        return True
    words = m.surface.split()
    return len(words) > 1 and words[-1] in FACILITY_WORDS


def _strip_direction(surface: str) -> str:
    parts = surface.split(None, 1)
    return parts[1] if len(parts) == 2 else surface


#: Why a mention was left unresolved when every gazetteer reading was a namesake elsewhere.
NAMESAKES_ONLY = "only namesakes in countries the article does not point to"


def is_dismissed(r: Resolution) -> bool:
    """A lone capitalised word that nothing marks as a place ("Nelson said", "Abbas's aides")
    and whose every gazetteer reading lies in a country the article never points to: more
    likely a person or a common word than an unknown place, so not reported as a place.

    On the dev corpora such mentions were toponyms 19 times in 95.
    """
    m = r.mention
    return (
        r.place is None
        and m.kind == "name"
        and not m.cue
        and " " not in m.surface.strip()
        and bool(r.reasons)
        and r.reasons[0] == NAMESAKES_ONLY
    )


def _fallback(
    m: Mention,
    geocoder: object | None,
    countries: tuple[str, ...],
    reasons: list[str],
    alts: tuple[Place, ...],
) -> Resolution:
    if geocoder is None:
        return Resolution(m, None, 0.0, METHOD_NONE, (*reasons, "geocoder off"), alts)
    name = m.surface if m.kind != "region" else _strip_direction(m.surface)
    result = geocoder.lookup(name, country_codes=countries)  # type: ignore[attr-defined]
    if result.place is None:
        return Resolution(m, None, 0.0, METHOD_NONE, (*reasons, result.reason), alts)
    why = f"{result.reason}{' (cached)' if result.cached else ''}"
    return Resolution(m, result.place, 0.5, METHOD_GEOCODER, (*reasons, why), alts)
