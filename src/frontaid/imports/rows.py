"""One row of a list, parsed: a household's fields and a person's, or the reason it cannot be.

Pure functions, no database: `parse_row(values, line)` returns a `Row` or raises `RowProblem`
with the line and a translatable reason. What needs the registry (does the zone exist, is a
code taken) is checked by actions/imports.py.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from frontaid.domain import vocab
from frontaid.domain.codes import normalise_code

MAX_CELL: Final = 100_000  # characters: a zone's shape fits; longer is a pasted file, not a value


class RowProblem(Exception):
    """A row that cannot be imported: its line and a msgid with its parameters."""

    def __init__(self, line: int, reason: str, **params: Any) -> None:
        super().__init__(reason.format(**params))
        self.line, self.reason, self.params = line, reason, params


@dataclass
class Row:
    line: int
    key: str                                   # the row's identity: a hash of what it says
    household: dict[str, Any] = field(default_factory=dict)
    person: dict[str, Any] | None = None
    group: str | None = None                   # rows of one household share it
    code: str | None = None                    # the household's card code, when the file gives it
    person_code: str | None = None
    zone: str = ""                             # as written; resolved against the registry later


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


_WORDS: Final[dict[str, dict[str, str]]] = {
    "sex": {"ж": "f", "жін": "f", "жіноча": "f", "жінка": "f", "жен": "f", "женский": "f", "женщина": "f",
            "female": "f", "f": "f", "w": "f", "м": "m", "ч": "m", "чол": "m", "чоловіча": "m",
            "чоловік": "m", "муж": "m", "мужской": "m", "мужчина": "m", "male": "m", "m": "m"},
    "shelter": {"підвал": "basement", "подвал": "basement", "квартира": "flat", "будинок": "house",
                "дім": "house", "дом": "house", "приватний будинок": "house", "частный дом": "house",
                "укриття": "collective", "пункт незламності": "collective", "зруйнований": "damaged"},
    "vulnerabilities": {
        "80+": "very-old", "65+": "elderly", "60+": "elderly", "пенсіонер": "elderly", "пенсионер": "elderly",
        "літній": "elderly", "пожилой": "elderly", "маломобільний": "immobile", "лежачий": "immobile",
        "малоподвижный": "immobile", "лежачий хворий": "immobile", "інвалідність": "disabled",
        "інвалід": "disabled", "инвалид": "disabled", "инвалидность": "disabled", "вагітна": "pregnant",
        "беременная": "pregnant", "самотній": "alone", "самотня": "alone", "одинокий": "alone",
        "одинокая": "alone", "поранений": "wounded", "ранен": "wounded",
        "хронічна хвороба": "chronic-illness",
        "дитина": "child", "ребенок": "child", "немовля": "infant", "младенец": "infant",
        "доглядає": "caregiver"},
    "utilities": {"світло": "power", "електрика": "power", "свет": "power", "тепло": "heat",
                  "опалення": "heat",
                  "газ": "gas", "вода": "water", "зв'язок": "signal", "связь": "signal", "немає": "none",
                  "нет": "none"},
    "status": {"в місті": "present", "виїхав": "evacuated", "виїхала": "evacuated", "помер": "deceased",
               "померла": "deceased", "зник": "missing"},
}
_VOCABS: Final[dict[str, dict[str, str]]] = {
    "sex": vocab.SEXES, "shelter": vocab.SHELTERS, "vulnerabilities": vocab.VULNERABILITIES,
    "utilities": vocab.UTILITIES, "status": vocab.PERSON_STATES, "household_status": vocab.HOUSEHOLD_STATES,
}


# kind → every accepted spelling (slug, English label, usual words) → slug.
_SPELLINGS: Final[dict[str, dict[str, str]]] = {
    kind: {**_WORDS.get(kind, {}), **{label.lower(): slug for slug, label in known.items()},
           **{slug: slug for slug in known}}
    for kind, known in _VOCABS.items()
}


def word(kind: str, text: str) -> str | None:
    """The slug a written word stands for: the slug itself, its English label, or a usual spelling."""
    return _SPELLINGS[kind].get(text.strip().lower().replace("’", "'").rstrip("."))


_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YEAR = re.compile(r"(\d{4})(?:\s*(?:р\.?|г\.?|рік|год))?")


def born_year(value: Any, line: int, today: date | None = None) -> int | None:
    """A year of birth from a year, dd.mm.yyyy, yyyy-mm-dd or a spreadsheet date; else a problem."""
    if value is None or value == "":
        return None
    this_year = (today or date.today()).year
    if isinstance(value, datetime | date):
        y = value.year
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not float(value).is_integer():
            raise RowProblem(line, "'{value}' is not a year of birth.", value=_plain(value)[:20])
        y = int(value)
    else:
        text = _plain(value)
        if m := _DMY.fullmatch(text):
            d, mo, y = int(m[1]), int(m[2]), int(m[3])
        elif m := _YMD.fullmatch(text):
            y, mo, d = int(m[1]), int(m[2]), int(m[3])
        elif m := _YEAR.fullmatch(text):
            y, mo, d = int(m[1]), 1, 1
        elif re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}", text):
            raise RowProblem(line, "'{value}' is an ambiguous date: write it as dd.mm.yyyy or yyyy-mm-dd.",
                             value=text[:20])
        else:
            raise RowProblem(line, "'{value}' is not a year of birth.", value=text[:20])
        try:
            date(y, mo, d)
        except ValueError:
            raise RowProblem(line, "'{value}' is not a date.", value=text[:20]) from None
    if not 1900 <= y <= this_year:
        raise RowProblem(line, "Year of birth {year} is not between 1900 and {now}.", year=y, now=this_year)
    return y


def _number(value: Any, line: int, what: str, lo: float, hi: float) -> float:
    try:
        x = float(_plain(value).replace(",", "."))
    except ValueError:
        raise RowProblem(line, "'{value}' is not a number ({what}).", value=_plain(value)[:20],
                         what=what) from None
    if not lo <= x <= hi:
        raise RowProblem(line, "{what} must be between {lo} and {hi}.", what=what, lo=lo, hi=hi)
    return x


def _words(kind: str, text: str, line: int, note: list[str]) -> list[str]:
    """A list field: slugs; words no vocabulary knows are kept in the note, not lost.

    Commas or semicolons separate a written list; KoBo's select_multiple separates by spaces.
    """
    if "," in text or ";" in text:
        parts = re.split(r"[,;]", text)
    else:
        parts = [text] if word(kind, text) else text.split()
    out: set[str] = set()
    for part in parts:
        if not part.strip():
            continue
        slug = word(kind, part)
        if slug is None:
            note.append(part.strip())
        else:
            out.add(slug)
    return sorted(out)


def name_of(values: dict[str, Any]) -> str:
    full = _plain(values.get("full_name"))
    if full:
        return full
    return " ".join(p for p in (_plain(values.get(k)) for k in ("surname", "given", "patronymic")) if p)


def parse_row(values: dict[str, Any], line: int, *, today: date | None = None, need_address: bool = True,
              need_name: bool = True) -> Row:
    """field → cell value (mapped already) into a `Row`, or `RowProblem` naming the line.

    A KoBo submission's household part has no name (`need_name=False`), its members no address.
    """
    for f, v in values.items():
        if isinstance(v, str) and len(v) > MAX_CELL:
            raise RowProblem(line, "A cell of column '{field}' is longer than {limit} characters.",
                             field=f, limit=MAX_CELL)
    text = {f: _plain(v) for f, v in values.items()}
    hh: dict[str, Any] = {}
    person: dict[str, Any] = {}
    note: list[str] = []
    name = name_of(values)
    if len(name) > 120:
        raise RowProblem(line, "The name is too long (at most {limit} characters).", limit=120)
    code = None
    if text.get("code"):
        code = normalise_code(text["code"])
        if code is None:
            raise RowProblem(line, "'{code}' is not a valid card code.", code=text["code"][:20])
    person_code = None
    if text.get("person_code"):
        person_code = normalise_code(text["person_code"])
        if person_code is None:
            raise RowProblem(line, "'{code}' is not a valid card code.", code=text["person_code"][:20])
    address = text.get("address", "")
    if not address and not code and need_address:
        raise RowProblem(line, "The address is empty.")
    if len(address) > 200:
        raise RowProblem(line, "The address is too long (at most {limit} characters).", limit=200)
    if address:
        hh["address"] = address
    if text.get("shelter"):
        slug = word("shelter", text["shelter"])
        if slug is None:
            raise RowProblem(line, "'{value}' is not a kind of shelter.", value=text["shelter"][:30])
        hh["shelter"] = slug
    if text.get("size"):
        hh["size"] = int(_number(text["size"], line, "household size", 1, 50))
    if text.get("animals"):
        hh["animals"] = int(_number(text["animals"], line, "animals", 0, 1000))
    if text.get("animal_kinds"):
        hh["animal_kinds"] = text["animal_kinds"][:100]
    if text.get("utilities"):
        hh["utilities"] = _words("utilities", text["utilities"], line, note)
    if text.get("phone"):
        phone = re.sub(r"[^\d+]", "", text["phone"])
        if not 5 <= len(phone) <= 16:
            raise RowProblem(line, "'{value}' is not a phone number.", value=text["phone"][:20])
        hh["phone"] = phone
    if text.get("gps"):
        parts = text["gps"].split()
        if len(parts) < 2:
            raise RowProblem(line, "'{value}' is not a GPS point (latitude longitude).",
                             value=text["gps"][:40])
        hh["lat"] = _number(parts[0], line, "latitude", -90, 90)
        hh["lon"] = _number(parts[1], line, "longitude", -180, 180)
    if text.get("lat"):
        hh["lat"] = _number(text["lat"], line, "latitude", -90, 90)
    if text.get("lon"):
        hh["lon"] = _number(text["lon"], line, "longitude", -180, 180)
    if text.get("displaced"):
        hh["displaced"] = 1 if text["displaced"].lower() in ("1", "так", "да", "yes", "true", "впо") else None
    if text.get("household_status"):
        slug = word("household_status", text["household_status"])
        if slug is None:
            raise RowProblem(line, "'{value}' is not a household status.",
                             value=text["household_status"][:30])
        hh["status"] = slug
    if text.get("registered_on"):
        reg = values.get("registered_on")
        if isinstance(reg, datetime | date):
            hh["registered_on"] = reg.strftime("%Y-%m-%d")
        elif m := _YMD.fullmatch(text["registered_on"][:10]):
            hh["registered_on"] = f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
        elif m := _DMY.fullmatch(text["registered_on"]):
            hh["registered_on"] = f"{int(m[3]):04d}-{int(m[2]):02d}-{int(m[1]):02d}"
        else:
            raise RowProblem(line, "'{value}' is not a date.", value=text["registered_on"][:20])
    if name:
        person["name"] = name
        born = born_year(values.get("born"), line, today)
        if born is not None:
            person["born"] = born
        if text.get("sex"):
            sex = word("sex", text["sex"])
            if sex is None:
                raise RowProblem(line, "'{value}' is not a sex (ж/ч, f/m).", value=text["sex"][:20])
            person["sex"] = sex
        if text.get("vulnerabilities"):
            person["vulnerabilities"] = _words("vulnerabilities", text["vulnerabilities"], line, note)
        if text.get("status"):
            status = word("status", text["status"])
            if status is None:
                raise RowProblem(line, "'{value}' is not a person's status.", value=text["status"][:30])
            person["status"] = status
        person_note = " ".join([text.get("note", ""), *note]).strip()
        if person_note:
            person["note"] = person_note[:500]
    elif text.get("note"):
        hh["note"] = text["note"][:500]
    elif not code and need_name:
        raise RowProblem(line, "The name is empty.")
    zone = text.get("zone", "")
    key = row_key({**hh, **{f"p.{k}": v for k, v in person.items()}, "zone": zone.lower(),
                   "code": code or "", "person_code": person_code or ""})
    group = text.get("household") or None
    return Row(line, key, hh, person or None, group, code, person_code, zone)


@dataclass
class Member:
    line: int
    key: str
    data: dict[str, Any]
    code: str | None = None


@dataclass
class Household:
    """What an import creates: a household and its members, each keyed so that it is made once."""

    line: int
    key: str
    data: dict[str, Any]
    zone: str
    code: str | None = None
    members: list[Member] = field(default_factory=list)
    replaces: str | None = None     # a KoBo edit: the instanceID of the submission it replaces


def group_rows(rows: list[Row]) -> list[Household]:
    """Rows of a list into households: rows sharing a household id or card code are one, else a row each."""
    out: list[Household] = []
    by_group: dict[str, Household] = {}
    for r in rows:
        group = f"code:{r.code}" if r.code else f"group:{r.group}" if r.group else None
        hh = by_group.get(group) if group else None
        if hh is None:
            key = ("h" + r.key) if group is None else "hh:" + hashlib.blake2b(
                f"{group}\x1f{r.key}".encode(), digest_size=10).hexdigest()
            if r.code:
                key = f"code:{r.code}"
            hh = Household(r.line, key, dict(r.household), r.zone, r.code)
            out.append(hh)
            if group:
                by_group[group] = hh
        else:
            for k, v in r.household.items():
                hh.data.setdefault(k, v)
            hh.zone = hh.zone or r.zone
        if r.person is not None:
            hh.members.append(Member(r.line, f"code:{r.person_code}" if r.person_code else r.key,
                                     r.person, r.person_code))
    return out


def row_key(data: dict[str, Any]) -> str:
    """The hash of a row's normalised content: the same person written the same way, the same key."""
    text = "\x1f".join(f"{k}={data[k]}" for k in sorted(data) if data[k] not in (None, "", []))
    return "row:" + hashlib.blake2b(text.lower().encode(), digest_size=10).hexdigest()
