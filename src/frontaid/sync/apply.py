"""The one door by which another replica's ops enter this one: verify, then fold.

A batch is applied in one transaction: a crash leaves the replica as it was, and
the same batch applied twice changes nothing. It is refused whole, with one plain
reason, when anything in it fails a check a carrier could have broken: a
signature, a chain link, a device no one enrolled, a device enrolling or revoking
others without being a hub. Ops a revoked device made after its revocation are
refused one by one and reported; ops after a gap are verified and held back until
the gap fills, or applied and flagged once they have waited `HOLD_MS`.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from frontaid.collector import rare_collections
from frontaid.errors import IntegrityError
from frontaid.oplog.chain import verify_head
from frontaid.oplog.hlc import physical
from frontaid.oplog.op import GENESIS, Op
from frontaid.store.replica import Change, Replica
from frontaid.sync.batch import Batch, Run, decode_batch, deployment_name
from frontaid.sync.devices import check_proof
from frontaid.sync.keys import fingerprint

HOLD_MS = 72 * 3600 * 1000
# A batch this large, and at least BULK_RATIO times what the replica holds, is written
# with one executemany and a full refold in memory instead of op by op (a new device's
# first sync, a hub restored from bundles). Measured on 120k-800k ops with bench/sync.py:
# op by op ~41 us an op, bulk ~38 us a new op plus ~39 us for each op already held,
# so bulk pays only when the replica is small against the batch.
BULK_MIN = 20_000
BULK_RATIO = 10


def bulk_worthwhile(new: int, held: int) -> bool:
    """Whether `new` ops are better written in bulk into a replica holding `held`."""
    return new >= BULK_MIN and new >= BULK_RATIO * held


@dataclass
class Device:
    public: str
    role: str
    revoked_after: int | None
    name: str


@dataclass
class Report:
    """What applying a batch did, for the person who synced."""

    applied: int = 0
    already: int = 0
    held: int = 0
    released: int = 0
    refused: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"applied": self.applied, "already": self.already, "held": self.held,
                "released": self.released, "refused": self.refused, "flags": self.flags}


# Verified runs (ops, hashes, stored data/seen bytes) written together at the end.
Deferred = list[tuple[list[Op], list[bytes], list[tuple[bytes, bytes | None]]]]


def trusted(rep: Replica) -> dict[str, Device]:
    return {eid: Device(pub, role or "field", rev, name or eid[:8]) for eid, pub, role, rev, name in
            rep.conn.execute("SELECT eid, public, role, revoked_after, name FROM devices "
                             "WHERE created = 1 AND public IS NOT NULL")}


def apply_payload(rep: Replica, payload: Any, now_ms: int | None = None) -> Report:
    """Verify and apply a decoded batch payload (from a bundle or an HTTP push/pull)."""
    # A large batch is millions of objects held at once: no collector passes over them.
    with rare_collections(off=True) if _entries(payload) >= BULK_MIN else nullcontext():
        return _apply(rep, payload, now_ms)


def _entries(payload: Any) -> int:
    """How many ops a payload carries, as far as its shape can tell before it is checked."""
    try:
        return sum(len(run[3]) for run in payload["runs"])
    except (KeyError, TypeError, IndexError):
        return 0


def _apply(rep: Replica, payload: Any, now_ms: int | None) -> Report:
    batch = decode_batch(payload)
    ours = deployment_name(rep)
    if batch.deployment != ours:
        raise IntegrityError("it belongs to another deployment")
    now = now_ms if now_ms is not None else rep.clock.wall()
    report = Report()
    # Runs verified and waiting to be written in one go at the end; None: op by op.
    bulk: Deferred | None = [] if bulk_worthwhile(batch.op_count, rep.op_count()) else None
    with rep.transaction():
        devices = trusted(rep)
        pending = list(batch.runs)
        while pending:
            # Who each pending run's device is, checked once per round (a registration
            # means a signature check; trust changes only after a run is applied).
            known = {r.origin: devices.get(r.origin) or _self_registration(rep, r, devices)
                     for r in pending}
            ready = [r for r in pending if known[r.origin]]
            if not ready:
                raise IntegrityError("it holds ops from {n} device(s) this replica does not know; "
                                     "sync with the hub first", n=len({r.origin for r in pending}))
            ready.sort(key=lambda r: (devices.get(r.origin, Device("", "", None, "")).role != "hub",
                                      r.origin))
            run = ready[0]
            pending.remove(run)
            device = known[run.origin]
            assert device is not None
            _apply_run(rep, batch, run, device, report, now, bulk)
            devices = trusted(rep)
        if bulk is not None:
            ops = [op for run_ops, _, _ in bulk for op in run_ops]
            report.applied += rep.ingest_bulk(ops, [h for _, hs, _ in bulk for h in hs],
                                              [b for _, _, bs in bulk for b in bs])
            for origin in {op.origin for op in ops}:
                _release_held(rep, origin, report)
        _release_stale(rep, report, now)
        _flag_clock_ahead(rep, batch, report)
    return report


def _self_registration(rep: Replica, run: Run, devices: dict[str, Device]) -> Device | None:
    """The device a run introduces itself as, if its first op is a valid registration."""
    first = run.ops[0]
    if first.seq != 1 or first.entity != "device" or first.verb != "create" or first.eid != run.origin:
        return None
    d = first.data
    public = str(d.get("public", ""))
    if run.origin == rep.meta("anchor_origin"):
        try:
            ok = fingerprint(public).hex() == rep.meta("anchor_fingerprint") and d.get("role") == "hub"
        except ValueError:
            ok = False
        return Device(public, "hub", None, str(d.get("name"))) if ok else None
    key = str(d.get("enrollment", ""))
    row = rep.conn.execute("SELECT role, prefix FROM enrollments WHERE eid = ? AND created = 1",
                           (key,)).fetchone()
    if row is None or (d.get("role"), d.get("prefix")) != (row[0], row[1]):
        return None
    used = rep.conn.execute("SELECT eid FROM devices WHERE enrollment = ? AND created = 1 AND eid != ?",
                            (key, run.origin)).fetchone()
    if used or not check_proof(key, run.origin, public, str(d.get("proof", ""))):
        return None
    return Device(public, str(row[0]), None, str(d.get("name")))


def _check_authority(run: Run, device: Device) -> None:
    for op in run.ops:
        manages_devices = op.entity == "enrollment" or (op.entity == "device" and not (
            op.verb == "create" and op.seq == 1 and op.eid == run.origin))
        if manages_devices and device.role != "hub":
            raise IntegrityError("a device that is not a hub tried to enrol or revoke devices")


def _apply_run(rep: Replica, batch: Batch, run: Run, device: Device, report: Report, now: int,
               bulk: Deferred | None) -> None:
    origin = run.origin
    last = run.ops[-1]
    head = batch.heads.get((origin, last.seq))
    if head is None or head[0] != run.last_hash or not verify_head(
            bytes.fromhex(device.public), origin, last.seq, run.last_hash, head[1]):
        raise IntegrityError("a signature does not match (device {device}): the data was altered or forged",
                             device=device.name)
    _check_authority(run, device)
    ops = run.ops
    hashes = run.hashes
    if device.revoked_after is not None:
        late = [op for op in ops if op.seq > device.revoked_after]
        if late:
            report.refused.append(f"{len(late)} ops from revoked device {device.name}")
            ops = ops[:len(ops) - len(late)]
            hashes = hashes[:len(ops)]
    if not ops:
        return
    row = rep.conn.execute("SELECT seq, hash FROM tops WHERE origin = ?", (origin,)).fetchone()
    top, top_hash = (row[0], row[1]) if row else (0, GENESIS)
    first = ops[0]
    if first.seq > top + 1:
        rep.conn.executemany("INSERT OR IGNORE INTO held VALUES (?,?,?,?)",
                             [(op.origin, op.seq, op.encode(), now) for op in ops])
        report.held += len(ops)
    else:
        link = next((op for op in ops if op.seq == top + 1), None)
        if link is not None and link.prev != top_hash:
            raise IntegrityError("the chain of device {device} does not continue what this replica holds",
                                 device=device.name)
        skip = max(0, min(len(ops), top - first.seq + 1))
        report.already += skip
        if bulk is not None:
            # Ops that change whom we trust apply at once (later runs are checked against
            # them); the rest are written together at the end.
            trust = [i for i in range(skip, len(ops)) if ops[i].entity in ("device", "enrollment")]
            report.applied += rep.ingest([ops[i] for i in trust], [hashes[i] for i in trust])
            if not trust and skip == 0:
                bulk.append((ops, hashes, run.blobs[:len(ops)]))
            else:
                rest = [i for i in range(skip, len(ops)) if ops[i].entity not in ("device", "enrollment")]
                bulk.append(([ops[i] for i in rest], [hashes[i] for i in rest],
                             [run.blobs[i] for i in rest]))
        else:
            report.applied += rep.ingest(ops[skip:], hashes[skip:])
            _release_held(rep, origin, report)
    if ops[-1].seq == last.seq:
        rep.conn.execute("INSERT OR IGNORE INTO head_marks VALUES (?,?,?,?)",
                         (origin, last.seq, head[0], head[1]))


def _release_held(rep: Replica, origin: str, report: Report) -> None:
    """Apply held ops of `origin` that now continue its chain without a gap."""
    row = rep.conn.execute("SELECT seq, hash FROM tops WHERE origin = ?", (origin,)).fetchone()
    if row is None:
        return
    top, top_hash = row
    ready: list[Op] = []
    for seq, raw in rep.conn.execute(
            "SELECT seq, op FROM held WHERE origin = ? AND seq > ? ORDER BY seq", (origin, top)):
        if seq != top + 1:
            break
        op = Op.decode(raw)
        if op.prev != top_hash:
            break  # a fork: leave it held; a person will see it in `sync held`
        ready.append(op)
        top, top_hash = seq, op.hash()
    if ready:
        report.released += rep.ingest(ready)
        rep.conn.execute("DELETE FROM held WHERE origin = ? AND seq <= ?", (origin, top))
    rep.conn.execute("DELETE FROM held WHERE origin = ? AND seq <= ?", (origin, top))


def _release_stale(rep: Replica, report: Report, now: int) -> None:
    """Ops held past HOLD_MS are applied anyway (the fold does not need order) and flagged."""
    stale = rep.conn.execute(
        "SELECT origin, MIN(seq), MAX(seq) FROM held WHERE received_ms < ? GROUP BY origin",
        (now - HOLD_MS,)).fetchall()
    for origin, lo, hi in stale:
        ops = [Op.decode(raw) for (raw,) in rep.conn.execute(
            "SELECT op FROM held WHERE origin = ? AND received_ms < ? ORDER BY seq", (origin, now - HOLD_MS))]
        report.released += rep.ingest(ops)
        rep.conn.execute("DELETE FROM held WHERE origin = ? AND received_ms < ?", (origin, now - HOLD_MS))
        top = rep.vector().get(origin, 0)
        _flag(rep, report, f"gap:{origin}:{lo}", "gap", origin,
              {"missing_from": top + 1, "missing_to": lo - 1, "applied_to": hi})


def _flag_clock_ahead(rep: Replica, batch: Batch, report: Report) -> None:
    for run in batch.runs:
        if not rep.clock.too_far_ahead(max(op.hlc for op in run.ops)):
            continue  # the usual case: one look at the wall clock per run, not per op
        ahead = [op for op in run.ops if rep.clock.too_far_ahead(op.hlc)]
        if ahead:
            hours = (physical(ahead[-1].hlc) - rep.clock.wall()) // 3_600_000
            _flag(rep, report, f"clock-ahead:{run.origin}", "clock-ahead", run.origin,
                  {"first_seq": ahead[0].seq, "hours_ahead": int(hours)})


def _flag(rep: Replica, report: Report, eid: str, kind: str, subject: str, detail: dict[str, Any]) -> None:
    """Record an observed flag once; its id is the same on every replica that observes it."""
    exists = rep.conn.execute("SELECT 1 FROM flags WHERE eid = ? AND created = 1", (eid,)).fetchone()
    if not exists:
        rep.record([Change("flag", eid, "create", {"kind": kind, "subject": subject, "detail": detail,
                                                   "status": "open"})], actor="frontaid")
        report.flags.append(eid)
