"""Input checks shared by the actions: each raises one clear, translatable error."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from frontaid.domain import vocab as vocab_mod
from frontaid.domain.codes import is_canonical, looks_like_code, normalise_code
from frontaid.domain.entities import ENTITIES
from frontaid.errors import BadCode, BadDate, BadInput, NoneYet, NotFound, UnknownChoice
from frontaid.i18n import Label, current_language, gettext
from frontaid.store.replica import Replica

WHAT = {
    "household": "household", "person": "person", "request": "request", "site": "site",
    "zone": "zone", "handout": "hand-out", "incident": "incident", "evac_offer": "evacuation offer",
    "referral": "referral", "welfare": "welfare check", "team": "team", "stock": "stock",
    "evac_run": "evacuation run", "town": "town",
}


def _fold_word(text: str) -> str:
    return " ".join(text.strip().lower().replace("ё", "е").replace("'", "’").replace("ʼ", "’").split())


_WORDS: dict[int, dict[str, str]] = {}


def _words(vocab: Mapping[str, str]) -> dict[str, str]:
    """Every word accepted for a slug of `vocab`: the slug, its English label, the label's
    Ukrainian, and the Ukrainian and Russian words of vocab.ALSO."""
    table = _WORDS.get(id(vocab))
    if table is None:
        also = next((words for name, words in vocab_mod.ALSO.items()
                     if getattr(vocab_mod, name, None) is vocab), {})
        table = {}
        for slug, label in vocab.items():
            for word in (slug, label, gettext(label, "uk"), *also.get(slug, ())):
                table.setdefault(_fold_word(word), slug)
        _WORDS[id(vocab)] = table
    return table


def choice(value: str | None, vocab: Mapping[str, str], what: str) -> str:
    """The slug for what was typed: the slug itself or a word for it in Ukrainian, Russian or English."""
    v = (value or "").strip().lower()
    if v in vocab:
        return v
    slug = _words(vocab).get(_fold_word(v))
    if slug is None:
        shown = [gettext(label) for label in vocab.values()] if current_language() == "uk" else list(vocab)
        raise UnknownChoice(value=value or "", what=what, choices=", ".join(shown))
    return slug


def choices(values: Iterable[str], vocab: Mapping[str, str], what: str) -> list[str]:
    return sorted({choice(v, vocab, what) for v in values if v.strip()})


def split_list(text: str | Iterable[str] | None) -> list[str]:
    if text is None:
        return []
    if isinstance(text, str):
        return [p.strip() for p in text.split(",") if p.strip()]
    return [p.strip() for p in text if p.strip()]


def day(value: str | date | None, default: date | None = None) -> str:
    """An ISO date from what the user typed."""
    if value is None or value == "":
        return (default or date.today()).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _day_text(value)


@functools.lru_cache(maxsize=4096)
def _day_text(value: str) -> str:
    # Cached: a day's date is typed (or simulated) many times over.
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        raise BadDate(value=value) from None


def moment(value: str | datetime | None) -> str:
    """An ISO date-time (minutes, UTC) from what the user typed."""
    if value is None or value == "":
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return _moment_text(value)


@functools.lru_cache(maxsize=4096)
def _moment_text(value: str) -> str:
    # Cached: hand-outs at one desk share their minutes.
    text = value.strip().replace(" ", "T")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise BadDate(value=value) from None
    return parsed.strftime("%Y-%m-%dT%H:%M")


def count(value: Any, what: str, minimum: int = 0, maximum: int = 1_000_000) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise BadInput("'{value}' is not a whole number ({what}).", value=value, what=what) from None
    if not minimum <= n <= maximum:
        raise BadInput("{what} must be between {lo} and {hi}.", what=what, lo=minimum, hi=maximum)
    return n


def year(value: Any) -> int:
    return count(value, "year of birth", 1900, date.today().year)


def coordinate(value: Any, what: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise BadInput("'{value}' is not a number ({what}).", value=value, what=what) from None
    limit = 90 if what == "latitude" else 180
    if not -limit <= x <= limit:
        raise BadInput("{what} must be between {lo} and {hi}.", what=what, lo=-limit, hi=limit)
    return x


def text(value: Any, what: str, required: bool = True, limit: int = 500) -> str | None:
    s = "" if value is None else str(value).strip()
    if not s:
        if required:
            raise BadInput("{what} is required.", what=what)
        return None
    if len(s) > limit:
        raise BadInput("{what} is too long (at most {limit} characters).", what=what, limit=limit)
    return s


def existing(rep: Replica, entity: str, ref: str) -> str:
    """The id of a live record of `entity` for what the user typed, following merges."""
    table = ENTITIES[entity].table
    key = ref.strip()
    if not is_canonical(key) and looks_like_code(key):
        code = normalise_code(key)
        if code is None:
            raise BadCode(code=ref)
        key = code
    for _ in range(8):  # follow merged_into, bounded against cycles
        row = rep.conn.execute(
            f'SELECT created, merged_into FROM "{table}" WHERE eid = ?', (key,)
        ).fetchone()
        if row is None or not row[0]:
            raise NotFound(what=WHAT.get(entity, entity), code=ref)
        if row[1] is None:
            return key
        key = row[1]
    return key


def _named(rep: Replica, table: str, ref: str) -> tuple[Any, ...] | None:
    """(eid, kind) of a live zone or site by its id, Ukrainian or English name; memoised per transaction."""
    r = (ref or "").strip()
    memo = rep.lookups()
    row: tuple[Any, ...] | None = None if memo is None else memo.get((table, r))
    if row is None:
        kind = "kind" if table == "sites" else "NULL"
        row = rep.conn.execute(
            f"SELECT eid, {kind} FROM {table} WHERE created = 1 AND (eid = ? OR lower(name) = lower(?) "
            "OR lower(name_en) = lower(?))", (r, r, r)).fetchone()
        if row is not None and memo is not None:
            memo[(table, r)] = row
    return row


def zone(rep: Replica, ref: str) -> str:
    """A zone id from its id, Ukrainian or English name (case-insensitive)."""
    row = _named(rep, "zones", ref)
    if row is None:
        known = [z for (z,) in rep.conn.execute("SELECT eid FROM zones WHERE created = 1 ORDER BY eid")]
        if not known:
            raise NoneYet(none=Label("No zones have been added yet."),
                          command='frontaid zone add east --name "Схід" --name-en East')
        raise UnknownChoice(value=ref, what="zone", choices=", ".join(known))
    return str(row[0])


def town(rep: Replica, ref: str) -> str:
    """A town id from its id, Ukrainian or English name (case-insensitive)."""
    row = _named(rep, "towns", ref)
    if row is None:
        known = [t for (t,) in rep.conn.execute("SELECT eid FROM towns WHERE created = 1 ORDER BY eid")]
        if not known:
            raise NoneYet(none=Label("No towns have been added yet."),
                          command='frontaid town add bakhmut --name "Бахмут" --name-en Bakhmut')
        raise UnknownChoice(value=ref, what="town", choices=", ".join(known))
    return str(row[0])


def item(rep: Replica, ref: str) -> str:
    """An item of the deployment's catalogue from its slug, its Ukrainian or English name, or a word
    for it (вода, хліб); a retired or unknown one is refused, naming `frontaid item add`."""
    from frontaid.queries.items import catalogue

    items = catalogue(rep)
    v = _fold_word(ref or "")
    for slug, it in items.items():
        if v in (slug, _fold_word(it.name), _fold_word(it.name_en)):
            return slug
    word = _words(vocab_mod.ITEMS).get(v)
    if word is not None and word in items:
        return word
    shown = [it.name for it in items.values()] if current_language() == "uk" else list(items)
    raise UnknownChoice(value=ref or "", what="item", choices=", ".join(shown) +
                        " (frontaid item add)")


def team(rep: Replica, ref: str) -> str:
    """A team that still goes out, from its id or its name (case-insensitive)."""
    r = (ref or "").strip()
    row = rep.conn.execute("SELECT eid FROM teams WHERE created = 1 AND retired_on IS NULL "
                           "AND (eid = ? OR lower(name) = lower(?))", (r, r)).fetchone()
    if row is None:
        known = [t for (t,) in rep.conn.execute(
            "SELECT eid FROM teams WHERE created = 1 AND retired_on IS NULL ORDER BY eid")]
        if not known:
            raise NoneYet(none=Label("No teams have been added yet."),
                          command='frontaid team add east-1 --name "Схід-1"')
        raise UnknownChoice(value=ref, what="team", choices=", ".join(known))
    return str(row[0])


def pcode(value: str | None) -> str:
    """A Ukrainian P-code (COD-AB): UA, the oblast's 2 digits, then the raion's, hromada's and
    settlement's (UA14, UA1402, UA1402001, UA14020010010); '' for none."""
    s = (value or "").strip().upper()
    if s and not re.fullmatch(r"UA\d{2,11}", s):
        raise BadInput("'{value}' is not a P-code: it starts with UA and the oblast's two digits, "
                       "e.g. UA14 (Donetsk oblast) or UA1402001.", value=value)
    return s


def site(rep: Replica, ref: str, kinds: Iterable[str] | None = None) -> str:
    """A site id from its id or name, of one of `kinds` when given."""
    row = _named(rep, "sites", ref)
    allowed = set(kinds) if kinds else None
    if row is None or (allowed and row[1] not in allowed):
        rows = rep.conn.execute("SELECT eid, kind FROM sites WHERE created = 1 ORDER BY eid")
        known = [s for s, kind in rows if not allowed or kind in allowed]
        if not known:
            kind = sorted(allowed)[0] if allowed else "food-point"
            raise NoneYet(none=Label("No sites have been added yet."),
                          command=f'frontaid site add school-5 --kind {kind} --name "Школа №5" '
                                  '--name-en "School 5" --zone east')
        raise UnknownChoice(value=ref, what="site", choices=", ".join(known))
    return str(row[0])
