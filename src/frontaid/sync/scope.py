"""Scoped field replicas: a device that carries only the households of its zones.

A device enrolled with zones (`device enroll team-east --zones east-north,east-south`)
never receives an op about anyone outside them. The hub cuts, for that device, a
**feed**: the ops of the records in scope (households in its zones, the people in
them, and what hangs off them) and of the shared reference data, and signs it with
its own key. The device cannot check the ops against their authors' chains (it
holds only part of each chain), so it checks them against the hub's signature
instead: the hub is the anchor it was enrolled by and already trusts.

The device tells the hub what it holds (the records, its cursor: the hub's vector at
the last feed it applied, and that feed's number); the hub answers with the records
new to the device whole, the rest beyond the cursor, and the list of records that
stay. The device drops every record not on that list (after the hub has its own
changes to it), so a household moved out of the zones leaves the device at its
next sync. docs/sync.md, section 13, is the protocol.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import msgpack
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from frontaid.domain.entities import ENTITIES
from frontaid.errors import IntegrityError
from frontaid.oplog.op import Op, chain_hash, encode_parts, pack, unpack
from frontaid.store.replica import Replica, effective_row
from frontaid.sync.apply import Report
from frontaid.sync.batch import deployment_name
from frontaid.sync.keys import fingerprint

FEED_VERSION = 1
# Shared by every team: the town's map, sites, teams, stock, evacuation runs, and who
# the devices are. `crossing`, `item` and `plan` are named for the planning records
# when they exist; an entity named nowhere here or in SUBJECTS stays off scoped
# devices (least data: a new kind of record is private until someone decides otherwise).
REFERENCE: frozenset[str] = frozenset({
    "town", "zone", "site", "team", "stock", "evac_run", "device", "enrollment", "crossing", "item", "plan",
})
# A record in scope by what it belongs to: the first link that is set decides.
# ("zone", col): the record's own zone; ("household"|"person", col): that record's scope.
SUBJECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "household": (("zone", "zone"),),
    "person": (("household", "household"),),
    "request": (("household", "household"), ("zone", "zone")),
    "handout": (("household", "household"),),
    "evac_offer": (("household", "household"),),
    "referral": (("household", "household"), ("person", "person")),
    "welfare": (("household", "household"), ("person", "person"), ("zone", "zone")),
    "incident": (("zone", "zone"),),
}
# Tables left out of the restricted state hash: a stock level counts hand-outs from
# every zone (on the hub) or only those the device holds.
_UNHASHED = frozenset({"stock"})

Key = tuple[str, str]


def feed_message(hub: str, to: str, number: int, vector: dict[str, int], keep: list[list[str]],
                 hashes: Iterable[bytes]) -> bytes:
    """What the hub signs: the feed's address, number, cursor, the records kept and every op's hash."""
    h = hashlib.blake2b(digest_size=32)
    for x in hashes:
        h.update(x)
    return pack(["frontaid-scope-v1", hub, to, number, vector, keep, h.digest()])


# -- who is scoped, and what is in scope --------------------------------------------------


def own_scope(rep: Replica) -> list[str] | None:
    """This device's zones, or None for a replica that holds everything."""
    raw = rep.meta("scope")
    return None if raw is None else [str(z) for z in json.loads(raw)]


def device_scope(rep: Replica, origin: str) -> list[str] | None:
    """The zones a device was enrolled for (on the hub), or None when it is not scoped."""
    row = rep.conn.execute(
        "SELECT e.zones FROM devices d JOIN enrollments e ON e.eid = d.enrollment "
        "WHERE d.eid = ? AND e.zones IS NOT NULL", (origin,)).fetchone()
    return None if row is None else sorted(str(row[0]).split(","))


def in_scope(rep: Replica, zones: Iterable[str]) -> set[Key]:
    """Every record outside the reference data that a device scoped to `zones` may hold."""
    wanted = set(zones)
    c = rep.conn
    scope: dict[str, set[str]] = {
        "zone": wanted,
        "household": {e for e, z in c.execute("SELECT eid, zone FROM households") if z in wanted},
    }
    households = scope["household"]
    scope["person"] = {e for e, h in c.execute("SELECT eid, household FROM people") if h in households}
    out: set[Key] = {("household", e) for e in scope["household"]} | {("person", e) for e in scope["person"]}
    for name, links in SUBJECTS.items():
        if name in ("household", "person"):
            continue
        cols = ", ".join(f'"{col}"' for _, col in links)
        for eid, *values in c.execute(f'SELECT eid, {cols} FROM "{ENTITIES[name].table}"'):
            for (kind, _), value in zip(links, values, strict=True):
                if value is not None:
                    if value in scope[kind]:
                        out.add((name, eid))
                    break
    return out


def _held_records(rep: Replica) -> set[Key]:
    """The records outside the reference data this replica has any op of."""
    return {(e, i) for e, i in rep.conn.execute("SELECT DISTINCT entity, eid FROM ops") if e not in REFERENCE}


# -- on the device: what to tell the hub --------------------------------------------------


def tell(rep: Replica) -> dict[str, Any]:
    """What a scoped device holds, for the hub to cut its next feed: sent with every pull and push."""
    # A record kept only for our own unsent changes is not held: if it comes back into
    # scope, the hub must send it whole.
    partial = {(e, i) for e, i in json.loads(rep.meta("scope_partial") or "[]")}
    return {"cursor": json.loads(rep.meta("scope_cursor") or "{}"), "feed": int(rep.meta("scope_feed", 0)),
            "holds": sorted([e, i] for e, i in _held_records(rep) - partial)}


# -- on the hub: the feed ---------------------------------------------------------------


def remember_tell(rep: Replica, origin: str, told: Any) -> None:
    """Keep what a scoped device said it holds, for `sync export --for` it (a newer word wins)."""
    try:
        feed = int(told["feed"])
        clean = {"cursor": {str(k): int(v) for k, v in dict(told["cursor"]).items()},
                 "feed": feed, "holds": sorted([str(e), str(i)] for e, i in told["holds"])}
    except (KeyError, TypeError, ValueError):
        raise IntegrityError("the contents cannot be read") from None
    with rep.transaction():
        old = json.loads(rep.meta(f"scope-told:{origin}") or '{"feed": -1}')
        if feed >= int(old["feed"]):
            rep.set_meta(f"scope-told:{origin}", json.dumps(clean, sort_keys=True))


@dataclass
class _Told:
    cursor: dict[str, int]
    feed: int
    holds: set[Key]


def make_feed(hub: Replica, origin: str, told: Any = None) -> dict[str, Any]:
    """The signed feed for the scoped device `origin`: what it lacks of its scope, and what it keeps."""
    zones = device_scope(hub, origin)
    if zones is None:
        raise IntegrityError("that device is not scoped")
    if told is not None:
        remember_tell(hub, origin, told)
    raw = json.loads(hub.meta(f"scope-told:{origin}") or '{"cursor": {}, "feed": 0, "holds": []}')
    t = _Told({str(k): int(v) for k, v in raw["cursor"].items()}, int(raw["feed"]),
              {(str(e), str(i)) for e, i in raw["holds"]})
    with hub.transaction():
        vector = hub.vector()
        keep = in_scope(hub, zones)
        number = int(hub.meta(f"scope-feeds:{origin}", 0)) + 1
        # Feeds made after the one the device last applied may have dropped some of what it
        # told us it holds: those go whole again if they come back into scope.
        made = json.loads(hub.meta(f"scope-keeps:{origin}") or "{}")
        made = {n: k for n, k in made.items() if int(n) > t.feed}
        dropped = {r for n, k in made.items() for r in t.holds - {(e, i) for e, i in k}}
        held = t.holds - dropped
        rows: dict[tuple[str, int], tuple[Any, ...]] = {}
        cols = "origin, seq, hlc, actor, entity, eid, verb, data, seen, hash"
        for entity in sorted(REFERENCE):
            for r in hub.conn.execute(f"SELECT {cols} FROM ops WHERE entity = ?", (entity,)):
                if t.cursor.get(r[0], 0) < r[1] <= vector.get(r[0], 0) and r[0] != origin:
                    rows[(r[0], r[1])] = r
        for entity, eid in sorted(keep):
            whole = (entity, eid) not in held
            for r in hub.conn.execute(f"SELECT {cols} FROM ops WHERE entity = ? AND eid = ?", (entity, eid)):
                if r[1] > vector.get(r[0], 0):
                    continue  # beyond a gap: it goes when the gap fills
                if whole or (r[0] != origin and r[1] > t.cursor.get(r[0], 0)):
                    rows[(r[0], r[1])] = r
        entries: list[list[Any]] = []
        hashes: list[bytes] = []
        for key in sorted(rows):
            o, seq, hlc, actor, entity, eid, verb, data, seen, h = rows[key]
            prev = hub.conn.execute("SELECT hash FROM ops WHERE origin = ? AND seq = ?",
                                    (o, seq - 1)).fetchone() if seq > 1 else None
            entries.append([o, seq, hlc, actor, entity, eid, verb, data, seen,
                            prev[0] if prev else b"\x00" * 32])
            hashes.append(h)
        keep_list = sorted([e, i] for e, i in keep)
        made[str(number)] = keep_list
        hub.set_meta(f"scope-feeds:{origin}", number)
        hub.set_meta(f"scope-keeps:{origin}", json.dumps(made, sort_keys=True))
    sig = hub.signing_key.sign(feed_message(hub.origin, origin, number, vector, keep_list, hashes)).signature
    public = bytes(hub.signing_key.verify_key).hex()
    return {"v": FEED_VERSION, "kind": "scope-feed",
            "deployment": deployment_name(hub),
            "from": hub.origin, "public": public, "to": origin, "feed": number, "vector": vector,
            "keep": keep_list, "ops": entries, "sig": bytes(sig), "more": False, "runs": []}


def is_feed(payload: Any) -> bool:
    return isinstance(payload, dict) and payload.get("kind") == "scope-feed"


# -- on the device: applying a feed --------------------------------------------------------


def _decode(payload: dict[str, Any]) -> tuple[list[Op], list[bytes], list[list[str]], dict[str, int]]:
    packer = msgpack.Packer(use_bin_type=True)
    ops: list[Op] = []
    hashes: list[bytes] = []
    try:
        for o, seq, hlc, actor, entity, eid, verb, data_raw, seen_raw, prev in payload["ops"]:
            o, seq, hlc, prev = str(o), int(seq), int(hlc), bytes(prev)
            actor, entity, eid, verb = str(actor), str(entity), str(eid), str(verb)
            data_raw = bytes(data_raw)
            seen_raw = None if seen_raw is None else bytes(seen_raw)
            data = unpack(data_raw)
            if type(data) is not dict or len(prev) != 32 or seq < 1:
                raise ValueError
            seen = None if seen_raw is None else unpack(seen_raw)
            hashes.append(chain_hash(encode_parts(packer, o, seq, hlc, actor, entity, eid, verb,
                                                  data_raw, seen_raw, prev)))
            ops.append(Op(o, seq, hlc, actor, entity, eid, verb, data, seen, prev))
        keep = [[str(e), str(i)] for e, i in payload["keep"]]
        vector = {str(k): int(v) for k, v in dict(payload["vector"]).items()}
    except (KeyError, TypeError, ValueError, msgpack.ExtraData):
        raise IntegrityError("the contents cannot be read") from None
    return ops, hashes, keep, vector


def apply_feed(rep: Replica, payload: Any) -> Report:
    """Check a feed against the anchor hub's signature, apply it, drop what left the scope."""
    if own_scope(rep) is None:
        raise IntegrityError("this replica is not scoped; it takes batches, not a scoped feed")
    if not is_feed(payload):
        raise IntegrityError("this device takes only what the hub made for it (sync export --for)")
    ours = deployment_name(rep)
    if payload.get("deployment") != ours:
        raise IntegrityError("it belongs to another deployment")
    if payload.get("to") != rep.origin:
        raise IntegrityError("it was made for another device")
    ops, hashes, keep, vector = _decode(payload)
    public = str(payload.get("public", ""))
    try:
        if payload.get("from") != rep.meta("anchor_origin") or \
                fingerprint(public).hex() != rep.meta("anchor_fingerprint"):
            raise ValueError
        VerifyKey(bytes.fromhex(public)).verify(
            feed_message(str(payload["from"]), rep.origin, int(payload["feed"]), vector, keep, hashes),
            bytes(payload["sig"]))
    except (BadSignatureError, ValueError, TypeError):
        raise IntegrityError("a signature does not match (device {device}): the data was altered or forged",
                             device="hub") from None
    report = Report()
    number = int(payload["feed"])
    with rep.transaction():
        if number <= int(rep.meta("scope_feed", 0)):
            report.already = len(ops)  # an older feed than one applied: its keep list is stale
            return report
        report.applied = rep.ingest(ops, hashes)
        report.already = len(ops) - report.applied
        # Foreign chains are partial here: no version vector for them (the cursor stands in).
        rep.conn.execute("DELETE FROM tops WHERE origin != ?", (rep.origin,))
        kept = {(e, i) for e, i in keep}
        acked = vector.get(rep.origin, 0)
        gone = [r for r in _held_records(rep) if r not in kept]
        partial = {(e, i) for e, i in json.loads(rep.meta("scope_partial") or "[]")} - kept
        purge(rep, gone, acked)
        partial |= {r for r in gone if rep.conn.execute(
            "SELECT 1 FROM ops WHERE entity = ? AND eid = ?", r).fetchone()}
        rep.set_meta("scope_partial", json.dumps(sorted(partial)))
        rep.set_meta("scope_cursor", json.dumps(vector, sort_keys=True))
        rep.set_meta("scope_feed", number)
    return report


def purge(rep: Replica, records: Iterable[Key], acked: int) -> int:
    """Remove records, their ops and their projection rows; our own ops only once the hub has them."""
    removed = 0
    proj = rep.projector  # inside the caller's transaction
    c = rep.conn
    digest = int(rep._state["digest"], 16)
    for entity, eid in sorted(records):
        # Our own changes the hub has not got yet stay (they go at a later sync); all the
        # rest goes now, so nothing another device said about it stays here.
        rows = [(o, s, h) for o, s, h in c.execute(
            "SELECT origin, seq, hash FROM ops WHERE entity = ? AND eid = ?", (entity, eid))
            if o != rep.origin or s <= acked]
        if not rows:
            continue
        ids = [f"{o}:{s}" for o, s, _ in rows]
        for o, s, h in rows:
            if o == rep.origin and s == acked:
                rep.set_meta("scope_acked", f"{s}:{h.hex()}")
            digest ^= int.from_bytes(h, "big")
        drawn = {(e, i) for oid in ids for e, i in c.execute(
            "SELECT entity, eid FROM ledger WHERE op = ? AND hook = 1", (oid,))}
        c.executemany("DELETE FROM ledger WHERE op = ?", [(x,) for x in ids])
        c.executemany("DELETE FROM retracted WHERE op = ? OR by = ?", [(x, x) for x in ids])
        proj.retracted.difference_update(ids)
        c.execute("DELETE FROM conflicts WHERE entity = ? AND eid = ?", (entity, eid))
        c.executemany("DELETE FROM ops WHERE origin = ? AND seq = ?", [(o, s) for o, s, _ in rows])
        proj.refold(entity, eid)
        for e, i in sorted(drawn):
            proj.refold(e, i)
        removed += len(rows)
    rep._state["digest"] = f"{digest:064x}"
    rep._dirty = True  # the running digest is stored when the transaction ends
    return removed


# -- the restricted state ------------------------------------------------------------------


def restricted_hash(rep: Replica, zones: Iterable[str] | None = None) -> str:
    """A hash of this replica's state restricted to `zones` (default: its own scope).

    Equal on the hub (for the device's zones) and on a scoped device that has synced
    with it and changed nothing since: the ops of the records in scope and of the
    reference data, and the projection rows they fold to (stock levels excepted).
    """
    zs = own_scope(rep) if zones is None else list(zones)
    if zs is None:
        raise IntegrityError("this replica is not scoped")
    keep = in_scope(rep, zs)
    c = rep.conn
    acc = 0
    for e, i, h in c.execute("SELECT o.entity, o.eid, o.hash FROM ops o "
                             "LEFT JOIN tops t ON t.origin = o.origin "
                             "WHERE t.seq IS NULL OR o.seq <= t.seq"):
        if e in REFERENCE or (e, i) in keep:
            acc ^= int.from_bytes(h, "big")
    h = hashlib.blake2b(digest_size=16)
    h.update(acc.to_bytes(32, "big"))
    for entity in ENTITIES.values():
        if entity.name in _UNHASHED or not (entity.name in REFERENCE or entity.name in SUBJECTS):
            continue
        fields = [f.name for f in entity.fields] + [col for col, _ in entity.derived]
        lww = frozenset(["merged_into"] + [f.name for f in entity.fields if f.kind not in ("set", "count")])
        cols = ", ".join(f'"{col}"' for col in fields)
        h.update(entity.table.encode())
        for row in c.execute(f'SELECT eid, created, c_hlc, c_origin, _v, merged_into, {cols} '
                             f'FROM "{entity.table}" ORDER BY eid'):
            if entity.name in REFERENCE or (entity.name, row[0]) in keep:
                h.update(pack(effective_row(fields, lww, row)))
    return h.hexdigest()


def scope_summary(rep: Replica) -> dict[str, Any]:
    """For `frontaid status` on a scoped device: its zones and the state of what it holds ({} if unscoped)."""
    zones = own_scope(rep)
    return {} if zones is None else {"zones": zones, "scoped_state": restricted_hash(rep)[:16]}
