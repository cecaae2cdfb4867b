"""Flags: what merging must not decide silently, for a person to resolve.

Most flags are derived from the projections, so every replica holding the same ops
shows the same flags: a second hand-out of one entitlement round, stock below zero,
concurrent changes to a critical field, a change made to a record that was merged
or voided by someone who had not seen it. Flags observed on receipt (a clock far
ahead, a gap applied late) are records of their own. A resolution is a `flag`
record under the flag's id, made by `actions.flags.resolve`, and syncs like any op.
"""

from __future__ import annotations

import json
from typing import Any

from frontaid.oplog.op import parse_op_id, unpack
from frontaid.queries.aid import stock_recorded
from frontaid.store.replica import Replica

CHANGE_VERBS = ("set", "add", "remove", "count")


def _resolutions(rep: Replica) -> dict[str, dict[str, Any]]:
    return {eid: {"status": status, "decision": decision, "note": note, "resolved_by": by}
            for eid, status, decision, note, by in rep.conn.execute(
                "SELECT eid, status, decision, note, resolved_by FROM flags WHERE status IS NOT NULL")}


def _unseen_changes(rep: Replica, entity: str, eid: str, saw: dict[str, int], after_op: str) -> list[str]:
    """Changes to a record that the author of `after_op` had not seen."""
    retracted = {r for (r,) in rep.conn.execute("SELECT op FROM retracted")}
    out = []
    for origin, seq in rep.conn.execute(
            f"SELECT origin, seq FROM ops WHERE entity = ? AND eid = ? AND verb IN {CHANGE_VERBS}",
            (entity, eid)):
        oid = f"{origin}:{seq}"
        if seq > int(saw.get(origin, 0)) and oid != after_op and oid not in retracted:
            out.append(oid)
    return sorted(out)


def derived(rep: Replica) -> list[dict[str, Any]]:
    c = rep.conn
    flags: list[dict[str, Any]] = []
    for household, ent, rnd, n, codes in c.execute(
            "SELECT household, entitlement, round, COUNT(*), group_concat(eid) FROM handouts "
            "WHERE created = 1 AND entitlement IS NOT NULL GROUP BY household, entitlement, round "
            "HAVING COUNT(*) - COUNT(override) > 1"):
        flags.append({"id": f"double:{household}:{ent}:{rnd}", "kind": "double-handout",
                      "subject": household, "detail": {"item": ent, "round": rnd, "count": n,
                                                       "handouts": sorted(codes.split(","))}})
    recorded = stock_recorded(rep)
    for eid, qty in c.execute("SELECT eid, qty FROM stock WHERE qty < 0"):
        if eid in recorded:
            flags.append({"id": f"stock-negative:{eid}", "kind": "stock-negative", "subject": eid,
                          "detail": {"qty": qty}})
        else:  # handed out where that item's stock was never recorded: a count is missing
            flags.append({"id": f"stock-unrecorded:{eid}", "kind": "stock-unrecorded", "subject": eid,
                          "detail": {"handed_out": -qty}})
    retracted = {r for (r,) in c.execute("SELECT op FROM retracted")}
    for entity, eid, field, a, b in c.execute("SELECT entity, eid, field, op_a, op_b FROM conflicts"):
        if a in retracted or b in retracted:
            continue
        values = {}
        for oid in (a, b):
            origin, seq = parse_op_id(oid)
            raw, actor = c.execute("SELECT data, actor FROM ops WHERE origin = ? AND seq = ?",
                                   (origin, seq)).fetchone()
            values[oid] = {"value": unpack(raw).get("v"), "actor": actor}
        flags.append({"id": f"conflict:{a}:{b}", "kind": "conflict", "subject": f"{entity}:{eid}",
                      "detail": {"entity": entity, "eid": eid, "field": field, "ops": values}})
    for entity, table in (("household", "households"), ("person", "people")):
        for (eid,) in c.execute(f"SELECT eid FROM {table} WHERE merged_into IS NOT NULL"):
            merges = rep.ops("entity = ? AND eid = ? AND verb = 'merge'", (entity, eid), order="hlc DESC")
            merges = [m for m in merges if m.id not in retracted]
            if not merges:
                continue
            unseen = _unseen_changes(rep, entity, eid, dict(merges[0].data.get("saw", {})), merges[0].id)
            if unseen:
                flags.append({"id": f"after-merge:{entity}:{eid}", "kind": "changed-after-merge",
                              "subject": f"{entity}:{eid}", "detail": {"ops": unseen}})
    for (by, ) in c.execute("SELECT by FROM retracted"):
        origin, seq = parse_op_id(by)
        row = c.execute("SELECT data FROM ops WHERE origin = ? AND seq = ?", (origin, seq)).fetchone()
        if row is None:
            continue
        data = unpack(row[0])
        t_origin, t_seq = parse_op_id(data["op"])
        target = c.execute("SELECT entity, eid, verb FROM ops WHERE origin = ? AND seq = ?",
                           (t_origin, t_seq)).fetchone()
        if target is None or target[2] != "create":
            continue
        unseen = _unseen_changes(rep, target[0], target[1], dict(data.get("saw", {})), by)
        if unseen:
            flags.append({"id": f"after-void:{target[0]}:{target[1]}", "kind": "changed-after-void",
                          "subject": f"{target[0]}:{target[1]}", "detail": {"ops": unseen}})
    return flags


def observed(rep: Replica) -> list[dict[str, Any]]:
    return [{"id": eid, "kind": kind, "subject": subject, "detail": json.loads(detail) if detail else {}}
            for eid, kind, subject, detail in rep.conn.execute(
                "SELECT eid, kind, subject, detail FROM flags WHERE created = 1 AND kind IS NOT NULL "
                "ORDER BY eid")]


def list_flags(rep: Replica, *, include_resolved: bool = False) -> list[dict[str, Any]]:
    """Every flag, open ones only unless asked; each with its resolution if any."""
    resolutions = _resolutions(rep)
    out = []
    for flag in derived(rep) + observed(rep):
        res = resolutions.get(flag["id"], {})
        flag["status"] = res.get("status") if res.get("status") == "resolved" else "open"
        flag["decision"] = res.get("decision")
        flag["note"] = res.get("note")
        if include_resolved or flag["status"] == "open":
            out.append(flag)
    return sorted(out, key=lambda f: (f["kind"], f["id"]))
