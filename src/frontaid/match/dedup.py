"""Finding people registered twice: blocking, Fellegi–Sunter scoring, three bands.

`find_pairs(records)` returns the pairs worth a look, each with a match weight and the
fields that agreed or disagreed; `possible_duplicates(rep, name, ...)` asks the same of
one new name against the registry (the warning on registration).

Blocking (which pairs are compared at all). Each record gets a handful of keys; two
records are compared when they share one (the union of the blocks):

- every unordered pair of its name words, each word as its phonetic key or given-name
  group (`names.skeleton`, `names.given_groups`): word order does not matter, so
  "Коваленко Ігор" meets "Ihor Kovalenko", and a missing patronymic still leaves a pair;
- each name word with the birth year and the first two letters of another word (a typo in
  the rest of that word);
- each name word with the household (registered twice at one door, year unknown), and
  with the street and house number;
- the document number, and its first and last four characters (one typo leaves one);
- the full birth date with the first letter of the rarest name word.

A block bigger than `BLOCK_CAP` is not compared all against all: its members are sorted
(by birth year, document or spelling) and each meets the next `WINDOW` ones (sorted
neighbourhood), so candidate pairs grow linearly with the records, however common a name.

Scoring (Fellegi–Sunter). The match weight is the sum over fields of log2(m/u) for the
level each field reached (m: how often one person's two records reach it; u: how often
two different people do). A field missing on either side weighs nothing.

- name (the patronymic set apart): words aligned in any order; agree (every word of the
  shorter name is a word of the other, across scripts and transliterations), close
  (typos), short (one name is a single word of the other), partial (a word differs),
  disagree, and gender (Олександр/Олександра, Ковальський/Ковальська): a fixed near-veto.
  Its weight is capped at `_MAX_NAME_WEIGHT` (13): namesakes cluster in families and
  villages, which word frequencies do not see;
- patronymic (Іванович, Петрівна, Николаевна; only in names of three words or more):
  the same father's name or another;
- born: same full date; same year; close (one typo, swapped digits, day and month
  swapped, a year apart); near (other, within 5 years); far (father and son): a near-veto
  unless the data show that their birth dates are often wrong;
- sex; document (equal, one typo, different); address (equal, close, partial: another
  door on the street, different); zone; household. One household or one address implies
  one zone (and one address), so these are not counted twice.

u: fixed priors per level (`_WEIGHTS`), except names, zone and sex. u of a name word is
its frequency among the records, smoothed toward 1 in 500 (term-frequency adjustment), so
two Коваленко agree for less than two Хмельницький; u of zone and sex is Σp² over their
values (`Model.fit_u`). m starts from the priors in `_WEIGHTS` and is refined on the
candidate pairs (`Model.refine`): a field's levels are counted among the pairs the other
fields alone make very sure of (weight ≥ `_SURE`, 24), blended with the prior as
`_PSEUDO` pairs, and only once at least `_SURE_ENOUGH` such pairs exist (a small registry
keeps the priors). Soft EM was tried and drifted into clusters of look-alikes on FEBRL.

The score is that sum less `scale_odds(N)`, log2(N / 100,000) for a registry of N > 100,000
records: a record meets more namesakes in a bigger town, so the prior odds of a match fall
as 1/N (the bands were set on registries up to that size).

Bands: link at score ≥ `LINK` (14, a Bayes factor of 16,000 to 1), review at
`REVIEW` ≤ score < `LINK` (12), distinct below (dropped). On FEBRL 1-4 the link band
alone scores F1 0.996, 0.993, 0.992 and 0.997 (precision 1.0; tests/match/test_febrl.py);
on bench/matchgen.py's generated town, F1 0.94 at 50,000 records (splink 5: 0.58), 0.93 at
100,000, 0.90 at 200,000 (precision 0.93, recall 0.88), 0.84 at 1,000,000 (precision 0.91,
recall 0.78): namesakes multiply with the town, and a name without a birth year cannot
tell them apart.
Nothing is merged automatically: `frontaid dedup run` queues every pair for review, and
merges the link band only when given `--merge-links`.

Speed: keys and blocks are linear in the records; scoring skips the slow comparisons of
a pair that cannot reach review (the name's, when even an equal name could not), memoises
name comparisons; a big run blocks, fits and scores on every core (forked workers, the
keys partitioned by hash). On two cores: 200,000 records in about 16 s (splink 5 on the
same records: 18-22 s), 1,000,000 in about 2 minutes (10.6 million candidate pairs).
"""

from __future__ import annotations

import contextlib
import itertools
import math
import multiprocessing
import os
import re
import threading
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from frontaid.match import names

LINK: Final = 14.0
REVIEW: Final = 12.0
BLOCK_CAP: Final = 12
WINDOW: Final = 4
# A name word's chance agreement: its frequency, smoothed toward 1 in 500 with the
# weight of 1000 records (so a registry of ten people does not make every name common).
_TF_PRIOR: Final = 0.002
_TF_PSEUDO: Final = 1000.0
_MAX_WORDS: Final = 4

# field -> level -> (m, u). u None: computed per pair (name words' frequencies).
_WEIGHTS: Final[dict[str, dict[str, tuple[float, float | None]]]] = {
    "name": {"agree": (0.85, None), "close": (0.13, None), "partial": (0.003, None), "short": (0.02, None),
             "disagree": (0.01, 0.99), "gender": (1e-6, 0.01)},
    "born": {"date": (0.85, 1 / 25000), "year": (0.9, 1 / 60), "close": (0.08, 0.004),
             "near": (0.02, 0.15), "far": (1e-6, 0.8)},
    "sex": {"agree": (0.98, 0.5), "disagree": (0.02, 0.5)},
    "doc": {"agree": (0.9, 1e-6), "close": (0.07, 1e-4), "disagree": (0.03, 1.0)},
    # Among people who share a name, sharing an address is common too (a family).
    "address": {"agree": (0.6, 0.02), "close": (0.25, 0.05), "partial": (0.1, 0.1),
                "disagree": (0.05, 0.88)},
    "zone": {"agree": (0.85, 0.1), "disagree": (0.15, 0.9)},
    # u of one household is not 1 in the number of households: among people who share a
    # name, sharing a door is common (father and son, mother and daughter).
    "household": {"agree": (0.4, 0.05), "disagree": (0.6, 0.95)},
    # Both names have one (Іванович, Петрівна, Николаевна): the father's name, kept apart.
    # Brothers and cousins share it: agreeing by chance is common.
    "patronymic": {"agree": (0.9, 0.3), "disagree": (0.05, 0.7)},
}
_LOG_U: Final = {f: {lv: (math.log2(u) if u else 0.0) for lv, (_m, u) in levels.items()}
                 for f, levels in _WEIGHTS.items()}
# Levels whose m the data does not move: a he/she name is a different person, whatever EM says.
_FIXED: Final = frozenset({"name.gender"})
_PSEUDO: Final = 200.0
_SURE: Final = 24.0
_SURE_ENOUGH: Final = 50
_EM_SAMPLE: Final = 60_000
# A close name word counts as this many times more likely by chance than an equal one.
_CLOSE_U: Final = 30.0
_MAX_NAME_WEIGHT: Final = 13.0
# The four words a Pair's fields show, from the finer levels.
_SHOWN: Final = {"agree": "agree", "date": "agree", "year": "agree", "close": "close",
                 "partial": "close", "short": "close", "near": "disagree", "far": "disagree",
                 "gender": "disagree", "disagree": "disagree", "missing": "missing"}


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


def _address_part(address: str) -> tuple[str, str]:
    hit = _ADDRESSES.get(address)
    if hit is None:
        toks = names.tokens(address)
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


_PAIR_KEYS: dict[tuple[tuple[str, ...], ...], frozenset[str]] = {}


def _pair_keys(codes: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    """Every unordered pair of the name's words' codes (memoised: many people share a name)."""
    hit = _PAIR_KEYS.get(codes)
    if hit is None:
        hit = frozenset(f"n{min(ci, cj)}|{max(ci, cj)}"
                        for i, j in itertools.combinations(range(len(codes)), 2)
                        for ci in codes[i] for cj in codes[j])
        if len(_PAIR_KEYS) < 300_000:
            _PAIR_KEYS[codes] = hit
    return hit


def _keys(x: _Rec, rare: str) -> set[str]:
    codes = tuple(w.codes for w in x.words)
    keys: set[str] = set(_pair_keys(codes))
    flat = {c for cs in codes for c in cs}
    if x.year is not None:  # one word and the year, the other word by its first two letters only
        if len(codes) == 1:
            keys.update(f"y{c}|{x.year}" for c in flat)
        for i, j in itertools.permutations(range(len(codes)), 2):
            first = x.words[j].loose[:2]
            keys.update(f"y{c}|{x.year}|{first}" for c in codes[i])
    if x.rec.household:
        keys.update(f"h{c}|{x.rec.household}" for c in flat)
    if len(x.doc) >= 4:
        keys.add(f"d{x.doc}")
    if len(x.doc) >= 6:  # one typo in a document number leaves one end whole
        keys.update((f"d<{x.doc[:4]}", f"d>{x.doc[-4:]}"))
    if x.street:
        keys.update(f"a{c}|{x.street}" for c in flat)
    if x.date:
        keys.add(f"b{x.date}|{rare}")
    if len(codes) == 1:  # a one-word name: the word alone
        keys.update(f"o{c}" for c in flat)
    return keys


# -- comparing --------------------------------------------------------------------------

_EXACT, _CLOSE, _DIFF, _GENDER = 3, 2, 0, -1
_WORD_CMP: dict[tuple[str, str], int] = {}
_TRAILING_VOWELS = re.compile(r"[aeiou]+$")


def _cmp_words(a: _Word, b: _Word) -> int:
    if a.loose == b.loose or not a.groups.isdisjoint(b.groups):
        return _EXACT
    k = (a.loose, b.loose)
    hit = _WORD_CMP.get(k)
    if hit is not None:
        return hit
    res = _DIFF
    sa, sb = _TRAILING_VOWELS.sub("", a.loose), _TRAILING_VOWELS.sub("", b.loose)
    if sa == sb and a.loose.endswith("a") != b.loose.endswith("a"):
        res = _GENDER  # Олександр/Олександра, Ковальов/Ковальова, Іван/Іванна
    elif a.groups and b.groups:
        res = _DIFF  # two known, different given names: Микола and Михайло
    elif (a.skel and a.skel == b.skel and len(a.skel) >= 3) or \
            JaroWinkler.normalized_similarity(a.loose, b.loose) >= 0.88:
        res = _CLOSE
    if len(_WORD_CMP) < 1_000_000:
        _WORD_CMP[k] = res
    return res


def _name_level(a: tuple[_Word, ...], b: tuple[_Word, ...],
                tf: dict[str, float]) -> tuple[str, float]:
    """The name's level and log2 of its chance agreement u (from the words' frequencies)."""
    if not a or not b:
        return "missing", 0.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    short, long_ = short[:_MAX_WORDS], long_[:_MAX_WORDS]
    grid = [[_cmp_words(s, t) for t in long_] for s in short]
    best: tuple[int, ...] = ()
    if len(short) == 2 and len(long_) == 2:  # the usual case, without permutations
        g = grid
        straight = (g[0][0] if g[0][0] != _GENDER else -5) + (g[1][1] if g[1][1] != _GENDER else -5)
        crossed = (g[0][1] if g[0][1] != _GENDER else -5) + (g[1][0] if g[1][0] != _GENDER else -5)
        best = (0, 1) if straight >= crossed else (1, 0)
    else:
        best_sum = -99
        for perm in itertools.permutations(range(len(long_)), len(short)):
            total = sum(grid[i][j] if grid[i][j] != _GENDER else -5 for i, j in enumerate(perm))
            if total > best_sum:
                best_sum, best = total, perm
    levels = [grid[i][j] for i, j in enumerate(best)]
    if _GENDER in levels:
        return "gender", _LOG_U["name"]["gender"]
    u = 1.0
    matched = 0
    for i, j in enumerate(best):
        if levels[i] == _EXACT:
            u *= max(tf[short[i].tf], tf[long_[j].tf])
            matched += 1
        elif levels[i] == _CLOSE:
            u *= min(1.0, _CLOSE_U * max(tf[short[i].tf], tf[long_[j].tf]))
            matched += 1
    if matched == 0:
        return "disagree", _LOG_U["name"]["disagree"]
    if matched == len(short) and len(short) >= 2:
        level = "agree" if _CLOSE not in levels else "close"
    elif matched == len(short):
        level = "short"  # one name is a single word, and it is a word of the other
    else:
        level = "partial"  # a word differs: another given name, another family
    return level, math.log2(u)


def _born_level(a: _Rec, b: _Rec) -> str:
    if a.year is None or b.year is None:
        return "missing"
    gap = abs(a.year - b.year)
    if a.date and b.date:
        if a.date == b.date:
            return "date"
        if DamerauLevenshtein.distance(a.date, b.date) <= 1 or \
                a.date[:4] + a.date[6:] + a.date[4:6] == b.date:  # day and month swapped
            return "close"
        return "near" if gap <= 5 else "far"
    if a.year == b.year:
        return "year"
    ya, yb = str(a.year), str(b.year)
    if gap <= 1 or (ya[:2] == yb[:2] and ya[2:] == yb[:1:-1]):
        return "close"
    return "near" if gap <= 5 else "far"


def _address_level(a: str, b: str) -> str:
    if not a or not b:
        return "missing"
    if a == b:
        return "agree"
    r = fuzz.token_set_ratio(a, b)
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        # Another house or flat on the same street is a neighbour, not the same door.
        return "partial" if r >= 70 else "disagree"
    return "close" if r >= 90 else "partial" if r >= 70 else "disagree"


def _doc_level(a: str, b: str) -> str:
    if not a or not b:
        return "missing"
    if a == b:
        return "agree"
    return "close" if DamerauLevenshtein.distance(a, b) <= 1 else "disagree"


def _same(a: str, b: str) -> str:
    if not a or not b:
        return "missing"
    return "agree" if a == b else "disagree"


_FIELDS: Final = ("name", "born", "sex", "doc", "address", "zone", "household")
FIELDS: Final = _FIELDS  # what a Pair's `fields` tells, in this order
# The patronymic is weighed on its own and shown as part of the name.
_LEVEL_FIELDS: Final = (*_FIELDS, "patronymic")
Levels = tuple[str, str, str, str, str, str, str, str]


def _patronymic_level(a: str, b: str) -> str:
    if not a or not b:
        return "missing"
    if a == b or JaroWinkler.normalized_similarity(a, b) >= 0.85:
        return "agree"
    ga = set(names.given_groups(a)) | set(names.given_groups(a + "i"))
    return "agree" if ga & (set(names.given_groups(b)) | set(names.given_groups(b + "i"))) else "disagree"


def _levels(x: _Rec, y: _Rec, tf: dict[str, float]) -> tuple[Levels, float]:
    """Each field's level for one pair, and log2 u of the name's level."""
    name, log_u = _name_level(x.words, y.words, tf)
    household = _same(x.rec.household, y.rec.household)
    if household == "agree":
        # One household has one address and one zone: counting them again would count
        # the same evidence three times.
        address = zone = "missing"
    else:
        address, zone = _address_level(x.address, y.address), _same(x.rec.zone, y.rec.zone)
        if address in ("agree", "close"):
            zone = "missing"  # one address is in one zone
    return (name, _born_level(x, y), _same(x.sex, y.sex), _doc_level(x.doc, y.doc), address, zone,
            household, _patronymic_level(x.patro, y.patro)), log_u


class Model:
    """The m probabilities per field level (u fixed, names' u from their frequencies).

    Starts from the priors in `_WEIGHTS`; `refine` moves them toward what the candidate
    pairs show (EM, each m held by `_PSEUDO` pairs' worth of prior, so a small registry
    keeps the priors and a large one speaks for itself).
    """

    def __init__(self) -> None:
        self.m = {f: {lv: m for lv, (m, _u) in levels.items()} for f, levels in _WEIGHTS.items()}
        self.log_u = {f: dict(levels) for f, levels in _LOG_U.items()}
        self._cache()

    def _cache(self) -> None:
        self.log_m = {f: {lv: math.log2(m) for lv, m in levels.items()} for f, levels in self.m.items()}
        self.w = {f: {lv: lm - self.log_u[f][lv] for lv, lm in levels.items()}
                  for f, levels in self.log_m.items()}
        for w in self.w.values():
            w["missing"] = 0.0
        self.best_address = max(self.w["address"].values())
        # What the name, zone and address can add at best (no name weight exceeds the cap);
        # by whether the pair shares a household (then address and zone are not weighed).
        self.best_rest = {True: _MAX_NAME_WEIGHT,
                          False: _MAX_NAME_WEIGHT + max(self.w["zone"].values()) + self.best_address}

    def weight(self, levels: Levels, name_log_u: float) -> float:
        total = 0.0
        w = self.w
        for f, lv in zip(_LEVEL_FIELDS, levels, strict=True):
            if lv == "missing":
                continue
            if f == "name":
                total += min(_MAX_NAME_WEIGHT, self.log_m[f][lv] - name_log_u)
            else:
                total += w[f][lv]
        return total

    def quick(self, x: _Rec, y: _Rec, tf: dict[str, float],
              names_seen: dict[tuple[str, str], tuple[str, float]],
              floor: float) -> tuple[float, Levels] | None:
        """`weight(_levels(x, y))`, or None as soon as the pair cannot reach `floor` (the slow
        address comparison is skipped then); name levels memoised by spelling."""
        w = self.w
        born = _born_level(x, y)
        sex = _same(x.sex, y.sex)
        doc = _doc_level(x.doc, y.doc) if x.doc and y.doc else "missing"
        household = _same(x.rec.household, y.rec.household)
        patro = _patronymic_level(x.patro, y.patro) if x.patro and y.patro else "missing"
        total = (w["born"][born] + w["sex"][sex] + w["doc"][doc] + w["household"][household]
                 + w["patronymic"][patro])
        # The name is the costly comparison: skipped when even the best name could not lift
        # the pair to `floor` (birth years far apart, another document, ...).
        if total + self.best_rest[household == "agree"] < floor:
            return None
        key = (x.key, y.key)
        hit = names_seen.get(key)
        if hit is None:
            hit = _name_level(x.words, y.words, tf)
            if len(names_seen) < 2_000_000:
                names_seen[key] = hit
        name, log_u = hit
        total += min(_MAX_NAME_WEIGHT, self.log_m["name"][name] - log_u) if name != "missing" else 0.0
        if household == "agree":
            address = zone = "missing"
        else:
            zone = _same(x.rec.zone, y.rec.zone)
            if total + w["zone"][zone] + self.best_address < floor:
                return None
            address = _address_level(x.address, y.address)
            if address in ("agree", "close"):
                zone = "missing"  # one address is in one zone
            total += w["address"][address] + w["zone"][zone]
        if total < floor:
            return None
        return total, (name, born, sex, doc, address, zone, household, patro)

    def fit_u(self, recs: list[_Rec]) -> None:
        """u of zone and sex from how their values are spread: two people drawn at random share
        a zone with chance Σp² (6 zones of a town: about 1 in 5; a postcode: far less)."""
        for f, values in (("zone", [x.rec.zone for x in recs if x.rec.zone]),
                          ("sex", [x.sex for x in recs if x.sex])):
            if len(values) < 100:
                continue  # too few to say: the prior stands
            n = len(values)
            agree = min(max(sum((c / n) ** 2 for c in Counter(values).values()), 1e-4), 0.9)
            self.log_u[f] = {"agree": math.log2(agree), "disagree": math.log2(1 - agree), "missing": 0.0}
        self._cache()

    def refine(self, sample: list[tuple[Levels, float]], rounds: int = 2) -> None:
        """Re-estimate each field's m from the candidate pairs the other fields alone make sure of.

        A field's levels among pairs whose weight without that field is at least `_SURE`
        (leave-one-field-out, a hard-assignment EM that cannot drift into a cluster of
        look-alikes the way soft EM does), blended with the prior as `_PSEUDO` pairs.
        """
        for _ in range(rounds):
            # Each field's weight by level (missing: 0), the name's capped by its words' u.
            table = [{lv: (0.0 if lv == "missing" else self.log_m[f][lv] - self.log_u[f][lv])
                      for lv in (*self.log_m[f], "missing")} for f in _LEVEL_FIELDS[1:]]
            name_m = self.log_m["name"]
            weights = [[(0.0 if levels[0] == "missing" else min(_MAX_NAME_WEIGHT, name_m[levels[0]] - log_u)),
                        *(t[lv] for t, lv in zip(table, levels[1:], strict=True))]
                       for levels, log_u in sample]
            counts = {f: dict.fromkeys(ms, 0) for f, ms in self.m.items()}
            for (levels, _log_u), ws in zip(sample, weights, strict=True):
                total = sum(ws)
                for k, (f, lv) in enumerate(zip(_LEVEL_FIELDS, levels, strict=True)):
                    if lv != "missing" and total - ws[k] >= _SURE:
                        counts[f][lv] += 1
            for f, ms in self.m.items():
                seen = sum(counts[f].values())
                if seen < _SURE_ENOUGH:
                    continue  # a small registry keeps the priors
                for lv in ms:
                    if f"{f}.{lv}" not in _FIXED:
                        prior = _WEIGHTS[f][lv][0]
                        ms[lv] = max((counts[f][lv] + _PSEUDO * prior) / (seen + _PSEUDO), 1e-9)
            self._cache()


_DEFAULT: Final = Model()


def _shown(x: _Rec, y: _Rec, levels: Levels) -> dict[str, str]:
    """The four-word agreement of each field, for people (one household: one address and zone)."""
    fields = {f: _SHOWN[lv] for f, lv in zip(_FIELDS, levels[:len(_FIELDS)], strict=True)}
    if levels[-1] == "disagree" and fields["name"] == "agree":
        fields["name"] = "close"  # the same names, another father
    if fields["household"] == "agree":
        fields["address"] = "agree" if x.address and y.address else "missing"
    if fields["household"] == "agree" or fields["address"] in ("agree", "close"):
        fields["zone"] = _same(x.rec.zone, y.rec.zone)
    return fields


def _score(x: _Rec, y: _Rec, tf: dict[str, float],
           model: Model | None = None) -> tuple[float, dict[str, str]]:
    levels, log_u = _levels(x, y, tf)
    score = (model or _DEFAULT).weight(levels, log_u)
    return score, _shown(x, y, levels)


def _tf_table(recs: list[_Rec]) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for x in recs:
        counts.update({w.tf for w in x.words})
    n = len(recs)
    return defaultdict(lambda: _TF_PRIOR * _TF_PSEUDO / (n + _TF_PSEUDO),
                       {k: (c + _TF_PRIOR * _TF_PSEUDO) / (n + _TF_PSEUDO) for k, c in counts.items()})


# -- the whole run ----------------------------------------------------------------------

_SCALE_FROM: Final = 100_000


def scale_odds(people: int) -> float:
    """What a big registry takes off every weight: log2 of how many more namesakes a record
    meets than in one of `_SCALE_FROM` people (the prior odds of a match fall as 1/N).
    The bands were set on registries up to that size (FEBRL, the generated town)."""
    return max(0.0, math.log2(people / _SCALE_FROM)) if people else 0.0


# A phase's inputs, for the forked workers (inherited, never pickled).
_JOB: tuple[Any, ...] | None = None
_PARALLEL_FROM: Final = 400_000  # candidate pairs; fewer are scored faster than a fork
_PARALLEL_KEYS_FROM: Final = 50_000  # records; fewer are blocked faster in one process


def _workers(work: int, threshold: int | None = None) -> int:
    """Processes for a phase: every core on a big run (`work` of at least `threshold`,
    by default `_PARALLEL_FROM` candidate pairs), unless threads forbid a fork."""
    if work < (_PARALLEL_FROM if threshold is None else threshold) or threading.active_count() > 1 or \
            "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(4, os.cpu_count() or 1))


@contextlib.contextmanager
def _pool(workers: int, job: tuple[Any, ...]) -> Iterator[Callable[[Any, list[Any]], list[Any]]]:
    """A `map` over `workers` forked processes (one: here, in order) that inherit `job` as
    `_JOB`, the phase's inputs (never pickled)."""
    global _JOB
    _JOB = job
    try:
        if workers <= 1:
            yield lambda fn, args: [fn(a) for a in args]
            return
        pool = multiprocessing.get_context("fork").Pool(workers)
        try:
            yield pool.map
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            # Joined: the pool's own threads gone, so the next phase may fork again.
            pool.join()
    finally:
        _JOB = None


def _forked(workers: int, job: tuple[Any, ...], fn: Any, args: list[Any]) -> list[Any]:
    """`fn` over `args` in `workers` forked processes (one process: here), inheriting `job`."""
    with _pool(workers, job) as mapper:
        return mapper(fn, args)


# A key travels between the blocking phases as 61 bits of its hash and 2 bits of its kind
# (how a big block is ordered). Two keys sharing a hash (for a million keys, once in a
# million runs) join their blocks: more pairs compared, or a block grown past `BLOCK_CAP`
# met by neighbourhood.
_HASH_MASK: Final = (1 << 61) - 1
_KIND_BITS: Final = {"n": 1, "d": 2}


def _key_hashes(bounds: tuple[int, int]) -> list[bytes]:
    """Blocking, phase one: the keys of records lo..hi as (key, record) pairs of ints, one
    array per partition of the keys (the next phase builds each partition's blocks)."""
    assert _JOB is not None
    recs, rare, parts = _JOB
    outs = [array("q") for _ in range(parts)]
    for i in range(bounds[0], min(bounds[1], len(recs))):
        x, r = recs[i], rare[i]
        for k in _keys(x, r):
            h = hash(k) & _HASH_MASK
            out = outs[h % parts]
            out.append((h << 2) | _KIND_BITS.get(k[0], 0))
            out.append(i)
    return [o.tobytes() for o in outs]


def _candidates(chunks: list[bytes]) -> bytes:
    """Blocking, phase two: the candidate pairs (codes i * n + j, i < j) of one partition's
    keys, from phase one's arrays in record order. Each block is whole in one partition; a
    pair two blocks share may come from two partitions (the caller takes the union)."""
    assert _JOB is not None
    recs = _JOB[0]
    # Most keys are one record's alone: a key remembers its first record, and becomes a
    # block (a list) only when a second record shares it.
    first: dict[int, int] = {}
    blocks: dict[int, list[int]] = {}
    for chunk in chunks:
        pairs = array("q")
        pairs.frombytes(chunk)
        it = iter(pairs)
        for k, i in zip(it, it, strict=True):
            j = first.setdefault(k, i)
            if j != i:
                members = blocks.get(k)
                if members is None:
                    blocks[k] = [j, i]
                else:
                    members.append(i)
    first.clear()
    seen: set[int] = set()
    n = len(recs)
    for key, members in blocks.items():
        if len(members) <= BLOCK_CAP:
            for i, j in itertools.combinations(members, 2):
                seen.add(i * n + j)
        else:
            # Sorted so that the likeliest duplicates are neighbours: in a block of one name,
            # by birth year; in others, by the name's spelling.
            kind = key & 3
            if kind == 1:
                order = sorted(members, key=lambda i: (recs[i].year or 0, recs[i].spelling, i))
            elif kind == 2:
                order = sorted(members, key=lambda i: (recs[i].doc, i))
            else:
                order = sorted(members, key=lambda i: (recs[i].spelling, i))
            for p, i in enumerate(order):
                for j in order[p + 1:p + 1 + WINDOW]:
                    seen.add(i * n + j if i < j else j * n + i)
    return array("q", seen).tobytes()


def _levels_slice(bounds: tuple[int, int]) -> list[tuple[Levels, float]]:
    assert _JOB is not None
    recs, tf, sample, n = _JOB
    return [_levels(recs[i], recs[j], tf) for i, j in (divmod(c, n) for c in sample[bounds[0]:bounds[1]])]


def _score_slice(bounds: tuple[int, int]) -> list[tuple[int, float, Levels]]:
    assert _JOB is not None
    recs, tf, codes, n, shift, model = _JOB
    names_seen: dict[tuple[str, str], tuple[str, float]] = {}
    out = []
    for code in codes[bounds[0]:bounds[1]]:
        i, j = divmod(code, n)
        hit = model.quick(recs[i], recs[j], tf, names_seen, REVIEW + shift)
        if hit is not None:
            out.append((code, hit[0] - shift, hit[1]))
    return out


def _slices(total: int, workers: int) -> list[tuple[int, int]]:
    step = max(1, -(-total // (workers * 4))) if workers > 1 else max(1, total)
    return [(lo, lo + step) for lo in range(0, total, step)]


def find_pairs(records: Iterable[Record], *, timings: dict[str, float] | None = None,
               parallel: bool = True) -> list[Pair]:
    """Link and review pairs (distinct ones dropped); fills timings with seconds per phase
    ("features", "block": keys and blocks, "em": the model's fit, "score") when given. A big run
    blocks and scores on every core (forked processes) unless `parallel` is false or the
    caller runs threads."""
    t0 = time.perf_counter()
    by_id = {r.id: r for r in records}
    recs = [_features(by_id[k]) for k in sorted(by_id)]
    tf = _tf_table(recs)
    rare = [""] * len(recs)
    for i, x in enumerate(recs):
        if x.date and x.words:
            w = min(x.words, key=lambda w: (tf[w.tf], w.loose))
            rare[i] = (w.skel or w.loose)[:1]
    t1 = time.perf_counter()
    n = len(recs)
    workers = _workers(n, _PARALLEL_KEYS_FROM) if parallel else 1
    with _pool(workers, (recs, rare, workers)) as mapper:
        hashed = mapper(_key_hashes, _slices(n, workers))
        parts = mapper(_candidates, [[h[p] for h in hashed] for p in range(workers)])
        del hashed
    seen: set[int] = set()
    for part in parts:
        seen.update(array("q", part))
    del parts
    t2 = time.perf_counter()
    model = Model()
    model.fit_u(recs)
    if seen:
        # EM on a sample of the candidates; which ones depends only on the pair, not on order.
        cut = min(1.0, _EM_SAMPLE / len(seen)) * 1_000_003
        sample = sorted(c for c in seen if (c * 2654435761) % 1_000_003 < cut)
        workers = _workers(len(seen)) if parallel else 1
        model.refine([lv for part in _forked(workers, (recs, tf, sample, n), _levels_slice,
                                             _slices(len(sample), workers)) for lv in part])
    codes = list(seen)
    seen.clear()
    t_em = time.perf_counter()
    workers = _workers(len(codes)) if parallel else 1
    scored = [hit for part in _forked(workers, (recs, tf, codes, n, scale_odds(n), model), _score_slice,
                                      _slices(len(codes), workers)) for hit in part]
    pairs = []
    for code, score, levels in scored:
        i, j = divmod(code, n)
        pairs.append(Pair(recs[i].rec.id, recs[j].rec.id, round(score, 2), band(score),
                          _shown(recs[i], recs[j], levels)))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    t3 = time.perf_counter()
    if timings is not None:
        timings.update({"features": t1 - t0, "block": t2 - t1, "em": t_em - t2, "score": t3 - t_em,
                        "candidates": float(len(codes))})
    return pairs


def compare(a: Record, b: Record, population: Iterable[Record] = ()) -> tuple[float, dict[str, str]]:
    """The match weight and field levels of one pair; name frequencies from `population`."""
    pop = [_features(r) for r in population] or [_features(a), _features(b)]
    return _score(_features(a), _features(b), _tf_table(pop))


def name_key(w: _Word) -> str:
    """The `name_keys` key that counts a name word's frequency (given-name group, phonetic key
    or loose spelling)."""
    return f"g:{min(w.groups)}" if w.groups else f"p:{w.skel}" if w.skel else f"v:{w.loose}"


def word_keys(name: str) -> list[str]:
    """The frequency keys of a name's words (what `rank_candidates` needs counted)."""
    return [name_key(w) for w in _features(Record("", name)).words]


def rank_candidates(me: Record, people: Iterable[Record], key_counts: dict[str, int], total: int,
                    limit: int = 5) -> list[tuple[Record, float, dict[str, str]]]:
    """The people (of a pool already narrowed by shared name keys) who may be `me`, with their
    score and fields, most likely first; `key_counts`: how many registered names hold each of
    `word_keys(me.name)`, in a registry of `total` people."""
    n = max(int(total), 1)
    prior = _TF_PRIOR * _TF_PSEUDO / (n + _TF_PSEUDO)
    tf: dict[str, float] = defaultdict(lambda: prior)
    mine = _features(me)
    for w in mine.words:
        tf[w.tf] = (key_counts.get(name_key(w), 0) + _TF_PRIOR * _TF_PSEUDO) / (n + _TF_PSEUDO)
    found: list[tuple[Record, float, dict[str, str]]] = []
    for other in people:
        score, fields = _score(mine, _features(other), tf)
        score -= scale_odds(n)
        if score >= REVIEW:
            found.append((other, round(score, 2), fields))
    found.sort(key=lambda f: (-f[1], f[0].id))
    return found[:limit]
