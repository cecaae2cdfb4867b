"""Invented residents: names, addresses and households of a town whose young left.

Everything here is drawn from a `random.Random` the caller owns, so the same seed
gives the same town. The names are common Ukrainian given names and surnames put
together at random; they are not anyone in particular.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Final, TypeVar

from frontaid.scenario.geography import ZONE_BY_SLUG

FEMALE: Final = (
    "Ганна",
    "Марія",
    "Ніна",
    "Валентина",
    "Людмила",
    "Тетяна",
    "Галина",
    "Надія",
    "Ольга",
    "Лідія",
    "Раїса",
    "Віра",
    "Любов",
    "Зінаїда",
    "Катерина",
    "Наталія",
    "Світлана",
    "Ірина",
    "Олена",
    "Оксана",
    "Тамара",
    "Клавдія",
    "Євгенія",
    "Антоніна",
    "Параска",
    "Стефанія",
    "Алла",
    "Лариса",
    "Інна",
    "Софія",
    "Дарина",
    "Вікторія",
    "Аліна",
    "Анастасія",
    "Христина",
    "Уляна",
)
MALE: Final = (
    "Іван",
    "Микола",
    "Василь",
    "Петро",
    "Олександр",
    "Володимир",
    "Віктор",
    "Анатолій",
    "Григорій",
    "Михайло",
    "Сергій",
    "Юрій",
    "Олег",
    "Андрій",
    "Леонід",
    "Степан",
    "Борис",
    "Дмитро",
    "Павло",
    "Євген",
    "Богдан",
    "Артем",
    "Максим",
    "Денис",
    "Роман",
    "Костянтин",
    "Федір",
    "Геннадій",
    "Валерій",
    "Яків",
    "Тимофій",
    "Остап",
)
# (masculine, feminine); most Ukrainian surnames have one form for both.
SURNAMES: Final = tuple(
    (s, s)
    for s in (
        "Коваленко",
        "Бондаренко",
        "Ткаченко",
        "Кравченко",
        "Мельник",
        "Ковальчук",
        "Бойко",
        "Савчук",
        "Поліщук",
        "Лисенко",
        "Руденко",
        "Марченко",
        "Гончаренко",
        "Клименко",
        "Петренко",
        "Павленко",
        "Сидоренко",
        "Литвиненко",
        "Мороз",
        "Кушнір",
        "Романюк",
        "Остапчук",
        "Гуменюк",
        "Левченко",
        "Захарченко",
        "Пономаренко",
        "Кириленко",
        "Гаврилюк",
        "Дорошенко",
        "Нестеренко",
        "Олійник",
        "Приходько",
        "Демченко",
        "Шаповал",
        "Тарасенко",
        "Білоус",
        "Гриценко",
        "Яковенко",
    )
) + (
    ("Ковальський", "Ковальська"),
    ("Іванов", "Іванова"),
    ("Кузнєцов", "Кузнєцова"),
    ("Соколов", "Соколова"),
    ("Самойлов", "Самойлова"),
    ("Бєлов", "Бєлова"),
    ("Жуков", "Жукова"),
    ("Руднєв", "Руднєва"),
    ("Волков", "Волкова"),
    ("Сорокін", "Сорокіна"),
    ("Зайцев", "Зайцева"),
    ("Вишневський", "Вишневська"),
    ("Заболотний", "Заболотна"),
    ("Гладкий", "Гладка"),
)

# Streets per zone, so an address says where it is.
STREETS: Final[dict[str, tuple[str, ...]]] = {
    "east-north": (
        "вул. Зарічна",
        "вул. Набережна",
        "вул. Степова",
        "вул. Польова",
        "вул. Лугова",
        "вул. Шахтарська",
        "вул. Сіверська",
        "пров. Річковий",
        "вул. Горіхова",
    ),
    "east-south": (
        "вул. Садова",
        "вул. Вишнева",
        "вул. Донецька",
        "вул. Заводська",
        "вул. Будівельників",
        "вул. Кооперативна",
        "вул. Абрикосова",
        "пров. Глиняний",
    ),
    "centre": (
        "вул. Незалежності",
        "вул. Соборна",
        "вул. Миру",
        "вул. Торгова",
        "вул. Театральна",
        "вул. Шкільна",
        "вул. Поштова",
        "пл. Свободи",
    ),
    "west": (
        "вул. Шевченка",
        "вул. Івана Франка",
        "вул. Лесі Українки",
        "вул. Козацька",
        "вул. Молодіжна",
        "вул. Весняна",
        "вул. Каштанова",
        "вул. Вокзальна",
        "вул. Залізнична",
    ),
    "outskirts-west": (
        "вул. Лісова",
        "вул. Нова",
        "вул. Тиха",
        "вул. Дачна",
        "вул. Кленова",
        "пров. Степовий",
        "вул. Часовоярська",
    ),
}

# Where people shelter, by zone: (shelter, weight).
SHELTER_WEIGHTS: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    "east-north": (("basement", 55), ("damaged", 20), ("house", 17), ("collective", 8)),
    "east-south": (("basement", 50), ("damaged", 22), ("house", 20), ("collective", 8)),
    "centre": (("flat", 35), ("basement", 30), ("damaged", 20), ("collective", 15)),
    "west": (("house", 35), ("flat", 30), ("basement", 20), ("damaged", 10), ("collective", 5)),
    "outskirts-west": (("house", 70), ("basement", 15), ("damaged", 10), ("other", 5)),
}
# What still works, by bank: (utilities, weight). "none" says explicitly that nothing does.
UTILITY_WEIGHTS: Final[dict[str, tuple[tuple[tuple[str, ...], int], ...]]] = {
    "east": ((("none",), 85), (("water",), 8), (("signal",), 5), (("gas",), 2)),
    "west": (
        (("none",), 45),
        (("signal",), 20),
        (("gas", "water"), 12),
        (("water",), 10),
        (("power", "signal"), 8),
        (("radio",), 5),
    ),
}
ANIMALS: Final = (
    ("кіт", 30),
    ("собака", 30),
    ("кіт, собака", 15),
    ("кури", 12),
    ("коза, кури", 5),
    ("собаки", 5),
    ("корова", 3),
)


@dataclass
class Person:
    name: str
    born: int
    sex: str
    vulnerabilities: list[str] = field(default_factory=list)


@dataclass
class Household:
    zone: str
    address: str
    shelter: str
    utilities: list[str]
    lat: float
    lon: float
    members: list[Person]
    animals: int = 0
    animal_kinds: str | None = None
    note: str | None = None


T = TypeVar("T")


def pick(rng: random.Random, weighted: tuple[tuple[T, int], ...]) -> T:
    total = sum(w for _, w in weighted)
    x = rng.random() * total
    for value, w in weighted:
        x -= w
        if x < 0:
            return value
    return weighted[-1][0]


def person(
    rng: random.Random, year: int, sex: str, age: int, surname: tuple[str, str] | None = None
) -> Person:
    s = surname or rng.choice(SURNAMES)
    given = rng.choice(FEMALE if sex == "f" else MALE)
    return Person(f"{given} {s[1] if sex == 'f' else s[0]}", year - age, sex)


def address(rng: random.Random, zone: str, shelter: str) -> str:
    street = rng.choice(STREETS[zone])
    number = rng.randint(1, 120)
    if shelter == "flat" or (zone == "centre" and rng.random() < 0.5):
        return f"{street}, {number}, кв. {rng.randint(1, 60)}"
    return f"{street}, {number}"


def _vulnerabilities(rng: random.Random, p: Person, year: int, alone: bool) -> None:
    age = year - p.born
    v = p.vulnerabilities
    if age >= 65:
        v.append("elderly")
    if age >= 80:
        v.append("very-old")
    if age < 2:
        v.append("infant")
    elif age < 14:
        v.append("child")
    if alone and age >= 18:
        v.append("alone")
    if age >= 75 and rng.random() < 0.30 or age >= 55 and rng.random() < 0.04:
        v.append("immobile")
    if age >= 50 and rng.random() < 0.25:
        v.append("chronic-illness")
    if age >= 18 and rng.random() < 0.02:
        v.append("disabled")


def household(rng: random.Random, zone: str, year: int) -> Household:
    """One household drawn for `zone`: mostly old people, many alone, few children."""
    bank = ZONE_BY_SLUG[zone].bank
    shape = rng.random()
    fam = rng.choice(SURNAMES)
    members: list[Person] = []
    if shape < 0.30:  # one old person alone; more often a woman
        members.append(person(rng, year, "f" if rng.random() < 0.68 else "m", rng.randint(65, 92), fam))
    elif shape < 0.56:  # an old couple
        a = rng.randint(63, 88)
        members += [person(rng, year, "m", a, fam), person(rng, year, "f", a - rng.randint(0, 5), fam)]
    elif shape < 0.70:  # middle-aged, alone or a couple
        a = rng.randint(42, 64)
        members.append(person(rng, year, rng.choice("mf"), a, fam))
        if rng.random() < 0.45:
            members.append(
                person(rng, year, "f" if members[0].sex == "m" else "m", a + rng.randint(-4, 4), fam)
            )
    elif shape < 0.82:  # an old parent and the grown child who stayed to care
        members += [
            person(rng, year, "f" if rng.random() < 0.7 else "m", rng.randint(75, 95), fam),
            person(rng, year, rng.choice("mf"), rng.randint(45, 62), fam),
        ]
        members[1].vulnerabilities.append("caregiver")
    elif shape < 0.90:  # a family with children
        a = rng.randint(26, 45)
        members += [person(rng, year, "f", a, fam)]
        if rng.random() < 0.6:
            members.append(person(rng, year, "m", a + rng.randint(0, 5), fam))
        for _ in range(1 + (rng.random() < 0.35) + (rng.random() < 0.1)):
            members.append(person(rng, year, rng.choice("mf"), rng.randint(0, min(17, a - 18)), fam))
    else:  # three generations
        g = rng.randint(68, 86)
        members += [
            person(rng, year, "f", g, fam),
            person(rng, year, rng.choice("mf"), g - rng.randint(22, 30), fam),
        ]
        if rng.random() < 0.6:
            members.append(
                person(
                    rng,
                    year,
                    "f" if members[1].sex == "m" else "m",
                    year - members[1].born + rng.randint(-3, 3),
                )
            )
        for _ in range(rng.randint(0, 2)):
            members.append(person(rng, year, rng.choice("mf"), rng.randint(3, 17), fam))
    alone = len(members) == 1
    for p in members:
        _vulnerabilities(rng, p, year, alone)
    shelter = str(pick(rng, SHELTER_WEIGHTS[zone]))
    utilities = list(pick(rng, UTILITY_WEIGHTS[bank]))
    lat, lon = ZONE_BY_SLUG[zone].random_point(rng)
    hh = Household(zone, address(rng, zone, shelter), shelter, utilities, lat, lon, members)
    animal_odds = 0.35 if shelter == "house" or zone == "outskirts-west" else 0.12
    if rng.random() < animal_odds:
        hh.animal_kinds = str(pick(rng, ANIMALS))
        hh.animals = hh.animal_kinds.count(",") + 1 + (rng.random() < 0.3) * rng.randint(1, 6)
    return hh
