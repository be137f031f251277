"""Tolls a report states outright, beside the counts bound to a casualty verb.

Coders' notes and wire copy often say the toll in a phrase of its own: "1 fatality.",
"[2 fatalities split among 3 events]", "Fatalities coded as 0 (VoJ reported 3)", "the death
of 3 fighters", "No fatalities were reported", or put a long subject before the verb
("2 members of the regime's Air Force Intelligence were killed"), which
:func:`geomap.incidents.casualties.find_casualties` leaves alone. A toll the source says it
*coded* is authoritative (ACLED codes 0 for a toll only claimed); a stated "N fatalities"
comes next; then these longer phrases, used only when the casualty rules found nothing.

Every pattern is bounded (no nested repetition), so a sentence costs linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geomap.incidents.casualties import parse_number

__all__ = ["Tally", "find_tallies"]

_N = (
    r"\d{1,5}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty"
)
_CODED = re.compile(rf"\bfatalit(?:y|ies) (?:were |was )?coded as (?P<n>{_N})\b", re.I)
_STATED = re.compile(rf"(?:^|[\[(.;,]\s*|\band\s+)(?P<n>{_N}) fatalit(?:y|ies)\b", re.I)
_NONE = re.compile(
    r"\b(?:no|zero) (?:\w+ )?(?:fatalities|casualties|deaths|losses)\b"
    r"|\bneither (?:injuries|fatalities|casualties) nor (?:injuries|fatalities|casualties)\b"
    r"|\bwithout (?:any )?(?:casualties|fatalities)\b|\bno (?:one|body) was (?:killed|hurt)\b"
    r"|\b(?:fatalities|casualties) (?:were )?unknown\b|\bunknown number of fatalities\b",
    re.I,
)
_DEATH_OF = re.compile(
    rf"\b(?:death|deaths|killing|killings|murder) of (?:at least )?(?P<n>{_N})\b", re.I
)
_LONG_SUBJECT = re.compile(
    rf"(?:^|[\s,;(])(?:at least |about |around )?(?P<n>{_N}) (?:[\w'’-]+ ){{1,8}}?"
    r"(?:were|was|had been|have been|are) (?:reportedly |also )?"
    r"(?P<verb>killed|shot dead|executed|slain|wounded|injured|hurt)\b",
    re.I,
)


@dataclass(frozen=True)
class Tally:
    """A stated toll: ``kind`` killed or injured, the number, how it was said."""

    kind: str
    value: int
    rule: str
    text: str
    authoritative: bool = False


def find_tallies(sentence: str) -> list[Tally]:
    """Tolls stated outright in one sentence.

    Examples
    --------
    >>> [(t.kind, t.value, t.rule) for t in find_tallies("Fatalities coded as 0 (VoJ reported 3).")]
    [('killed', 0, 'coded-toll')]
    >>> [(t.kind, t.value) for t in find_tallies("2 members of the Air Force were killed.")]
    [('killed', 2)]
    """
    coded = _CODED.search(sentence)
    if coded:
        value = parse_number(coded.group("n"))
        if value is not None:
            return [Tally("killed", value, "coded-toll", coded.group(0), True)]
    out: list[Tally] = []
    stated = _STATED.search(sentence)
    if stated and (value := parse_number(stated.group("n"))) is not None:
        out.append(Tally("killed", value, "stated-toll", stated.group(0).strip(" [(.;,"), True))
    elif _NONE.search(sentence):
        found = _NONE.search(sentence)
        assert found is not None
        out.append(Tally("killed", 0, "no-fatalities", found.group(0)))
    for m in _DEATH_OF.finditer(sentence):
        if (value := parse_number(m.group("n"))) is not None:
            out.append(Tally("killed", value, "death-of", m.group(0)))
    for m in _LONG_SUBJECT.finditer(sentence):
        value = parse_number(m.group("n"))
        if value is None:
            continue
        kind = (
            "killed"
            if m.group("verb").lower() in ("killed", "shot dead", "executed", "slain")
            else "injured"
        )
        out.append(Tally(kind, value, "long-subject", m.group(0).strip()))
    return out
