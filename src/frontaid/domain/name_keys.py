"""Name keys: the same person spelled in Ukrainian, Russian or Latin letters shares keys.

Ігор Коваленко, Игорь Коваленко, Ihor Kovalenko and Igor Kowalenko all get the
keys `p:gr` and `p:kvlnk` (and `g:ihor`, the given name's group). Pure functions,
no I/O: the projector stores the keys of every person's name (`name_keys` table)
and search looks them up.

Three layers, from strict to loose:

- `loose(token)`: one Latin spelling for every script and transliteration. Cyrillic
  goes letter by letter; Latin goes through the multigraphs of the KMU-2010,
  Russian-style, ICAO/BGN, German and Polish conventions (shch/schtsch/szcz, kh, zh,
  sh/sz/sch, ch/cz/tsch, ts/tz/c/z, w, j/y). The merges: г/ґ/х and g/h/kh → `g`
  (Ukrainian г is h, Russian г is g); every sibilant (з с ж ш щ ц ч, z s c ...) → `s`;
  и/і/ї/й/ы and i/y/j → `i`; е/є/э → `e`; a glide i before a vowel after a consonant
  is dropped (Марія/Mariia/Maria/Mariya → `mara`); doubled letters collapse
  (Ганна/Hanna → `gana`). Vowels are kept: Олександр and Олександра differ.
  A German or Polish "ch" for х is recognised only before a consonant (Chmelnyzkyj);
  elsewhere "ch" is read as ч, as KMU and English write it.
- `skeleton(token)`: the phonetic key, `loose` without vowels (Kovalenko, Kowalenko,
  Ковальенко, and the typo kovalneko → `kvlnk`). In the spirit of Daitch–Mokotoff,
  which also codes all sibilants alike, but simpler: consonant classes, in order.
- `given_groups(token)`: the given-name groups a token belongs to, from the table in
  `given.py` (Микола/Николай/Mykola/Nikolai/Nicholas → `mykola`), named by the KMU-2010
  transliteration of the Ukrainian form (translitua).

`kmu(text)` is the official KMU-2010 transliteration (translitua), for display.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final, Literal

from translitua import UkrainianKMU, translit

from frontaid.domain.given import GIVEN_NAMES

Script = Literal["uk", "ru", "cyrillic", "latin", "mixed", "none"]

_UK_ONLY: Final = frozenset("іїєґ")
_RU_ONLY: Final = frozenset("ыэёъ")

# Cyrillic straight to the loose alphabet (a e i o u + consonant classes); я/ю/є/ї/ё
# carry their glide, which `loose` drops after a consonant as it does for Latin "ia".
_CYRILLIC: Final = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "s", "з": "s", "и": "i", "і": "i", "ї": "ii", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "g", "ц": "s", "ч": "s", "ш": "s", "щ": "s", "ь": "", "ъ": "",
    "ю": "iu", "я": "ia", "ё": "io", "э": "e", "ы": "i",
    "ł": "l", "ß": "ss", "ø": "o", "æ": "e", "đ": "d",
})
# Latin multigraphs, longest first; one regex pass.
_MULTI: Final = {
    "schtsch": "s", "shch": "s", "szcz": "s", "tsch": "s", "zsch": "s", "sch": "s",
    "tch": "s", "ch": "s", "kh": "g", "zh": "s", "sh": "s", "sz": "s", "cz": "s", "rz": "s",
    "ts": "s", "tz": "s", "ph": "f", "ck": "k", "x": "ks", "c": "s", "z": "s", "w": "v",
    "q": "k", "h": "g", "j": "i", "y": "i",
}
_CH_BEFORE_CONSONANT = re.compile(r"ch(?=[bcdfghklmnpqrstvwxz])")
_MULTI_RE = re.compile("|".join(sorted(_MULTI, key=len, reverse=True)))
_NOT_LETTER = re.compile(r"[^a-z]+")
_DOUBLE = re.compile(r"(.)\1+")
_GLIDE = re.compile(r"(?<=[^aeiou])i(?=[aeiou])")
_VOWELS = re.compile(r"[aeiou]+")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*")


def script(text: str) -> Script:
    """Which alphabet a name is written in; `uk`/`ru` when a letter only one language has shows it."""
    letters = {ch for ch in text.casefold() if ch.isalpha() and ch not in "ʼ'’`"}
    if not letters:
        return "none"
    cyr = {ch for ch in letters if "а" <= ch <= "я" or ch in "ёіїєґ"}
    if cyr and len(cyr) < len(letters):
        return "mixed"
    if not cyr:
        return "latin"
    if letters & _UK_ONLY:
        return "uk"
    if letters & _RU_ONLY:
        return "ru"
    return "cyrillic"


def tokens(text: str) -> list[str]:
    """The words of a name, casefolded, apostrophes kept inside a word (Вʼячеслав)."""
    return _TOKEN.findall(text.casefold())


@functools.lru_cache(maxsize=65536)
def loose(token: str) -> str:
    """One Latin spelling of a name token whatever its script or transliteration."""
    t = token.casefold().translate(_CYRILLIC)
    t = "".join(ch for ch in unicodedata.normalize("NFD", t) if not unicodedata.combining(ch))
    t = _CH_BEFORE_CONSONANT.sub("h", t)
    t = _MULTI_RE.sub(lambda m: _MULTI[m.group()], t)
    t = _DOUBLE.sub(r"\1", _NOT_LETTER.sub("", t))
    return _DOUBLE.sub(r"\1", _GLIDE.sub("", t))


@functools.lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """The phonetic key: the consonant classes of `loose`, doubles collapsed."""
    return _DOUBLE.sub(r"\1", _VOWELS.sub("", loose(token)))


def kmu(text: str) -> str:
    """The official KMU-2010 Latin spelling of a Ukrainian name (as in a passport)."""
    return str(translit(text, UkrainianKMU))


def _load_groups() -> dict[str, tuple[str, ...]]:
    groups: dict[str, set[str]] = {}
    for line in GIVEN_NAMES.strip().splitlines():
        forms = line.split()
        name = _NOT_LETTER.sub("", kmu(forms[0]).casefold())
        for form in forms:
            groups.setdefault(loose(form), set()).add(name)
    return {k: tuple(sorted(v)) for k, v in groups.items()}


_GROUPS: Final = _load_groups()
# Group → every loose spelling in it, for expanding a typed prefix (search).
GROUP_FORMS: Final[dict[str, frozenset[str]]] = {}
for _form, _names in _GROUPS.items():
    for _name in _names:
        GROUP_FORMS[_name] = GROUP_FORMS.get(_name, frozenset()) | {_form}


def given_groups(token: str) -> tuple[str, ...]:
    """The given-name groups `token` is a spelling of (usually none or one)."""
    return _GROUPS.get(loose(token), ())


def groups_with_prefix(prefix: str) -> set[str]:
    """Groups with a spelling that starts with the loose form of `prefix` (for search as you type)."""
    lp = loose(prefix)
    if len(lp) < 2:
        return set()
    return {g for form, names in _GROUPS.items() if form.startswith(lp) for g in names}


@functools.lru_cache(maxsize=65536)
def token_keys(token: str) -> tuple[str, ...]:
    """The keys of one word: its phonetic key `p:…` and its given-name groups `g:…`."""
    keys = [f"g:{g}" for g in given_groups(token)]
    sk = skeleton(token)
    if sk:
        keys.insert(0, f"p:{sk}")
    elif loose(token):
        keys.insert(0, f"v:{loose(token)}")  # a name of vowels only (Ія): keep it findable
    return tuple(keys)


def name_keys(name: str) -> list[str]:
    """Every key of a full name, each once, sorted: a handful of rows for the index."""
    return sorted({k for tok in tokens(name) for k in token_keys(tok)})


def tokens_match(a: str, b: str) -> bool:
    """Two words are one name: the same loose spelling, or the same given name."""
    la, lb = loose(a), loose(b)
    if la and la == lb:
        return True
    ga = given_groups(a)
    return bool(ga) and bool(set(ga) & set(given_groups(b)))


def names_match(a: str, b: str) -> bool:
    """Every word of the shorter name matches a word of the other, in any order.

    Strict enough for a duplicate warning (Олександр ≠ Олександра), loose enough for
    scripts and transliterations (Ігор Коваленко = Igor Kowalenko = Kowalenko Igor).
    """
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return False
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    free = list(long_)
    for t in short:
        hit = next((u for u in free if tokens_match(t, u)), None)
        if hit is None:
            return False
        free.remove(hit)
    return True
