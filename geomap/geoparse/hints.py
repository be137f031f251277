"""Countries an article points to without naming a place: the armed groups it names.

Coders' notes and conflict reporting often name no country at all ("QSD forces raided the
village of al-Farj in Thiban district"): the reader knows QSD fights in Syria. These are
well-known organisations whose field is one country (or a few); naming one is a vote for
that country in the resolver's context, as much as a place there (so a village namesake on
another continent needs more than its name), and the country of a report that names no
place. Groups active in many countries (the Islamic State, al-Qaeda) are deliberately left
out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

__all__ = [
    "ADMIN_WORDS",
    "GROUP_AREAS",
    "GROUP_COUNTRIES",
    "IDENTITY_COUNTRIES",
    "area_hints",
    "country_hints",
    "group_spans",
]

#: Distinctive group names -> ISO2 codes of the countries they act in.
GROUP_COUNTRIES: dict[str, tuple[str, ...]] = {
    r"QSD|SDF|Syrian Democratic Forces|YPG|YPJ|Asayish": ("SY",),
    r"HTS|Hay'?[ae]t Tahrir al-Sham|Hayaat Tahrir|Jabhat (?:al-)?Nusra|Nusra Front": ("SY",),
    r"Ahrar [Aa]l-Sham|Ja[iy]sh [Aa]l-Islam|Faylaq [Aa]l-Rahman|[Aa]l-Rahman Corps": ("SY",),
    r"Free Syrian Army|FSA|Syrian National Army|SNA": ("SY",),
    r"Tiger Forces|National Defen[cs]e Forces": ("SY",),
    r"Syrian regime|Assad regime|Syrian Arab Army|SAA": ("SY",),
    # "regime forces" is how conflict reporting names Syria's army: in the 9,721 dev reports
    # it appears in 1,157 Syrian ones and in no report of another country
    r"(?:[Pp]ro-)?[Rr]egime (?:forces|troops|army|soldiers|militias?)|[Pp]ro-regime": ("SY",),
    r"Taliban|Haqqani network|ANDSF|NDS": ("AF",),
    r"[Aa]l[- ]Shabaa?b|Shabaab": ("SO", "KE"),
    r"Houthis?|Ansar Allah|Southern Transitional Council|STC": ("YE",),
    r"Hezbollah|Hizbollah|Hizballah": ("LB", "SY"),
    r"Popular Mobilization Forces|PMF|Hashd al-Shaabi|Peshmerga": ("IQ",),
    r"PKK|Kurdistan Workers'? Party": ("TR", "IQ"),
    r"Boko Haram|ISWAP": ("NG",),
    r"JNIM|Ansar Dine": ("ML", "BF"),
    r"RSF|Rapid Support Forces|Janjaweed": ("SD",),
    r"Mungiki": ("KE",),
    r"Hamas|Islamic Jihad|IDF|Israel Defen[cs]e Forces": ("PS", "IL"),
    r"Donetsk People's Republic|DPR|Luhansk People's Republic|LPR|NAF": ("UA",),
    r"OSCE SMM|Special Monitoring Mission": ("UA",),
    r"GNA|Government of National Accord|LNA|Libyan National Army": ("LY",),
}
#: Peoples, parties, leaders and forces whose field is one country or a few: a report
#: about "Pokot raiders" or "ODM supporters" is in Kenya though it names no place. Names
#: that are also ordinary words or places elsewhere are left out (NASA, Jubilee, Fur).
IDENTITY_COUNTRIES: dict[str, tuple[str, ...]] = {
    # Kenya and its borders
    r"Kikuyu|Gikuyu|Kalenjin|Luhya|Abagusii|Akamba|Mijikenda|Giriama|Pokomo|Orma|Marakwet"
    r"|Kipsigis?|Rendille|Luo": ("KE",),
    r"Kibaki|Odinga|Kenyatta|ODM|Orange Democratic Movement|KANU|PNU|SLDF": ("KE",),
    r"Turkana|Samburu": ("KE",),
    r"Pokot": ("KE", "UG"),
    r"Maasai|Masai": ("KE", "TZ"),
    r"Borana|Gabra|Degodia|Ajuran": ("KE", "ET"),
    r"Garre": ("KE", "ET", "SO"),
    # Horn of Africa, Sudan and South Sudan
    r"Oromo|Oromo Liberation Army|TPLF|ENDF": ("ET",),
    r"Hawiye|Darod|Habar Gedir|Abgaal|Marehan|Dhulbahante|Majerteen|AMISOM|ATMIS": ("SO",),
    r"Dinka|Nuer|Murle|Shilluk|SPLA-IO|SSPDF": ("SS",),
    r"Masalit|Rizeigat|Misseriya": ("SD",),
    r"Zaghawa": ("SD", "TD"),
    # Central and West Africa
    r"Hema|Lendu|CODECO|FARDC|Mai-Mai|Mai Mai|Banyamulenge|Raia Mutomboki|M23": ("CD",),
    r"ADF|Allied Democratic Forces": ("CD", "UG"),
    r"Tiv|Ijaw|IPOB|Indigenous People of Biafra|Amotekun": ("NG",),
    r"Dogon|Dan Na Ambassagou|FAMa|MINUSMA": ("ML",),
    r"Koglweogo|VDP": ("BF",),
    r"Ambazonian?|Amba boys": ("CM",),
    r"Tuareg": ("ML", "NE"),
    r"Tebu|Toubou": ("LY", "TD", "NE"),
    # Middle East and Asia
    r"Alawites?": ("SY",),
    r"Druze": ("SY", "LB", "IL"),
    r"Yazidis?|Ezidis?": ("IQ", "SY"),
    r"Kata'?ib Hezbollah|Saraya al-Salam|Sadrists?": ("IQ",),
    r"Amal Movement": ("LB",),
    r"Fatah|Al-Aqsa Martyrs'? Brigades?": ("PS",),
    r"Hazaras?|Pashtuns?": ("AF", "PK"),
    r"TTP|Tehrik-i-Taliban Pakistan|PTI|PML-N|MQM|Balochistan Liberation Army|BLA": ("PK",),
    r"Balochs?|Baluchs?": ("PK", "IR"),
    r"Naxal(?:ite)?s?|CPI \(Maoist\)|BJP": ("IN",),
    r"Rohingyas?": ("MM", "BD"),
    r"Tatmadaw|Arakan Army": ("MM",),
    r"Awami League": ("BD",),
    r"New People's Army|Abu Sayyaf|MILF|BIFF": ("PH",),
    r"FARC|ELN": ("CO",),
}

#: Groups whose field is one or two first-level areas ("CC.admin1" codes): a village
#: named in their report is in that area rather than among its namesakes elsewhere.
GROUP_AREAS: dict[str, tuple[str, ...]] = {
    r"Donetsk People's Republic|DPR": ("UA.05",),
    r"Luhansk People's Republic|LPR": ("UA.14",),
    r"NAF|Donbass People's Militia|OSCE SMM|Special Monitoring Mission": ("UA.05", "UA.14"),
}


def _alternation(names: Iterable[str], head: str = "", tail: str = "") -> re.Pattern[str]:
    """One pattern for a table's name lists, whole words only, list i matched as group g{i}
    (one pass over a text, however long the table). ``head`` is a lookahead that rejects
    positions no name can start at, ``tail`` an ending every name may take."""
    groups = "|".join(f"(?P<g{i}>{n})" for i, n in enumerate(names))
    return re.compile(rf"(?<![\w-]){head}(?:{groups}){tail}(?![\w-])")


def _tables_named(pattern: re.Pattern[str], text: str) -> list[int]:
    """The indices of the name lists of ``pattern`` that ``text`` names, in table order."""
    return sorted({int(m.lastgroup[1:]) for m in pattern.finditer(text) if m.lastgroup})


_AREAS = tuple(GROUP_AREAS.values())
_AREA_PATTERN = _alternation(GROUP_AREAS, head=r"(?=[A-Z])")


def area_hints(text: str) -> list[str]:
    """The first-level areas ("UA.05") the groups a text names act in.

    >>> area_hints("DPR forces shelled Bohdanivka.")
    ['UA.05']
    """
    return [a for i in _tables_named(_AREA_PATTERN, text) for a in _AREAS[i]]


_ALL = {**GROUP_COUNTRIES, **IDENTITY_COUNTRIES}
_GROUPS = tuple(_ALL.values())
_ARMED = len(GROUP_COUNTRIES)  # alternatives below this index are armed groups
#: Every name starts with a capital but these; the lookahead rejects other positions fast.
#: "the Maasais", "Kibakis win": a plural or a possessive whose apostrophe was lost.
_PATTERN = _alternation(_ALL, head=r"(?=[A-Z]|al[- ]|regime|pro-)", tail=r"(?:['’]?s)?")


@functools.lru_cache(maxsize=2)  # the text in hand: recognizer, then resolver
def _named(text: str) -> tuple[tuple[int, int, int], ...]:
    """(start, end, group index) of every name of the tables in ``text``: the recognizer
    and the resolver both ask, for the same text."""
    return tuple(
        (m.start(), m.end(), int(m.lastgroup[1:])) for m in _PATTERN.finditer(text) if m.lastgroup
    )


#: Words for a country's own administrative units ("Barangay Pahug", "Shailkupa upazila").
ADMIN_WORDS: dict[str, tuple[str, ...]] = {
    r"barangays?": ("PH",),
    r"upazilas?": ("BD",),
    r"LGAs?|Local Government Areas?": ("NG",),
    r"tehsils?": ("PK", "IN"),
    r"oblasts?": ("UA", "RU"),
}
_ADMIN_WORDS = tuple(
    (re.compile(rf"\b(?:{words})\b", re.IGNORECASE if words.islower() else 0), ccs)
    for words, ccs in ADMIN_WORDS.items()
)


def country_hints(text: str) -> dict[str, float]:
    """Votes for countries from the armed groups, peoples and parties a text names (each
    counted once, split between its countries).

    >>> country_hints("QSD forces raided the village of al-Farj.")
    {'SY': 1.0}
    >>> country_hints("Clashes between the Taliban and Afghan forces.")
    {'AF': 1.0}
    """
    named = {i for _, _, i in _named(text)}
    votes: dict[str, float] = {}
    groups = [_GROUPS[i] for i in sorted(named)]  # each group once, in table order
    groups += [ccs for pattern, ccs in _ADMIN_WORDS if pattern.search(text)]
    for ccs in groups:
        for cc in ccs:
            votes[cc] = votes.get(cc, 0.0) + 1.0 / len(ccs)
    return votes


_PEOPLE_AFTER = re.compile(
    r"\s+(?:civilians?|youths?|militias?|militiamen|herders?|herdsm[ae]n|raiders?|communit(?:y|ies)"
    r"|elders?|fighters?|gunmen|men|women|clans?|tribes(?:men)?|villagers|residents|warriors"
    r"|pastoralists?|traders?|farmers?|people|supporters?)\b"
)


def group_spans(text: str) -> list[tuple[int, int]]:
    """Where the text names an armed group of :data:`GROUP_COUNTRIES`, or a people of
    :data:`IDENTITY_COUNTRIES` as people ("Kikuyu civilians"): never a place. (Alone, a
    people's name may be a place named after it: Kikuyu, Turkana.)"""
    return [
        (start, end)
        for start, end, i in _named(text)
        if i < _ARMED or _PEOPLE_AFTER.match(text, end)
    ]
