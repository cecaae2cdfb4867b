"""Who read which sensitive fields of which records, and when (the audit ops of actions/audit.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from frontaid.oplog.hlc import from_ms, to_datetime
from frontaid.store.replica import Replica


def reads(rep: Replica, *, user: str | None = None, since: date | None = None,
          record: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """The reads recorded, newest first, filtered by who, from which day, and which record."""
    where = ["entity = 'audit'"]
    params: list[Any] = []
    if user:
        where.append("actor = ?")
        params.append(user)
    if since is not None:
        where.append("hlc >= ?")
        params.append(from_ms(int(datetime(since.year, since.month, since.day).timestamp() * 1000)))
    devices = dict(rep.conn.execute("SELECT eid, name FROM devices WHERE created = 1"))
    out: list[dict[str, Any]] = []
    for op in rep.ops(" AND ".join(where), params, order="hlc DESC"):
        records = [str(r) for r in op.data.get("records") or []]
        if record and record not in records:
            continue
        out.append({"id": op.id, "when": to_datetime(op.hlc).strftime("%Y-%m-%d %H:%M"), "user": op.actor,
                    "device": devices.get(op.origin, op.origin), "records": records,
                    "classes": list(op.data.get("classes") or []), "via": str(op.data.get("via", ""))})
        if len(out) >= limit:
            break
    return out
