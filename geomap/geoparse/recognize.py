"""Find place mentions in raw news text, without any NER model.

Candidates are runs of capitalised words (with Arabic articles and connectors such as
"de", "ez-", "bin" inside) whose match key is in the gazetteer, longest first. Each is then
kept or dropped on evidence that NER labels cannot give: a cue before it ("in", "near",
"the town of"), its prominence (countries, admin areas, big cities), what surrounds it
(a title such as "President" before, "University" after), and whether the word is an
ordinary English word used in the same text. Datelines ("ANKARA (Reuters) -"), demonyms
("Syrian") and regions ("northern Syria") are reported with their own ``kind``.
"""

from __future__ import annotations

import bisect
import itertools
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from geomap.gazetteer.lookup import Candidate, Gazetteer
from geomap.geoparse.hints import group_spans
from geomap.geoparse.wordlists import (
    COMMON_WORDS,
    CONNECTORS,
    CUE_PHRASES,
    CURRENCY_WORDS,
    DIRECTIONS,
    EVENT_VERB_CUES,
    FIRST_NAMES,
    FUNCTION_WORDS,
    GENERIC_NAME_WORDS,
    INSTITUTIONS,
    MONTHS_AND_DAYS,
    NAME_PLACE_NOUNS,
    NON_PLACE_AFTER,
    NON_PLACE_BEFORE,
    ORGANISATIONS,
    PLACE_NAME_HEADS,
    PLACE_NOUNS,
    PUBLIC_BODIES,
    SPEECH_VERBS,
    STREET_WORDS,
    STRONG_CUES,
    SURNAMES,
)
from geomap.models import Mention

__all__ = ["Token", "recognize", "tokenize"]

_TOKEN = re.compile(r"[^\W\d_](?:[\w’'‘ʿʾ`]|[-.](?=\w))*", re.UNICODE)
_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Z'’\-]+(?:[ \t]+[A-Z][A-Z'’\-]+){0,3})"
    r"(?:,[ \t]*[A-Z][A-Za-z.]*(?:[ \t]+[A-Za-z.]+)?)?"
    r"[ \t]*(?:,[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2})?"
    r"[ \t]*(?:\((?:[A-Za-z .]{2,30})\))?[ \t]*[-—–:]",
    re.MULTILINE,
)
# A dateline run into the page's date line, without its dash: "Last updated at Oct 04 2017
# BEIRUT A Russian air strike ...", "20.07.2016 ... WASHINGTON (Sputnik) The ..."
_DATELINE_AFTER_DATE = re.compile(
    r"(?:\d|\b[AP]M|\bUTC[+-]?\d*|\bGMT)[ \t]+(?P<place>[A-Z]{3,}(?:[ \t]+[A-Z]{3,}){0,2})"
    r"[ \t]+(?:\([A-Za-z .]{2,30}\)[ \t]*)?(?=[A-Z](?:[a-z]|[ \t]+[A-Za-z]))"
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
# Arabic articles written apart from the name ("al Bab"); not "at", "as", "an", "en", "es",
# which are words of their own in English, French or Spanish.
_SPACED_ARTICLES = frozenset({"al", "el", "ash", "ez", "ed", "az"})
_CAPITAL_NEXT = re.compile(r" [A-Z][a-z]")
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ar|as|ash|at|ad|az|an|ad|ed|es|ez|et|er|en)-", re.I)


def _lower_article(word: str) -> bool:
    """Whether a word begins with a lower-case Arabic article ("al-Rai", "ar-Raqqa"), the
    mark of a transliterated name."""
    return bool(_ARTICLE_PREFIX.match(word)) and word[0].islower()


MAX_SPAN_TOKENS = 5


@dataclass(frozen=True, slots=True)
class Token:
    """A word with its offsets; ``sent_start`` marks the first word of a sentence and
    ``capitalised`` an initial capital (after any lower-case Arabic article: "al-Bab")."""

    start: int
    end: int
    text: str
    sent_start: bool
    capitalised: bool


_SENTENCE_GAP = re.compile(r"[.!?:;\"“”]\s*$|\n\s*\n")
_ABBREVIATIONS = frozenset("St Mt Ft Dr Mr Mrs Ms Gen Lt Col Sgt Gov".split())


def tokenize(text: str) -> list[Token]:
    """Word tokens with character offsets (hyphens and apostrophes stay inside words)."""
    tokens: list[Token] = []
    prev_end = 0
    for m in _TOKEN.finditer(text):
        raw = m.group()
        possessive = raw[-1] in ".'’" or raw[-2:-1] in ("'", "’")
        word = _POSSESSIVE.sub("", raw.rstrip(".")) if possessive else raw
        gap = text[prev_end : m.start()]
        if not tokens or ("\n" in gap and not gap.strip()):
            sent_start = True
        elif gap.strip(" ") and _SENTENCE_GAP.search(gap):
            prev = tokens[-1]
            sent_start = not (prev.text in _ABBREVIATIONS and text[prev.end : prev.end + 1] == ".")
        else:
            sent_start = False
        start = m.start()
        if "-" in word and _ROUTE_AFTER.match(text, start + len(word)):
            # "the Khan Arnaba-Jaba road", "the Kenya-Somalia border": two places
            parts = word.split("-")
            if all(p[:1].isupper() for p in parts) and not _ARTICLE_PREFIX.match(word):
                for k, part in enumerate(parts):
                    tokens.append(Token(start, start + len(part), sys.intern(part),
                                        sent_start and k == 0, True))  # fmt: skip
                    start += len(part) + 1
                prev_end = m.start() + len(word)
                continue
        head = _ARTICLE_PREFIX.sub("", word) if "-" in word[:4] else word
        capitalised = bool(head) and head[0].isupper()
        if word in _SPACED_ARTICLES and _CAPITAL_NEXT.match(text, start + len(word)):
            capitalised = True  # "the city of al Bab", "el Marj": the article starts the name
        # Interned: an article repeats its words, and a 6 MB one has a million tokens.
        word = sys.intern(word)
        tokens.append(Token(start, start + len(word), word, sent_start, capitalised))
        prev_end = start + len(word)
    return tokens


_ROUTE_AFTER = re.compile(
    r"\s+(?:road|highway|motorway|railway|border|borders|axis|frontier|route|line|crossing)\b"
)


def _span_text(text: str, tokens: list[Token], i: int, j: int) -> str:
    return text[tokens[i].start : tokens[j - 1].end]


_AYN_GAPS = frozenset({" '", " ‘", " ’", " `", " ʿ", " ʻ"})


def _joinable(text: str, a: Token, b: Token) -> bool:
    """Two tokens can be one name when only spaces (or "St." style dots) separate them."""
    gap = text[a.end : b.start]
    if gap in _AYN_GAPS:
        return True  # "Tal 'Adah", "Ras ‘Ayn": an ayn written as an apostrophe
    return gap in (" ", "-") or (gap in (". ", ".") and a.text in {"St", "Mt", "Ft", "Ste"})


def _cue_before(text: str, tokens: list[Token], i: int) -> str:
    if tokens[i].sent_start:
        return ""  # "... in 1994. Flores' family": a cue never reaches into the next sentence
    window = tokens[max(0, i - 3) : i]
    starts = [k for k, t in enumerate(window) if t.sent_start]
    lowered = [t.text.lower() for t in window[starts[-1] if starts else 0 :]]
    for n in (3, 2, 1):
        if len(lowered) >= n:
            phrase = " ".join(lowered[-n:])
            if phrase in CUE_PHRASES:
                return phrase
    if lowered and lowered[-1] in EVENT_VERB_CUES and _joinable(text, tokens[i - 1], tokens[i]):
        return lowered[-1]
    if len(lowered) >= 2 and lowered[-1] == "the" and lowered[-2] in CUE_PHRASES:
        return lowered[-2]  # "in the Kafr Khasher frontline area"
    return ""


def _place_noun_after(tokens: list[Token], j: int) -> str:
    """The place noun right after a name ("Maaraba town", "Al Burayj axis"), else ""."""
    if j < len(tokens) and not tokens[j].capitalised:
        word = tokens[j].text.lower()
        if word in NAME_PLACE_NOUNS:
            return word
    return ""


class _Recognizer:
    def __init__(self, text: str, gazetteer: Gazetteer) -> None:
        self.text = text
        self.gaz = gazetteer
        self.tokens = tokenize(text)
        self.lower_words = {t.text.lower() for t in self.tokens if not t.capitalised}
        self.people = self._person_words()

    def _person_words(self) -> set[str]:
        """Names the text shows to be people: after a given name or a title ("Tim Hughes",
        "Mr Bell"), or a small place name before a speech verb ("Hughes said"). A later bare
        "Hughes" or "Bell" in the same text is that person."""
        out = set()
        toks = self.tokens
        run = 0  # words of a name so far after its given name or title: "Capt. Roy A. Nelson"
        for a, b in itertools.pairwise(toks):
            initial = len(a.text) == 1 and a.text.isupper()
            titled = a.text in NON_PLACE_BEFORE
            gap = self.text[a.end : b.start]
            joined = _joinable(self.text, a, b) or (gap == ". " and (initial or titled))
            if not b.capitalised or not joined:
                if a.capitalised and b.text.lower() in SPEECH_VERBS and self._small_place(a.text):
                    out.add(a.text.lower())
                run = 0
                continue
            if a.text.lower() in FIRST_NAMES or titled or 0 < run < 3:
                out.add(b.text.lower())
                run += 1
            else:
                run = 0
        return out

    @staticmethod
    def _unmistakable(surface: str, top: Candidate) -> bool:
        """A country, state or capital, or a name that says it is a county: still a place
        when a public body is named after it ("Ohio Department of Development")."""
        return _prominence(top) >= 4 or surface.endswith((" County", " Parish"))

    def _known(self, name: str) -> bool:
        """A place name outside the village-level layer (used to judge neighbouring words:
        that a village somewhere is called Hassan does not make "Hassan" a place name)."""
        return any(not c.local for c in self.gaz.candidates(name))

    def _small_place(self, name: str) -> bool:
        found = self.gaz.candidates(name)
        return bool(found) and max(_prominence(c) for c in found) < 4

    def candidates_at(self, i: int) -> tuple[int, list[Candidate]]:
        """Longest gazetteer match starting at token i: (end token index, candidates)."""
        toks = self.tokens
        best: tuple[int, list[Candidate]] = (i, [])
        j = i
        while j < len(toks) and j - i < MAX_SPAN_TOKENS:
            if j > i and not _joinable(self.text, toks[j - 1], toks[j]):
                break
            tok = toks[j]
            if not tok.capitalised and not (j > i and tok.text.lower() in CONNECTORS):
                break
            j += 1
            if toks[j - 1].text.lower() in CONNECTORS:
                continue
            surface = _span_text(self.text, toks, i, j)
            found = self.gaz.candidates(surface)
            if found:
                best = (j, found)
        return best

    def street_at(self, i: int) -> int:
        """End token index of a street name starting at i ("Royal Street"), else 0."""
        toks = self.tokens
        j = i
        while j < len(toks) and j - i < 5 and toks[j].capitalised:
            if j > i and not _joinable(self.text, toks[j - 1], toks[j]):
                break
            if j > i and toks[j].text in STREET_WORDS:
                if toks[i].text in NON_PLACE_BEFORE or toks[i].text.lower() in FUNCTION_WORDS:
                    return 0
                return j + 1
            j += 1
        return 0

    def unknown_place_at(self, i: int) -> tuple[int, str] | None:
        """A name the gazetteer lacks but the text calls a place ("the village of Tal Jijan",
        "the al-Sakhour neighbourhood"): (end token index, cue), else None."""
        toks = self.tokens
        j = i
        while (
            j < len(toks) and j - i < 4 and toks[j].capitalised and not toks[j].sent_start
        ) or j == i:
            if j > i and not _joinable(self.text, toks[j - 1], toks[j]):
                break
            if not toks[j].capitalised or toks[j].text in NON_PLACE_BEFORE:
                return None
            j += 1
        cue = _cue_before(self.text, toks, i)
        if cue in STRONG_CUES:
            return j, cue
        if cue and j > i + 1 and toks[i].text.lower() in PLACE_NAME_HEADS:
            return j, cue  # "in Wadi al-Rabi", "near Kafr Nabudah": the first word says place
        after = toks[j].text.lower() if j < len(toks) else ""
        if after in PLACE_NOUNS and i > 0 and toks[i - 1].text.lower() == "the":
            return j, after
        noun = _place_noun_after(toks, j)
        acronym = toks[i].text.isupper() and len(toks[i].text) <= 5
        if (
            noun
            and (cue or not toks[i].sent_start)
            and not _ordinary_word(toks[i].text)
            and not acronym
        ):
            return j, noun  # "Juqali Al-Tahtaniyah village", "in the Ein Terma area"
        return None

    def possessive_country_at(self, i: int) -> Mention | None:
        """A country's name with a possessive "s" whose apostrophe was lost ("Syrias Idlib",
        "Turkeys state-run agency"), before a capitalised word: the country, without the "s"."""
        toks = self.tokens
        word = toks[i].text
        if (
            len(word) < 5
            or not word.endswith("s")
            or word.endswith("ss")
            or i + 1 >= len(toks)
            or not toks[i + 1].capitalised
            or self.gaz.candidates(word)
        ):
            return None
        if not any(c.place.is_country and c.kind <= 1 for c in self.gaz.candidates(word[:-1])):
            return None
        return Mention(toks[i].start, toks[i].end - 1, word[:-1], "name")

    def generic_word_starts_name(self, i: int) -> bool:
        """Whether token i is a word that begins many names ("Kafr", "Tal", "Ein") and is
        followed by a capitalised word of the same name ("Kafr Khasher")."""
        toks = self.tokens
        return (
            toks[i].text.lower() in GENERIC_NAME_WORDS
            and self.name_continues(i + 1)
            and toks[i + 1].text.lower() not in FUNCTION_WORDS
        )

    def name_continues(self, j: int) -> bool:
        """Whether the capitalised name that ended before token j goes on ("Maghar Elmir")."""
        toks = self.tokens
        return (
            0 < j < len(toks)
            and toks[j].capitalised
            and not toks[j].sent_start
            and _joinable(self.text, toks[j - 1], toks[j])
        )

    def names_a_place_at(self, i: int) -> bool:
        """Whether token i starts a capitalised name the gazetteer knows (any spelling)."""
        toks = self.tokens
        if (
            i >= len(toks)
            or not toks[i].capitalised
            or not _joinable(self.text, toks[i - 1], toks[i])
        ):
            return False
        return bool(self.gaz.candidates(toks[i].text, loose=True))

    def spelled_otherwise_at(self, i: int) -> tuple[int, str] | None:
        """A name spelled with other vowels than the gazetteer's (Sokhneh for As Sukhnah),
        announced by a cue before it or a place noun after it: (end token index, cue).

        Only capitalised spans that are not acronyms, function words or sentence-initial
        words without a cue; the resolver then ranks the loose candidates in context.
        """
        toks = self.tokens
        j = i
        while j < len(toks) and j - i < 4 and toks[j].capitalised:
            if j > i and (not _joinable(self.text, toks[j - 1], toks[j]) or toks[j].sent_start):
                break
            j += 1
        first = toks[i].text
        if _ordinary_word(first) or (first.isupper() and len(first) <= 5):
            return None
        if self.name_continues(i) and toks[i - 1].capitalised:
            return None  # "Hafer Mhor": the name began a word earlier
        if first.lower() in MONTHS_AND_DAYS or first.lower() in FIRST_NAMES:
            return None
        cue = _cue_before(self.text, toks, i)
        # a lower-case Arabic article marks a transliterated name: "in M'adamiyat al-Sham"
        arabic = any(_lower_article(t.text) for t in toks[i:j])
        strong = cue in STRONG_CUES or cue in EVENT_VERB_CUES or (bool(cue) and arabic)
        generic = toks[i].text.lower() in GENERIC_NAME_WORDS
        for end in range(j, i, -1):
            if generic and end == i + 1 < j:
                break  # "the Jabal al-Turkman": not the place called Jabal spelled otherwise
            noun = _place_noun_after(toks, end)
            parent = bool(cue) and self._known_place_follows(end)
            if not (strong or noun or parent) or (toks[i].sent_start and not cue):
                continue
            surface = _span_text(self.text, toks, i, end)
            if self.gaz.candidates(surface, loose=True):
                return end, cue or noun
        return None

    def _known_place_follows(self, j: int) -> bool:
        """ "X in Y" / "X, Y" with Y a place the gazetteer knows well (not a village name)."""
        toks = self.tokens
        if j + 1 >= len(toks) or toks[j].text.lower() not in ("in", ",", "near"):
            return False
        nxt = toks[j + 1]
        if nxt.text.lower() == "the" and j + 2 < len(toks):
            nxt = toks[j + 2]
        return nxt.capitalised and self._known(nxt.text)

    def keep(self, i: int, j: int, found: list[Candidate], cue: str) -> bool:
        """Decide whether a capitalised gazetteer match is a place mention here."""
        toks, text = self.tokens, self.text
        first = toks[i]
        surface = _span_text(text, toks, i, j)
        word = surface.lower()
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[j] if j < len(toks) else None
        top = max(found, key=lambda c: _prominence(c))
        prominent = _prominence(top) >= 3
        if prev and prev.text.rstrip(".") in NON_PLACE_BEFORE and not cue:
            return False
        if prev and prev.text in _ROLES and j - i == 1 and not cue and _prominence(top) < 4:
            return False  # "IS leader al-Baghdadi", "commander Abu Ali": a person
        if j - i == 1 and (word in FUNCTION_WORDS or word in MONTHS_AND_DAYS):
            return False
        if word in ORGANISATIONS or word in INSTITUTIONS:
            return False
        if j - i == 1 and word in SURNAMES and not cue and _prominence(top) < 4:
            return False
        if j - i == 1 and word in self.people and not cue and _prominence(top) < 5:
            return False
        if j - i == 1 and word in FIRST_NAMES and not cue and _prominence(top) < 4:
            return False
        if (
            j - i == 1
            and word in FIRST_NAMES
            and nxt
            and nxt.capitalised
            and not nxt.sent_start
            and _joinable(text, toks[j - 1], nxt)
            and (
                len(nxt.text.rstrip(".")) == 1  # an initial: "Michael R. Pannell"
                or nxt.text.lower() in SURNAMES
                or not self._known(nxt.text)
            )
        ):
            return False  # a given name before a family name: "Mary Lioce", "Barry Smith"
        if nxt and nxt.text.lower() in SPEECH_VERBS and _prominence(top) < 4:
            # "Ankara said" is metonymy for a government; "Hughes said" is a person.
            return False
        if nxt and _joinable(text, toks[j - 1], nxt) and nxt.text.lower() in CURRENCY_WORDS:
            return False  # "the US dollar", "the Hong Kong dollar": a currency, not a place
        if (
            nxt
            and _joinable(text, toks[j - 1], nxt)
            and nxt.text in NON_PLACE_AFTER
            and not (nxt.text in PUBLIC_BODIES and self._unmistakable(surface, top))
        ):
            return False
        # Part of a longer capitalised name that is not a place ("Jordan Peterson", "Paris Hilton").
        if (
            nxt
            and nxt.capitalised
            and _joinable(text, toks[j - 1], nxt)
            and not nxt.sent_start
            and not self._known(nxt.text)
            and _prominence(top) < 3  # "Georgia Bureau of Investigation" names Georgia
            and not self._unmistakable(surface, top)  # "Edgar County Sheriff's Office"
        ):
            return False
        if self.name_continues(j) and not top.place.feature_code.startswith("PCL"):
            k = j
            while self.name_continues(k) and k - i < MAX_SPAN_TOKENS:
                k += 1  # bounded: a run of capitalised words is read in constant time
            if _place_noun_after(toks, k):
                return False  # "Bar Osimbo village": the whole name is the village's, not Bar
        if (
            prev
            and prev.capitalised
            and not first.sent_start
            and not _ordinary_word(prev.text)
            and _joinable(text, prev, first)
            and prev.text not in DIRECTIONS
            and not self._known(prev.text)
            and self.possessive_country_at(i - 1) is None
            # a country still names itself in "Narc Kenya", "Skate Canada"; "Andrew Jordan" is a man
            and not (j - i == 1 and _prominence(top) >= 5 and prev.text.lower() not in FIRST_NAMES)
        ):
            return False
        acronym = surface.isupper() or any(ch.isupper() for ch in surface[1:])
        if surface.isalpha() and acronym and len(surface) <= 5:
            # Acronyms (NATO, IRNA, EU, LoC) are organisations unless an alias says otherwise.
            if top.place.feature_code[:3] != "PCL" and not top.exact_name:
                return False
            if len(surface) > 2 and (
                top.place.feature_class == "P"
                or top.place.feature_code in ("ADM2", "ADM3", "ADM4", "ADM5")
            ):
                return False  # a town or a district: "ABS" (ABS-CBN) is not Abs, Yemen
        common = word in COMMON_WORDS or word in self.lower_words
        if common and not (cue and prominent):
            return False
        if common and self.name_continues(j) and not top.place.feature_code.startswith("PCL"):
            return False  # "Army of Free Tribes", "Free Parking": a word of a longer name
        if common and j - i == 1 and _HEAD_OF_NAME.match(text, toks[j - 1].end):
            return False  # "the University of Rochester": an institution named after a place
        if (
            prev
            and prev.text.lower() == "the"
            and surface.isupper()
            and len(surface) <= 3
            and not top.place.feature_code.startswith("PCL")
            and not (nxt and nxt.capitalised)  # "the NJ State Federation" names New Jersey
        ):
            return False  # "the PA" is an authority, "the MD" a doctor; "the US" a country
        if word in DIRECTIONS and _STREET_NUMBER.match(text, toks[j - 1].end):
            return False  # "Northwest 13th Street", "Northwest Eighth Avenue"
        if first.sent_start and j - i == 1 and not prominent and not cue:
            return False
        if first.sent_start and j - i == 1 and not cue and not any(c.kind == 0 for c in found):
            return False  # "Angry residents ...": only another language's name for Ankara
        if all(c.local for c in found) and not cue and not _place_noun_after(toks, j):
            # village-level names (Who's On First) are many and often people's names
            # (Hussein, Amir, Tom Thumb): without a cue they need the Arabic article
            return _lower_article(first.text)
        if cue or prominent or _place_noun_after(toks, j):
            return True  # "Hazrama front", "Maaraba town": the noun says place
        if _lower_article(first.text):
            # "al-Rai", "ar-Raqqa": a lower-case Arabic article marks a transliterated name.
            return True
        # A small place with no cue: keep only if its name is an exact official spelling.
        return (top.exact_name and top.place.population >= 1000) or j - i > 1


_HEAD_OF_NAME = re.compile(r" of (?:the )?[A-Z]")
_STREET_NUMBER = re.compile(
    r" (?:\d+(?:st|nd|rd|th)|[A-Z][a-z]+(?:st|nd|rd|th)) "
    r"(?:Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Place|Pl|Terrace|Boulevard|Blvd|Way|Lane|Court)\b"
)


def _ordinary_word(word: str) -> bool:
    """A capitalised word that is not a name ("In", "The", "When" at a sentence start)."""
    low = word.lower()
    return low in FUNCTION_WORDS or low in COMMON_WORDS or low in CUE_PHRASES or low == "the"


def _prominence(c: Candidate) -> float:
    p = c.place
    if p.feature_code.startswith("PCL"):
        return 5.0
    if p.feature_code == "ADM1" or p.feature_code == "PPLC":
        return 4.0
    pop = p.population
    if pop >= 100_000:
        return 3.5
    if pop >= 20_000:
        return 3.0
    if pop >= 2_000:
        return 2.0
    return 1.0


_PARTY_PLACE = re.compile(r"[DRI]-([A-Z][\w.]*)$")


def _party_place(text: str, tok: Token, gaz: Gazetteer) -> Mention | None:
    """The home of a US politician after the party letter: "Rep. Ann Lee, D-Charleston"."""
    found = _PARTY_PLACE.match(tok.text)
    if not found or all(c.local for c in gaz.candidates(found.group(1))):
        return None
    start = tok.start + 2
    return Mention(start, tok.end, text[start : tok.end], "name", "party")


def _datelines(text: str, gaz: Gazetteer) -> Iterator[Mention]:
    head = text[:2000]
    seen: set[int] = set()
    for pattern in (_DATELINE, _DATELINE_AFTER_DATE):
        for m in pattern.finditer(head):
            name = m.group("place")
            if name and m.start("place") not in seen and gaz.candidates(name.title()):
                seen.add(m.start("place"))
                yield Mention(m.start("place"), m.end("place"), name, kind="dateline")


def recognize(text: str, *, gazetteer: Gazetteer, demonyms: bool = True) -> list[Mention]:
    """Every place mention in ``text``, in order, without overlaps.

    Examples
    --------
    >>> [m.surface for m in recognize("Clashes near al-Bab and in Aleppo.", gazetteer=gaz)]
    ... # doctest: +SKIP
    ['al-Bab', 'Aleppo']
    """
    rec = _Recognizer(text, gazetteer)
    mentions: list[Mention] = list(_datelines(text, gazetteer))
    toks = rec.tokens
    # tokens already spoken for: datelines, and armed groups ("Asayish", "Hezbollah")
    taken = _tokens_inside(toks, [*((m.start, m.end) for m in mentions), *group_spans(text)])
    i = 0
    while i < len(toks):
        tok = toks[i]
        if i in taken:
            i += 1
            continue
        if not tok.capitalised:
            i += 1
            continue
        if demonyms and (cc := gazetteer.demonym_country(tok.text)) and tok.text[0].isupper():
            mentions.append(Mention(tok.start, tok.end, tok.text, kind="demonym", cue=cc))
            i += 1
            continue
        if party := _party_place(text, tok, gazetteer):
            mentions.append(party)
            i += 1
            continue
        if owner := rec.possessive_country_at(i):
            mentions.append(owner)  # "Syrias Idlib": "Syria's" with its apostrophe lost
            i += 1
            continue
        street = rec.street_at(i)
        if street:
            mentions.append(
                Mention(
                    tok.start,
                    toks[street - 1].end,
                    text[tok.start : toks[street - 1].end],
                    "street",
                )
            )
            i = street
            continue
        j, found = rec.candidates_at(i)
        if found and rec.name_continues(j):
            # "near Maghar Elmir": the whole name spelled otherwise, not its first word
            spelled = rec.spelled_otherwise_at(i)
            if spelled and spelled[0] > j:
                mentions.append(_name_mention(text, toks, i, *spelled))
                i = spelled[0]
                continue
        if j == i + 1 and tok.text.lower() in DIRECTIONS and rec.names_a_place_at(i + 1):
            i += 1  # "Eastern Ghouta", "Northern Hama": a region of the next name
            continue
        if found and j == i + 1 and rec.generic_word_starts_name(i):
            found = []  # "Kafr Khasher", "Ein Issa": one name, not the village called Kafr
        if not found:
            named = rec.spelled_otherwise_at(i) or rec.unknown_place_at(i)
            if named:
                mentions.append(_name_mention(text, toks, i, *named))
                i = named[0]
                continue
            i += 1
            continue
        cue = _cue_before(text, toks, i) or _listed_with(text, tok, mentions)
        if not rec.keep(i, j, found, cue):
            longer = rec.unknown_place_at(i)
            if longer and longer[0] > j:
                # "Hafer Mhor neighborhood": one unknown name, not the village Hafar
                mentions.append(_name_mention(text, toks, i, *longer))
                i = longer[0]
                continue
            i += 1
            continue
        start = toks[i].start
        kind = "name"
        prev = toks[i - 1] if i > 0 else None
        if prev and prev.text.lower() in DIRECTIONS and _joinable(text, prev, toks[i]):
            start, kind = prev.start, "region"
        mentions.append(Mention(start, toks[j - 1].end, text[start : toks[j - 1].end], kind, cue))
        i = j
    mentions.sort(key=lambda m: m.start)
    return [_with_full_stop(text, m, gazetteer) for m in mentions]


#: Lower-case roles written right before a person's name.
_ROLES = frozenset(
    "leader commander emir spokesman spokeswoman cleric preacher activist journalist".split()
)


def _name_mention(text: str, toks: list[Token], i: int, end: int, cue: str) -> Mention:
    """The name from token i up to (not including) token ``end``, with its cue."""
    start, stop = toks[i].start, toks[end - 1].end
    return Mention(start, stop, text[start:stop], "name", cue)


def _tokens_inside(toks: list[Token], spans: list[tuple[int, int]]) -> set[int]:
    """Indices of the tokens that start inside any of ``spans`` (by bisection: linear)."""
    starts = [t.start for t in toks]
    out: set[int] = set()
    for s, e in spans:
        out.update(range(bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)))
    return out


_LIST_GAP = re.compile(r",?\s+(?:and|or)\s+")  # not ", ": "Celaya, Guanajuato" is X in Y


def _listed_with(text: str, tok: Token, mentions: list[Mention]) -> str:
    """The cue of the place just before in a list: "hit Khiam and Kfar Kila", "in Hass
    or Kafr Nabl" (each name is as much a place as the first)."""
    if not mentions:
        return ""
    last = mentions[-1]
    if last.kind != "name" or last.cue in ("", "party") or last.end >= tok.start:
        return ""
    if tok.text in NON_PLACE_BEFORE:
        return ""  # "D-Charleston, and Sen. Bo Gray": a title, not the next place
    return last.cue if _LIST_GAP.fullmatch(text, last.end, tok.start) else ""


def _with_full_stop(text: str, m: Mention, gaz: Gazetteer) -> Mention:
    """An abbreviation keeps its final full stop: "U.S.", "W.Va.", "Calif." (as written)."""
    if text[m.end : m.end + 1] != "." or m.kind == "demonym":
        return m
    if "." in m.surface or m.surface in gaz.abbreviations:
        return Mention(m.start, m.end + 1, m.surface + ".", m.kind, m.cue)
    return m
