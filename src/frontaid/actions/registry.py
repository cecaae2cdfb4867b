"""The registry of who remains: zones, sites, teams, households, people, deaths, merges."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from frontaid.actions import validate as check
from frontaid.actions.fields import create, set_elements, set_field
from frontaid.domain import vocab
from frontaid.domain.codes import normalise_code
from frontaid.domain.entities import ENTITIES
from frontaid.errors import BadInput, NotFound, PossibleDuplicate, Refused, UnknownChoice
from frontaid.queries import dedup as dedupq
from frontaid.queries import registry as regq
from frontaid.store.replica import Change, Replica

HOUSEHOLD_FIELDS = {
    "address", "shelter", "size", "animals", "animal_kinds", "status", "note", "lat", "lon",
    "utilities", "displaced",
}
PERSON_FIELDS = {"name", "born", "sex", "vulnerabilities", "status", "note"}


def _new_slug(rep: Replica, table: str, what: str, slug: str) -> str:
    """A short id for a zone or site: required, plain, and not already used."""
    s = (slug or "").strip()
    if not s:
        raise BadInput("{what} is required.", what=what)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", s):
        raise BadInput("'{value}' is not a valid id: use lower-case Latin letters, digits and dashes.",
                       value=s)
    if rep.conn.execute(f"SELECT 1 FROM {table} WHERE eid = ? AND created = 1", (s,)).fetchone():
        raise Refused("'{code}' is already in use; choose another id.", code=s)
    return s


def add_zone(rep: Replica, actor: str, slug: str, name: str, name_en: str, *, bank: str = "",
             pcode: str = "", geometry: Any = None, population_estimate: int | None = None) -> str:
    slug = _new_slug(rep, "zones", "zone", slug)
    data = {"name": check.text(name, "name", limit=120), "name_en": check.text(name_en, "name", limit=120),
            "bank": bank, "pcode": pcode, "geometry": geometry,
            "population_estimate": None if population_estimate is None else check.count(
                population_estimate, "people (estimate)", 0, 10_000_000)}
    rep.record([Change("zone", slug, "create", {k: v for k, v in data.items() if v not in (None, "")})],
               actor)
    return slug


def add_site(rep: Replica, actor: str, slug: str, kind: str, name: str, name_en: str, zone: str,
             *, lat: float | None = None, lon: float | None = None, state: str | None = None,
             schedule: Any = None, note: str | None = None) -> str:
    slug = _new_slug(rep, "sites", "site", slug)
    kind = check.choice(kind, vocab.SITE_KINDS, "site kind")
    if state is not None:
        states = vocab.CROSSING_STATES if kind == "crossing" else {"open": "open", "closed": "closed"}
        state = check.choice(state, states, "state")
    data = {"kind": kind, "name": check.text(name, "name", limit=120),
            "name_en": check.text(name_en, "name", limit=120), "zone": check.zone(rep, zone),
            "lat": None if lat is None else check.coordinate(lat, "latitude"),
            "lon": None if lon is None else check.coordinate(lon, "longitude"),
            "state": state, "schedule": schedule, "note": check.text(note, "note", required=False)}
    rep.record([Change("site", slug, "create", {k: v for k, v in data.items() if v is not None})],
               actor)
    return slug


def set_site_state(rep: Replica, actor: str, site: str, state: str) -> None:
    eid = check.site(rep, site)
    kind = rep.conn.execute("SELECT kind FROM sites WHERE eid = ?", (eid,)).fetchone()[0]
    states = vocab.CROSSING_STATES if kind == "crossing" else {"open": "open", "closed": "closed"}
    rep.record([set_field("site", eid, "state", check.choice(state, states, "state"))], actor)


def add_team(rep: Replica, actor: str, slug: str, name: str, members: str = "") -> str:
    """Record a team (requests are assigned to it, hand-outs at home delivered by it)."""
    slug = _new_slug(rep, "teams", "team", slug)
    rep.record([Change("team", slug, "create", {
        "name": check.text(name, "name", limit=120),
        "members": check.text(members, "members", required=False, limit=500) or None})], actor)
    return slug


def retire_team(rep: Replica, actor: str, team: str, on: str | None = None) -> str:
    """A team that no longer goes out: kept in the records, offered and accepted no more."""
    eid = check.team(rep, team)
    rep.record([set_field("team", eid, "retired_on", check.day(on))], actor)
    return eid


def add_household(
    rep: Replica, actor: str, *, zone: str, address: str, shelter: str | None = None,
    size: int | None = None, animals: int = 0, animal_kinds: str | None = None,
    utilities: list[str] | str | None = None, lat: float | None = None, lon: float | None = None,
    displaced: bool = False, note: str | None = None, registered_on: str | date | None = None,
) -> str:
    """Register a household; returns its card code."""
    data: dict[str, Any] = {
        "zone": check.zone(rep, zone),
        "address": check.text(address, "address", limit=200),
        "shelter": check.choice(shelter, vocab.SHELTERS, "shelter") if shelter else None,
        "size": check.count(size, "household size", 1, 50) if size is not None else None,
        "animals": check.count(animals, "animals", 0, 1000),
        "animal_kinds": check.text(animal_kinds, "animals", required=False, limit=100),
        "utilities": check.choices(check.split_list(utilities), vocab.UTILITIES, "utility"),
        "lat": check.coordinate(lat, "latitude") if lat is not None else None,
        "lon": check.coordinate(lon, "longitude") if lon is not None else None,
        "displaced": 1 if displaced else None,
        "status": "active",
        "note": check.text(note, "note", required=False),
        "registered_on": check.day(registered_on),
    }
    return create(rep, actor, "household", data)


def _household_value(rep: Replica, field: str, value: Any) -> Any:
    if field == "shelter":
        return check.choice(value, vocab.SHELTERS, "shelter")
    if field == "status":
        return check.choice(value, vocab.HOUSEHOLD_STATES, "status")
    if field == "size":
        return check.count(value, "household size", 1, 50)
    if field == "animals":
        return check.count(value, "animals", 0, 1000)
    if field == "displaced":
        return 1 if str(value).lower() in ("1", "yes", "true", "так") else None
    if field in ("lat", "lon"):
        return check.coordinate(value, "latitude" if field == "lat" else "longitude")
    return check.text(value, field, required=False, limit=200)


def set_household(rep: Replica, actor: str, code: str, field: str, value: Any) -> None:
    """Change one field of a household."""
    eid = check.existing(rep, "household", code)
    if field not in HOUSEHOLD_FIELDS:
        raise UnknownChoice(value=field, what="field", choices=", ".join(sorted(HOUSEHOLD_FIELDS)))
    if field == "utilities":
        values = check.choices(check.split_list(value), vocab.UTILITIES, "utility")
        changes = set_elements(rep, "household", eid, field, values)
    else:
        changes = [set_field("household", eid, field, _household_value(rep, field, value))]
    if changes:
        rep.record(changes, actor)


def move_household(rep: Replica, actor: str, code: str, *, zone: str, address: str | None = None,
                   displaced: bool | None = None) -> None:
    """A household moved inside the town: new zone (and address); the log keeps the old."""
    eid = check.existing(rep, "household", code)
    changes = [set_field("household", eid, "zone", check.zone(rep, zone))]
    if address:
        changes.append(set_field("household", eid, "address", check.text(address, "address")))
    if displaced is not None:
        changes.append(set_field("household", eid, "displaced", 1 if displaced else None))
    rep.record(changes, actor)


def add_person(
    rep: Replica, actor: str, *, household: str, name: str, born: int | str | None = None,
    sex: str | None = None, vulnerabilities: list[str] | str | None = None, note: str | None = None,
    confirmed: bool = True,
) -> str:
    """Register a person in a household; returns the person's code.

    `confirmed=False` (a desk registering someone who walked in): when people already
    registered may be this one, nothing is registered and `PossibleDuplicate` carries them;
    the desk checks and sends again confirmed. The check and the write share one transaction,
    so they see the same registry.
    """
    with rep.transaction():
        hh = check.existing(rep, "household", household)
        data: dict[str, Any] = {
            "household": hh,
            "name": check.text(name, "name", limit=120),
            "born": check.year(born) if born not in (None, "") else None,
            "sex": check.choice(sex, vocab.SEXES, "sex") if sex else None,
            "vulnerabilities": check.choices(
                check.split_list(vulnerabilities), vocab.VULNERABILITIES, "vulnerability"),
            "status": "present",
            "note": check.text(note, "note", required=False),
        }
        if not confirmed:
            found = similar_people(rep, data["name"], data["born"], hh, data["sex"])
            if found:
                raise PossibleDuplicate(found)
        return create(rep, actor, "person", data)


def similar_people(rep: Replica, name: str, born: int | None, household: str | None,
                   sex: str | None = None) -> list[dict[str, Any]]:
    """The people already registered who may be this one (the "may already be registered" rule):
    eid, name, born, household, score and band, most likely first."""
    return [{k: c[k] for k in ("eid", "name", "born", "household", "score", "band")}
            for c in dedupq.possible_duplicates(rep, name, born, household, sex=sex)]


def set_person(rep: Replica, actor: str, pid: str, field: str, value: Any) -> None:
    eid = check.existing(rep, "person", pid)
    if field not in PERSON_FIELDS:
        raise UnknownChoice(value=field, what="field", choices=", ".join(sorted(PERSON_FIELDS)))
    if field == "vulnerabilities":
        values = check.choices(check.split_list(value), vocab.VULNERABILITIES, "vulnerability")
        changes = set_elements(rep, "person", eid, field, values)
    else:
        v: Any
        if field == "born":
            v = check.year(value)
        elif field == "sex":
            v = check.choice(value, vocab.SEXES, "sex")
        elif field == "status":
            v = check.choice(value, vocab.PERSON_STATES, "status")
        else:
            v = check.text(value, field, required=field == "name", limit=120)
        changes = [set_field("person", eid, field, v)]
    if changes:
        rep.record(changes, actor)


def person_died(rep: Replica, actor: str, pid: str, *, on: str | date | None, place: str | None = None,
                burial_place: str | None = None, cause: str | None = None) -> None:
    """Record a death: when, where, and where the body was buried (so it can be found later)."""
    eid = check.existing(rep, "person", pid)
    burial = None
    if burial_place:
        row = rep.conn.execute(
            "SELECT eid FROM sites WHERE created = 1 AND kind = 'burial' AND (eid = ? OR name = ?)",
            (burial_place, burial_place)).fetchone()
        burial = row[0] if row else check.text(burial_place, "burial place", limit=200)
    changes = [
        set_field("person", eid, "status", "deceased"),
        set_field("person", eid, "died_on", check.day(on)),
    ]
    if place:
        changes.append(set_field("person", eid, "death_place", check.text(place, "place", limit=200)))
    if burial:
        changes.append(set_field("person", eid, "burial_place", burial))
    if cause:
        changes.append(set_field("person", eid, "death_cause", check.text(cause, "cause", limit=200)))
    rep.record(changes, actor)


def merge(rep: Replica, actor: str, entity: str, duplicate: str, into: str) -> None:
    """Two records found to be one: `duplicate` now points at `into`. Undone by `unmerge`."""
    if entity not in ("household", "person"):
        raise BadInput("Only households and people can be merged.")
    a = check.existing(rep, entity, duplicate)
    b = check.existing(rep, entity, into)
    if a == b:
        raise Refused("A record cannot be merged into itself.")
    # `saw`: what this replica held, so a change made elsewhere unseen can be flagged.
    rep.record([Change(entity, a, "merge", {"into": b, "saw": rep.vector()})], actor)


def unmerge(rep: Replica, actor: str, entity: str, code: str) -> None:
    if entity not in ("household", "person"):
        raise BadInput("Only households and people can be merged.")
    eid = normalise_code(code) or code
    row = rep.conn.execute(f'SELECT merged_into FROM "{ENTITIES[entity].table}" WHERE eid = ?',
                           (eid,)).fetchone()
    if row is None or row[0] is None:
        raise Refused("That record is not merged.")
    rep.record([Change(entity, eid, "unmerge", {})], actor)


# -- edits as forms make them: the fields given, all or none -----------------------------------

_HOUSEHOLD_FORM = ("address", "shelter", "size", "animals", "animal_kinds", "status", "note")
_PERSON_FORM = ("name", "born", "sex", "status", "note")


def _plain(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _same(old: Any, new: Any) -> bool:
    return str(old if old is not None else "") == str(new if new is not None else "")


def _current(values: str | None) -> list[str]:
    return sorted(filter(None, (values or "").split(",")))


def edit_household(rep: Replica, actor: str, code: str, given: Mapping[str, Any]) -> list[str]:
    """Change the household's fields `given` holds that differ from the record, all or none, in one
    transaction; returns the fields changed. `given`: the text fields as typed (a choice or number
    left blank keeps what is recorded), `utilities` a list, `displaced` a bool; a new `zone` is a
    move."""
    changed: list[str] = []
    with rep.transaction():
        hh = regq.household(rep, code)
        if hh is None or hh["merged_into"]:
            raise NotFound(what="household", code=code)
        eid = hh["eid"]
        zone = _plain(given.get("zone"))
        if zone and zone != hh["zone"]:
            move_household(rep, actor, eid, zone=zone)
            changed.append("zone")
        if "address" in given and not _plain(given["address"]):
            raise BadInput("{what} is required.", what="address")
        for name in _HOUSEHOLD_FORM:
            if name not in given:
                continue
            value = _plain(given[name])
            if name in ("shelter", "size", "status", "animals") and not value:
                continue  # a choice or number left blank: keep what is recorded
            if not _same(hh[name], value or None):
                set_household(rep, actor, eid, name, value)
                changed.append(name)
        if given.get("utilities") is not None:
            new = sorted(given["utilities"])
            if new != _current(hh["utilities"]):
                set_household(rep, actor, eid, "utilities", new)
                changed.append("utilities")
        if given.get("displaced") is not None and bool(hh["displaced"]) != bool(given["displaced"]):
            set_household(rep, actor, eid, "displaced", "1" if given["displaced"] else "0")
            changed.append("displaced")
    return changed


def edit_person(rep: Replica, actor: str, pid: str, given: Mapping[str, Any]) -> list[str]:
    """Change the person's fields `given` holds that differ from the record, all or none, in one
    transaction; returns the fields changed (`vulnerabilities` a list; a choice or year left blank
    keeps what is recorded)."""
    changed: list[str] = []
    with rep.transaction():
        p = regq.person(rep, pid)
        if p is None or p["merged_into"]:
            raise NotFound(what="person", code=pid)
        eid = p["eid"]
        for name in _PERSON_FORM:
            if name not in given:
                continue
            value = _plain(given[name])
            if name in ("born", "sex", "status") and not value:
                continue
            if not _same(p[name], value or None):
                set_person(rep, actor, eid, name, value)
                changed.append(name)
        if given.get("vulnerabilities") is not None:
            new = sorted(given["vulnerabilities"])
            if new != _current(p["vulnerabilities"]):
                set_person(rep, actor, eid, "vulnerabilities", new)
                changed.append("vulnerabilities")
    return changed
