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

import re

__all__ = ["GROUP_COUNTRIES", "country_hints", "group_spans"]

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
_GROUPS = tuple(GROUP_COUNTRIES.values())
#: One pass over the text for all groups: alternative i is named g{i}.
_PATTERN = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<g{i}>{names})" for i, names in enumerate(GROUP_COUNTRIES))
    + r")(?![\w-])"
)


def country_hints(text: str) -> dict[str, float]:
    """Votes for countries from the armed groups a text names (each group counted once).

    >>> country_hints("QSD forces raided the village of al-Farj.")
    {'SY': 1.0}
    >>> country_hints("Clashes between the Taliban and Afghan forces.")
    {'AF': 1.0}
    """
    named = {int(m.lastgroup[1:]) for m in _PATTERN.finditer(text) if m.lastgroup}
    votes: dict[str, float] = {}
    for i in sorted(named):
        ccs = _GROUPS[i]
        for cc in ccs:
            votes[cc] = votes.get(cc, 0.0) + 1.0 / len(ccs)
    return votes


def group_spans(text: str) -> list[tuple[int, int]]:
    """Where the text names an armed group of :data:`GROUP_COUNTRIES` (never a place)."""
    return [m.span() for m in _PATTERN.finditer(text)]
