"""Sentences of a scraped article, with menus, banners, comment widgets and captions left out.

Scraped pages keep their boilerplate ("Help us grow", "Share this", "Comments (3)") and
photo captions that carry other dates and places ("Photo: ... 2016"). Such lines are
dropped before any incident rule sees them. Every sentence keeps its offsets in the
article text, so mentions found on the whole text can be matched to it.

A sentence longer than :data:`MAX_SENTENCE_CHARS` (a run-on live blog, a pasted table with no
full stop) is read in pieces of at most that length, cut at a space; each piece is marked
``cut``. No sentence of a normal article comes near it (the longest in the evaluation sets is
under 1,900 characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

__all__ = ["MAX_SENTENCE_CHARS", "Sentence", "noise_reason", "split_sentences"]

#: The longest sentence extraction reads whole; a longer one is read in pieces this long.
MAX_SENTENCE_CHARS = 3_000

_CAPTION = re.compile(
    r"^\s*[\(\[]?(?:photo|photos|image|picture|file photo|credit|caption|video|watch|graphic)"
    r"\b\s*[:|\-–—]?"
    r"|\((?:photo|image|picture)[^)]*\)\s*$"
    r"|(?:/|\b)(?:AFP|Reuters|AP|Getty Images|Anadolu|EPA|DHA)(?:/[\w ]+)?\)?\s*$",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"help us grow|subscribe|sign up|newsletter|log ?in\b|register\b|share (?:this|on)"
    r"|follow us|cookies?\b|all rights reserved|related (?:articles|stories|news)|read more"
    r"|advertisement|donate|support (?:us|our|independent)|leave a (?:reply|comment)"
    r"|\bcomments?\s*(?:\(\d+\)|\d+)?\s*$|^\s*comments?\b|posted by|copyright|©|most read"
    r"|trending now|you may also like|click here|tags?:|skip to (?:main )?content"
    r"|^\s*(?:home|menu|search|top stories|latest news)\s*$|\breply\s*$|\blikes?\s*$",
    re.IGNORECASE,
)
_MENU = re.compile(r"(?:\s[|»>•·]\s.*){2,}")
_ABBREVIATIONS = frozenset(
    re.findall(
        r"\S+",
        "mr mrs ms dr st gen col lt maj capt sgt prof sen rep gov jan feb mar apr aug sept sep "
        "oct nov dec no vs approx e.g i.e u.s u.n u.k inc ltd co jr sr fig est mt ft",
    )
)
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text == article_text[start:end]``; ``paragraph`` counts kept lines."""

    start: int
    end: int
    text: str
    paragraph: int
    heading: bool = False
    cut: bool = False  # a piece of a sentence longer than MAX_SENTENCE_CHARS


def noise_reason(line: str) -> str:
    """Why a line is boilerplate or a caption ("caption", "boilerplate", "menu"), else "".

    >>> noise_reason("Photo: Smoke over Aleppo, 12 March 2016 (AFP)")
    'caption'
    >>> noise_reason("Help us grow: become a member today!")
    'boilerplate'
    >>> noise_reason("Three soldiers were killed near al-Bab on Thursday.")
    ''
    """
    stripped = line.strip()
    if _CAPTION.search(stripped):
        return "caption"
    if _MENU.search(stripped) or stripped.count("|") >= 2:
        return "menu"
    if len(stripped.split(None, 30)) < 30 and _BOILERPLATE.search(stripped):
        return "boilerplate"
    return ""


_WORD_BEFORE = re.compile(r"([A-Za-z.]+)$")
#: How far back from a full stop to look for its word: abbreviations are short, and searching
#: the whole line before every full stop made a line of many sentences quadratic.
_ABBREVIATION_REACH = 64


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _WORD_BEFORE.search(text, max(0, dot - _ABBREVIATION_REACH), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    return word in _ABBREVIATIONS or len(word) == 1


def _pieces(line: str, start: int, end: int) -> list[tuple[int, int]]:
    """``line[start:end]`` as spans of at most :data:`MAX_SENTENCE_CHARS`, cut at a space."""
    out = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = line.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def _add(out: list[Sentence], line: str, start: int, end: int, offset: int, paragraph: int) -> None:
    """Append ``line[start:end]`` (stripped, in pieces when too long) as sentences."""
    piece = line[start:end].rstrip()
    if not piece.strip():
        return
    lo, hi = start + len(piece) - len(piece.lstrip()), start + len(piece)
    if hi - lo <= MAX_SENTENCE_CHARS:
        out.append(Sentence(offset + lo, offset + hi, line[lo:hi], paragraph))
        return
    for a, b in _pieces(line, lo, hi):
        text = line[a:b].strip()
        if text:
            a += len(line[a:b]) - len(line[a:b].lstrip())
            out.append(Sentence(offset + a, offset + a + len(text), text, paragraph, cut=True))


def _split_line(line: str, offset: int, paragraph: int) -> list[Sentence]:
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(line):
        if line[m.start()] == "." and _is_abbreviation(line, m.start()):
            continue
        end = m.end()
        _add(out, line, start, end, offset, paragraph)
        start = end
    _add(out, line, start, len(line), offset, paragraph)
    return out


def split_sentences(text: str) -> list[Sentence]:
    """The article's sentences in order, noise lines dropped.

    A line without closing punctuation and under 20 words is kept as a heading sentence
    (headlines carry the event too) unless it is boilerplate.

    >>> [s.text for s in split_sentences("Menu | News | Syria\\nShelling hit Idlib. Two died.")]
    ['Shelling hit Idlib.', 'Two died.']
    """
    out: list[Sentence] = []
    paragraph = 0
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip() or noise_reason(line):
            continue
        words = len(line.split(None, 20))  # only "under 20" matters: no list of every word
        heading = not line.rstrip().endswith((".", "!", "?", '"', "”", ":")) and words < 20
        if heading and words < 4:
            continue  # stray labels, bylines, button text
        for sentence in _split_line(line, line_start, paragraph):
            out.append(replace(sentence, heading=heading))
        paragraph += 1
    return out
