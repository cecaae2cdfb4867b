"""Undoing a mistake: a retract op voids another op; the log keeps both."""

from __future__ import annotations

from frontaid.errors import BadInput, NotFound, Refused, Retracted
from frontaid.oplog.op import parse_op_id
from frontaid.store.replica import Change, Replica


def retract(rep: Replica, actor: str, target: str, reason: str | None = None) -> None:
    """Void the op `origin:seq`."""
    try:
        origin, seq = parse_op_id(target)
    except ValueError:
        raise BadInput("'{value}' is not an op id (origin:seq, as `frontaid log` shows).",
                       value=target) from None
    row = rep.conn.execute(
        "SELECT entity, eid, verb FROM ops WHERE origin = ? AND seq = ?", (origin, seq)).fetchone()
    if row is None:
        raise NotFound(what="op", code=target)
    if row[2] in ("retract", "resolve") or row[0] in ("device", "purge"):
        raise Refused("That op cannot be retracted.")
    if rep.conn.execute("SELECT 1 FROM retracted WHERE op = ?", (target,)).fetchone():
        raise Retracted()
    data: dict[str, object] = {"op": target, "saw": rep.vector()}
    if reason:
        data["reason"] = reason
    rep.record([Change(row[0], row[1], "retract", data)], actor)
