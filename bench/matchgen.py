"""A seeded, labelled set of person records with duplicates, for the matching benchmark.

    from matchgen import Config, generate
    ds = generate(Config(records=200_000, seed=5))
    ds.rows[0]           # Row(id='P0000000', name='Коваленко Ігор Петрович', born='1952-03-04', ...)
    ds.entity[0]         # the true person behind row 0
    ds.kinds[0]          # how row 0 was corrupted from the person's first record: ('ru', 'swapped')

A town is drawn household by household (old couples, people alone, parents and the
child who stayed, families with children; Ukrainian given names and a long tail of
surnames). Every person gets a first record, written as the registration desk would:
Ukrainian Cyrillic, "Surname Given Patronymic", usually a full birth date. Some
people are registered again, alone or with their whole household at another desk,
and each second record is rendered differently, with the chances set in `Config`:

- the name's script or spelling: the same Ukrainian Cyrillic (`uk`), Russian
  spelling (`ru`: Николай Коваленко), the passport's KMU-2010 Latin (`kmu`), another
  Latin convention (`latin`: passport 2007, German, Polish, French, BGN, national
  1996, Russian ICAO on the Russian form), or the English given name (`english`:
  Nicholas Kovalenko);
- `typo` (one edit in the surname or the given name), `swapped` (given name first),
  `patronymic` (present in one record and not the other), `upper` (all capitals);
- the birth date: `born-year` (year only), `born-missing`, `born-wrong` (a digit
  slip, or day and month swapped), else the full date;
- the address: `addr-latin` ("Myru st 12"), `addr-short` ("Миру, 12"), `addr-vague`
  (street only: "вул. Миру"), `addr-missing`, `addr-moved` (somewhere else),
  `addr-shelter` (the shelter word and the house number: "підвал, 22"), else the same;
  `other-household` when the record sits in another household's card.

Hard negatives are drawn on purpose and listed in `Dataset.hard`: a son named after
his father (`father-son`), siblings with the paired names Олександр/Олександра
(`paired-siblings`, twins with one birth date among them), and couples with paired
names (`paired-couple`). Namesakes born in the same year come from the name
frequencies by themselves.

Names are put together at random from common given names and surnames; they are
nobody in particular. `Config.real_town()` draws a town as issue 15 describes the lists of a
real Donbas town: a third of the people under a few dozen surnames, births mostly a year or
missing, shelters written as addresses. Pure Python, no I/O; the same Config gives the same rows.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Final, NamedTuple

import translitua as tr

from frontaid.domain.given import GIVEN_NAMES
from frontaid.scenario.people import FEMALE, MALE, STREETS, SURNAMES

# -- names ----------------------------------------------------------------------------------

MALE_NAMES: Final = MALE + (
    "Олексій", "Ігор", "Вадим", "Віталій", "Вʼячеслав", "Руслан", "Тарас", "Ярослав", "Станіслав",
    "Валентин", "Кирило", "Назар", "Данило", "Святослав", "Владислав", "Мирослав", "Аркадій", "Семен",
    "Матвій", "Ілля", "Єгор", "Гліб", "Едуард", "Захар", "Ростислав", "Всеволод", "Антон", "Марко",
)
FEMALE_NAMES: Final = FEMALE + (
    "Олександра", "Ярослава", "Владислава", "Богдана", "Мирослава", "Станіслава", "Юлія", "Марина",
    "Яна", "Поліна", "Єлизавета", "Ксенія", "Олеся", "Жанна", "Зоя", "Діана", "Вероніка", "Маргарита",
)
# Given names that differ by one ending between a man and a woman: the hard negatives.
PAIRED: Final = (
    ("Олександр", "Олександра"), ("Євген", "Євгенія"), ("Ярослав", "Ярослава"),
    ("Владислав", "Владислава"), ("Богдан", "Богдана"), ("Мирослав", "Мирослава"),
    ("Станіслав", "Станіслава"), ("Валентин", "Валентина"), ("Віктор", "Вікторія"),
)
_ROOTS: Final = tuple(
    "Бондар Ткач Гончар Кушнір Шевч Кравч Ковал Лис Руд Марч Клим Петр Павл Сидор Литвин Мороз "  # noqa: SIM905
    "Роман Остап Гумен Левч Захарч Пономар Кирил Гаврил Дорош Нестер Олійн Приход Демч Тарас Гриц "
    "Яков Савч Полішч Мельнич Бойч Шаповал Білоус Кузьм Федор Гнат Гордій Карп Кулик Лозин Мартин "
    "Назар Охрім Панас Прокоп Семен Стець Тимош Устим Хом Цимбал Чорнов Шкурат Юрч Ярем Бабич Вакул "
    "Гайдай Дяч Ємел Жура Засух Іщ Кобзар Лук Максим Ничипор Опанас Паращ Рябок Сав Тищ Удов Фесь "
    "Харч Черн Шуль Щерб Юхим Якуб Баран Вовк Голуб Дуб Журавл Зубр Книш Лебедь Медвідь Орел Півн "
    "Сокол Тур Хорош Чайк Шпак Ящур Борис Гуц Дем Заїк Кос Лень Мась Онищ Пилип Рев Сем Тк Фед "
    "Чуб Шевел Биков Верес Гал Дрозд Жовт Зін Калин Лавр Мих Ніжн Осип Пуш Риб Сорок Тимч Фом".split()
)
_SUFFIXES: Final = (("енко", "енко"), ("ук", "ук"), ("чук", "чук"), ("ський", "ська"), ("ов", "ова"),
                    ("ишин", "ишина"), ("ак", "ак"), ("ик", "ик"), ("ець", "ець"), ("ич", "ич"))


def _surnames() -> tuple[tuple[str, str], ...]:
    """People's surnames, then every root with every ending (~1,300 made-up ones), in a fixed
    shuffled order (not drawn from the dataset's seed) that decides how common each is."""
    rng = random.Random(1991)
    made: list[tuple[str, str]] = []
    seen = {m for m, _f in SURNAMES}
    for root in _ROOTS:
        for m_suf, f_suf in _SUFFIXES:
            stem = root.rstrip("ь")
            if stem.endswith(("ч", "щ", "ш")) and m_suf == "чук":
                m_suf, f_suf = "ук", "ук"
            if stem.endswith(m_suf[:2]):
                continue
            if stem.endswith("й") and m_suf.startswith("е"):  # Гайдай + енко → Гайдаєнко
                stem, m_suf, f_suf = stem[:-1], "є" + m_suf[1:], "є" + f_suf[1:]
            pair = (stem + m_suf, stem + f_suf)
            if pair[0] not in seen:
                seen.add(pair[0])
                made.append(pair)
    rng.shuffle(made)
    return tuple(SURNAMES) + tuple(made)


SURNAME_POOL: Final = _surnames()


def _zipf(n: int, s: float) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n: a few names common, a long tail rare."""
    acc, out = 0.0, []
    for r in range(1, n + 1):
        acc += 1.0 / r**s
        out.append(acc)
    return out


_CUM_MALE: Final = _zipf(len(MALE_NAMES), 0.7)
_CUM_FEMALE: Final = _zipf(len(FEMALE_NAMES), 0.7)
_CUM_SURNAME: Final = _zipf(len(SURNAME_POOL), 0.5)
_CUM_HEAD: Final = _zipf(len(SURNAME_POOL), 0.3)  # within the head of a real town: a flatter spread


def _lines() -> dict[str, list[str]]:
    return {line.split()[0]: line.split() for line in GIVEN_NAMES.strip().splitlines()}


_GIVEN_LINES: Final = _lines()
_RU_LETTERS: Final = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "ʼ": "ь", "І": "И", "Ї": "И",
                                    "Є": "Е", "Ґ": "Г"})


def _is_cyrillic(word: str) -> bool:
    return any("а" <= ch.casefold() <= "я" or ch.casefold() in "ёіїєґ" for ch in word)


@lru_cache(maxsize=4096)
def russian_given(uk: str) -> str:
    """The Russian form of a Ukrainian given name (Микола → Николай), from given.py."""
    forms = _GIVEN_LINES.get(uk, [uk])
    for form in forms[1:]:
        if not _is_cyrillic(form):
            break
        return form
    return uk.translate(_RU_LETTERS)


@lru_cache(maxsize=4096)
def english_given(uk: str) -> str:
    """The conventional Latin form of a given name (Микола → Nicholas), else its KMU spelling."""
    for form in _GIVEN_LINES.get(uk, [uk])[1:]:
        if not _is_cyrillic(form):
            return form
    return str(tr.translit(uk, tr.UkrainianKMU))


@lru_cache(maxsize=65536)
def russian_surname(uk: str) -> str:
    for a, b in (("ський", "ский"), ("цький", "цкий"), ("ська", "ская"), ("цька", "цкая")):
        if uk.endswith(a):
            uk = uk[: -len(a)] + b
    return uk.translate(_RU_LETTERS)


_PATRONYMIC_SPECIAL: Final = {
    "Микола": ("Миколайович", "Миколаївна", "Николаевич", "Николаевна"),
    "Яків": ("Якович", "Яківна", "Яковлевич", "Яковлевна"),
    "Федір": ("Федорович", "Федорівна", "Федорович", "Федоровна"),
    "Павло": ("Павлович", "Павлівна", "Павлович", "Павловна"),
    "Михайло": ("Михайлович", "Михайлівна", "Михайлович", "Михайловна"),
    "Ілля": ("Ілліч", "Іллівна", "Ильич", "Ильинична"),
    "Дмитро": ("Дмитрович", "Дмитрівна", "Дмитриевич", "Дмитриевна"),
    "Лев": ("Львович", "Львівна", "Львович", "Львовна"),
    "Григорій": ("Григорович", "Григорівна", "Григорьевич", "Григорьевна"),
    "Петро": ("Петрович", "Петрівна", "Петрович", "Петровна"),
}


@lru_cache(maxsize=4096)
def patronymics(father: str) -> tuple[str, str, str, str]:
    """(son's, daughter's) patronymic from the father's given name, Ukrainian then Russian."""
    if father in _PATRONYMIC_SPECIAL:
        return _PATRONYMIC_SPECIAL[father]
    if father.endswith("ій"):
        uk = (father + "ович", father[:-1] + "ївна")
    elif father.endswith("ь"):
        uk = (father + "ович", father[:-1] + "івна")
    elif father.endswith(("о", "а")):
        uk = (father[:-1] + "ович", father[:-1] + "івна")
    else:
        uk = (father + "ович", father + "івна")
    ru = russian_given(father)
    if ru.endswith(("ий", "ей", "ай")):
        stem = ru[:-1] if ru.endswith(("ей", "ай")) else ru[:-2] + "ь"
        rus = (stem + "евич", stem + "евна")
    elif ru.endswith("ь"):
        rus = (ru[:-1] + "евич", ru[:-1] + "евна")
    elif ru.endswith(("о", "а")):
        rus = (ru[:-1] + "ович", ru[:-1] + "овна")
    else:
        rus = (ru + "ович", ru + "овна")
    return (uk[0], uk[1], rus[0], rus[1])


# Latin conventions besides KMU-2010, on the Ukrainian form unless marked "ru".
_LATIN: Final = (
    ("passport-2007", tr.UkrainianPassport2007), ("german", tr.UkrainianGerman),
    ("french", tr.UkrainianFrench),
    ("bgn", tr.UkrainianBGN), ("national-1996", tr.UkrainianNational1996), ("ru-icao", tr.RussianICAO),
    ("ru-passport-1997", tr.RussianInternationalPassport1997), ("polish", None),
)
_POLISH: Final = str.maketrans({
    "а": "a", "б": "b", "в": "w", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "je", "ж": "ż", "з": "z",
    "и": "y", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "ł", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz",
    "щ": "szcz", "ь": "", "ю": "ju", "я": "ja", "ʼ": "",
})


@lru_cache(maxsize=200_000)
def latin(text: str, table: str) -> str:
    """`text` (Ukrainian Cyrillic) in the Latin convention `table`."""
    if table == "kmu":
        return str(tr.translit(text, tr.UkrainianKMU))
    if table == "polish":
        return " ".join(w.casefold().translate(_POLISH).capitalize() for w in text.split())
    tab = dict(_LATIN)[table]
    if table.startswith("ru-"):
        text = " ".join(russian_surname(w) for w in text.split())
    return str(tr.translit(text, tab)).replace("'", "")


# -- configuration ----------------------------------------------------------------------------

SCRIPTS: Final = ("uk", "ru", "kmu", "latin", "english")
BORN: Final = ("born-full", "born-year", "born-missing", "born-wrong")
ADDRESS: Final = ("addr-same", "addr-latin", "addr-short", "addr-vague", "addr-missing", "addr-moved",
                  "addr-shelter")


@dataclass(frozen=True)
class Config:
    """How many records and how the second records of a person are rendered (shares, 0-1)."""

    records: int = 200_000
    seed: int = 5
    year: int = 2022
    # Duplicates: a household registered again at another desk (each member re-registered
    # with `member_again`), or one person registered again alone; a few a third time.
    household_again: float = 0.10
    member_again: float = 0.85
    person_again: float = 0.12
    third_time: float = 0.15
    same_card: float = 0.15  # a lone second record entered into the person's own card
    # Renderings of a second record.
    script: tuple[float, ...] = (0.30, 0.22, 0.18, 0.22, 0.08)  # SCRIPTS
    typo: float = 0.20
    swapped: float = 0.35
    patronymic_toggle: float = 0.30
    upper: float = 0.08
    born: tuple[float, ...] = (0.55, 0.25, 0.12, 0.08)  # BORN
    address: tuple[float, ...] = (0.35, 0.15, 0.15, 0.15, 0.10, 0.10, 0.0)  # ADDRESS
    # First records.
    first_born: tuple[float, ...] = (0.75, 0.15, 0.10)  # full, year only, missing
    patronymic: float = 0.6
    sex_missing: float = 0.10
    doc: float = 0.15
    # Hard negatives.
    father_son: float = 0.08  # of families where a son is drawn, he is named after his father
    paired_siblings: float = 0.12  # of families with two children or more
    paired_couple: float = 0.03
    # A real town's surnames (issue 15): this share of people carry one of the `head` most common
    # surnames (Коваленко, Бондаренко, Мельник...), the rest the long tail.
    head_share: float = 0.0
    head: int = 40

    @classmethod
    def real_town(cls, records: int = 30_000, seed: int = 5) -> Config:
        """A Donbas town as the lists look (issue 15): a third of people under a few dozen surnames,
        births mostly years or missing, shelters written as addresses ("підвал, 22")."""
        return cls(records=records, seed=seed, head_share=0.33, first_born=(0.25, 0.55, 0.20),
                   born=(0.30, 0.45, 0.15, 0.10),
                   address=(0.30, 0.12, 0.13, 0.10, 0.10, 0.10, 0.15))


class Row(NamedTuple):
    """One record as the engine sees it: the fields of `frontaid.match.dedup.Record`."""

    id: str
    name: str
    born: str
    sex: str
    address: str
    zone: str
    household: str
    doc: str


@dataclass
class Dataset:
    config: Config
    rows: list[Row]
    entity: list[int]  # the true person of each row
    kinds: list[tuple[str, ...]]  # how each row was rendered from its person's first record; () if first
    hard: dict[tuple[int, int], str]  # (person, person), smaller first → kind of hard negative
    households: int = 0

    def groups(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for row, e in zip(self.rows, self.entity, strict=True):
            out.setdefault(e, []).append(row.id)
        return out

    def true_pairs(self) -> set[tuple[str, str]]:
        """Every pair of rows of one person, (smaller id, larger id)."""
        return {(a, b) if a < b else (b, a) for ids in self.groups().values()
                for i, a in enumerate(ids) for b in ids[i + 1:]}

    def kind_shares(self) -> dict[str, float]:
        """Share of second records carrying each tag."""
        seconds = [k for k in self.kinds if k]
        c = Counter(t for k in seconds for t in k)
        return {t: n / len(seconds) for t, n in sorted(c.items())}


# -- people ----------------------------------------------------------------------------------

@dataclass
class Person:
    key: int
    given: str
    surname: str  # in the person's own gender form
    sex: str
    born: date
    father: str  # the father's given name, for the patronymic
    doc: str
    household: int = 0
    records: list[int] = field(default_factory=list)


class _Town:
    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.rng = random.Random(cfg.seed)
        self.people: list[Person] = []
        self.hard: dict[tuple[int, int], str] = {}

    def _pick(self, names: tuple[str, ...], cum: list[float]) -> str:
        return self.rng.choices(names, cum_weights=cum)[0]

    def given(self, sex: str) -> str:
        return self._pick(MALE_NAMES, _CUM_MALE) if sex == "m" else self._pick(FEMALE_NAMES, _CUM_FEMALE)

    def surname(self) -> tuple[str, str]:
        if self.cfg.head_share and self.rng.random() < self.cfg.head_share:
            return self.rng.choices(SURNAME_POOL[:self.cfg.head], cum_weights=_CUM_HEAD[:self.cfg.head])[0]
        return self.rng.choices(SURNAME_POOL, cum_weights=_CUM_SURNAME)[0]

    def born(self, age: int) -> date:
        return date(self.cfg.year - age, 1, 1) + timedelta(days=self.rng.randrange(365))

    def doc(self) -> str:
        r = self.rng
        if r.random() < 0.6:  # an old passport booklet: two letters, six digits
            return "".join(r.choices("АВЕКМНОРСТ", k=2)) + f"{r.randrange(10**6):06d}"
        return f"{r.randrange(10**9):09d}"  # an ID card

    def person(self, sex: str, age: int, fam: tuple[str, str], given: str | None = None,
               father: str | None = None, born: date | None = None) -> Person:
        p = Person(len(self.people), given or self.given(sex), fam[1] if sex == "f" else fam[0], sex,
                   born or self.born(age), father or self.given("m"), self.doc())
        self.people.append(p)
        return p

    def pair(self, a: Person, b: Person, kind: str) -> None:
        self.hard[(min(a.key, b.key), max(a.key, b.key))] = kind

    def household(self) -> list[Person]:
        """One household's people, shaped as in scenario.people: old, often alone, few children."""
        r, fam = self.rng, self.surname()
        shape = r.random()
        if shape < 0.30:
            return [self.person("f" if r.random() < 0.68 else "m", r.randint(65, 92), fam)]
        if shape < 0.70:
            a = r.randint(63, 88) if shape < 0.56 else r.randint(42, 64)
            if shape >= 0.56 and r.random() < 0.55:
                return [self.person(r.choice("mf"), a, fam)]
            if r.random() < self.cfg.paired_couple:
                m, f = r.choice(PAIRED)
                he, she = self.person("m", a, fam, m), self.person("f", a - r.randint(0, 5), fam, f)
                self.pair(he, she, "paired-couple")
                return [he, she]
            return [self.person("m", a, fam), self.person("f", a - r.randint(0, 5), fam)]
        if shape < 0.82:  # an old parent and the grown child who stayed
            parent = self.person("f" if r.random() < 0.7 else "m", r.randint(75, 95), fam)
            return [parent, self.person(r.choice("mf"), r.randint(45, 62), fam)]
        a = r.randint(26, 45) if shape < 0.90 else r.randint(45, 60)
        father = self.person("m", a + r.randint(0, 5), fam)
        mother = self.person("f", a, fam)
        members = [father, mother]
        if shape >= 0.90:  # three generations
            members.append(self.person("f", a + r.randint(22, 30), fam))
        kids: list[Person] = []
        for _ in range(1 + (r.random() < 0.45) + (r.random() < 0.12)):
            age = r.randint(0, min(17 if shape < 0.90 else 30, a - 18))
            sex = r.choice("mf")
            first_son = sex == "m" and not any(k.sex == "m" for k in kids)
            named_after = first_son and r.random() < self.cfg.father_son
            kid = self.person(sex, age, fam, father.given if named_after else None, father.given)
            if named_after:
                self.pair(father, kid, "father-son")
            kids.append(kid)
        if len(kids) >= 2 and r.random() < self.cfg.paired_siblings:
            m, f = r.choice(PAIRED)
            twins = r.random() < 0.5
            a0, a1 = kids[0], kids[1]
            for k, sex, name in ((a0, "m", m), (a1, "f", f)):
                k.sex, k.given, k.surname = sex, name, fam[1] if sex == "f" else fam[0]
            if twins:
                a1.born = a0.born
            for k in (a0, a1):  # no longer named after the father
                self.hard.pop((father.key, k.key), None)
            self.pair(a0, a1, "paired-siblings")
        return members + kids


# -- rendering -------------------------------------------------------------------------------

def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:
        return word[:i] + word[i + 1:]
    if op == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == 2:
        return word[:i] + word[i] + word[i:]
    pool = "аеиоуклмнрств" if _is_cyrillic(word) else "aeiouklmnrstv"
    return word[:i] + rng.choice(pool) + word[i + 1:]


def _street(addr: str) -> tuple[str, str, str]:
    """("вул.", "Миру", "12, кв. 5") from "вул. Миру, 12, кв. 5"."""
    head, _, rest = addr.partition(", ")
    kind, _, name = head.partition(" ")
    return kind, name, rest


_LATIN_KIND: Final = {"вул.": "st", "пров.": "lane", "пл.": "sq"}


class _Renderer:
    def __init__(self, cfg: Config, rng: random.Random) -> None:
        self.cfg, self.rng = cfg, rng

    def choose(self, names: tuple[str, ...], weights: tuple[float, ...]) -> str:
        return self.rng.choices(names, weights=weights)[0]

    def name(self, p: Person, script: str, patronymic: bool, swapped: bool) -> tuple[str, str]:
        """(name, convention) of person `p` in `script`; the order is surname first unless swapped."""
        sons, daughters, ru_sons, ru_daughters = patronymics(p.father)
        pat = (sons if p.sex == "m" else daughters) if patronymic else ""
        ru_pat = (ru_sons if p.sex == "m" else ru_daughters) if patronymic else ""
        given, surname, conv = p.given, p.surname, script
        if script == "ru":
            given, surname, pat = russian_given(given), russian_surname(surname), ru_pat
        elif script == "kmu":
            given, surname, pat = latin(given, "kmu"), latin(surname, "kmu"), latin(pat, "kmu") if pat else ""
        elif script == "latin":
            conv = self.rng.choice(_LATIN)[0]
            if conv.startswith("ru-"):
                given, pat = russian_given(given), ru_pat
            given, surname = latin(given, conv), latin(surname, conv)
            pat = latin(pat, conv) if pat else ""
        elif script == "english":
            given, surname, pat = english_given(given), latin(surname, "kmu"), ""
        words = [given, pat, surname] if swapped else [surname, given, pat]
        return " ".join(w for w in words if w), conv

    def born(self, p: Person, kind: str) -> str:
        d = p.born
        if kind == "born-year":
            return str(d.year)
        if kind == "born-missing":
            return ""
        if kind == "born-wrong":
            if d.day <= 12 and d.day != d.month and self.rng.random() < 0.5:
                return f"{d.year:04d}-{d.day:02d}-{d.month:02d}"
            y = d.year + self.rng.choice((-1, 1, -10, 10))
            return f"{y:04d}-{d.month:02d}-{d.day:02d}"
        return d.isoformat()

    def address(self, addr: str, kind: str) -> str:
        k, street, rest = _street(addr)
        number = rest.split(",")[0]
        if kind == "addr-latin":
            return f"{latin(street, 'kmu')} {_LATIN_KIND.get(k, 'st')} {number}".strip()
        if kind == "addr-short":
            return f"{street}, {number}" if number else street
        if kind == "addr-vague":
            return self.rng.choice((addr.partition(", ")[0], street, f"{street} біля школи"))
        if kind == "addr-missing":
            return ""
        if kind == "addr-shelter":  # the shelter is in the house: "підвал, 22", not the street
            word = self.rng.choice(("підвал", "подвал", "укриття", "basement", "сховище"))
            return f"{word}, {number}" if number else word
        return addr


def _address(rng: random.Random, zone: str) -> str:
    street = rng.choice(STREETS[zone])
    n = rng.randint(1, 160)
    return f"{street}, {n}, кв. {rng.randint(1, 80)}" if rng.random() < 0.3 else f"{street}, {n}"


def generate(cfg: Config | None = None) -> Dataset:
    """The labelled set for `cfg`: at least `cfg.records` rows, shuffled, ids P0000000 on."""
    cfg = cfg or Config()
    town = _Town(cfg)
    rng = town.rng
    rend = _Renderer(cfg, rng)
    zones = tuple(STREETS)
    drafts: list[tuple[Row, int, tuple[str, ...]]] = []
    card = 0

    def emit(p: Person, name: str, born: str, addr: str, zone: str, hh: int, kinds: tuple[str, ...],
             sex_missing: float) -> None:
        sex = "" if rng.random() < sex_missing else p.sex
        doc = p.doc if rng.random() < cfg.doc else ""
        drafts.append((Row("", name, born, sex, addr, zone, f"H{hh:07d}", doc), p.key, kinds))

    def again(p: Person, addr: str, zone: str, hh: int, moved: tuple[str, str]) -> None:
        script = rend.choose(SCRIPTS, cfg.script)
        swapped = rng.random() < cfg.swapped
        first_pat = p.records[0] == 1
        pat = (not first_pat) if rng.random() < cfg.patronymic_toggle else first_pat
        name, conv = rend.name(p, script, pat, swapped)
        tags = [script]
        if conv != script:
            tags.append(f"latin:{conv}")
        if swapped:
            tags.append("swapped")
        if pat != first_pat:
            tags.append("patronymic")
        if rng.random() < cfg.typo:
            words = name.split()
            # the surname or the given name, never the patronymic
            i = (len(words) - 1 if swapped else 0) if rng.random() < 0.6 else (0 if swapped else 1)
            words[i] = _typo(rng, words[i])
            name = " ".join(words)
            tags.append("typo")
        if rng.random() < cfg.upper:
            name = name.upper()
            tags.append("upper")
        bkind = rend.choose(BORN, cfg.born)
        akind = rend.choose(ADDRESS, cfg.address)
        tags += [bkind, akind]
        if akind == "addr-moved":
            addr2, zone2 = moved
        else:
            addr2, zone2 = rend.address(addr, akind), zone
        if hh != p.household:
            tags.append("other-household")
        emit(p, name, rend.born(p, bkind), addr2, zone2, hh, tuple(tags), cfg.sex_missing * 2)

    while len(drafts) < cfg.records:
        card += 1
        zone = rng.choice(zones)
        addr = _address(rng, zone)
        members = town.household()
        for p in members:
            p.household = card
            born_kind = rend.choose(("born-full", "born-year", "born-missing"), cfg.first_born)
            pat = rng.random() < cfg.patronymic
            p.records.append(1 if pat else 0)  # the first record's patronymic, read by `again`
            emit(p, rend.name(p, "uk", pat, False)[0], rend.born(p, born_kind), addr, zone, card, (),
                 cfg.sex_missing)
        if rng.random() < cfg.household_again:
            card += 1
            z2 = rng.choice(zones)
            moved = (_address(rng, z2), z2)
            for p in members:
                if rng.random() < cfg.member_again:
                    again(p, addr, zone, card, moved)
        for p in members:
            if rng.random() < cfg.person_again:
                n = 2 if rng.random() < cfg.third_time else 1
                for _ in range(n):
                    own = rng.random() < cfg.same_card
                    if not own:
                        card += 1
                    z2 = rng.choice(zones)
                    again(p, addr, zone, p.household if own else card, (_address(rng, z2), z2))
    rng.shuffle(drafts)
    rows = [r._replace(id=f"P{i:07d}") for i, (r, _e, _k) in enumerate(drafts)]
    return Dataset(cfg, rows, [e for _r, e, _k in drafts], [k for _r, _e, k in drafts], town.hard, card)


def iter_people(ds: Dataset) -> Iterator[tuple[Row, int]]:
    yield from zip(ds.rows, ds.entity, strict=True)


if __name__ == "__main__":  # a look at the data: python bench/matchgen.py [records]
    import sys
    import time

    t = time.perf_counter()
    d = generate(Config(records=int(sys.argv[1]) if len(sys.argv) > 1 else 20_000))
    took = time.perf_counter() - t
    print(f"{len(d.rows):,} rows, {len(set(d.entity)):,} people, {d.households:,} cards, "
          f"{len(d.true_pairs()):,} true pairs, {len(d.hard):,} hard negative pairs, {took:.1f} s")
    for k, v in d.kind_shares().items():
        print(f"  {k:24} {v:.3f}")
    groups = d.groups()
    by_id = {r.id: r for r in d.rows}
    shown = 0
    for _e, ids in groups.items():
        if len(ids) > 1 and shown < 12:
            shown += 1
            print(" | ".join(f"{by_id[i].name} / {by_id[i].born} / {by_id[i].address}" for i in ids))
