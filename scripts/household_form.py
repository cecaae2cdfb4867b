"""Build docs/forms/household.xlsx, the XLSForm of frontaid's household registration (KoBo / ODK).

Run: python scripts/household_form.py [OUT]. The field names are the ones `frontaid import`
recognises (zone, address, shelter, gps, utilities, animals, phone, note; in the `members`
repeat: name, born, sex, vulnerabilities), so a KoBo export imports without a mapping.
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

from frontaid.domain import vocab
from frontaid.scenario.geography import ZONES

SURVEY = [
    ("type", "name", "label::Українська (uk)", "label::English (en)", "required", "constraint", "hint::Українська (uk)",
     "hint::English (en)"),
    ("start", "start", "", "", "", "", "", ""),
    ("end", "end", "", "", "", "", "", ""),
    ("today", "today", "", "", "", "", "", ""),
    ("deviceid", "deviceid", "", "", "", "", "", ""),
    ("begin_group", "location", "Де живе домогосподарство", "Where the household lives", "", "", "", ""),
    ("select_one zone", "zone", "Зона", "Zone", "yes", "", "", ""),
    ("text", "address", "Адреса", "Address", "yes", "string-length(.) <= 200", "Вулиця, будинок; або «підвал, 22»",
     "Street, house; or 'basement, 22'"),
    ("select_one shelter", "shelter", "Де ховаються", "Where they shelter", "", "", "", ""),
    ("geopoint", "gps", "Точка GPS", "GPS point", "", "", "", ""),
    ("end_group", "", "", "", "", "", "", ""),
    ("select_multiple utilities", "utilities", "Що ще є", "What they still have", "", "", "", ""),
    ("integer", "animals", "Скільки тварин", "How many animals", "", ". >= 0 and . <= 1000", "", ""),
    ("text", "phone", "Телефон", "Phone", "", "", "", ""),
    ("begin_repeat", "members", "Члени домогосподарства", "Household members", "", "", "", ""),
    ("text", "name", "Прізвище, ім'я, по батькові", "Full name", "yes", "string-length(.) <= 120", "", ""),
    ("integer", "born", "Рік народження", "Year of birth", "", ". >= 1900 and . <= 2030", "", ""),
    ("select_one sex", "sex", "Стать", "Sex", "", "", "", ""),
    ("select_multiple vulnerabilities", "vulnerabilities", "Вразливість", "Vulnerabilities", "", "", "", ""),
    ("end_repeat", "", "", "", "", "", "", ""),
    ("text", "note", "Примітка", "Note", "", "", "", ""),
]
UK = {"basement": "підвал", "flat": "квартира", "house": "будинок", "collective": "колективне укриття",
      "damaged": "пошкоджене житло", "other": "інше", "none": "нічого", "power": "світло", "heat": "опалення",
      "gas": "газ", "water": "вода", "signal": "мобільний зв'язок", "internet": "інтернет", "radio": "радіо",
      "f": "жінка", "m": "чоловік", "elderly": "літня людина (65+)", "very-old": "дуже літня (80+)",
      "immobile": "не може далеко ходити", "disabled": "інвалідність", "pregnant": "вагітна",
      "alone": "живе сама/сам", "wounded": "поранена/поранений", "chronic-illness": "хронічна хвороба",
      "child": "дитина", "infant": "немовля", "caregiver": "доглядає когось"}


def build(out: Path) -> None:
    wb = openpyxl.Workbook()
    survey = wb.active
    assert survey is not None
    survey.title = "survey"
    for row in SURVEY:
        survey.append(list(row))
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label::Українська (uk)", "label::English (en)"])
    for z in ZONES:
        choices.append(["zone", z.slug, z.name, z.name_en])
    for list_name, words in (("shelter", vocab.SHELTERS), ("utilities", vocab.UTILITIES),
                             ("sex", vocab.SEXES), ("vulnerabilities", vocab.VULNERABILITIES)):
        for slug, label in words.items():
            choices.append([list_name, slug, UK[slug], label])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language", "instance_name"])
    settings.append(["frontaid: реєстрація домогосподарства", "frontaid_household", "2026120401",
                     "Українська (uk)", "concat(${zone}, ' ', ${address})"])
    # A fixed timestamp inside the file, so the same script gives the same bytes.
    wb.properties.created = wb.properties.modified = __import__("datetime").datetime(2026, 12, 4)
    wb.save(out)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "docs/forms/household.xlsx")
