"""Name keys: real spellings of one name share keys; near-misses do not match."""

from __future__ import annotations

import pytest

from frontaid.domain.name_keys import kmu, loose, name_keys, names_match, script, skeleton

# One person, every way the registry meets the name: Ukrainian, Russian, KMU-2010,
# Russian-style, ICAO/BGN, German, Polish, English.
SAME = [
    ("Ігор Коваленко", "Игорь Коваленко", "Ihor Kovalenko", "Igor Kowalenko", "Igor Kovalenko"),
    ("Олександр Хмельницький", "Александр Хмельницкий", "Oleksandr Khmelnytskyi",
     "Aleksandr Khmelnitskiy", "Alexander Chmelnyzkyj"),
    ("Микола Шевченко", "Николай Шевченко", "Mykola Shevchenko", "Nikolai Schewtschenko",
     "Mikołaj Szewczenko", "Nicholas Shevchenko"),
    ("Ганна Ковальчук", "Анна Ковальчук", "Hanna Kovalchuk", "Anna Kowalczuk"),
    ("Марія Юрченко", "Мария Юрченко", "Mariia Yurchenko", "Mariya Jurtschenko", "Maria Iurchenko"),
    ("Юлія Ткач", "Юлия Ткач", "Yuliia Tkach", "Julia Tkacz"),
    ("Олена Ковальова", "Елена Ковалёва", "Olena Kovalova", "Helen Kovalyova"),
    ("Вʼячеслав Мельник", "Вячеслав Мельник", "Viacheslav Melnyk", "Vyacheslav Melnik"),
    ("Євген Кравченко", "Евгений Кравченко", "Yevhen Kravchenko", "Evgeny Krawtschenko"),
    ("Дмитро Бондаренко", "Дмитрий Бондаренко", "Dmytro Bondarenko", "Dmitry Bondarenko"),
    ("Сергій Шевчук", "Сергей Шевчук", "Serhii Shevchuk", "Sergey Szewczuk"),
    ("Наталія Поліщук", "Наталья Полищук", "Nataliia Polishchuk", "Natalia Polischtschuk"),
]

NOT_SAME = [
    ("Олександр Коваленко", "Олександра Коваленко"),  # he and she
    ("Іван Коваленко", "Іванна Коваленко"),
    ("Ігор Коваленко", "Ігор Коваль"),
    ("Анна Бондар", "Яна Бондар"),
    ("Микола Шевченко", "Михайло Шевченко"),
    ("Петро Ткаченко", "Павло Ткаченко"),
]


@pytest.mark.parametrize("spellings", SAME, ids=lambda s: kmu(s[0]))
def test_spellings_share_keys_and_match(spellings: tuple[str, ...]) -> None:
    first = set(name_keys(spellings[0]))
    for other in spellings[1:]:
        shared = first & set(name_keys(other))
        # Every word shares a key: the surname's phonetic key and the given name's group.
        assert len(shared) >= 2, (spellings[0], other, name_keys(other))
        assert names_match(spellings[0], other), (spellings[0], other)
        assert names_match(other, spellings[0])


@pytest.mark.parametrize(("a", "b"), NOT_SAME)
def test_near_misses_do_not_match(a: str, b: str) -> None:
    assert not names_match(a, b)


def test_order_and_patronymic_do_not_matter() -> None:
    assert names_match("Коваленко Ігор", "Igor Kowalenko")
    assert names_match("Ігор Коваленко", "Коваленко Ігор Петрович")  # the patronymic is optional


def test_keys_are_few_and_stable() -> None:
    assert name_keys("Ігор Коваленко") == ["g:ihor", "p:gr", "p:kvlnk"]
    assert len(name_keys("Коваленко Олександр Петрович")) <= 6
    assert name_keys("") == []


def test_phonetic_key_forgives_vowels_and_doubles() -> None:
    assert skeleton("kovalneko") == skeleton("Коваленко") == "kvlnk"
    assert loose("Ганна") == loose("Hanna") and loose("Олександр") != loose("Олександра")


def test_script() -> None:
    assert [script(t) for t in ("Ігор", "Игорь Быков", "Коваленко", "Ihor", "Iгор", "1948")] == [
        "uk", "ru", "cyrillic", "latin", "mixed", "none"]


def test_kmu_is_the_official_spelling() -> None:
    assert kmu("Олександр Щербина") == "Oleksandr Shcherbyna"
    assert kmu("Юрій Згурський") == "Yurii Zghurskyi"
