"""Killed and injured counts in one sentence, as digits or words, with their evidence.

A count is a number phrase bound to a casualty word: before it ("killing three",
"wounding 11 others", "the death toll rose to 20") or after it ("three Turkish soldiers
were killed", "11 others wounded", "left 5 dead"). Ranges and vague phrases keep their
bounds: "between 5 and 7" gives best 5 (the conservative figure, as ACLED codes), low 5,
high 7; "at least 20" gives 20 with low 20. Vague words take the smallest number they can
mean, as ACLED codes them: "a dozen" and "dozens" 12, "tens" 10, "scores" 20,
"hundreds" 100, "several" 3, "a few" 2.
Ages ("a 12-year-old"), distances, times, years and numbers inside date expressions are
never counts. "a soldier was killed" counts one; "a Russian airstrike killed..." does not,
because the verb there is active.

A figure above :data:`MAX_COUNT` ("killing 99999999999999999999") is never a toll: it is
left in the text and, with ``refused``, reported (it would not fit a stored integer either).

A coordinated subject is summed: "two soldiers and three civilians were killed" counts 5.
Not handled (documented limit): counts split by a comma-delimited aside.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MAX_COUNT", "Count", "find_casualties", "parse_number"]

#: The largest figure read as a casualty count; a larger one is not a toll.
MAX_COUNT = 1_000_000
_HUGE = 10**18  # what parse_number gives for a figure of more than 18 digits

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
#: Vague quantities: the smallest number each phrase can mean.
_VAGUE = {
    "a dozen": 12, "dozens": 12, "dozens of": 12, "scores": 20, "scores of": 20,
    "hundreds": 100, "hundreds of": 100, "tens": 10, "tens of": 10, "several": 3, "a few": 2,
    "a couple of": 2,
    "a handful of": 3, "a single": 1, "an": 1, "a": 1, "single": 1,
}  # fmt: skip

_UNIT_WORDS = "|".join(sorted(_UNITS, key=len, reverse=True))
_TEN_WORDS = "|".join(_TENS)
_WORDNUM = (
    rf"(?:(?:{_TEN_WORDS})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|{_UNIT_WORDS})"
)
_VAGUE_RE = (
    r"a dozen|dozens(?: of)?|scores(?: of)?|hundreds(?: of)?|tens of|several|a few|a couple of"
    r"|a handful of|a single|an?"
)
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_WORDNUM}|{_VAGUE_RE})"
_QUAL = (
    r"at least|more than|over|nearly|almost|about|around|some|up to|as many as|approximately"
    r"|roughly|no fewer than|fewer than|less than|an estimated|a total of"
)
_PHRASE = re.compile(
    rf"\b(?:between\s+(?P<lo>{_NUM})\s+and\s+(?P<hi>{_NUM})"
    rf"|(?P<lo2>\d+)\s*(?:-|–)\s*(?P<hi2>\d+)(?![\w-])"
    rf"|(?P<lo3>{_NUM})\s+(?:to|or)\s+(?P<hi3>{_NUM})(?![\w-])"
    rf"|(?:(?P<qual>{_QUAL})\s+)?(?P<n>{_NUM}))(?![\w-])",
    re.IGNORECASE,
)

_KILL_BEFORE = re.compile(
    r"\b(?:killing|killed|kills|kill|slaying|slew|claimed the lives of|taking the lives of"
    r"|death toll (?:\w+ )?(?:to|at|of)|toll (?:to|at|of)|left)\s*$",
    re.IGNORECASE,
)
_INJURE_BEFORE = re.compile(
    r"\b(?:wounding|wounded|wounds|injuring|injured|injures|hurting|hurt)\s*$", re.IGNORECASE
)
_AUX = (
    r"(?:(?:were|was|have been|has been|had been|are|is|being|got|reportedly|also|all|later"
    r"|been)\s+)*"
)
_KILL_AFTER = re.compile(
    rf"^\s*{_AUX}(?P<w>killed|dead|died|slain|perished|deaths|fatalities|lost their lives)\b",
    re.IGNORECASE,
)
_INJURE_AFTER = re.compile(rf"^\s*{_AUX}(?P<w>wounded|injured|hurt|injuries)\b", re.IGNORECASE)
_NOT_COUNT_AFTER = re.compile(
    r"^(?:-|\s)*(?:year|years|yr|month|months|week|weeks|day|days|hour|hours|minute|minutes"
    r"|km|kilomet|mile|metre|meter|percent|per cent|%|a\.m|p\.m|am\b|pm\b|:|gmt|times"
    r"|(?:of\s+)?(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b)",
    re.IGNORECASE,
)
_NOT_COUNT_BEFORE = re.compile(r"(?:\baged|\bage|\bNo\.|#|\bSu-|\bMi-|-)\s*$", re.IGNORECASE)
_LEFT_DEAD = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:dead|wounded|injured)\b", re.IGNORECASE)
# Words that end the subject noun phrase between a number and its verb.
_STOP = frozenset(
    {"and", "or", "but", "while", "as", "when", "after", "before", "who", "which", "that"}
    | {"killing", "killed", "wounding", "wounded", "injuring", "injured", "died", "dead"}
    | {"hurt", "said", "says", "told", "were", "was"}
)
# "<number> <up to 3 words> and " right before a counted subject: its first conjunct.
_COORD_BEFORE = re.compile(
    rf"(?:^|[^\w-])(?P<n>\d+|{_WORDNUM})\s+(?P<noun>(?:[A-Za-z][\w'’-]*\s+){{1,3}})and\s+$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:-[A-Za-z]+)*")
#: Characters either side of a number searched for its casualty cue. The cues span a few
#: words ("death toll rose to", "<n> <three words> and", six words of subject), so this keeps
#: every result on normal text while making the cost linear in the sentence.
_WINDOW = 200


@dataclass(frozen=True)
class Count:
    """A casualty figure: ``kind`` ``killed`` or ``injured``, best estimate and bounds."""

    kind: str
    best: int
    low: int | None
    high: int | None
    start: int
    end: int
    text: str
    rule: str


def parse_number(text: str) -> int | None:
    """The value of a number phrase ("11", "1,200", "twenty-one", "a dozen"), else None.

    >>> parse_number("twenty-one"), parse_number("1,200"), parse_number("dozens")
    (21, 1200, 12)
    >>> parse_number("9" * 5000) > MAX_COUNT  # far too large, whatever its length
    True
    """
    t = " ".join(text.lower().replace("-", " ").split())
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", t):
        digits = t.replace(",", "").lstrip("0") or "0"
        # Past 18 digits only "far too large" matters (and int() refuses 4,300 digits).
        return int(digits) if len(digits) <= 18 else _HUGE
    vague = " ".join(text.lower().split())
    if vague in _VAGUE:
        return _VAGUE[vague]
    parts = t.split()
    if len(parts) == 1:
        return _UNITS.get(parts[0], _TENS.get(parts[0]))
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    return None


def _after_subject(text: str) -> tuple[re.Match[str] | None, str, int]:
    """Skip the noun phrase after a number; the casualty-verb match, its kind and offset."""
    pos = 0
    for _ in range(6):
        for kind, pattern in (("killed", _KILL_AFTER), ("injured", _INJURE_AFTER)):
            m = pattern.match(text[pos:])
            if m:
                return m, kind, pos
        w = _WORD.match(text[pos:].lstrip(" "))
        if w is None or w.group(0).lower() in _STOP or parse_number(w.group(0)) is not None:
            return None, "", 0
        pos = len(text) - len(text[pos:].lstrip(" ")) + w.end()
    return None, "", 0


def _is_active(rest: str) -> bool:
    """ "killed three people" / "killed the driver": the verb takes an object (active voice)."""
    return bool(
        re.match(rf"^\s+(?:{_NUM}|the|his|her|their|at least|more than)\b", rest, re.IGNORECASE)
    )


def find_casualties(
    sentence: str, *, exclude: Sequence[tuple[int, int]] = (), refused: list[str] | None = None
) -> list[Count]:
    """Every killed/injured figure in one sentence, in order.

    ``exclude`` holds spans (date expressions) whose numbers are never counts. A casualty
    figure above :data:`MAX_COUNT` is left out, its text appended to ``refused`` when given.

    Examples
    --------
    >>> [(c.kind, c.best) for c in find_casualties("killing three and wounding eleven")]
    [('killed', 3), ('injured', 11)]
    >>> [(c.kind, c.best, c.low, c.high) for c in find_casualties(
    ...     "between 5 and 7 people were killed")]
    [('killed', 5, 5, 7)]
    """
    out: list[Count] = []
    for m in _PHRASE.finditer(sentence):
        s, e = m.span()
        if any(s < xe and xs < e for xs, xe in exclude):
            continue
        # Bounded windows, not the whole prefix/suffix: the cues sit a few words away, and
        # scanning ``sentence[:s]`` for every number made one long sentence quadratic.
        ws = max(0, s - _WINDOW)
        before, after = sentence[ws:s], sentence[e : e + _WINDOW]
        if _NOT_COUNT_AFTER.match(after) or _NOT_COUNT_BEFORE.search(sentence, ws, s):
            continue
        if m.group("lo") or m.group("lo2") or m.group("lo3"):
            lo_v = parse_number(m.group("lo") or m.group("lo2") or m.group("lo3"))
            hi_v = parse_number(m.group("hi") or m.group("hi2") or m.group("hi3"))
            if lo_v is None or hi_v is None or hi_v < lo_v:
                continue
            low: int | None = lo_v
            high: int | None = hi_v
            best, how = lo_v, "range"
        else:
            raw = m.group("n")
            value = parse_number(raw)
            if value is None:
                continue
            if re.fullmatch(r"(?:19|20)\d\d", raw):
                continue  # a year
            qual = (m.group("qual") or "").lower()
            low = value if qual in ("at least", "more than", "over", "no fewer than") else None
            high = value if qual in ("up to", "as many as", "fewer than", "less than") else None
            best = value
            how = "vague" if raw.lower() in _VAGUE else ("qualified" if qual else "number")
        singular = (m.group("n") or "").lower() in ("a", "an", "a single", "single")
        kind, rule = "", ""
        if _KILL_BEFORE.search(sentence, ws, s):
            if before.rstrip().lower().endswith("left") and not _LEFT_DEAD.match(after):
                continue
            kind, rule = "killed", "verb-before"
            if before.rstrip().lower().endswith("left"):
                dead = _LEFT_DEAD.match(after)
                assert dead is not None
                kind = "killed" if dead.group(0).lower().endswith("dead") else "injured"
                rule = "left-dead"
        elif _INJURE_BEFORE.search(sentence, ws, s):
            kind, rule = "injured", "verb-before"
        else:
            verb, vkind, offset = _after_subject(after)
            if verb is not None:
                rest = after[offset + verb.end() :]
                word = verb.group("w").lower()
                passive = bool(re.search(r"\b(?:were|was|been|are|is)\b", verb.group(0)))
                if singular and not (passive or word in ("died", "perished")):
                    verb = None
                elif word in ("killed", "wounded", "injured", "hurt") and not passive:
                    verb = None if _is_active(rest) else verb
                if verb is not None:
                    kind, rule = vkind, "subject-verb"
                    first = _COORD_BEFORE.search(sentence, ws, s) if how == "number" else None
                    if first and _STOP.isdisjoint(first.group("noun").lower().split()):
                        first_value = parse_number(first.group("n"))
                        if first_value is not None:
                            # "two soldiers and three civilians were killed": both conjuncts.
                            s = first.start("n")
                            best, how = best + first_value, "sum"
        if not kind:
            continue
        if max(best, high or 0) > MAX_COUNT:
            if refused is not None:
                refused.append(sentence[s:e])
            continue
        out.append(Count(kind, best, low, high, s, e, sentence[s:e], f"{rule}:{how}"))
    return out
