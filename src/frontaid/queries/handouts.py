"""A household's recent hand-outs, with who recorded them and why a second one was allowed."""

from __future__ import annotations

from typing import Any

from frontaid.store.replica import Replica


def recent_handouts(rep: Replica, household: str, limit: int = 10) -> list[dict[str, Any]]:
    """The household's latest hand-outs still standing (retracted ones left out), newest first."""
    rows = rep.conn.execute(
        "SELECT h.eid, h.item, h.qty, h.\"on\", h.override, o.actor, o.origin || ':' || o.seq "
        "FROM handouts h JOIN ops o ON o.entity = 'handout' AND o.eid = h.eid AND o.verb = 'create' "
        "WHERE h.household = ? AND h.created = 1 "
        "AND NOT EXISTS (SELECT 1 FROM retracted r WHERE r.op = o.origin || ':' || o.seq) "
        "ORDER BY h.\"on\" DESC LIMIT ?", (household, limit)).fetchall()
    return [{"code": r[0], "item": r[1], "qty": r[2], "on": r[3] or "", "override": r[4],
             "actor": r[5], "op": r[6]} for r in rows]


__all__ = ["recent_handouts"]
