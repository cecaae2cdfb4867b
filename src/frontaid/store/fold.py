"""What the op-by-op fold (projector.py) and the whole-log fold (bulkfold.py) share: stamps,
the derived columns, the fields the search index keys, and how a value is stored."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from frontaid.domain.entities import ENTITIES, Entity
from frontaid.domain.names import fold
from frontaid.oplog.op import pack
from frontaid.store import schema

Stamp = tuple[int, str]
ZERO: Stamp = (0, "")

# Derived columns: the source field's value, folded for search.
DERIVERS = {"name": fold}
# Entities whose field feeds the `name_keys` search index.
KEYED: dict[str, str] = {"person": "name"}

# One encoder for every `_v`: json.dumps with options builds a new one per call.
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def dumps(value: dict[str, Any]) -> str:
    """A stamps dict (`_v`) as stored: sorted keys, compact."""
    return _ENCODE(value)


def encode_value(entity: Entity, field: str, value: Any) -> Any:
    """A field's value as its column holds it (json fields as text)."""
    if value is not None and entity.by_name[field].kind == "json":
        return dumps(value) if isinstance(value, dict) else json.dumps(value, ensure_ascii=False)
    return value


def effective_row(entity_fields: list[str], lww: frozenset[str], row: tuple[Any, ...]) -> list[Any]:
    """A row as its meaning: values plus the stamp each last-writer-wins field holds, however stored.

    Set, count and derived columns carry no stamp: their value comes from elems, the
    ledger or another column.
    """
    eid, created, c_hlc, c_origin, v_json, merged_into, *values = row
    stamps = json.loads(v_json)
    eff: dict[str, Any] = {}
    for name, value in zip(["merged_into", *entity_fields], [merged_into, *values], strict=True):
        if name not in lww:
            continue
        if name in stamps:
            eff[name] = stamps[name]
        elif created and value is not None:
            eff[name] = [c_hlc, c_origin]
    return [eid, created, merged_into, *values, sorted(eff.items())]


def projection_hash(conn: sqlite3.Connection) -> str:
    """A hash over every projection table, by meaning: equal iff the folds agree."""
    h = hashlib.blake2b(digest_size=16)
    for entity in ENTITIES.values():
        fields = [f.name for f in entity.fields] + [c for c, _ in entity.derived]
        lww = frozenset(["merged_into"] + [f.name for f in entity.fields if f.kind not in ("set", "count")])
        cols = ", ".join(f'"{c}"' for c in fields)
        h.update(entity.table.encode())
        for row in conn.execute(
            f'SELECT eid, created, c_hlc, c_origin, _v, merged_into, {cols} '
            f'FROM "{entity.table}" ORDER BY eid'
        ):
            h.update(pack(effective_row(fields, lww, row)))
    for table in sorted(schema.AUX_TABLES):
        h.update(table.encode())
        ncols = len(conn.execute(f"PRAGMA table_info({table})").fetchall())
        order = ", ".join(str(i + 1) for i in range(ncols))
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY {order}"):
            h.update(pack(list(row)))
    return h.hexdigest()
