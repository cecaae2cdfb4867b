"""Bundles: a sealed batch in a file, carried on a USB stick when there is no network.

Writing is atomic (a temporary file, fsync, rename), so a stick pulled out mid-write
never holds half a bundle under the real name. Importing is one transaction and
idempotent: the same bundle twice, or an old one replayed, changes nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from frontaid.errors import BadInput, IntegrityError
from frontaid.store.replica import Replica
from frontaid.sync import keys
from frontaid.sync.apply import Report, apply_payload
from frontaid.sync.batch import make_batch

NO_LIMIT = 1 << 62


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


def import_bundle(rep: Replica, path: Path) -> Report:
    try:
        blob = path.read_bytes()
    except OSError:
        raise BadInput("Cannot read '{value}'.", value=str(path)) from None
    payload = keys.open_(rep, blob)
    from frontaid.sync import scope

    if scope.own_scope(rep) is not None or scope.is_feed(payload):
        report = scope.apply_feed(rep, payload)
    else:
        report = apply_payload(rep, payload)
        sender = str(payload.get("from"))
        if "scope" in payload and scope.device_scope(rep, sender) is not None:
            scope.remember_tell(rep, sender, payload["scope"])
    if isinstance(payload, dict) and isinstance(payload.get("vector"), dict):
        try:
            remember_peer(rep, str(payload["from"]), payload["vector"])
        except (ValueError, TypeError):
            raise IntegrityError("the contents cannot be read") from None
    return report
