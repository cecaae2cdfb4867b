"""Which column of a list holds what: guessed from its headers (Ukrainian, Russian, English), saved as JSON.

A mapping is `{"columns": {header: field}}`; a header mapped to "" is ignored. The user
confirms the guess or edits the saved file and passes it back with --mapping.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from frontaid.errors import BadFile

# The fields an imported row can fill, each with the words its header may be (normalised:
# lower case, one apostrophe, single spaces, no punctuation at the ends).
FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "code": ("код", "код картки", "код карточки", "code", "card", "card code", "household code"),
    "household": ("домогосподарство", "сім'я", "семья", "household", "household id", "hh", "hh id",
                  "номер сім'ї", "номер семьи", "родина"),
    "person_code": ("код особи", "код человека", "person code", "person"),
    "full_name": ("піб", "п і б", "фио", "ф и о", "full name", "прізвище ім'я по батькові",
                  "фамилия имя отчество", "name surname", "особа", "member name"),
    "surname": ("прізвище", "фамилия", "surname", "last name", "family name"),
    "given": ("ім'я", "имя", "first name", "given name", "name", "імя"),
    "patronymic": ("по батькові", "по-батькові", "отчество", "patronymic", "middle name"),
    "born": ("рік народження", "год рождения", "born", "year of birth", "дата народження",
             "дата рождения", "date of birth", "dob", "birth year", "рік", "год", "р н", "г р"),
    "sex": ("стать", "пол", "sex", "gender"),
    "address": ("адреса", "адрес", "address", "місце проживання", "место проживания"),
    "zone": ("зона", "район", "zone", "district", "мікрорайон", "микрорайон", "area"),
    "phone": ("телефон", "тел", "phone", "mobile", "номер телефону", "номер телефона", "моб"),
    "vulnerabilities": ("вразливість", "вразливості", "уязвимость", "уязвимости", "vulnerability",
                        "vulnerabilities", "категорія", "категория", "category"),
    "shelter": ("укриття", "укрытие", "shelter", "де живе", "где живет"),
    "size": ("кількість осіб", "кількість людей", "количество человек", "size", "household size",
             "членів сім'ї", "членов семьи", "осіб"),
    "utilities": ("комунальні послуги", "що є", "utilities", "коммунальные услуги"),
    "animals": ("тварини", "животные", "animals", "кількість тварин"),
    "animal_kinds": ("які тварини", "какие животные", "animal kinds"),
    "status": ("статус", "status"),
    "household_status": ("статус домогосподарства", "household status"),
    "displaced": ("впо", "переселенець", "displaced", "idp"),
    "note": ("примітка", "примітки", "примечание", "note", "notes", "comment", "коментар",
             "комментарий"),
    "lat": ("широта", "lat", "latitude"),
    "lon": ("довгота", "долгота", "lon", "lng", "longitude"),
    "gps": ("gps", "geopoint", "координати", "координаты", "location"),
    "registered_on": ("дата реєстрації", "дата регистрации", "registered", "registered on"),
}
_BY_WORD: Final = {w: f for f, words in FIELDS.items() for w in words}


def N_(msgid: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown."""
    return msgid


# How each field is named on screen (msgids); the mapping file itself uses the keys.
LABELS: Final[dict[str, str]] = {
    "code": N_("household card code"), "household": N_("household (rows sharing it are one)"),
    "person_code": N_("person's code"), "full_name": N_("full name"), "surname": N_("surname"),
    "given": N_("given name"), "patronymic": N_("patronymic"), "born": N_("year or date of birth"),
    "sex": N_("sex"), "address": N_("address"), "zone": N_("zone"), "phone": N_("phone"),
    "vulnerabilities": N_("vulnerabilities"), "shelter": N_("shelter"), "size": N_("household size"),
    "utilities": N_("utilities"), "animals": N_("animals"), "animal_kinds": N_("kinds of animals"),
    "status": N_("person's status"), "household_status": N_("household status"),
    "displaced": N_("displaced (IDP)"), "note": N_("note"), "lat": N_("latitude"), "lon": N_("longitude"),
    "gps": N_("GPS point"), "registered_on": N_("registered on"),
}
_APOSTROPHES = re.compile(r"[’ʼ`´‘]")
_PUNCT = re.compile(r"[^\w' ]+")


def normalise_header(header: str) -> str:
    """A header as the guesser compares it: the last part of a group path, lower case, plain."""
    text = str(header).split("/")[-1]
    text = _APOSTROPHES.sub("'", text.lower()).replace("_", " ")
    text = _PUNCT.sub(" ", text)
    return " ".join(text.split()).strip("' ")


def guess(headers: Sequence[str]) -> dict[str, str]:
    """header → field for every header; "" where nothing fits. Each field is taken once, first come."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for h in headers:
        n = normalise_header(h)
        field = _BY_WORD.get(n, "")
        if not field:
            # "Прізвище (як у паспорті)", "Рік народження*": the words before a bracket.
            head = normalise_header(re.split(r"[(\[]", str(h).split("/")[-1])[0])
            field = _BY_WORD.get(head, "")
        if field and field not in taken:
            out[h] = field
            taken.add(field)
        else:
            out[h] = ""
    # "Name" alone beside no surname column is the whole name.
    if "given" in taken and "surname" not in taken and "full_name" not in taken:
        out = {h: "full_name" if f == "given" else f for h, f in out.items()}
    return out


def missing_required(mapping: dict[str, str], *, zone_given: bool) -> list[str]:
    """Required fields no column is mapped to: a name, and (unless --zone) the zone."""
    fields = set(mapping.values())
    missing = []
    if not fields & {"full_name", "surname", "given"}:
        missing.append("name")
    if not zone_given and "zone" not in fields and "code" not in fields:
        missing.append("zone")
    return missing


def load(path: Path, headers: Sequence[str]) -> dict[str, str]:
    """A mapping saved by `save` (and maybe edited); headers it does not name are ignored."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        columns = data["columns"]
        if not isinstance(columns, dict):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError):
        raise BadFile("{file} is not a column mapping (a JSON file with \"columns\").",
                      file=path.name) from None
    for header, field in columns.items():
        if field and field not in FIELDS:
            raise BadFile("The mapping names an unknown field '{field}' (column '{column}').",
                          field=str(field)[:40], column=str(header)[:40])
    return {h: str(columns.get(h) or "") for h in headers}


def save(path: Path, mapping: dict[str, str]) -> None:
    """The mapping, with every field a column may be mapped to and its name in the user's language."""
    from frontaid.i18n import gettext

    body = {"columns": mapping, "fields": {f: gettext(LABELS[f]) for f in FIELDS}}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
