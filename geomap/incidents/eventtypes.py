"""ACLED event types and sub-types from keyword/pattern rules over one sentence.

Each rule names the (event_type, sub_event_type) it gives; the rules are tried in priority
order and the first one that fires wins, so a sentence with an air strike and "clashes"
is an air strike, and protesters throwing stones make a riot rather than a protest. A
trigger inside a modal or hypothetical phrase ("could launch airstrikes", "called for a
ceasefire", "threatened to arrest") does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["EVENT_TYPES", "TypeHit", "classify_sentence"]

#: The ACLED taxonomy geomap uses: event_type -> sub_event_types.
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Air/drone strike",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Suicide bomb",
        "Grenade",
    ),
    "Violence against civilians": ("Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Headquarters or base established",
        "Looting/property destruction",
        "Other",
    ),
}

_EXP, _BAT, _VAC = "Explosions/Remote violence", "Battles", "Violence against civilians"
_PRO, _RIOT, _STRAT = "Protests", "Riots", "Strategic developments"

_PROTESTERS = (
    r"(?:protesters|protestors|demonstrators|marchers|crowds?|rally|protest|demonstration)"
)
_FORCES = r"(?:police|security forces|riot police|gendarmes?|troops|soldiers|guards)"
_GOV = (
    r"(?:army|government|regime|troops|soldiers|military|forces loyal|pro-government|state forces)"
)
_NONSTATE = (
    r"(?:rebels?|militants?|fighters|insurgents|jihadists|Islamic State|ISIS|ISIL|IS|Daesh"
    r"|militia|group|opposition|Taliban|al-Shabaab|Hayat Tahrir|Nusra|YPG|SDF|PKK|FSA)"
)
_TERRAIN = (
    r"(?:the |a |an )?(?:\w+ )?(?:town|village|city|district|area|hill|hilltop|base|airbase"
    r"|airport|checkpoint|neighbou?rhood|territory|control|positions?|outpost|crossing|[A-Z])"
)

# (event_type, sub_event_type, rule name, pattern); order is priority.
_RULES: tuple[tuple[str, str, str, str], ...] = (
    (_EXP, "Suicide bomb", "suicide-bomb",
     r"suicide (?:car |truck )?(?:bomb(?:er|ing)?s?|attack(?:er)?s?|vest)"
     r"|blew (?:him|her|them)sel(?:f|ves) up"),
    (_EXP, "Remote explosive/landmine/IED", "ied",
     r"\bIEDs?\b|improvised explosive|roadside bombs?|car bombs?|truck bombs?|land ?mines?"
     r"|explosive device|booby[- ]trap|sticky bomb|magnetic bomb|planted (?:a )?bomb"
     r"|(?:bomb|device|mine) (?:exploded|detonated|went off|blew up)"),
    (_EXP, "Grenade", "grenade", r"\bgrenades?\b"),
    (_EXP, "Air/drone strike", "air-strike",
     r"\bair ?strikes?\b|\bair ?raids?\b|\bwarplanes?\b|\bdrone (?:strikes?|attacks?)"
     r"|\baerial (?:bombardment|attacks?|bombing)|\bbombing raids?\b|\bbarrel bombs?\b"
     r"|\b(?:jets?|aircraft|helicopters?|drones?) (?:struck|bombed|hit|pounded|targeted|attacked)"
     r"|\b(?:struck|hit|bombed|targeted) by (?:\w+ ){0,2}(?:jets|aircraft|warplanes|drones?)"),
    (_EXP, "Shelling/artillery/missile attack", "shelling",
     r"\bshell(?:ing|ed|s)\b|\bartillery\b|\bmortars?\b|\brockets?\b|\bmissiles?\b"
     r"|\bbombard(?:ed|ment)\b|\bhowitzers?\b"),
    (_PRO, "Excessive force against protesters", "force-on-protesters",
     rf"{_FORCES}\b[^.;]{{0,80}}(?:opened fire|fired live|live (?:ammunition|rounds|fire)"
     rf"|shot (?:and killed|dead)|killing)[^.;]{{0,80}}{_PROTESTERS}"
     rf"|{_PROTESTERS}\b[^.;]{{0,60}}(?:were |was )?(?:shot dead|killed) by {_FORCES}"),
    (_RIOT, "Mob violence", "mob",
     r"\bmob\b[^.;]{0,40}(?:attacked|beat|killed|stormed|lynched|torched|set fire|burned)"
     r"|\blynched\b|\bvigilantes? (?:attacked|killed|beat)"),
    (_RIOT, "Violent demonstration", "violent-demonstration",
     r"(?:threw|hurled|throwing|hurling) (?:\w+ ){0,2}(?:stones|rocks|petrol bombs|molotov"
     r"|fireworks|bottles)|\brioters?\b|\briot(?:s|ed|ing)?\b(?! (?:police|gear|squad|shields?))"
     r"|\b(?:protesters|demonstrators)\b[^.;]{0,60}(?:set fire|torched|smashed|ransacked)"),
    (_PRO, "Protest with intervention", "protest-intervention",
     rf"(?:{_PROTESTERS}|protests?)\b[^.;]{{0,100}}(?:tear ?gas|water cannons?|rubber bullets"
     rf"|dispersed|broke up|batons|detained|arrested)"
     rf"|(?:tear ?gas|water cannons?|dispersed|broke up)[^.;]{{0,60}}{_PROTESTERS}"),
    (_PRO, "Peaceful protest", "protest",
     r"\bprotest(?:ed|ers|ors|s|ing)?\b|\bdemonstrat(?:ion|ions|ors|ed)\b|\brall(?:y|ied|ies)\b"
     r"|(?-i:\bmarch(?:ed|ers|es|ing)?\b)|\bsit-ins?\b|took to the streets"),
    (_VAC, "Abduction/forced disappearance", "abduction",
     r"\bkidnapp(?:ed|ing)\b|\babduct(?:ed|ion|ing)\b|taken hostage|forcibly disappeared"),
    (_STRAT, "Headquarters or base established", "base-established",
     r"(?:set up|established|establish|opened|built) (?:a |an |its |their )?(?:new )?"
     r"(?:military )?(?:base|headquarters|outpost|garrison)"
     r"|(?:took over|moved into|occupied) (?:a |an |the )?(?:abandoned |former )?"
     r"(?:military |air ?)?(?:base|headquarters|barracks)"),
    (_BAT, "Government regains territory", "regain-territory",
     rf"\b(?:recaptured|retook|regained control|retaken|won back|took back|liberated)\b"
     rf"|{_GOV}\b[^.;]{{0,40}}(?:captured|seized|took control of|entered) {_TERRAIN}"),
    (_BAT, "Non-state actor overtakes territory", "overtake-territory",
     rf"\b(?:captured|seized|took control of|overran|stormed|took over) {_TERRAIN}"),
    (_BAT, "Armed clash", "armed-clash",
     r"\bclash(?:es|ed)?\b|\bfighting\b|\bfought\b|\bgun ?battles?\b|\bfirefights?\b"
     r"|\bexchange(?:d|s)? (?:of )?(?:gun)?fire\b|\bbattle (?:for|with|between|against)\b"
     r"|\b(?:attacked|assaulted|ambushed) (?:\w+ ){0,3}(?:positions?|checkpoints?|posts?|convoys?"
     r"|troops|soldiers|forces|patrols?)\b|\bambush(?:ed)?\b"),
    (_VAC, "Attack", "attack-civilians",
     r"\b(?:summarily |publicly )?executed (?:\w+ ){0,3}(?:civilians|prisoners|men|people"
     r"|villagers|captives|hostages|detainees|residents)\b|\bexecution-style\b"
     r"|\bmassacre[ds]?\b|\bshot dead\b|\bgunned down\b|\bstabbed\b"
     r"|\bbeheaded\b|\bopened fire on (?:\w+ ){0,2}(?:civilians|villagers|worshippers|passengers"
     r"|a bus|a market|a wedding|shoppers)"
     r"|\b(?:attacked|killed|shot|assaulted|beat) (?:\w+ ){0,3}(?:civilians|villagers|farmers"
     r"|shepherds|worshippers|children|women|residents|passengers|journalists?)\b"),
    (_STRAT, "Agreement", "agreement",
     r"\bcease-?fires?\b|\btruce\b|\bpeace (?:deal|agreement|accord)\b"
     r"|\bsigned (?:an? |the )?(?:\w+ )?(?:agreement|deal|accord)\b|\bprisoner (?:swap|exchange)\b"
     r"|\bevacuation (?:deal|agreement)\b|\bagreed (?:to|on) (?:a |an )?(?:\w+ )?(?:ceasefire"
     r"|truce|exchange|evacuation|withdrawal)"),
    (_STRAT, "Arrests", "arrests",
     r"\barrested\b|\bdetain(?:ed|ing)\b|\brounded up\b|\btaken into custody\b"
     r"|\barrests? of\b"),
    (_STRAT, "Looting/property destruction", "looting",
     r"\bloot(?:ed|ing|ers)?\b|\bpillag(?:ed|ing)\b|\bransack(?:ed|ing)\b"
     r"|\b(?:torched|burned|burnt|demolished|bulldozed|razed|destroyed) (?:\w+ ){0,2}"
     r"(?:homes|houses|shops|crops|fields|property|properties|buildings)\b"),
)  # fmt: skip

_COMPILED = tuple(
    (etype, sub, name, re.compile(pattern, re.IGNORECASE)) for etype, sub, name, pattern in _RULES
)
# A trigger right after a modal or hypothetical word reports no event.
_MODAL = re.compile(
    r"(?:\b(?i:will|would|could|might|should|threaten(?:ed|s|ing)? to|vow(?:ed|s)? to"
    r"|plan(?:s|ned|ning)? to|warn(?:ed|s|ing)? (?:of|against|that)|call(?:ed|s|ing)? for"
    r"|demand(?:ed|s|ing)?|urg(?:ed|es|ing)|if|unless|never|prevent|avoid|risk of"
    r"|fears? of|possible|potential|future)\b|\bmay\b)[^.;]{0,25}$"
)


# ... and so does one followed by "were planned", "is expected", "next week".
_MODAL_AFTER = re.compile(
    r"^[^.;]{0,40}?\b(?:(?:were|was|are|is) (?:planned|scheduled|expected|due|set)|will be held"
    r"|next (?:week|month|year)|in the coming (?:days|weeks))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TypeHit:
    """A fired rule: the type it gives and the trigger span in the sentence."""

    event_type: str
    sub_event_type: str
    rule: str
    start: int
    end: int
    trigger: str


def classify_sentence(sentence: str) -> TypeHit | None:
    """The ACLED type of the event a sentence reports, by the first rule that fires.

    Examples
    --------
    >>> hit = classify_sentence("A Russian airstrike near al-Bab killed three soldiers.")
    >>> hit.event_type, hit.sub_event_type, hit.rule
    ('Explosions/Remote violence', 'Air/drone strike', 'air-strike')
    >>> classify_sentence("Ankara could order airstrikes if talks fail.") is None
    True
    """
    for etype, sub, name, pattern in _COMPILED:
        for m in pattern.finditer(sentence):
            if _MODAL.search(sentence[max(0, m.start() - 60) : m.start()]):
                continue
            if _MODAL_AFTER.match(sentence[m.end() :]):
                continue
            return TypeHit(etype, sub, name, m.start(), m.end(), m.group(0))
    return None
