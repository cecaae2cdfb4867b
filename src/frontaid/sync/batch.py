"""Batches: the ops one replica sends another, as runs of consecutive ops per origin.

A run carries its origin, first seq and the `prev` of its first op; every later
op's `prev` and seq are implied, so the receiver recomputes the chain as it
decodes. Each run ends where a signed head vouches for it: verifying that one
signature against the recomputed hash of the last op vouches for the whole run.

    {"v": 2, "deployment": id, "from": origin, "vector": {origin: seq},
     "runs": [[origin, first_seq, first_prev, [[dhlc, actor, entity, eid, verb, data, seen], ...]]],
     "heads": [[origin, seq, hash, sig]], "more": bool}

`dhlc` is the hybrid clock minus the previous op's (the first is absolute).

`data` and `seen` (version 2) travel as the bytes the log stores: the op's canonical
msgpack encoding of them (`seen` may be nil). The hash of an op covers exactly those
bytes (`op.encode_parts`), so neither side packs them again, and nothing is trusted
for it: a blob a carrier altered, or re-encoded in any other way (keys unsorted, an int
widened), gives another hash, breaks the chain and fails the run's signature. A blob
its author signed is stored and forwarded byte for byte, so every replica hashes the
same bytes. The receiver still unpacks each blob once (it must be exactly one msgpack
value, `data` a map) to fold it. Version 1 payloads (data and seen as values, packed
canonically on receipt) are still read; an entry may also carry values in a v2 payload.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import msgpack

from frontaid.errors import IntegrityError
from frontaid.oplog.op import GENESIS, Op, chain_hash, encode_parts, pack, unpack
from frontaid.store.purge import MARK, is_marked
from frontaid.store.replica import Replica

VERSION = 2
READS = (1, 2)
DEFAULT_LIMIT = 20_000


def deployment_id(key: bytes) -> str:
    """A public name for the deployment: says which key a bundle needs, reveals nothing of it."""
    return hashlib.blake2b(key, digest_size=8, person=b"frontaid-deploy").hexdigest()


def deployment_name(rep: Replica) -> str:
    """The deployment's public id: that of its first key, kept when the key rotates (sync/keys.py)."""
    return str(rep.meta("deployment_id") or deployment_id(bytes.fromhex(str(rep.meta("deployment_key")))))


@dataclass
class Run:
    origin: str
    ops: list[Op]
    hashes: list[bytes]
    # Each op's (data, seen) as the canonical bytes its hash covers (seen: None when nil),
    # so the log stores them without packing again.
    blobs: list[tuple[bytes, bytes | None]] = field(default_factory=list)

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
    return int(fitting[-1] if fitting else marks[0])


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
        # The stored blobs go out as they are: they are the bytes the hashes cover.
        for hlc, actor, entity, eid, verb, data, seen in rep.conn.execute(
                "SELECT hlc, actor, entity, eid, verb, data, seen FROM ops "
                "WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq", (origin, start, end)):
            entries.append([hlc - last_hlc, actor, entity, eid, verb, data, seen])
            last_hlc = hlc
        if prev_row is None and start:
            prev_row = (acked_prev(rep, start) or GENESIS,)
        runs.append([origin, start + 1, prev_row[0] if prev_row else GENESIS, entries])
        h, sig = rep.conn.execute(
            "SELECT hash, sig FROM head_marks WHERE origin = ? AND seq = ?", (origin, end)).fetchone()
        heads.append([origin, end, h, sig])
        budget -= end - start
    return {
        "v": VERSION, "deployment": deployment_name(rep),
        "from": rep.origin, "vector": rep.vector(), "runs": runs, "heads": heads, "more": more,
    }


def _bad() -> IntegrityError:
    return IntegrityError("the contents cannot be read")


def decode_batch(payload: Any) -> Batch:
    """Rebuild the ops of a payload, recomputing every hash of every chain."""
    try:
        if not isinstance(payload, dict) or payload.get("v") not in READS:
            raise _bad()
        batch = Batch(str(payload["from"]), str(payload["deployment"]),
                      {str(k): int(v) for k, v in payload["vector"].items()},
                      more=bool(payload.get("more")))
        for origin, seq, sig_hash, sig in payload["heads"]:
            batch.heads[(str(origin), int(seq))] = (bytes(sig_hash), bytes(sig))
        packer = msgpack.Packer(use_bin_type=True)
        for origin, first, prev, entries in payload["runs"]:
            origin, seq, prev = str(origin), int(first), bytes(prev)
            if seq < 1 or len(prev) != 32:
                raise _bad()
            ops: list[Op] = []
            hashes: list[bytes] = []
            blobs: list[tuple[bytes, bytes | None]] = []
            hlc = 0
            for dhlc, actor, entity, eid, verb, data_raw, seen_raw in entries:
                hlc += int(dhlc)
                actor, entity, eid, verb = str(actor), str(entity), str(eid), str(verb)
                if type(data_raw) is bytes:
                    data = unpack(data_raw)
                else:  # a value (version 1): its canonical bytes are what the hash covers
                    data, data_raw = data_raw, pack(data_raw)
                if seen_raw is None:
                    seen = None
                elif type(seen_raw) is bytes:
                    seen = unpack(seen_raw)
                else:
                    seen, seen_raw = seen_raw, pack(seen_raw)
                if type(data) is not dict:
                    raise _bad()
                if is_marked(data):
                    # Purged personal data (store/purge.py): the op's hash travels in its marker,
                    # and the next op's `prev` and the signed head vouch for it.
                    h = bytes(data[MARK])
                else:
                    h = chain_hash(encode_parts(packer, origin, seq, hlc, actor, entity, eid, verb,
                                                data_raw, seen_raw, prev))
                if seen is None:
                    seen_raw = None  # nil is stored as NULL
                ops.append(Op(origin, seq, hlc, actor, entity, eid, verb, data, seen, prev))
                hashes.append(h)
                blobs.append((data_raw, seen_raw))
                prev = h
                seq += 1
            if ops:
                batch.runs.append(Run(origin, ops, hashes, blobs))
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad() from exc
    return batch


def acked_prev(rep: Replica, seq: int) -> bytes | None:
    """The hash of our own op `seq` if it was dropped after the hub acknowledged it.

    A push starts at the hub's top of our chain, which is at least the last acknowledged
    seq, so that one hash is all a scoped device must keep of what it dropped.
    """
    raw = str(rep.meta("scope_acked") or "")
    at, _, h = raw.partition(":")
    return bytes.fromhex(h) if raw and int(at) == seq else None
