"""The op log as people read it: who did what, when, on which device."""

from __future__ import annotations

from typing import Any

from frontaid.oplog.hlc import to_datetime
from frontaid.oplog.op import Op
from frontaid.store.replica import Replica


def describe(op: Op) -> str:
    """A short line for one op: the verb and the fields it touched (no values)."""
    d = op.data
    if op.verb == "create":
        return f"create {op.entity}"
    if op.verb == "set":
        return f"set {d.get('f')}"
    if op.verb in ("add", "remove"):
        return f"{op.verb} {d.get('f')}: {', '.join(map(str, d.get('v', [])))}"
    if op.verb == "count":
        return f"count {d.get('d'):+d} ({d.get('reason', '')})"
    if op.verb == "merge":
        return f"merge into {d.get('into')}"
    if op.verb == "retract":
        return f"retract {d.get('op')}"
    return op.verb


def entries(rep: Replica, *, limit: int = 50, entity: str | None = None, eid: str | None = None,
            since_hlc: int | None = None) -> list[dict[str, Any]]:
    where: list[str] = []
    params: list[Any] = []
    if entity:
        where.append("entity = ?")
        params.append(entity)
    if eid:
        where.append("eid = ?")
        params.append(eid)
    if since_hlc is not None:
        where.append("hlc >= ?")
        params.append(since_hlc)
    devices = dict(rep.conn.execute("SELECT eid, name FROM devices WHERE created = 1"))
    if entity or eid:
        newest = rep.ops(" AND ".join(where), params, order="hlc DESC", limit=limit)
    else:
        # No index on hlc: within an origin the clock rises with seq, so take each
        # origin's newest by primary key and merge them.
        newest = []
        for origin in set(rep.vector()) | set(devices):  # a device's ops may all sit past a gap
            cond = " AND ".join(["origin = ?", *where])
            newest += rep.ops(cond, [origin, *params], order="seq DESC", limit=limit)
        newest = sorted(newest, key=lambda o: o.stamp, reverse=True)[:limit]
    out = []
    for op in newest:
        out.append({
            "id": op.id, "hlc": op.hlc, "when": to_datetime(op.hlc).strftime("%Y-%m-%d %H:%M:%S"),
            "actor": op.actor,
            "device": devices.get(op.origin, op.origin[:8]), "entity": op.entity, "eid": op.eid,
            "verb": op.verb, "what": describe(op), "data": op.data,
        })
    return out
