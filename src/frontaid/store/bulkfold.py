"""The fold of a whole log at once, in memory, written with executemany.

Same meaning as `projector.Projector` applied op by op (the property tests compare
the two by `projection_hash`), but one pass in Python dictionaries and one bulk
insert per table, so refolding a million ops takes seconds, not minutes. Used by
`rebuild` and by sync when a batch is large against what the replica holds.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from frontaid.domain.entities import ENTITIES, Entity
from frontaid.oplog.op import Op, pack, unpack
from frontaid.store import schema
from frontaid.store.projector import _DERIVERS, ZERO, Projector, Stamp, _dumps, _encode_value

if TYPE_CHECKING:
    from frontaid.store.replica import Replica

_OP_SQL = "SELECT origin, seq, hlc, actor, entity, eid, verb, data, seen FROM ops"


class _Row:
    __slots__ = ("created", "c", "values", "stamps")

    def __init__(self) -> None:
        self.created = 0
        self.c: Stamp = ZERO
        self.values: dict[str, Any] = {}
        self.stamps: dict[str, Stamp] = {}


class MemoryFold:
    """Accumulates every op, then writes the projection tables in one go."""

    def __init__(self, retracted: set[str]) -> None:
        self.retracted = retracted
        self.rows: dict[str, dict[str, _Row]] = {name: {} for name in ENTITIES}
        self.elems: dict[tuple[str, str, str], set[tuple[str, str]]] = {}
        self.removed: set[tuple[str, str, str, str, str]] = set()
        self.ledger: dict[str, tuple[str, str, int, Any, Any, int]] = {}
        self.critical_sets: dict[tuple[str, str, str, str], list[tuple[str, str, Any]]] = {}

    def _row(self, entity: str, eid: str) -> _Row:
        table = self.rows[entity]
        row = table.get(eid)
        if row is None:
            row = table[eid] = _Row()
        return row

    def add(self, op: Op) -> None:
        entity = ENTITIES.get(op.entity)
        if entity is None or op.verb == "retract":
            return
        verb, d = op.verb, op.data
        if verb == "set" and op.seen is not None and d["f"] in entity.critical_fields:
            # Pairs are found among all sets, voided or not, as the incremental fold does;
            # the flag query leaves out pairs with a voided side.
            key = (entity.name, op.eid, d["f"], json.dumps(op.seen))
            self.critical_sets.setdefault(key, []).append((op.origin, op.id, d.get("v")))
        if op.id in self.retracted:
            return
        if verb == "create":
            self._create(entity, op)
        elif verb == "set":
            self._set(entity, op.eid, d["f"], d.get("v"), op.stamp)
        elif verb == "merge":
            self._set(entity, op.eid, "merged_into", d["into"], op.stamp)
        elif verb == "unmerge":
            self._set(entity, op.eid, "merged_into", None, op.stamp)
        elif verb == "add":
            self._row(entity.name, op.eid)
            bucket = self.elems.setdefault((entity.name, op.eid, d["f"]), set())
            bucket.update((v, op.id) for v in d["v"])
        elif verb == "remove":
            self._row(entity.name, op.eid)
            self.elems.setdefault((entity.name, op.eid, d["f"]), set())
            self.removed.update((entity.name, op.eid, d["f"], v, t) for v, t in d["tags"])
        elif verb == "count":
            self._row(entity.name, op.eid)
            self.ledger[op.id] = (entity.name, op.eid, int(d["d"]), d.get("reason"), d.get("day"), 0)

    def _create(self, entity: Entity, op: Op) -> None:
        row = self._row(entity.name, op.eid)
        stamp = op.stamp
        first = not row.created and not row.stamps and not row.values
        if first:
            row.c = stamp
        row.created = 1
        for k, v in op.data.items():
            if v is None or k not in entity.by_name:
                continue
            kind = entity.by_name[k].kind
            if kind == "set":
                if v:
                    self.elems.setdefault((entity.name, op.eid, k), set()).update((x, op.id) for x in v)
            elif kind == "count":
                if v:
                    self.ledger[op.id] = (entity.name, op.eid, int(v), "initial", op.data.get("day"), 0)
            elif first:
                row.values[k] = v
                row.stamps[k] = stamp
            else:
                self._set(entity, op.eid, k, v, stamp)
        if entity.name == "handout" and op.data.get("at") and op.data.get("item"):
            stock = f"{op.data['item']}@{op.data['at']}"
            self._row("stock", stock)
            self.ledger[op.id] = ("stock", stock, -int(op.data.get("qty") or 1), "handout",
                                  op.data.get("on", "")[:10], 1)

    def _set(self, entity: Entity, eid: str, field: str, value: Any, stamp: Stamp) -> None:
        row = self._row(entity.name, eid)
        if stamp > row.stamps.get(field, ZERO):
            row.values[field] = value
            row.stamps[field] = stamp

    def ops(self, ops: Iterable[Op]) -> None:
        for op in ops:
            self.add(op)

    # -- writing -------------------------------------------------------------------------

    def write(self, conn: sqlite3.Connection) -> None:
        """Insert every projection row; the tables must be empty."""
        set_values: dict[tuple[str, str, str], str | None] = {}
        for key, pairs in self.elems.items():
            ent, eid, f = key
            present = sorted({v for v, t in pairs
                              if t not in self.retracted and (ent, eid, f, v, t) not in self.removed})
            set_values[key] = ",".join(present) if present else None
        sums: dict[tuple[str, str], int] = {}
        for ent, eid, delta, _r, _d, _h in self.ledger.values():
            sums[(ent, eid)] = sums.get((ent, eid), 0) + delta
        for entity in ENTITIES.values():
            self._write_entity(conn, entity, set_values, sums)
        conn.executemany("INSERT INTO elems VALUES (?,?,?,?,?)",
                         [(e, i, f, v, t) for (e, i, f), pairs in self.elems.items() for v, t in pairs])
        conn.executemany("INSERT INTO elem_removed VALUES (?,?,?,?,?)", list(self.removed))
        conn.executemany("INSERT INTO ledger VALUES (?,?,?,?,?,?,?)",
                         [(k, *v) for k, v in self.ledger.items()])
        conflicts = set()
        for (ent, eid, f, _seen), writes in self.critical_sets.items():
            for i, (o1, id1, v1) in enumerate(writes):
                for o2, id2, v2 in writes[i + 1:]:
                    if o1 != o2 and v1 != v2:
                        a, b = sorted([id1, id2])
                        conflicts.add((ent, eid, f, a, b))
        conn.executemany("INSERT INTO conflicts VALUES (?,?,?,?,?)", sorted(conflicts))

    def _write_entity(self, conn: sqlite3.Connection, entity: Entity,
                      set_values: dict[tuple[str, str, str], str | None],
                      sums: dict[tuple[str, str], int]) -> None:
        scalars = [f.name for f in entity.fields if f.kind not in ("set", "count")]
        sets = entity.set_fields
        counts = entity.count_fields
        derived = entity.derived
        cols = ["eid", "created", "c_hlc", "c_origin", "merged_into", "_v", *scalars, *sets, *counts,
                *(c for c, _ in derived)]
        out = []
        for eid, row in self.rows[entity.name].items():
            # The create's stamp stands for every field it gave (the usual case: one create);
            # only fields stamped otherwise are spelled out in `_v`.
            c = row.c if row.created else ZERO
            v = {k: list(s) for k, s in row.stamps.items() if s != c or row.values.get(k) is None}
            rec: list[Any] = [eid, row.created, c[0], c[1], row.values.get("merged_into"), _dumps(v)]
            rec += [_encode_value(entity, k, row.values.get(k)) for k in scalars]
            rec += [set_values.get((entity.name, eid, k)) for k in sets]
            rec += [sums.get((entity.name, eid)) for _ in counts]
            rec += [_DERIVERS[src](row.values[src]) if row.values.get(src) is not None else None
                    for _, src in derived]
            out.append(rec)
        names = ", ".join(f'"{c}"' for c in cols)
        conn.executemany(f'INSERT INTO "{entity.table}" ({names}) VALUES ({",".join("?" * len(cols))})', out)


def refold_all(conn: sqlite3.Connection) -> None:
    """Drop the projections and fold the whole log again, in memory."""
    schema.drop_projections(conn)
    schema.create_projections(conn)
    retracts = [(unpack(data)["op"], f"{o}:{s}") for o, s, data in conn.execute(
        "SELECT origin, seq, data FROM ops WHERE verb = 'retract'")]
    conn.executemany("INSERT INTO retracted (op, by) VALUES (?, ?) "
                     "ON CONFLICT (op) DO UPDATE SET by = min(by, excluded.by)", retracts)
    fold = MemoryFold({t for t, _ in retracts})
    cur = conn.execute(_OP_SQL + " WHERE verb != 'retract'")
    while batch := cur.fetchmany(20000):
        for r in batch:
            fold.add(Op(r[0], r[1], r[2], r[3], r[4], r[5], r[6], unpack(r[7]),
                        None if r[8] is None else unpack(r[8]), b""))
    fold.write(conn)
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('projections', ?)", (schema.projection_fingerprint(),))


def ingest_bulk(rep: Replica, ops: Sequence[Op], hashes: Sequence[bytes]) -> int:
    """`ingest` for a batch large against what the replica holds: one executemany into the
    log, then every projection refolded in memory (same result, many times faster)."""
    with rep.transaction() as conn:
        before = conn.total_changes
        conn.executemany("INSERT OR IGNORE INTO ops VALUES (?,?,?,?,?,?,?,?,?,?)", (
            (op.origin, op.seq, op.hlc, op.actor, op.entity, op.eid, op.verb, pack(op.data),
             None if op.seen is None else pack(op.seen), h) for op, h in zip(ops, hashes, strict=True)))
        new = conn.total_changes - before
        if new == len(ops):
            digest = int(rep._state["digest"], 16)
            for h in hashes:
                digest ^= int.from_bytes(h, "big")
            rep._state["digest"] = f"{digest:064x}"
        elif new:
            rep._state["digest"] = rep.digest()
        for origin in {op.origin for op in ops}:
            rep._advance_top(origin)
        for hlc in sorted({op.hlc for op in ops}, reverse=True):
            if rep.clock.observe(hlc):
                break
        if new:
            refold_all(conn)
            rep._projector = Projector(conn)
            rep.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                  [("digest", rep._state["digest"]), ("clock", rep.clock.last)])
    return new
