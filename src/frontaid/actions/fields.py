"""Building changes for fields: a scalar set, or the adds and removes that reach a new set."""

from __future__ import annotations

from typing import Any

from frontaid.store.replica import Change, Replica


def set_field(entity: str, eid: str, field: str, value: Any) -> Change:
    return Change(entity, eid, "set", {"f": field, "v": value})


def live_tags(rep: Replica, entity: str, eid: str, field: str) -> dict[str, list[str]]:
    """value → tags of the adds that keep it present (what a remove must say it saw)."""
    rows = rep.conn.execute(
        """SELECT e.value, e.tag FROM elems e
           WHERE e.entity = ? AND e.eid = ? AND e.field = ?
             AND NOT EXISTS (SELECT 1 FROM elem_removed r WHERE r.entity = e.entity
                 AND r.eid = e.eid AND r.field = e.field AND r.value = e.value AND r.tag = e.tag)
             AND e.tag NOT IN (SELECT op FROM retracted)""",
        (entity, eid, field),
    ).fetchall()
    out: dict[str, list[str]] = {}
    for value, tag in rows:
        out.setdefault(value, []).append(tag)
    return out


def set_elements(rep: Replica, entity: str, eid: str, field: str, values: list[str]) -> list[Change]:
    """The changes that make a set-valued field hold exactly `values`."""
    current = live_tags(rep, entity, eid, field)
    changes: list[Change] = []
    gone = sorted(set(current) - set(values))
    if gone:
        tags = [[v, t] for v in gone for t in sorted(current[v])]
        changes.append(Change(entity, eid, "remove", {"f": field, "v": gone, "tags": tags}))
    new = sorted(set(values) - set(current))
    if new:
        changes.append(Change(entity, eid, "add", {"f": field, "v": new}))
    return changes


def create(rep: Replica, actor: str, entity: str, data: dict[str, Any], eid: str | None = None) -> str:
    """Record a new record (empty fields left out); returns its id, a fresh code unless given."""
    with rep.transaction():  # the code and the record commit together: one fsync, one signature
        code = eid or rep.next_codes()[0]
        rep.record([Change(entity, code, "create", {k: v for k, v in data.items() if v is not None})], actor)
    return code
