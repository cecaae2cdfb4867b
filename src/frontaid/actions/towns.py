"""Towns of a regional hub: each zone belongs to at most one town (issue 16).

A town's own hub needs none: a replica with no towns is one town, its name in the replica's
meta. A regional hub records each town and gives its zones their town, so every list, the
status screen and the sitrep can be cut per town, and a device can be enrolled for a town.
"""

from __future__ import annotations

from collections.abc import Iterable

from frontaid.actions import validate as check
from frontaid.actions.registry import _new_slug
from frontaid.store.replica import Change, Replica


def add_town(rep: Replica, actor: str, slug: str, name: str, name_en: str, pcode: str = "",
             zones: str | Iterable[str] = ()) -> str:
    """Record a town, and give it the zones named (by id or name) in one transaction."""
    with rep.transaction():
        slug = _new_slug(rep, "towns", "town", slug)
        data = {"name": check.text(name, "name", limit=120),
                "name_en": check.text(name_en, "name", limit=120), "pcode": check.pcode(pcode)}
        ids = [check.zone(rep, z) for z in check.split_list(zones)]
        rep.record([Change("town", slug, "create", {k: v for k, v in data.items() if v}),
                    *(Change("zone", z, "set", {"f": "town", "v": slug}) for z in ids)], actor)
    return slug


def give_zones(rep: Replica, actor: str, town: str, zones: Iterable[str]) -> list[str]:
    """Move zones (by id or name) into a town; returns their ids."""
    with rep.transaction():
        slug = check.town(rep, town)
        ids = [check.zone(rep, z) for z in check.split_list(list(zones))]
        rep.record([Change("zone", z, "set", {"f": "town", "v": slug}) for z in ids], actor)
    return ids
