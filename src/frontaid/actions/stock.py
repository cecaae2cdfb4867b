"""The stock ledger of warehouses, points and vehicles: receive, move, count."""

from __future__ import annotations

from typing import Any

from frontaid.actions import validate as check
from frontaid.errors import BadInput
from frontaid.store.replica import Change, Replica


def stock_id(item: str, location: str) -> str:
    return f"{item}@{location}"


def _ensure(rep: Replica, item: str, location: str) -> list[Change]:
    sid = stock_id(item, location)
    row = rep.conn.execute("SELECT created FROM stock WHERE eid = ?", (sid,)).fetchone()
    if row and row[0]:
        return []
    return [Change("stock", sid, "create", {"item": item, "location": location})]


def _delta(item: str, location: str, delta: int, reason: str, day: str, note: str | None) -> Change:
    data: dict[str, Any] = {"f": "qty", "d": delta, "reason": reason, "day": day}
    if note:
        data["note"] = note
    return Change("stock", stock_id(item, location), "count", data)


def receive(rep: Replica, actor: str, *, item: str, location: str, qty: int, on: str | None = None,
            note: str | None = None) -> None:
    """Goods arrived at a location (a convoy at the warehouse)."""
    item = check.item(rep, item)
    loc = check.site(rep, location)
    n = check.count(qty, "quantity", 1, 10_000_000)
    rep.record(_ensure(rep, item, loc) + [_delta(item, loc, n, "receive", check.day(on), note)], actor)


def move(rep: Replica, actor: str, *, item: str, source: str, target: str, qty: int,
         on: str | None = None) -> None:
    """Goods moved from one location to another (warehouse → point, point → vehicle)."""
    item = check.item(rep, item)
    a, b = check.site(rep, source), check.site(rep, target)
    if a == b:
        raise BadInput("The source and the destination are the same place.")
    n = check.count(qty, "quantity", 1, 10_000_000)
    d = check.day(on)
    rep.record(_ensure(rep, item, a) + _ensure(rep, item, b) + [
        _delta(item, a, -n, "move-out", d, b), _delta(item, b, n, "move-in", d, a)], actor)


def count(rep: Replica, actor: str, *, item: str, location: str, qty: int, on: str | None = None) -> int:
    """A physical count: records the difference to what the ledger says; returns it."""
    item = check.item(rep, item)
    loc = check.site(rep, location)
    n = check.count(qty, "quantity", 0, 10_000_000)
    row = rep.conn.execute("SELECT qty FROM stock WHERE eid = ?", (stock_id(item, loc),)).fetchone()
    diff = n - int(row[0] or 0 if row else 0)
    changes = _ensure(rep, item, loc)
    if diff:
        changes.append(_delta(item, loc, diff, "count", check.day(on), None))
    if changes:
        rep.record(changes, actor)
    return diff
