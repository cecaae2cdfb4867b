"""Resolving a flag: a person's decision, recorded as an op that syncs like any other."""

from __future__ import annotations

from typing import Any

from frontaid.actions import validate as check
from frontaid.actions.corrections import retract
from frontaid.actions.fields import set_field
from frontaid.errors import BadInput, NotFound, Refused
from frontaid.oplog.op import parse_op_id, unpack
from frontaid.queries.flags import list_flags
from frontaid.store.replica import Change, Replica


def resolve(rep: Replica, actor: str, flag_id: str, *, keep: str, note: str | None = None) -> dict[str, Any]:
    """Decide a flag.

    - double-handout: `--keep both`, or the code of the one hand-out to keep (the others are voided);
    - conflict: `--keep OP_ID`, the change whose value stands (it is written again, so it wins);
    - stock-negative, changed-after-merge, changed-after-void, gap, clock-ahead: `--keep ok`
      once someone has looked (and counted, unmerged or re-entered as needed).
    """
    flags = {f["id"]: f for f in list_flags(rep, include_resolved=True)}
    flag = flags.get(flag_id.strip())
    if flag is None:
        raise NotFound(what="flag", code=flag_id)
    if flag["status"] == "resolved":
        raise Refused("That flag is already resolved.")
    keep = keep.strip()
    with rep.transaction():
        if flag["kind"] == "double-handout":
            handouts = flag["detail"]["handouts"]
            if keep != "both":
                code = check.existing(rep, "handout", keep) if keep not in handouts else keep
                if code not in handouts:
                    raise BadInput("Keep 'both' or one of: {choices}.", choices=", ".join(handouts))
                for other in handouts:
                    if other != code:
                        create = rep.ops("entity = 'handout' AND eid = ? AND verb = 'create'", (other,))
                        for op in create:
                            retract(rep, actor, op.id, reason=f"flag {flag_id}")
        elif flag["kind"] == "conflict":
            ops = flag["detail"]["ops"]
            if keep not in ops:
                raise BadInput("Keep one of: {choices}.", choices=", ".join(ops))
            origin, seq = parse_op_id(keep)
            raw = rep.conn.execute("SELECT data FROM ops WHERE origin = ? AND seq = ?",
                                   (origin, seq)).fetchone()[0]
            d = flag["detail"]
            rep.record([set_field(d["entity"], d["eid"], d["field"], unpack(raw).get("v"))], actor)
        elif keep != "ok":
            raise BadInput("For this flag, confirm with --keep ok once it has been dealt with.")
        data = {"kind": flag["kind"], "subject": flag["subject"], "status": "resolved", "decision": keep,
                "note": check.text(note, "note", required=False), "resolved_by": actor}
        exists = rep.conn.execute("SELECT created FROM flags WHERE eid = ?", (flag_id,)).fetchone()
        if exists and exists[0]:
            rep.record([set_field("flag", flag_id, k, v) for k, v in data.items()
                        if k in ("status", "decision", "note", "resolved_by") and v is not None], actor)
        else:
            rep.record([Change("flag", flag_id, "create", {k: v for k, v in data.items() if v is not None})],
                       actor)
    return {"id": flag_id, "kind": flag["kind"], "decision": keep}
