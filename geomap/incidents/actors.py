"""Actors in ACLED-ish naming, found by small rules over an event sentence.

"Russian airstrike" / "Russian jets" -> ``Military Forces of Russia``; "Turkish soldiers"
-> ``Military Forces of Turkey``; police -> ``Police Forces of <country>``; named groups
(Islamic State, HTS, YPG, SDF, PKK...) by name; generic rebels, militants, gunmen,
protesters, rioters and civilians get the event's country in brackets, as ACLED does
("Protesters (Turkey)"). The demonym table is our own and self-contained.

Roles: a mention followed by an attack verb, or naming a weapon ("Russian airstrike"), or
after "by", is the perpetrator (actor1); one after "killing", "housing", "targeting",
"against" or before "were killed" is the target (actor2).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DEMONYMS", "ActorHit", "find_actors", "pick_actors"]

#: Demonym (or short form) -> country name as ACLED writes it.
DEMONYMS: dict[str, str] = {
    "Russian": "Russia", "Turkish": "Turkey", "Syrian": "Syria", "Iraqi": "Iraq",
    "Iranian": "Iran", "American": "United States", "US": "United States",
    "U.S.": "United States", "Israeli": "Israel", "French": "France", "British": "United Kingdom",
    "Lebanese": "Lebanon", "Jordanian": "Jordan", "Saudi": "Saudi Arabia",
    "Egyptian": "Egypt", "Afghan": "Afghanistan", "Pakistani": "Pakistan", "Libyan": "Libya",
    "Yemeni": "Yemen", "Ukrainian": "Ukraine", "Nigerian": "Nigeria", "Somali": "Somalia",
    "Sudanese": "Sudan", "Malian": "Mali", "Kenyan": "Kenya", "Ethiopian": "Ethiopia",
    "Indian": "India", "Chinese": "China", "German": "Germany", "Emirati": "United Arab Emirates",
    "Qatari": "Qatar", "Kuwaiti": "Kuwait", "Algerian": "Algeria", "Tunisian": "Tunisia",
    "Moroccan": "Morocco", "Palestinian": "Palestine", "Azerbaijani": "Azerbaijan",
    "Armenian": "Armenia", "Georgian": "Georgia", "Greek": "Greece", "Cypriot": "Cyprus",
    "Bahraini": "Bahrain", "Omani": "Oman", "Colombian": "Colombia", "Mexican": "Mexico",
    "Filipino": "Philippines", "Philippine": "Philippines", "Bangladeshi": "Bangladesh",
    "Congolese": "Democratic Republic of Congo", "Cameroonian": "Cameroon",
    "Burkinabe": "Burkina Faso", "Nigerien": "Niger", "Chadian": "Chad",
    "Mozambican": "Mozambique", "Ugandan": "Uganda", "Rwandan": "Rwanda",
    "Burundian": "Burundi", "Eritrean": "Eritrea", "Belarusian": "Belarus",
    "Kurdish": "",  # a people, not a state: "Kurdish fighters" are handled as named groups
}  # fmt: skip
#: Country names (and forms news uses) -> ACLED name, for "Turkey's army".
_COUNTRY_NAMES = {c: c for c in DEMONYMS.values() if c} | {
    "the United States": "United States",
    "America": "United States",
    "Britain": "United Kingdom",
}

_MILITARY = (
    r"(?:air ?strikes?|air ?raids?|jets?|warplanes?|fighter jets?|aircraft|planes?|air force"
    r"|army|armed forces|troops|soldiers|forces|military|navy|drones?|artillery|helicopters?"
    r"|tanks?|special forces|servicemen|personnel|marines|commandos|units?|convoy|patrols?"
    r"|gunships?|shelling|bombardment|missiles?|general staff|defen[cs]e ministry)"
)
_POLICE = r"(?:police(?:men| officers)?|riot police|gendarmes?|gendarmerie)"
_DEM_ALT = "|".join(re.escape(d) for d in sorted(DEMONYMS, key=len, reverse=True) if DEMONYMS[d])
_CTRY_ALT = "|".join(re.escape(c) for c in sorted(_COUNTRY_NAMES, key=len, reverse=True))

# (rule, pattern, name template); {c} is the demonym's country, {x} the event's country.
_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("named-group", re.compile(r"\b(?:Islamic State|ISIS|ISIL|Daesh|IS)\b"), "Islamic State"),
    ("named-group", re.compile(r"\b(?:Hayat Tahrir al-Sham|HTS)\b"), "Hayat Tahrir al-Sham"),
    ("named-group", re.compile(r"\b(?:Free Syrian Army|FSA)\b"), "Free Syrian Army"),
    ("named-group", re.compile(r"\b(?:YPG|People's Protection Units)\b"),
     "YPG: People's Protection Units"),
    ("named-group", re.compile(r"\b(?:SDF|Syrian Democratic Forces)\b"),
     "SDF: Syrian Democratic Forces"),
    ("named-group", re.compile(r"\bPKK\b|Kurdistan Workers'? Party"),
     "PKK: Kurdistan Workers Party"),
    ("named-group", re.compile(r"\bTaliban\b"), "Taliban"),
    ("named-group", re.compile(r"\bal-Shabaab\b", re.IGNORECASE), "Al Shabaab"),
    ("named-group", re.compile(r"\bHezbollah\b"), "Hezbollah"),
    ("named-group", re.compile(r"\bHouthis?\b"), "Ansar Allah (Houthis)"),
    ("demonym+police", re.compile(rf"\b(?P<d>{_DEM_ALT})\s+{_POLICE}\b"), "Police Forces of {c}"),
    ("demonym+military",
     re.compile(rf"\b(?P<d>{_DEM_ALT})(?!-)\s+(?:[a-z]+\s+){{0,2}}?{_MILITARY}\b"),
     "Military Forces of {c}"),
    ("country+military",
     re.compile(rf"\b(?P<n>{_CTRY_ALT})(?:'s|’s)\s+(?:[a-z]+\s+)?{_MILITARY}\b"),
     "Military Forces of {c}"),
    ("government-forces",
     re.compile(r"\b(?:government|regime|pro-government|state|security)\s+(?:forces|troops"
                r"|soldiers|jets|warplanes|aircraft|artillery|shelling|army|militias?|tanks"
                r"|helicopters)\b|\bthe army\b", re.IGNORECASE),
     "Military Forces of {x}"),
    ("police", re.compile(rf"\b{_POLICE}\b", re.IGNORECASE), "Police Forces of {x}"),
    ("rebels", re.compile(r"\b(?:rebels?|insurgents|opposition fighters|opposition groups?)\b",
                          re.IGNORECASE), "Rebels ({x})"),
    ("militants", re.compile(r"\b(?:militants?|jihadists?|extremists)\b", re.IGNORECASE),
     "Militants ({x})"),
    ("gunmen", re.compile(r"\b(?:gunmen|armed men|assailants|attackers|unidentified men)\b",
                          re.IGNORECASE), "Unidentified Armed Group ({x})"),
    ("protesters", re.compile(r"\b(?:protesters|protestors|demonstrators|marchers)\b",
                              re.IGNORECASE), "Protesters ({x})"),
    ("rioters", re.compile(r"\b(?:rioters|mob|angry crowds?|looters)\b", re.IGNORECASE),
     "Rioters ({x})"),
    ("civilians",
     re.compile(r"\b(?:civilians?|villagers|residents|farmers?|shepherds?|children|women"
                r"|worshippers|passengers|journalists?|aid workers|families|family|man|boy"
                r"|girl|teacher|doctor)\b", re.IGNORECASE),
     "Civilians ({x})"),
)  # fmt: skip

_AGENT_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\s+){0,1}?(?:struck|hit|bombed|shelled|attacked|killed|kill|opened fire"
    r"|fired|clashed|seized|captured|arrested|detained|dispersed|launched|carried out"
    r"|targeted|stormed|ambushed|abducted|kidnapped|pounded|raided|used|set up|established"
    r"|took|blocked|marched|protested|gathered|rallied|threw|torched|looted|shot)\b",
    re.IGNORECASE,
)
_PATIENT_BEFORE = re.compile(
    r"\b(?:housing|killing|killed|wounding|wounded|targeting|targeted|hit|struck|against|on"
    r"|attacked|abducted|kidnapped|at|arrested|detained|dispersed|shot|injuring|among"
    r"|with)\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
_PATIENT_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\s+){0,3}?(?:were|was|have been|had been)\s+(?:\w+\s+)?(?:killed|wounded"
    r"|injured|hit|hurt|abducted|kidnapped|arrested|detained)\b",
    re.IGNORECASE,
)
_SOURCE_AFTER = re.compile(
    r"^\s*(?:(?:also|later|have|has|had)\s+)?(?:said|say|says|told|reported|stated|added)\b",
    re.IGNORECASE,
)
_WEAPONISH = re.compile(
    r"air ?strike|air ?raid|jets?|warplanes?|aircraft|planes?|shelling|artillery|drones?"
    r"|missiles?|bombardment|gunships?|helicopters?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ActorHit:
    """An actor mention: its ACLED-ish ``name``, span, role guess and the rule that fired."""

    name: str
    start: int
    end: int
    surface: str
    role: str  # "agent", "patient" or ""
    rule: str


def _role(sentence: str, start: int, end: int, surface: str) -> str:
    before, after = sentence[:start], sentence[end:]
    if re.search(r"\bby\s+(?:the\s+)?$", before, re.IGNORECASE):
        return "agent"
    if _PATIENT_AFTER.match(after):
        return "patient"
    if _AGENT_AFTER.match(after):
        return "agent"
    if _PATIENT_BEFORE.search(before):
        return "patient"
    if _WEAPONISH.search(surface):
        return "agent"
    return ""


def find_actors(sentence: str, *, country: str = "") -> list[ActorHit]:
    """Every actor mention in a sentence, in order; overlapping rules keep the first.

    ``country`` fills ``{x}`` in generic names ("Rebels (Syria)"); without it, the bracket
    is left out.

    Examples
    --------
    >>> [(a.name, a.role) for a in find_actors(
    ...     "A Russian airstrike hit a building housing Turkish soldiers.")]
    [('Military Forces of Russia', 'agent'), ('Military Forces of Turkey', 'patient')]
    """
    taken: list[tuple[int, int]] = []
    hits: list[ActorHit] = []
    for rule, pattern, template in _RULES:
        for m in pattern.finditer(sentence):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            if _SOURCE_AFTER.match(sentence[e:]):
                continue  # "police said": the source of the report, not a party to it
            groups = m.groupdict()
            own = DEMONYMS.get(groups.get("d") or "", "") or _COUNTRY_NAMES.get(
                groups.get("n") or "", ""
            )
            if "{x}" in template and not country:
                name = re.sub(r"\s*\(\{x\}\)|\s+of \{x\}", "", template)
            else:
                name = template.format(c=own, x=country)
            if name.endswith(" of "):
                continue
            taken.append((s, e))
            hits.append(ActorHit(name, s, e, m.group(0), _role(sentence, s, e, m.group(0)), rule))
    hits.sort(key=lambda h: h.start)
    return hits


def pick_actors(
    hits: Sequence[ActorHit], *, event_type: str, sub_event_type: str, country: str = ""
) -> tuple[ActorHit | None, ActorHit | None]:
    """Actor1 (who acted) and actor2 (who was acted on) from the event's actor mentions.

    Protests put the protesters first and the police second; riots the rioters first;
    violence against civilians puts civilians second.
    """
    by_name: dict[str, ActorHit] = {}
    for h in hits:
        by_name.setdefault(h.name, h)
    ordered = list(by_name.values())

    def first(pred: object) -> ActorHit | None:
        return next((h for h in ordered if pred(h)), None)  # type: ignore[operator]

    if event_type in ("Protests", "Riots"):
        crowd = "protesters" if event_type == "Protests" else "rioters"
        a1 = first(lambda h: h.rule == crowd) or first(
            lambda h: h.rule in ("protesters", "rioters")
        )
        if a1 is None:  # "thousands marched": the crowd is the actor even when unnamed
            name = f"{crowd.capitalize()} ({country})" if country else crowd.capitalize()
            a1 = ActorHit(name, 0, 0, "", "agent", f"{event_type.lower()}-default")
        a2 = None
        if sub_event_type != "Peaceful protest":
            a2 = first(lambda h: h.rule in ("police", "demonym+police", "government-forces"))
        return a1, a2
    a1 = first(lambda h: h.role == "agent" and h.rule != "civilians")
    a2 = first(lambda h: h.role == "patient" and h is not a1)
    if a1 is None:
        a1 = first(lambda h: h is not a2 and h.rule != "civilians")
    if a2 is None:
        a2 = first(lambda h: h is not a1 and h.name != (a1.name if a1 else ""))
    if event_type == "Violence against civilians" and (a2 is None or a2.rule != "civilians"):
        civ = first(lambda h: h.rule == "civilians")
        a2 = civ or a2
    if a2 is not None and a1 is not None and a2.name == a1.name:
        a2 = None
    return a1, a2
