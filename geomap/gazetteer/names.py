"""The one match key for place names, used for gazetteer names and text mentions alike.

Transliterations of the same Arabic name differ in diacritics, apostrophes (ayn/hamza),
hyphens, the form of the article (al, el, ar-, as-, ash-...) and vowel spellings. The key
folds all of those, so al-Bab, Al Bāb, El Bab and Al-Bab share a key, and so do al-Rai,
Ar Ra'i and Al-Ra'i. Names are indexed with and without a leading article.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["loose_key", "match_key", "match_keys", "strip_article"]

# Apostrophes, ayn and hamza marks and quotes: dropped without a trace.
_DROP = dict.fromkeys(map(ord, "'’‘`´ʿʾʻʼ′\"“”ʹ"), None)
# Letters NFKD does not decompose.
_LETTERS = str.maketrans({"ı": "i", "ø": "o", "đ": "d", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe"})
_NON_ALNUM = re.compile(r"[^0-9a-z\u0621-\u064a]+")
# Cyrillic to Latin as news writes Ukrainian names (Ukraine's national system, 2010):
# Вугледар -> Vuhledar, Клищіївка -> Klyshchiivka.
_CYRILLIC = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "ы": "y", "э": "e", "ъ": "", "ё": "e",
})  # fmt: skip
# Arabic-script letters that spellings interchange: alef forms, ta marbuta, alef maqsura,
# hamza seats, Persian kaf and yeh; tatweel and bare hamza are dropped.
_ARABIC = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي",
    "ک": "ك", "ی": "ي", "ـ": None, "ء": None,
})  # fmt: skip
_ARABIC_ARTICLE = "ال"


# Always an article when followed by another word.
_ARTICLES = {"al", "el", "ul", "il"}
# Sun-letter forms: an article only before a word starting with the same consonant.
_SUN_FORMS = {
    "ar": "r", "as": "s", "ash": "sh", "at": "t", "ath": "th", "ad": "d", "adh": "dh",
    "az": "z", "an": "n", "er": "r", "es": "s", "esh": "sh", "et": "t", "eth": "th",
    "ed": "d", "edh": "dh", "ez": "z", "en": "n", "ud": "d", "us": "s", "ur": "r",
}  # fmt: skip
# Common abbreviations inside names.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
# Words that begin Arabic place names, spelled many ways (Ein/Ain/Ayn Issa, Tal/Tell/Tall
# Abyad, Kfar/Kafr, Deir/Dayr, Beit/Bayt, Sheikh/Shaykh): one spelling when a name follows,
# so "Ein Issa" finds WOF's "`Ayn `Isa" by its exact key.
_NAME_HEADS = {
    "ein": "ain", "ayn": "ain", "ayin": "ain", "tel": "tal", "tell": "tal", "tall": "tal",
    "kfar": "kafr", "kefr": "kafr", "deir": "dayr", "dair": "dayr", "beit": "bayt",
    "bait": "bayt", "sheikh": "shaykh", "shaikh": "shaykh", "sheik": "shaykh",
    "khirbet": "khirbat", "kherbet": "khirbat", "jebel": "jabal", "jabel": "jabal",
    "jbel": "jabal",
}  # fmt: skip
_VOWELS = (("ee", "i"), ("ii", "i"), ("oo", "u"), ("ou", "u"), ("uu", "u"))
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=300_000)
def _fold_token(token: str) -> str:
    for old, new in _VOWELS:
        token = token.replace(old, new)
    token = _DOUBLED.sub(r"\1", token)
    # Final -ah/-eh (Raqqah, Hasakah) is written -a in other spellings.
    if len(token) > 3 and token.endswith(("ah", "eh")):
        token = token[:-2] + "a"
    # Final -y and -i are the same Arabic ending (Qamishly, Qamishli).
    if len(token) > 3 and token.endswith("y"):
        token = token[:-1] + "i"
    return token


@lru_cache(maxsize=200_000)
def _tokens(name: str) -> tuple[str, ...]:
    if name.isascii():
        text = name.translate(_DROP).lower()
    else:
        text = unicodedata.normalize("NFKD", name.translate(_DROP))
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
        text = text.translate(_LETTERS).translate(_CYRILLIC).translate(_ARABIC)
    raw: list[str] = []
    for tok in _NON_ALNUM.split(text):
        if tok.startswith(_ARABIC_ARTICLE) and len(tok) > 3:
            raw.extend(("al", tok[2:]))  # الباب: the article and the name, as in al-Bab
        elif tok:
            raw.append(tok)
    out: list[str] = []
    for i, tok in enumerate(raw):
        nxt = raw[i + 1] if i + 1 < len(raw) else ""
        if nxt and (tok in _ARTICLES or (tok in _SUN_FORMS and nxt.startswith(_SUN_FORMS[tok]))):
            out.append("al")
        elif nxt:
            out.append(_NAME_HEADS.get(tok) or _ABBREVIATIONS.get(tok, tok))
        else:
            out.append(tok)
    return tuple(_fold_token(t) for t in out)


def match_key(name: str) -> str:
    """The match key of a name: folded, article unified, spaces removed.

    Examples
    --------
    >>> {match_key(n) for n in ["al-Bab", "Al Bāb", "El Bab", "Al-Bab"]}
    {'albab'}
    >>> {match_key(n) for n in ["al-Rai", "Ar Ra'i", "Al-Ra'i", "Ar Rā‘ī"]}
    {'alrai'}
    >>> match_keys("الباب")
    ('alباب', 'باب')
    """
    return "".join(_tokens(name))


def strip_article(name: str) -> str:
    """The key without a leading article ("al-Bab" -> "bab"), or "" if there is none.

    >>> strip_article("Ar Ra'i"), strip_article("Aleppo")
    ('rai', '')
    """
    tokens = _tokens(name)
    if len(tokens) > 1 and tokens[0] == "al":
        return "".join(tokens[1:])
    return ""


def match_keys(name: str) -> tuple[str, ...]:
    """Every key a name is indexed (or looked up) under: with and without its article.

    >>> match_keys("Deir ez-Zor")
    ('dayralzor',)
    >>> match_keys("al-Bab")
    ('albab', 'bab')
    >>> {match_key(n) for n in ["Ein Issa", "Ain Issa", "`Ayn `Isa"]}
    {'ainisa'}
    """
    tokens = _tokens(name)
    key = "".join(tokens)
    if not key:
        return ()
    if len(tokens) > 1 and tokens[0] == "al":
        return (key, "".join(tokens[1:]))
    return (key,)


_LOOSE_DROP = str.maketrans(dict.fromkeys("aeiouy"))
LOOSE_MIN = 3  # shorter skeletons match too many places to be worth a guess


def loose_key(key: str) -> str:
    """The consonant skeleton of a match key, for recall behind the exact key only.

    Vowel spellings differ most between transliterations (Idleb/Idlib, Tadef/Tadif,
    Sweida/Suwayda, Jebel/Jabal, Klishchiivka/Klyshchiyivka); the skeleton keeps the first
    letter and the consonants (y counts as a vowel).
    Empty when too short to be a useful guess or not Latin.

    >>> {loose_key(match_key(n)) for n in ["Idleb", "Idlib"]}
    {'idlb'}
    >>> {loose_key(match_key(n)) for n in ["Sweida", "Suwayda"]}
    {'swd'}
    >>> {loose_key(match_key(n)) for n in ["Klishchiivka", "Klyshchiyivka", "Клищіївка"]}
    {'klshchvk'}
    >>> loose_key("alrai")
    ''
    """
    if not key.isascii():
        return ""
    skeleton = _DOUBLED.sub(r"\1", key[:1] + key[1:].translate(_LOOSE_DROP))
    core = skeleton[2:] if skeleton.startswith("al") and key.startswith("al") else skeleton
    return skeleton if len(core) >= LOOSE_MIN else ""
