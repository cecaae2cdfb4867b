"""Bundles: a sealed batch in a file, carried on a USB stick when there is no network.

Writing is atomic (a temporary file, fsync, rename), so a stick pulled out mid-write
never holds half a bundle under the real name. Importing is one transaction and
idempotent: the same bundle twice, or an old one replayed, changes nothing.

Importing is bounded: a file past `MAX_BUNDLE` is refused by its size before a byte
is read (a 1 GB file that begins with the magic costs nothing), one that does not
begin with the magic after 8 bytes, and the rest inflates to at most
`envelope.MAX_PLAIN`. A bundle of the wrong shape, even sealed with our key, is an
IntegrityError (exit 2, one line) and changes nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from frontaid.errors import BadInput, IntegrityError, TooLarge
from frontaid.store.replica import Replica
from frontaid.sync import envelope, keys
from frontaid.sync.apply import Report, apply_payload
from frontaid.sync.batch import make_batch

# Errors a payload of the wrong shape raises deep in decoding; turned into one IntegrityError.
MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError, RecursionError)
NO_LIMIT = 1 << 62
# The whole 100k-household town (810k ops) exports to well under this; a bigger one is
# split with --since-vector. Opening holds the file and its plaintext at once.
MAX_BUNDLE = 512 * 1024 * 1024


def deployment_key(rep: Replica) -> bytes:
    return bytes.fromhex(str(rep.meta("deployment_key")))


def peer_vector(rep: Replica, peer: str) -> dict[str, int]:
    """The last vector we heard from a peer (by device name or origin); {} if never."""
    row = rep.conn.execute("SELECT eid FROM devices WHERE (name = ? OR eid = ?) AND created = 1",
                           (peer, peer)).fetchone()
    if row is None:
        raise BadInput("No device named '{name}' in this deployment.", name=peer)
    raw = rep.meta(f"peer:{row[0]}")
    return {str(k): int(v) for k, v in json.loads(raw).items()} if raw else {}


def remember_peer(rep: Replica, origin: str, vector: dict[str, int]) -> None:
    """Keep what a peer told us it holds, so the next bundle for it carries only the rest."""
    with rep.transaction():
        old = json.loads(rep.meta(f"peer:{origin}") or "{}")
        merged = {k: max(int(old.get(k, 0)), int(v)) for k, v in {**old, **vector}.items()}
        rep.set_meta(f"peer:{origin}", json.dumps(merged, sort_keys=True))


def read_vector_file(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text())
        vector = data.get("vector", data)
        return {str(k): int(v) for k, v in vector.items()}
    except (OSError, ValueError, AttributeError, TypeError):
        raise BadInput("'{value}' is not a vector file (frontaid sync vector -o FILE writes one).",
                       value=str(path)) from None


def write_atomic(path: Path, blob: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    with open(tmp, "wb") as fh:
        fh.write(blob)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    try:
        dirfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dirfd)
        finally:
            os.close(dirfd)
    except OSError:
        pass


def export_bundle(rep: Replica, path: Path, since: dict[str, int] | None = None,
                  for_origin: str | None = None) -> dict[str, Any]:
    """Write everything beyond `since` (everything when None) to a sealed bundle file.

    For a scoped device (`for_origin`), its feed instead: only what its zones need.
    """
    from frontaid.sync import scope

    if for_origin is not None and scope.device_scope(rep, for_origin) is not None:
        payload = scope.make_feed(rep, for_origin)
        n = len(payload["ops"])
        blob = keys.seal(rep, payload, level=19)
        write_atomic(path, blob)
        return {"ops": n, "bytes": len(blob), "bytes_per_op": round(len(blob) / n, 1) if n else None}
    payload = make_batch(rep, since or {}, limit=NO_LIMIT)
    if scope.own_scope(rep) is not None:
        payload["scope"] = scope.tell(rep)
    blob = keys.seal(rep, payload, level=19)
    write_atomic(path, blob)
    n = sum(len(run[3]) for run in payload["runs"])
    return {"ops": n, "bytes": len(blob), "bytes_per_op": round(len(blob) / n, 1) if n else None}


def read_bundle(path: Path, cap: int = MAX_BUNDLE) -> bytes:
    """The bytes of a bundle file, refused by size (TooLarge) or magic before the rest is read."""
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size > cap:
                raise TooLarge(mb=cap // (1024 * 1024))
            if fh.read(len(envelope.MAGIC)) not in (envelope.MAGIC, envelope.LEGACY):
                raise IntegrityError("not a frontaid bundle")
            fh.seek(0)
            blob = fh.read(cap + 1)
    except (OSError, ValueError):
        raise BadInput("Cannot read '{value}'.", value=str(path)) from None
    if len(blob) > cap:  # grew while we looked
        raise TooLarge(mb=cap // (1024 * 1024))
    return blob


def import_bundle(rep: Replica, path: Path) -> Report:
    from frontaid.sync import scope

    payload = keys.open_(rep, read_bundle(path))
    try:
        if scope.own_scope(rep) is not None or scope.is_feed(payload):
            report = scope.apply_feed(rep, payload)
        else:
            report = apply_payload(rep, payload)
            sender = str(payload.get("from"))
            if "scope" in payload and scope.device_scope(rep, sender) is not None:
                scope.remember_tell(rep, sender, payload["scope"])
        if isinstance(payload, dict) and isinstance(payload.get("vector"), dict):
            remember_peer(rep, str(payload["from"]), payload["vector"])
    except MALFORMED:
        raise IntegrityError("the contents cannot be read") from None
    return report
