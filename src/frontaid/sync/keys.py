"""The deployment key, and its rotation when a device is revoked.

A revoked device still holds the deployment key it was enrolled with. So revoking
one (`device revoke`, on the root hub) makes a new key: every envelope the hub seals
from then on uses it (its id is in the envelope's header), and carries it wrapped
for each device that is not revoked: a libsodium sealed box to the device's
Curve25519 key (converted from its enrolled Ed25519 key), signed by the hub. A device
takes the new key from the first envelope it opens after the rotation (a pull answer,
a bundle), checks the hub's signature against its anchor, and seals with it from
then on; it keeps the wraps and forwards them in what it seals, so the key also
travels device to device.

The retired key is kept. Bundles sealed with it are accepted for `GRACE_MS` after
the rotation from devices that are not revoked (a stick written before the news
arrived), then refused. HTTP requests are signed by the device's own key, so the
hub answers a non-revoked device that still seals with a retired key at any time,
and its answer carries the new key. docs/sync.md, section 14.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import UTC, datetime
from typing import Any

import msgpack
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PublicKey, SealedBox
from nacl.signing import VerifyKey

from frontaid.errors import IntegrityError
from frontaid.oplog.op import pack
from frontaid.store.replica import Replica
from frontaid.sync import envelope
from frontaid.sync.batch import deployment_id, deployment_name

# Bundles sealed with a retired key are accepted this long after the rotation: as long
# as an enrolment code lives, so a stick written the day before is still good.
GRACE_MS = 14 * 24 * 3600 * 1000
__all__ = ["GRACE_MS", "current", "deployment_name", "fingerprint", "header", "open_", "rotate", "seal"]


def fingerprint(public_hex: str) -> bytes:
    """BLAKE2b-64 of a device's public key: what an enrolment code pins (docs/sync.md, section 3)."""
    return hashlib.blake2b(bytes.fromhex(public_hex), digest_size=8).digest()


def current(rep: Replica) -> bytes:
    return bytes.fromhex(str(rep.meta("deployment_key")))


def _retired(rep: Replica) -> list[dict[str, Any]]:
    return list(json.loads(rep.meta("retired_keys") or "[]"))


def wrap_message(key_id: bytes, origin: str, sealed: bytes) -> bytes:
    return pack(["frontaid-key-v1", key_id, origin, sealed])


def rotate(rep: Replica, now_ms: int | None = None) -> bytes:
    """On the root hub: a new deployment key; the old one retires. Returns the new key's id."""
    now = now_ms if now_ms is not None else int(time.time() * 1000)
    with rep.transaction():
        old = current(rep)
        if not rep.meta("deployment_id"):
            rep.set_meta("deployment_id", deployment_id(old))
        new = os.urandom(32)
        rep.set_meta("retired_keys", json.dumps([*_retired(rep), {"key": old.hex(), "retired_ms": now}]))
        rep.set_meta("deployment_key", new.hex())
        rep.set_meta("key_wraps", None)
    return envelope.key_id(new)


def _is_root_hub(rep: Replica) -> bool:
    return not rep.meta("anchor_origin")


def header(rep: Replica) -> bytes:
    """What this replica puts in the header of what it seals: the current key's wraps, if any.

    The root hub wraps the key afresh for every device not revoked; any other replica
    forwards the wraps it took the key from.
    """
    key = current(rep)
    if not _is_root_hub(rep):
        raw = rep.meta("key_wraps")
        return bytes.fromhex(str(raw)) if raw else b""
    if not rep.meta("retired_keys"):
        return b""  # never rotated: every device has the key
    kid = envelope.key_id(key)
    wraps: dict[str, list[bytes]] = {}
    for origin, public in rep.conn.execute(
            "SELECT eid, public FROM devices WHERE created = 1 AND public IS NOT NULL "
            "AND revoked_after IS NULL AND eid != ?", (rep.origin,)):
        try:
            curve = VerifyKey(bytes.fromhex(public)).to_curve25519_public_key()
        except (ValueError, CryptoError):
            continue
        sealed = bytes(SealedBox(PublicKey(bytes(curve))).encrypt(key))
        wraps[origin] = [sealed, bytes(rep.signing_key.sign(wrap_message(kid, origin, sealed)).signature)]
    return bytes(msgpack.packb({"hub": rep.origin, "public": bytes(rep.signing_key.verify_key).hex(),
                                "key": kid, "wraps": wraps}, use_bin_type=True))


def seal(rep: Replica, payload: Any, level: int = 9) -> bytes:
    """Seal with this replica's current key, carrying its wraps."""
    return envelope.seal(payload, current(rep), level=level, header=header(rep))


def _adopt(rep: Replica, kid: bytes, head: bytes) -> bytes | None:
    """The new key wrapped for us in an envelope's header, checked against our anchor; installed."""
    try:
        h = msgpack.unpackb(head, raw=False)
        if h["hub"] != rep.meta("anchor_origin") or fingerprint(h["public"]).hex() != rep.meta(
                "anchor_fingerprint") or bytes(h["key"]) != kid:
            return None
        sealed, sig = h["wraps"][rep.origin]
        VerifyKey(bytes.fromhex(h["public"])).verify(wrap_message(kid, rep.origin, bytes(sealed)), bytes(sig))
        key = SealedBox(rep.signing_key.to_curve25519_private_key()).decrypt(bytes(sealed))
    except (KeyError, TypeError, ValueError, BadSignatureError, CryptoError, msgpack.ExtraData):
        return None
    if envelope.key_id(key) != kid:
        return None
    with rep.transaction():
        old = current(rep)
        if not rep.meta("deployment_id"):
            rep.set_meta("deployment_id", deployment_id(old))
        now = int(time.time() * 1000)
        rep.set_meta("retired_keys", json.dumps([*_retired(rep), {"key": old.hex(), "retired_ms": now}]))
        rep.set_meta("deployment_key", key.hex())
        rep.set_meta("key_wraps", head.hex())
    return key


def open_(rep: Replica, blob: bytes, *, grace: bool = True, now_ms: int | None = None,
          max_plain: int = envelope.MAX_PLAIN) -> Any:
    """Open an envelope with whichever of this replica's keys sealed it.

    A key wrapped for us in its header is taken up first. A retired key is accepted
    within GRACE_MS of its retirement (`grace`, for bundles) or always (HTTP, where the
    device's own signature has been checked), never from a revoked device.
    """
    kid, head = envelope.peek(blob)
    key = current(rep)
    if kid is None or kid == envelope.key_id(key):
        if kid is None and rep.meta("retired_keys"):
            pass  # a version 1 envelope: try the keys in turn below
        else:
            return envelope.open_(blob, key, max_plain)
    if kid is not None and head:
        new = _adopt(rep, kid, head)
        if new is not None:
            return envelope.open_(blob, new, max_plain)
    now = now_ms if now_ms is not None else int(time.time() * 1000)
    for old in _retired(rep):
        k = bytes.fromhex(old["key"])
        if kid is not None and envelope.key_id(k) != kid:
            continue
        try:
            payload = envelope.open_(blob, k, max_plain)
        except IntegrityError:
            if kid is None:
                continue
            raise
        if grace and now - int(old["retired_ms"]) > GRACE_MS:
            day = datetime.fromtimestamp(int(old["retired_ms"]) / 1000, UTC).date().isoformat()
            raise IntegrityError("it was sealed with a key retired on {day} when a device was revoked; "
                                 "make it again on a device that has synced since", day=day)
        sender = payload.get("from") if isinstance(payload, dict) else None
        if rep.conn.execute("SELECT 1 FROM devices WHERE eid = ? AND revoked_after IS NOT NULL",
                            (str(sender),)).fetchone():
            raise IntegrityError("it was sealed with a retired key by a revoked device")
        return payload
    if kid is None:
        return envelope.open_(blob, key, max_plain)  # the plain refusal
    raise IntegrityError("the file is damaged or was sealed with another deployment's key")
