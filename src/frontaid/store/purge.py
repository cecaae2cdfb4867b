"""Purging people's personal data from a replica: its projections, its search index and its own log.

A `purge` op (entity `purge`, verb `create`, data `{"records": [[entity, eid], ...], ...}`) names
the records to purge. Folding it, on every replica that receives it:

- records each of them in `purged` (a projection table, so a refold gives it back);
- clears their personal fields (`PERSONAL`) in the projection, and the search keys of the name;
- rewrites the `data` of every earlier op on them in this replica's log, leaving a redaction
  marker: the personal keys go, and `"~redacted"` holds the op's hash (the hash the chain and the
  signed heads already vouch for). The `hash` column is not touched, so this replica's digest,
  its version vector and the chains it forwards stay as they were.

An op on a purged record folded later (made on a device that had not heard of the purge) is
cleared and redacted in the same way as it arrives. A redacted op travels as it is stored: the
receiver takes its hash from the marker instead of computing it (sync/batch.py), so the chain
still verifies, up to a signed head, around the ops whose personal data is gone.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Final

from frontaid.domain.entities import ENTITIES
from frontaid.oplog.op import pack, unpack

MARK: Final = "~redacted"

# The fields that name, locate or describe one person, per record kind. What stays is what the
# counts need: zone, size, status, sex, birth year, vulnerabilities, dates, items.
PERSONAL: Final[dict[str, frozenset[str]]] = {
    "household": frozenset({"address", "lat", "lon", "note", "phone", "animal_kinds"}),
    "person": frozenset({"name", "note", "death_place", "death_cause", "burial_place"}),
    "request": frozenset({"note", "reported_by", "lat", "lon"}),
    "evac_offer": frozenset({"note"}),
    "referral": frozenset({"note", "to"}),
    "welfare": frozenset({"asked_by", "contact", "sought", "address", "note"}),
    "visit": frozenset({"address", "lat", "lon", "why", "why_en"}),
}
# Derived columns cleared with their source (the folded name people are searched by).
_DERIVED: Final = {"person": ("name_key",)}


def redacted(entity: str, verb: str, data: dict[str, Any], op_hash: bytes) -> dict[str, Any] | None:
    """An op's data with the personal keys gone and the marker in, or None if it has none."""
    personal = PERSONAL.get(entity)
    if not personal or MARK in data:
        return None
    if verb == "set":
        if data.get("f") not in personal or data.get("v") is None:
            return None
        return {**data, "v": None, MARK: op_hash}
    if verb == "create":
        if not any(data.get(k) is not None for k in personal):
            return None
        out = {k: v for k, v in data.items() if k not in personal}
        out[MARK] = op_hash
        return out
    return None


def is_marked(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get(MARK), bytes) and len(data[MARK]) == 32


def clear(conn: sqlite3.Connection, entity: str, eid: str) -> None:
    """Clear one purged record's personal fields in the projection, the search index and the log."""
    personal = PERSONAL.get(entity)
    if not personal:
        return
    table = ENTITIES[entity].table
    cols = sorted(personal) + list(_DERIVED.get(entity, ()))
    nulls = ", ".join(f'"{c}" = NULL' for c in cols)
    conn.execute(f'UPDATE "{table}" SET {nulls} WHERE eid = ?', (eid,))
    if entity == "person":
        conn.execute("DELETE FROM name_keys WHERE eid = ?", (eid,))
    rows = conn.execute("SELECT origin, seq, verb, data, hash FROM ops WHERE entity = ? AND eid = ?",
                        (entity, eid)).fetchall()
    for origin, seq, verb, data, h in rows:
        new = redacted(entity, verb, unpack(data), bytes(h))
        if new is not None:
            conn.execute("UPDATE ops SET data = ? WHERE origin = ? AND seq = ?", (pack(new), origin, seq))


def fold_purge(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Fold one purge op: remember its records and clear each."""
    # Freed pages are overwritten with zeros from now on on this connection, so the names do
    # not linger in the file's free space (the WAL keeps old frames until its next checkpoint).
    conn.execute("PRAGMA secure_delete = ON")
    for entity, eid in data.get("records") or []:
        entity, eid = str(entity), str(eid)
        if entity not in PERSONAL:
            continue
        conn.execute("INSERT OR IGNORE INTO purged VALUES (?, ?)", (entity, eid))
        clear(conn, entity, eid)


def is_purged(conn: sqlite3.Connection, entity: str, eid: str) -> bool:
    row = conn.execute("SELECT 1 FROM purged WHERE entity = ? AND eid = ?", (entity, eid)).fetchone()
    return row is not None


def any_purged(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM purged LIMIT 1").fetchone() is not None


def settle(conn: sqlite3.Connection) -> None:
    """After a whole-log fold (bulkfold.py): fold every purge op of the log again."""
    for (data,) in conn.execute("SELECT data FROM ops WHERE entity = 'purge' AND verb = 'create'").fetchall():
        fold_purge(conn, unpack(data))
