"""Exports that carry names: allowed on a hub or a coordinator's device, and written in the log."""

from __future__ import annotations

import os

from frontaid.errors import NotAllowed
from frontaid.store.replica import Change, Replica

NAMES_ALLOWED = ("hub", "coordinator")


def device_role(rep: Replica) -> str:
    row = rep.conn.execute("SELECT role FROM devices WHERE eid = ?", (rep.origin,)).fetchone()
    return str(row[0]) if row and row[0] else "field"


def allow_names(rep: Replica) -> None:
    """Refuse an export with names on a device whose role may not see them."""
    role = device_role(rep)
    if role not in NAMES_ALLOWED:
        raise NotAllowed(role=role)


def record_names_export(rep: Replica, actor: str, fmt: str, rows: int) -> str:
    """An op saying who took names out of the system, in what form and how many rows."""
    eid = os.urandom(8).hex()
    rep.record([Change("export", eid, "create", {"format": fmt, "rows": rows, "names": 1})], actor)
    return eid
