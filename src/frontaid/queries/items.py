"""The deployment's items: the built-in ones (domain/vocab.py ITEMS, domain/cycles.py CYCLES) and
those recorded as ops (`frontaid item add|set|retire`), with each one's entitlement schedule."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from frontaid.domain import cycles, vocab
from frontaid.i18n import add_names, gettext
from frontaid.store.replica import Replica

MEMO = ("items", "catalogue")


@dataclass(frozen=True)
class Item:
    slug: str
    name: str  # Ukrainian
    name_en: str
    unit: str | None
    schedule: list[cycles.Segment] | None  # None: not rationed

    @property
    def rationed(self) -> bool:
        return bool(self.schedule)


def catalogue(rep: Replica) -> dict[str, Item]:
    """Every item a hand-out may name, by slug: the built-in ones unless retired or changed, and
    the deployment's own. Their names are made known to every screen of this process. Memoised
    while a transaction lasts (a demo build hands out hundreds of thousands of times in one)."""
    memo = rep.lookups()
    if memo is not None and MEMO in memo:
        return memo[MEMO]  # type: ignore[no-any-return]
    out = {slug: Item(slug, gettext(label, "uk"), label, None, cycles.default_schedule(slug, rep.epoch))
           for slug, label in vocab.ITEMS.items()}
    for slug, name, name_en, unit, schedule, retired in rep.conn.execute(
            "SELECT eid, name, name_en, unit, schedule, retired_on FROM items WHERE created = 1 "
            "ORDER BY eid"):
        if retired:
            out.pop(slug, None)
            continue
        plan = json.loads(schedule) if schedule else None
        out[slug] = Item(slug, name or slug, name_en or name or slug, unit,
                         [(date.fromisoformat(d), int(n)) for d, n in plan] if plan else None)
    own = {s: i for s, i in out.items() if s not in vocab.ITEMS or i.name_en != vocab.ITEMS[s]}
    if own:
        vocab.OWN_ITEMS.update({s: i.name_en for s, i in own.items()})
        add_names({i.name_en: i.name for i in own.values()})
    if memo is not None:
        memo[MEMO] = out
    return out


def forget(rep: Replica) -> None:
    """After an item changes inside a transaction: the memo no longer holds."""
    memo = rep.lookups()
    if memo is not None:
        memo.pop(MEMO, None)


def schedule_of(rep: Replica, item: str) -> list[cycles.Segment] | None:
    """The entitlement schedule of one item (None: not rationed or unknown), in one small query."""
    row = rep.conn.execute("SELECT schedule, retired_on FROM items WHERE eid = ? AND created = 1",
                           (item,)).fetchone()
    if row is None:
        return cycles.default_schedule(item, rep.epoch)
    if row[1] or not row[0]:
        return None
    return [(date.fromisoformat(d), int(n)) for d, n in json.loads(row[0])]
