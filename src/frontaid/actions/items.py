"""A deployment's own items and entitlement cycles, as ops that sync (issue 12).

`item add hygiene-kit --cycle 30`: a household may receive it once per 30-day round. Changing a
cycle never renumbers a round already written into a hand-out: the new cycle starts at the next
round boundary and its rounds continue the old numbering (domain/cycles.py: the schedule).
"""

from __future__ import annotations

import json
from datetime import date

from frontaid.actions import validate as check
from frontaid.actions.fields import set_field
from frontaid.domain import cycles, vocab
from frontaid.errors import BadInput, Refused
from frontaid.queries.items import catalogue, forget, schedule_of
from frontaid.store.replica import Change, Replica

MAX_CYCLE_DAYS = 365


def _schedule_json(schedule: list[cycles.Segment] | None) -> str | None:
    return json.dumps([[d.isoformat(), n] for d, n in schedule]) if schedule else None


def add_item(rep: Replica, actor: str, slug: str, name: str, name_en: str, unit: str = "",
             cycle: int | None = None, today: date | None = None) -> str:
    """A new item (or a built-in one redefined), rationed once per `cycle` days when given."""
    from frontaid.actions.registry import _new_slug

    with rep.transaction():
        slug = _new_slug(rep, "items", "item", slug)
        days = None if cycle is None else check.count(cycle, "cycle (days)", 1, MAX_CYCLE_DAYS)
        base = cycles.default_schedule(slug, rep.epoch)
        schedule = cycles.with_cycle(base, days, today or date.today()) if days else None
        if slug in vocab.ITEMS and days is None:
            schedule = base  # redefining a built-in item's names keeps its rounds
        rep.record([Change("item", slug, "create", {k: v for k, v in {
            "name": check.text(name, "name", limit=80), "name_en": check.text(name_en, "name", limit=80),
            "unit": check.text(unit, "unit", required=False, limit=30) or None,
            "schedule": json.loads(_schedule_json(schedule) or "null")}.items() if v is not None})], actor)
        forget(rep)
    return slug


def set_cycle(rep: Replica, actor: str, item: str, cycle: int | None, today: date | None = None) -> str:
    """A new cycle for an item from its next round boundary on (None: no longer rationed)."""
    with rep.transaction():
        slug = check.item(rep, item)
        days = None if cycle is None else check.count(cycle, "cycle (days)", 1, MAX_CYCLE_DAYS)
        current = schedule_of(rep, slug)
        new = cycles.with_cycle(current, days, today or date.today()) if days else None
        _ensure_row(rep, actor, slug)
        rep.record([set_field("item", slug, "schedule", json.loads(_schedule_json(new) or "null"))], actor)
        forget(rep)
    return slug


def rename(rep: Replica, actor: str, item: str, name: str | None = None, name_en: str | None = None,
           unit: str | None = None) -> str:
    with rep.transaction():
        slug = check.item(rep, item)
        _ensure_row(rep, actor, slug)
        changes = [set_field("item", slug, f, check.text(v, f, limit=80))
                   for f, v in (("name", name), ("name_en", name_en), ("unit", unit)) if v]
        if not changes:
            raise BadInput("Say what to change: --name, --name-en, --unit or --cycle.")
        rep.record(changes, actor)
        forget(rep)
    return slug


def retire_item(rep: Replica, actor: str, item: str, on: str | None = None) -> str:
    """An item no longer handed out: past hand-outs stay; it is offered and accepted no more."""
    with rep.transaction():
        slug = check.item(rep, item)
        _ensure_row(rep, actor, slug)
        rep.record([set_field("item", slug, "retired_on", check.day(on))], actor)
        forget(rep)
    return slug


def _ensure_row(rep: Replica, actor: str, slug: str) -> None:
    """A built-in item gets its record (its names and built-in rounds) the first time it changes."""
    if rep.conn.execute("SELECT 1 FROM items WHERE eid = ? AND created = 1", (slug,)).fetchone():
        return
    item = catalogue(rep).get(slug)
    if item is None:
        raise Refused("'{code}' is not an item.", code=slug)
    rep.record([Change("item", slug, "create", {k: v for k, v in {
        "name": item.name, "name_en": item.name_en,
        "schedule": json.loads(_schedule_json(item.schedule) or "null")}.items() if v is not None})], actor)
    forget(rep)
