"""The records the matcher compares, and what it reads in each (features: name words with their
phonetic keys and given-name groups, the patronymic set apart, birth date, address).

Pure functions over records: nothing here reads a database (see match/dedup.py for the method).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from frontaid.domain import name_keys as names

LINK: Final = 14.0
REVIEW: Final = 12.0
BLOCK_CAP: Final = 12
WINDOW: Final = 4
# A name word's chance agreement: its frequency, smoothed toward 1 in 500 with the
# weight of 1000 records (so a registry of ten people does not make every name common).
_TF_PRIOR: Final = 0.002
_TF_PSEUDO: Final = 1000.0
_MAX_WORDS: Final = 4

@dataclass(frozen=True)
class Record:
    id: str
    name: str                 # full name as written; any script; given/family in any order
    born: str = ""            # "1952" or "1952-03-04" or ""
    sex: str = ""             # "f" | "m" | ""
    address: str = ""
    zone: str = ""
    household: str = ""
    doc: str = ""             # a document number if known (tax id/passport), else ""


@dataclass(frozen=True)
class Pair:
    a: str                    # Record.id, a < b
    b: str
    score: float              # match weight (log2 odds, Fellegi–Sunter)
    band: str                 # "link" | "review"
    fields: dict[str, str] = field(default_factory=dict)  # field -> agree|close|disagree|missing


def band(score: float) -> str:
    """The band of a match weight: link, review or distinct."""
    return "link" if score >= LINK else "review" if score >= REVIEW else "distinct"


# -- features ---------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class _Word:
    loose: str
    skel: str
    groups: frozenset[str]
    codes: tuple[str, ...]    # blocking codes: phonetic key and given-name groups
    tf: str                   # what its frequency is counted by



_WORDS: dict[str, _Word] = {}


def _word(token: str) -> _Word:
    w = _WORDS.get(token)
    if w is None:
        lo = names.loose(token)
        sk = names.skeleton(token)
        groups = frozenset(names.given_groups(token))
        codes = tuple([sk or f"v{lo}", *sorted(f"g{g}" for g in groups)])
        w = _Word(lo, sk, groups, codes, f"g{min(groups)}" if groups else lo)
        if len(_WORDS) < 500_000:
            _WORDS[token] = w
    return w


@dataclass(slots=True)
class _Rec:
    rec: Record
    words: tuple[_Word, ...]
    year: int | None
    date: str          # yyyymmdd when the full date is known
    sex: str
    doc: str
    address: str
    spelling: str      # the name's loose words, sorted: the order inside big blocks
    key: str           # the name's loose words in order (memoising name comparisons)
    patro: str         # the patronymic's loose spelling, without its ending; "" if none
    street: str        # the first long word of the address (phonetic key) and its first number


def _born(text: str) -> tuple[int | None, str]:
    digits = "".join(_DIGITS.findall(text or ""))
    if len(digits) >= 8:
        return int(digits[:4]), digits[:8]
    if len(digits) >= 4:
        return int(digits[:4]), ""
    return None, ""


_PATRONYMIC = re.compile(r"(?:ovis|evis|ovna|evna|ivna|inisna)$")


def _patronymic(words: list[_Word]) -> tuple[list[_Word], str]:
    """The name's words without its patronymic, and the patronymic's stem (loose, ending cut).

    Only a name of three words or more has one; when two words look like one (a surname in
    -ович), the second word is taken, as names are written family-given-father or given-father-family."""
    if len(words) < 3:
        return words, ""
    hits = [i for i, w in enumerate(words) if _PATRONYMIC.search(w.loose)]
    if not hits:
        return words, ""
    i = 1 if 1 in hits and len(hits) > 1 else hits[-1]
    return words[:i] + words[i + 1:], _PATRONYMIC.sub("", words[i].loose)


_NAMES: dict[str, tuple[tuple[_Word, ...], str, str, str]] = {}
_ADDRESSES: dict[str, tuple[str, str]] = {}


def _name_part(name: str) -> tuple[tuple[_Word, ...], str, str, str]:
    """(words, patronymic stem, sorted spelling, spelling in order) of a name, memoised:
    a registry's names and addresses repeat (households, namesakes, re-registrations)."""
    hit = _NAMES.get(name)
    if hit is None:
        found, patro = _patronymic([w for w in map(_word, names.tokens(name)[:_MAX_WORDS + 2]) if w.loose])
        words = tuple(found)
        hit = (words, patro, " ".join(sorted(w.loose for w in words)), " ".join(w.loose for w in words))
        if len(_NAMES) < 300_000:
            _NAMES[name] = hit
    return hit


# Words of an address that say what kind of street, house or flat it is, in any script: they
# tell nothing about where (вул./ул./st., буд., кв.), and they differ between lists.
_STREET_WORDS: Final = frozenset({
    "вул", "вулиця", "ул", "улица", "st", "str", "street", "vul", "ul", "пр", "просп", "проспект",
    "пров", "провулок", "пер", "переулок", "lane", "пл", "площа", "площадь", "sq", "буд", "будинок",
    "д", "дом", "bud", "kv", "кв", "квартира", "apt", "flat"})
# A shelter is a place within a house ("підвал, 22": the basement of number 22), not a street.
_SHELTER_WORDS: Final = frozenset({
    "підвал", "подвал", "укриття", "укрытие", "сховище", "убежище", "бомбосховище", "basement",
    "shelter", "cellar", "piwnica", "keller", "pidval", "podval", "ukryttia"})


def _address_part(address: str) -> tuple[str, str]:
    hit = _ADDRESSES.get(address)
    if hit is None:
        toks = [t for t in names.tokens(address)
                if t.casefold() not in _STREET_WORDS and t.casefold() not in _SHELTER_WORDS]
        addr = " ".join([names.loose(t) for t in toks] + _DIGITS.findall(address)).strip()
        street = next((names.skeleton(t) for t in toks if len(t) > 3), "")
        number = _DIGITS.search(address)
        hit = (addr, f"{street}|{number.group()}" if street and number else "")
        if len(_ADDRESSES) < 300_000:
            _ADDRESSES[address] = hit
    return hit


def _features(r: Record) -> _Rec:
    words, patro, spelling, key = _name_part(r.name)
    year, date = _born(r.born)
    addr, street = _address_part(r.address or "")
    return _Rec(r, words, year, date, (r.sex or "").strip().lower()[:1],
                _NOT_ALNUM.sub("", (r.doc or "").casefold()), addr, spelling, key, patro, street)


