"""Devices: enrol on the hub, join with the one-time code, revoke when lost or captured.

The hub makes a one-time key pair E for each enrolment and records its public half
(an `enrollment` op, in the hub's own signed chain). The code shown to the new
device carries E's secret, the deployment key, and a fingerprint of the hub's key.
The new device makes its own key pair; its first op registers it, with E's
signature over (origin, public key) as proof. Any replica can check that proof
against the hub's enrolment, so no replica needs to be online to trust it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import msgpack
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from frontaid.domain.codes import PREFIX_LETTERS, new_prefix
from frontaid.errors import BadInput, NotFound, Refused
from frontaid.oplog.hlc import wall_ms
from frontaid.oplog.op import pack
from frontaid.store.replica import Change, Replica
from frontaid.sync.batch import deployment_name
from frontaid.sync.keys import fingerprint, rotate

CODE_VERSION = 1
ROLES = ("hub", "field", "desk")
ENROLMENT_DAYS = 14


def proof_message(origin: str, public_hex: str) -> bytes:
    return pack(["frontaid-enrol-v1", origin, public_hex])


def check_proof(enrollment_key_hex: str, origin: str, public_hex: str, proof_hex: str) -> bool:
    try:
        VerifyKey(bytes.fromhex(enrollment_key_hex)).verify(
            proof_message(origin, public_hex), bytes.fromhex(proof_hex))
    except (BadSignatureError, ValueError):
        return False
    return True


def _own_role(rep: Replica) -> str:
    row = rep.conn.execute("SELECT role FROM devices WHERE eid = ?", (rep.origin,)).fetchone()
    return str(row[0]) if row and row[0] else "field"


def _free_prefix(rep: Replica) -> str:
    taken = {p for (p,) in rep.conn.execute(
        "SELECT prefix FROM devices WHERE prefix IS NOT NULL UNION "
        "SELECT prefix FROM enrollments WHERE prefix IS NOT NULL")}
    if len(taken) >= len(PREFIX_LETTERS) ** 3:
        raise Refused("No device prefixes are left in this deployment.")
    while (p := new_prefix()) in taken:
        pass
    return p


def encode_code(fields: list[Any]) -> str:
    raw = msgpack.packb(fields, use_bin_type=True)
    raw += hashlib.blake2b(raw, digest_size=3).digest()
    text = base64.b32encode(raw).decode().rstrip("=")
    return "-".join(text[i:i + 5] for i in range(0, len(text), 5))


def decode_code(code: str) -> list[Any]:
    text = "".join(ch for ch in code.upper() if ch.isalnum())
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
        body, check = raw[:-3], raw[-3:]
        if hashlib.blake2b(body, digest_size=3).digest() != check:
            raise ValueError
        fields = msgpack.unpackb(body, raw=False)
        if not isinstance(fields, list) or fields[0] != CODE_VERSION:
            raise ValueError
        return fields
    except (ValueError, TypeError, msgpack.ExtraData, IndexError):
        raise BadInput("That enrolment code is not valid: check it was copied whole.") from None


def enroll(rep: Replica, actor: str, name: str, role: str = "field", today: date | None = None,
           zones: list[str] | None = None) -> str:
    """On the hub: a one-time code that lets a new device join as `name`.

    `zones` (slugs) makes it a scoped field device: it will hold only the households
    of those zones and what hangs off them (sync/scope.py).
    """
    if _own_role(rep) != "hub":
        raise Refused("Only the hub can enrol devices.")
    if role not in ROLES:
        raise BadInput("'{value}' is not a valid {what}. Use one of: {choices}.",
                       value=role, what="role", choices=", ".join(ROLES))
    if zones is not None:
        zones = sorted({z.strip() for z in zones if z.strip()})
        known = {z for (z,) in rep.conn.execute("SELECT eid FROM zones WHERE created = 1")}
        unknown = [z for z in zones if z not in known]
        if not zones or unknown:
            raise BadInput("'{value}' is not a valid {what}. Use one of: {choices}.",
                           value=",".join(unknown), what="zone", choices=", ".join(sorted(known)))
        if role == "hub":
            raise Refused("A hub holds everything: only field and desk devices take zones.")
    if rep.conn.execute("SELECT 1 FROM devices WHERE name = ? AND created = 1", (name,)).fetchone():
        raise Refused("A device named '{name}' is already enrolled.", name=name)
    one_time = SigningKey.generate()
    public = bytes(one_time.verify_key).hex()
    prefix = _free_prefix(rep)
    expires = ((today or date.today()) + timedelta(days=ENROLMENT_DAYS)).isoformat()
    rep.record([Change("enrollment", public, "create",
                       {"name": name, "role": role, "key": public, "prefix": prefix,
                        "expires": expires, **({"zones": zones} if zones else {})})], actor)
    # The code anchors the new device to the deployment's root hub (the one whose
    # registration no enrolment vouches for), whichever hub enrols it: every other
    # device, a second hub included, is vouched for by an enrolment in a trusted chain.
    root = rep.meta("anchor_origin")
    if root:
        anchor, anchor_fp = str(root), bytes.fromhex(str(rep.meta("anchor_fingerprint")))
    else:
        own = rep.conn.execute("SELECT public FROM devices WHERE eid = ?", (rep.origin,)).fetchone()[0]
        anchor, anchor_fp = rep.origin, fingerprint(own)
    # The hub's HTTPS certificate authority, made now if the hub has none yet, so the new
    # device can pin it (sync/tls.py): its SHA-256, the code's last field.
    from frontaid.sync.tls import ca_fingerprint

    return encode_code([
        CODE_VERSION, bytes.fromhex(str(rep.meta("deployment_key"))), bytes(one_time),
        anchor, anchor_fp, rep.town, rep.epoch.isoformat(), str(rep.meta("lang")),
        prefix, role, name, bytes.fromhex(ca_fingerprint(rep)), zones or None, deployment_name(rep),
    ])


@dataclass(frozen=True)
class JoinCode:
    deployment_key: bytes
    enrollment_seed: bytes
    hub_origin: str
    hub_fingerprint: bytes
    town: str
    epoch: date
    lang: str
    prefix: str
    role: str
    name: str
    hub_ca: bytes = b""  # SHA-256 of the hub's CA certificate; empty in codes made before it
    zones: list[str] | None = None
    deployment_id: str | None = None


def parse_code(code: str) -> JoinCode:
    f = decode_code(code)
    try:
        return JoinCode(bytes(f[1]), bytes(f[2]), str(f[3]), bytes(f[4]), str(f[5]),
                        date.fromisoformat(f[6]), str(f[7]), str(f[8]), str(f[9]), str(f[10]),
                        bytes(f[11]) if len(f) > 11 else b"",
                        [str(z) for z in f[12]] if len(f) > 12 and f[12] else None,
                        str(f[13]) if len(f) > 13 else None)
    except (IndexError, ValueError, TypeError):
        raise BadInput("That enrolment code is not valid: check it was copied whole.") from None


def join(path: str | os.PathLike[str], code: str, data_key: bytes | None = None) -> Replica:
    """On the new device: a replica of the deployment the code belongs to (encrypted with `data_key`)."""
    jc = parse_code(code)
    one_time = SigningKey(jc.enrollment_seed)
    key = SigningKey.generate()
    origin = os.urandom(8).hex()
    public = bytes(key.verify_key).hex()
    proof = bytes(one_time.sign(proof_message(origin, public)).signature).hex()
    return Replica._create(
        Path(path), wall=wall_ms, signing_key=bytes(key), origin=origin,
        prefix=jc.prefix, deployment_key=jc.deployment_key, town=jc.town, lang=jc.lang, epoch=jc.epoch,
        device={"name": jc.name, "public": public, "prefix": jc.prefix, "role": jc.role,
                "enrollment": bytes(one_time.verify_key).hex(), "proof": proof},
        extra={"anchor_origin": jc.hub_origin, "anchor_fingerprint": jc.hub_fingerprint.hex(),
               **({"hub_ca_fingerprint": jc.hub_ca.hex()} if len(jc.hub_ca) == 32 else {}),
               **({"scope": json.dumps(sorted(jc.zones))} if jc.zones else {}),
               **({"deployment_id": jc.deployment_id} if jc.deployment_id else {})},
        key=data_key,
    )


def revoke(rep: Replica, actor: str, name: str) -> int:
    """Refuse every op the device named `name` signs after what this hub holds of it now."""
    if _own_role(rep) != "hub":
        raise Refused("Only the hub can revoke devices.")
    row = rep.conn.execute(
        "SELECT eid, revoked_after FROM devices WHERE name = ? AND created = 1", (name,)).fetchone()
    if row is None:
        raise NotFound(what="device", code=name)
    if row[1] is not None:
        raise Refused("That device is already revoked.")
    top = rep.vector().get(row[0], 0)
    with rep.transaction():
        rep.record([Change("device", row[0], "set", {"f": "revoked_after", "v": top})], actor)
        if not rep.meta("anchor_origin"):
            # The root hub: a new deployment key, which the revoked device never gets.
            rotate(rep)
    return int(top)


def list_devices(rep: Replica) -> list[dict[str, Any]]:
    vector = rep.vector()
    out = []
    for eid, name, role, prefix, revoked, zones in rep.conn.execute(
            "SELECT d.eid, d.name, d.role, d.prefix, d.revoked_after, e.zones FROM devices d "
            "LEFT JOIN enrollments e ON e.eid = d.enrollment WHERE d.created = 1 ORDER BY d.name"):
        out.append({"origin": eid, "name": name, "role": role or "field", "prefix": prefix,
                    "ops": vector.get(eid, 0), "revoked_after": revoked, "this": eid == rep.origin,
                    "zones": zones.split(",") if zones else None})
    for key, name, role, expires, zones in rep.conn.execute(
            "SELECT e.eid, e.name, e.role, e.expires, e.zones FROM enrollments e WHERE e.created = 1 "
            "AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.enrollment = e.eid)"):
        out.append({"origin": None, "name": name, "role": role, "prefix": None, "ops": 0,
                    "revoked_after": None, "this": False, "pending_until": expires, "enrollment": key,
                    "zones": zones.split(",") if zones else None})
    return out
