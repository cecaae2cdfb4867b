"""Scoring: Fellegi–Sunter match weights per field level, the model refined on the candidates,
and the ranking of one new name against a pool (see match/dedup.py for the method)."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Final

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from frontaid.domain import name_keys as names
from frontaid.match import parallel
from frontaid.match.records import (
    _DIGITS,
    _MAX_WORDS,
    _TF_PRIOR,
    _TF_PSEUDO,
    LINK,
    REVIEW,
    Record,
    _features,
    _Rec,
    _Word,
)

# field -> level -> (m, u). u None: computed per pair (name words' frequencies).
_WEIGHTS: Final[dict[str, dict[str, tuple[float, float | None]]]] = {
    # variant: a word that differs from the other only by a vowel of its ending (Гусак/Гусик,
    # Остапець/Остапич): most often two families' surnames, sometimes a slip of the pen.
    "name": {"agree": (0.85, None), "close": (0.13, None), "variant": (0.02, None), "partial": (0.003, None),
             "short": (0.02, None),
             "disagree": (0.01, 0.99), "gender": (1e-6, 0.01)},
    # typo: the year's one mistyped digit beyond the next year (1952/1962; 1937/1987, a 3 read
    # as an 8): about one year in ten is written so in a town's lists, few strangers' years so.
    "born": {"date": (0.85, 1 / 25000), "year": (0.9, 1 / 60), "close": (0.08, 0.004),
             "typo": (0.02, 0.06), "near": (0.02, 0.15), "far": (1e-6, 0.8)},
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
_EM_SAMPLE: Final = 120_000
# A close name word counts as this many times more likely by chance than an equal one.
_CLOSE_U: Final = 30.0
_MAX_NAME_WEIGHT: Final = 13.0
# The four words a Pair's fields show, from the finer levels.
_SHOWN: Final = {"agree": "agree", "date": "agree", "year": "agree", "close": "close",
                 "partial": "close", "short": "close", "variant": "close", "typo": "close",
                 "near": "disagree", "far": "disagree",
                 "gender": "disagree", "disagree": "disagree", "missing": "missing"}


# -- comparing --------------------------------------------------------------------------

_EXACT, _CLOSE, _VARIANT, _DIFF, _GENDER = 3, 2, 1, 0, -1
_WORD_CMP: dict[tuple[str, str], int] = {}

_TRAILING_VOWELS = re.compile(r"[aeiou]+$")
_VOWELS = frozenset("aeiouy")
# How far from a word's end its ending reaches (-ак, -ець, -ич, -ук): a vowel changed there names
# another family more often than it is a slip.
_ENDING = 3
# Surname endings as `names.loose` spells them (-енко, -ишин, -чук, -юк, -ський, -ська, -ець, -ич,
# -ів, ...): one stem with two of them is two families (Бондарчук and Бондарська, Чернський and
# Чернчук, Остапець and Остапич), not a slip of the pen.
_SURNAME_ENDINGS: Final = ("enko", "isin", "ysyn", "suk", "iuk", "iak", "ski", "ska", "ova", "eva", "ina",
                           "uk", "ak", "ik", "ok", "yk", "es", "is", "ov", "ev", "iv", "in", "ko")


def _ending_variant(a: str, b: str) -> bool:
    """Whether two spellings are one stem with two surname endings, or differ only in vowels of
    their last letters."""
    for ea in _SURNAME_ENDINGS:
        if a.endswith(ea) and len(a) - len(ea) >= 3:
            stem = a[:-len(ea)]
            if any(eb != ea and b.endswith(eb) and b[:-len(eb)] == stem for eb in _SURNAME_ENDINGS):
                return True
    if len(a) != len(b) or len(a) < 5:
        return False
    diff = [i for i, (p, q) in enumerate(zip(a, b, strict=True)) if p != q]
    return bool(diff) and all(i >= len(a) - _ENDING and a[i] in _VOWELS and b[i] in _VOWELS for i in diff)


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
    elif _ending_variant(a.loose, b.loose):
        res = _VARIANT
    elif DamerauLevenshtein.distance(a.loose, b.loose) > 2:
        res = _DIFF  # a typo changes a letter or two; more is another name (Коваленко/Ковальчук)
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
        elif levels[i] in (_CLOSE, _VARIANT):
            u *= min(1.0, _CLOSE_U * max(tf[short[i].tf], tf[long_[j].tf]))
            matched += 1
    if matched == 0:
        return "disagree", _LOG_U["name"]["disagree"]
    if matched == len(short) and len(short) >= 2:
        level = "variant" if _VARIANT in levels else "close" if _CLOSE in levels else "agree"
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
        if a.date[4:] == b.date[4:]:
            return _year_apart(a.year, b.year)  # the day and month agree: the year was mistyped
        return "near" if gap <= 5 else "far"
    if a.year == b.year:
        return "year"
    ya, yb = str(a.year), str(b.year)
    if gap <= 1 or (ya[:2] == yb[:2] and ya[2:] == yb[:1:-1]):
        return "close"
    return _year_apart(a.year, b.year)


def _year_apart(a: int, b: int) -> str:
    """Two years more than one apart: one mistyped digit (1952/1962), a few years, or far."""
    if sum(p != q for p, q in zip(str(a), str(b), strict=False)) == 1 and abs(a - b) > 5:
        return "typo"
    return "near" if abs(a - b) <= 5 else "far"


_WORDS_IN: Final = re.compile(r"[^\W\d_]{2,}")


def _address_level(a: str, b: str) -> str:
    if not a or not b:
        return "missing"
    if a == b:
        return "agree"
    if not _WORDS_IN.search(a) or not _WORDS_IN.search(b):
        # One side is a house number alone ("підвал, 22": its street was not written): the same
        # number is weak evidence, a different one says little either.
        return "partial" if _DIGITS.findall(a)[:1] == _DIGITS.findall(b)[:1] else "disagree"
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


# A name this many others in the registry are expected to share by chance (its frequency times
# the registry's size) needs more than the name and a birth year to link: see `_capped`.
NAMESAKES_TO_CORROBORATE: Final = 0.5


def namesakes(x: _Rec, tf: dict[str, float], people: int) -> float:
    """How many other records are expected to carry `x`'s name by chance: each word's frequency in
    this registry, multiplied, times its size (the name's u times N; common names count high)."""
    share = 1.0
    for w in x.words:
        share *= tf[w.tf]
    return share * people


def _capped(score: float, levels: Levels, x: _Rec, y: _Rec, expected: float = 0.0,
            shared_mates: bool = False) -> float:
    """Pairs the rule never links, however the weights add up; at most a person decides, in review.

    A link needs the whole name (every word equal or a slip of one or two letters, not another ending) and
    the birth agreeing (the same year, or full dates a slip apart); or the same document; or the same full
    birth date and a document a slip apart. A birth missing on one side, a year apart or mistyped, a given
    name that differs: a namesake in the family or next door looks just like that, so a person decides. So
    does another patronymic, unless the document agrees. Namesakes in one household (father and son,
    mother and daughter) whose birth years are not known to agree may be different people, whatever else
    agrees. And a name common enough in this registry that another person is expected to carry it
    (`expected`, from `namesakes`: the bigger the registry, the more names are) links only with something
    a namesake would not share: the full birth date, a document, the address or the household with the
    year; else it goes to review."""
    name, born, doc = levels[0], levels[1], levels[3] == "agree"
    born_agrees = born in ("date", "year") or (born == "close" and bool(x.date and y.date))
    # The full birth date and a document a slip apart vouch for a name written badly.
    whole = (doc and name not in ("disagree", "gender")) or (name in ("agree", "close") and born_agrees) or (
        born == "date" and levels[3] == "close" and name not in ("disagree", "gender"))
    # In one household, the same name without the same birth year (or with one missing) may be
    # father and son: never linked.
    home_namesakes = levels[6] == "agree" and born not in ("date", "year")
    # The address or the household vouch only with the birth year: a son named after his father
    # lives at his father's address.
    corroborated = born == "date" or doc or shared_mates or (
        born == "year" and (levels[4] == "agree" or levels[6] == "agree"))
    common = expected >= NAMESAKES_TO_CORROBORATE and not corroborated
    # Another father's name (Миколаївна, Михайлівна) is another person unless a document says so.
    other_father = levels[7] == "disagree" and not doc
    if not whole or home_namesakes or common or other_father:
        return min(score, math.nextafter(LINK, -math.inf))
    return score


def _score(x: _Rec, y: _Rec, tf: dict[str, float],
           model: Model | None = None, people: int = 0) -> tuple[float, dict[str, str]]:
    levels, log_u = _levels(x, y, tf)
    score = _capped((model or _DEFAULT).weight(levels, log_u), levels, x, y, namesakes(x, tf, people))
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


def _levels_slice(bounds: tuple[int, int]) -> list[tuple[Levels, float]]:
    recs, tf, sample, n = parallel.job()
    return [_levels(recs[i], recs[j], tf) for i, j in (divmod(c, n) for c in sample[bounds[0]:bounds[1]])]


# Two records whose households have another member in common (by name, in any script: the wife,
# the grandson) are one family registered twice: this much more evidence, and corroboration.
MATES_BONUS: Final = 3.0


def household_mates(recs: list[_Rec], tf: dict[str, float]) -> list[frozenset[str]]:
    """For each record, the names of the other people in its household (their sorted loose words),
    only names rare enough in this registry that two households sharing one are one family."""
    members: dict[str, set[str]] = {}
    n = len(recs)
    for x in recs:
        if x.rec.household and x.spelling and namesakes(x, tf, n) < NAMESAKES_TO_CORROBORATE:
            members.setdefault(x.rec.household, set()).add(x.spelling)
    return [frozenset(members.get(x.rec.household, set()) - {x.spelling}) if x.rec.household else frozenset()
            for x in recs]


def _score_slice(bounds: tuple[int, int]) -> list[tuple[int, float, Levels]]:
    recs, tf, codes, n, shift, model, mates = parallel.job()
    names_seen: dict[tuple[str, str], tuple[str, float]] = {}
    out = []
    for code in codes[bounds[0]:bounds[1]]:
        i, j = divmod(code, n)
        x, y = recs[i], recs[j]
        shared = x.rec.household != y.rec.household and not mates[i].isdisjoint(mates[j])
        hit = model.quick(x, y, tf, names_seen, REVIEW + shift - (MATES_BONUS if shared else 0.0))
        if hit is not None:
            # A family in common with different birth years is father and son: no evidence then.
            shared = shared and hit[1][1] in ("date", "year")
            score = hit[0] - shift + (MATES_BONUS if shared else 0.0)
            out.append((code, _capped(score, hit[1], x, y, namesakes(x, tf, n), shared), hit[1]))
    return out


def compare(a: Record, b: Record, population: Iterable[Record] = ()) -> tuple[float, dict[str, str]]:
    """The match weight and field levels of one pair; name frequencies from `population`."""
    pop = [_features(r) for r in population] or [_features(a), _features(b)]
    return _score(_features(a), _features(b), _tf_table(pop), people=len(pop))


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
        score, fields = _score(mine, _features(other), tf, people=n)
        score -= scale_odds(n)
        if score >= REVIEW:
            found.append((other, round(score, 2), fields))
    found.sort(key=lambda f: (-f[1], f[0].id))
    return found[:limit]
