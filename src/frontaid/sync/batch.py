"""Batches: the ops one replica sends another, as runs of consecutive ops per origin.

A run carries its origin, first seq and the `prev` of its first op; every later
op's `prev` and seq are implied, so the receiver recomputes the chain as it
decodes. Each run ends where a signed head vouches for it: verifying that one
signature against the recomputed hash of the last op vouches for the whole run.

    {"v": 1, "deployment": id, "from": origin, "vector": {origin: seq},
     "runs": [[origin, first_seq, first_prev, [[dhlc, actor, entity, eid, verb, data, seen], ...]]],
     "heads": [[origin, seq, hash, sig]], "more": bool}

`dhlc` is the hybrid clock minus the previous op's (the first is absolute).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from frontaid.errors import IntegrityError
from frontaid.oplog.op import GENESIS, Op
from frontaid.store.projector import row_to_op
from frontaid.store.replica import Replica

VERSION = 1
DEFAULT_LIMIT = 20_000


def deployment_id(key: bytes) -> str:
    """A public name for the deployment: says which key a bundle needs, reveals nothing of it."""
    return hashlib.blake2b(key, digest_size=8, person=b"frontaid-deploy").hexdigest()


@dataclass
class Run:
    origin: str
    ops: list[Op]
    hashes: list[bytes]

    @property
    def last_hash(self) -> bytes:
        return self.hashes[-1]


@dataclass
class Batch:
    sender: str
    deployment: str
    vector: dict[str, int]
    runs: list[Run] = field(default_factory=list)
    heads: dict[tuple[str, int], tuple[bytes, bytes]] = field(default_factory=dict)
    more: bool = False

    @property
    def op_count(self) -> int:
        return sum(len(r.ops) for r in self.runs)


def _run_end(rep: Replica, origin: str, start: int, top: int, budget: int) -> int | None:
    """Where a run of `origin` after `start` may end: a signed head, as far as the budget allows."""
    marks = [s for (s,) in rep.conn.execute(
        "SELECT seq FROM head_marks WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq",
        (origin, start, top))]
    if not marks:
        return None
    fitting = [m for m in marks if m - start <= budget]
    return fitting[-1] if fitting else marks[0]


def make_batch(rep: Replica, peer_vector: dict[str, int], limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """The payload holding what `rep` has beyond `peer_vector`, about `limit` ops at most."""
    runs: list[list[Any]] = []
    heads: list[list[Any]] = []
    budget = limit
    more = False
    for origin, top in sorted(rep.vector().items()):
        start = peer_vector.get(origin, 0)
        if start >= top:
            continue
        if budget <= 0:
            more = True
            break
        end = _run_end(rep, origin, start, top, budget)
        if end is None:
            continue  # nothing signed to vouch for it yet
        if end < top:
            more = True
        prev_row = rep.conn.execute(
            "SELECT hash FROM ops WHERE origin = ? AND seq = ?", (origin, start)).fetchone()
        entries: list[list[Any]] = []
        last_hlc = 0
        for r in rep.conn.execute(
                "SELECT origin, seq, hlc, actor, entity, eid, verb, data, seen FROM ops "
                "WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq", (origin, start, end)):
            op = row_to_op(r)
            entries.append([op.hlc - last_hlc, op.actor, op.entity, op.eid, op.verb, op.data, op.seen])
            last_hlc = op.hlc
        runs.append([origin, start + 1, prev_row[0] if prev_row else GENESIS, entries])
        h, sig = rep.conn.execute(
            "SELECT hash, sig FROM head_marks WHERE origin = ? AND seq = ?", (origin, end)).fetchone()
        heads.append([origin, end, h, sig])
        budget -= end - start
    return {
        "v": VERSION, "deployment": deployment_id(bytes.fromhex(str(rep.meta("deployment_key")))),
        "from": rep.origin, "vector": rep.vector(), "runs": runs, "heads": heads, "more": more,
    }


def _bad() -> IntegrityError:
    return IntegrityError("the contents cannot be read")


def decode_batch(payload: Any) -> Batch:
    """Rebuild the ops of a payload, recomputing every hash of every chain."""
    try:
        if not isinstance(payload, dict) or payload.get("v") != VERSION:
            raise _bad()
        batch = Batch(str(payload["from"]), str(payload["deployment"]),
                      {str(k): int(v) for k, v in payload["vector"].items()},
                      more=bool(payload.get("more")))
        for origin, seq, sig_hash, sig in payload["heads"]:
            batch.heads[(str(origin), int(seq))] = (bytes(sig_hash), bytes(sig))
        for origin, first, prev, entries in payload["runs"]:
            origin, seq, prev = str(origin), int(first), bytes(prev)
            if seq < 1 or len(prev) != 32:
                raise _bad()
            ops: list[Op] = []
            hashes: list[bytes] = []
            hlc = 0
            for dhlc, actor, entity, eid, verb, data, seen in entries:
                hlc += int(dhlc)
                if not isinstance(data, dict):
                    raise _bad()
                op = Op(origin, seq, hlc, str(actor), str(entity), str(eid), str(verb), data, seen, prev)
                prev = op.hash()
                ops.append(op)
                hashes.append(prev)
                seq += 1
            if ops:
                batch.runs.append(Run(origin, ops, hashes))
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad() from exc
    return batch
