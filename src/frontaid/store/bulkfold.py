"""The fold of a whole log at once, in memory, written with executemany.

Same meaning as `projector.Projector` applied op by op (the property tests compare
the two by `projection_hash`), but one pass in Python dictionaries and one bulk
insert per table, so refolding a million ops takes seconds, not minutes. Used by
`rebuild` and by sync when a batch is large against what the replica holds
(`ingest_bulk`: the new ops are folded from memory, with the log's older ops read
once, and written with their data as the canonical bytes they arrived in).

A row keeps the stamp of each scalar field as the projection tables do: the create's
stamp (`c`) stands for every non-null field the first create gave, and only fields
written otherwise carry their own stamp (`_v`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import Any

from frontaid.domain.entities import ENTITIES, Entity
from frontaid.domain.name_keys import name_keys
from frontaid.oplog.op import Op, pack, unpack
from frontaid.store import purge, schema
from frontaid.store.fold import DERIVERS, KEYED, ZERO, Stamp, dumps, encode_value

_OP_SQL = "SELECT origin, seq, hlc, actor, entity, eid, verb, data, seen FROM ops"
# Per entity, the names of its scalar, set and count fields (read for every create).
_SCALARS: dict[str, frozenset[str]] = {
    e.name: frozenset(f.name for f in e.fields if f.kind not in ("set", "count")) for e in ENTITIES.values()}
_SETS: dict[str, tuple[str, ...]] = {e.name: e.set_fields for e in ENTITIES.values()}
_COUNTS: dict[str, tuple[str, ...]] = {e.name: e.count_fields for e in ENTITIES.values()}
# Whether a create of the entity may give more than scalars (see `MemoryFold._collect`).
_COLLECTS: dict[str, bool] = {e.name: bool(e.set_fields or e.count_fields or e.name == "handout")
                              for e in ENTITIES.values()}
# A bulk ingest this large against the log it joins drops the log's secondary indexes
# and builds them again after (sorting once beats a million random index inserts).
_REINDEX_MIN = 50_000


class _Row:
    __slots__ = ("created", "c", "values", "stamps")

    def __init__(self, created: int = 0, c: Stamp = ZERO, values: dict[str, Any] | None = None) -> None:
        self.created = created
        self.c = c
        self.values = {} if values is None else values
        # Stamps of fields not written by the first create (whose stamp is `c`).
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
        verb = op.verb
        if entity is None or verb == "retract":
            return
        d = op.data
        oid = f"{op.origin}:{op.seq}"
        if verb == "set" and op.seen is not None and d["f"] in entity.critical_fields:
            # Pairs are found among all sets, voided or not, as the incremental fold does;
            # the flag query leaves out pairs with a voided side.
            key = (entity.name, op.eid, d["f"], json.dumps(op.seen))
            self.critical_sets.setdefault(key, []).append((op.origin, oid, d.get("v")))
        if oid in self.retracted:
            return
        if verb == "create":
            self._create(entity, op, oid)
        elif verb == "set":
            self._set(entity.name, op.eid, d["f"], d.get("v"), (op.hlc, op.origin))
        elif verb == "merge":
            self._set(entity.name, op.eid, "merged_into", d["into"], (op.hlc, op.origin))
        elif verb == "unmerge":
            self._set(entity.name, op.eid, "merged_into", None, (op.hlc, op.origin))
        elif verb == "add":
            self._row(entity.name, op.eid)
            bucket = self.elems.setdefault((entity.name, op.eid, d["f"]), set())
            bucket.update((v, oid) for v in d["v"])
        elif verb == "remove":
            self._row(entity.name, op.eid)
            self.elems.setdefault((entity.name, op.eid, d["f"]), set())
            self.removed.update((entity.name, op.eid, d["f"], v, t) for v, t in d["tags"])
        elif verb == "count":
            self._row(entity.name, op.eid)
            self.ledger[oid] = (entity.name, op.eid, int(d["d"]), d.get("reason"), d.get("day"), 0)

    def _create(self, entity: Entity, op: Op, oid: str) -> None:
        name, eid, d = entity.name, op.eid, op.data
        table = self.rows[name]
        row = table.get(eid)
        stamp = (op.hlc, op.origin)
        scalars = _SCALARS[name]
        if row is None or not (row.created or row.stamps or row.values):
            # The usual case, one pass: every non-null scalar the create gives, stamped by `c`.
            table[eid] = _Row(1, stamp, {k: v for k, v in d.items() if k in scalars and v is not None})
        else:
            row.created = 1
            for k, v in d.items():
                if k in scalars and v is not None:
                    self._set(name, eid, k, v, stamp)
        if _COLLECTS[name]:
            self._collect(name, eid, d, oid)

    def _collect(self, name: str, eid: str, d: dict[str, Any], oid: str) -> None:
        """What a create gives beyond scalars: set elements, an initial count, a hand-out's stock."""
        for k in _SETS[name]:
            v = d.get(k)
            if v:
                self.elems.setdefault((name, eid, k), set()).update((x, oid) for x in v)
        for k in _COUNTS[name]:
            v = d.get(k)
            if v:
                self.ledger[oid] = (name, eid, int(v), "initial", d.get("day"), 0)
        if name == "handout" and d.get("at") and d.get("item"):
            stock = f"{d['item']}@{d['at']}"
            self._row("stock", stock)
            self.ledger[oid] = ("stock", stock, -int(d.get("qty") or 1), "handout",
                                d.get("on", "")[:10], 1)

    def _set(self, entity: str, eid: str, field: str, value: Any, stamp: Stamp) -> None:
        row = self._row(entity, eid)
        # The field's stamp as the SQL projector reads it: its own, else the create's
        # when the create gave it a value, else zero.
        old = row.stamps.get(field)
        if old is None:
            old = row.c if row.created and row.values.get(field) is not None else ZERO
        if stamp > old:
            row.values[field] = value
            row.stamps[field] = stamp

    def ops(self, ops: Iterable[Op]) -> None:
        for op in ops:
            self.add(op)

    # -- writing -------------------------------------------------------------------------

    def write(self, conn: sqlite3.Connection) -> None:
        """Insert every projection row; the tables must be empty."""
        set_values: dict[tuple[str, str, str], str | None] = {}
        retracted, removed = self.retracted, self.removed
        touched = {r[:3] for r in removed}  # sets some element of which was removed
        for key, pairs in self.elems.items():
            if retracted or key in touched:
                ent, eid, f = key
                present = sorted({v for v, t in pairs
                                  if t not in retracted and (ent, eid, f, v, t) not in removed})
            else:
                present = sorted({v for v, _ in pairs})
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
        for ent, field in KEYED.items():
            # Unsorted: the index is small enough to stay in the page cache as it grows.
            conn.executemany("INSERT OR IGNORE INTO name_keys VALUES (?,?)", [
                (k, eid) for eid, row in self.rows[ent].items()
                if isinstance(name := row.values.get(field), str) for k in name_keys(name)])

    def _write_entity(self, conn: sqlite3.Connection, entity: Entity,
                      set_values: dict[tuple[str, str, str], str | None],
                      sums: dict[tuple[str, str], int]) -> None:
        rows = self.rows[entity.name]
        if not rows:
            return
        name = entity.name
        scalars = [f.name for f in entity.fields if f.kind not in ("set", "count")]
        json_at = [(6 + i, k) for i, k in enumerate(scalars) if entity.by_name[k].kind == "json"]
        sets = entity.set_fields
        counts = entity.count_fields
        derived = [(c, DERIVERS[src], src) for c, src in entity.derived]
        cols = ["eid", "created", "c_hlc", "c_origin", "merged_into", "_v", *scalars, *sets, *counts,
                *(c for c, _, _ in derived)]
        out = []
        extra = bool(json_at or sets or counts or derived)
        for eid, row in rows.items():
            get = row.values.get
            c = row.c if row.created else ZERO
            v = "{}"
            if row.stamps:
                # Only fields stamped otherwise than by the create are spelled out in `_v`.
                spelled = {k: list(s) for k, s in row.stamps.items() if s != c or get(k) is None}
                if spelled:
                    v = dumps(spelled)
            rec: list[Any] = [eid, row.created, c[0], c[1], get("merged_into"), v, *map(get, scalars)]
            if extra:
                for i, k in json_at:
                    if rec[i] is not None:
                        rec[i] = encode_value(entity, k, rec[i])
                for k in sets:
                    rec.append(set_values.get((name, eid, k)))
                for _ in counts:
                    rec.append(sums.get((name, eid)))
                for _, derive, src in derived:
                    value = get(src)
                    rec.append(None if value is None else derive(value))
            out.append(rec)
        names = ", ".join(f'"{c}"' for c in cols)
        conn.executemany(f'INSERT INTO "{entity.table}" ({names}) VALUES ({",".join("?" * len(cols))})', out)


def _stored_ops(conn: sqlite3.Connection, where: str = "") -> Iterable[Op]:
    cur = conn.execute(_OP_SQL + where)
    while batch := cur.fetchmany(20000):
        for r in batch:
            yield Op(r[0], r[1], r[2], r[3], r[4], r[5], r[6], unpack(r[7]),
                     None if r[8] is None else unpack(r[8]), b"")


def _stored_retracts(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [(unpack(data)["op"], f"{o}:{s}") for o, s, data in conn.execute(
        "SELECT origin, seq, data FROM ops WHERE verb = 'retract'")]


def write_projections(conn: sqlite3.Connection, fold: MemoryFold, retracts: list[tuple[str, str]]) -> None:
    """Replace the projection tables with what `fold` holds; indexes are built after the rows."""
    schema.drop_projections(conn)
    ddl = schema.projection_ddl()
    indexes = [s for s in ddl if s.lstrip().upper().startswith("CREATE INDEX")]
    for stmt in ddl:
        if stmt not in indexes:
            conn.execute(stmt)
    conn.executemany("INSERT INTO retracted (op, by) VALUES (?, ?) "
                     "ON CONFLICT (op) DO UPDATE SET by = min(by, excluded.by)", retracts)
    fold.write(conn)
    for stmt in indexes:
        conn.execute(stmt)
    purge.settle(conn)
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('projections', ?)", (schema.projection_fingerprint(),))


def refold_all(conn: sqlite3.Connection) -> None:
    """Drop the projections and fold the whole log again, in memory."""
    retracts = _stored_retracts(conn)
    fold = MemoryFold({t for t, _ in retracts})
    fold.ops(_stored_ops(conn, " WHERE verb != 'retract'"))
    write_projections(conn, fold, retracts)


def new_ones(conn: sqlite3.Connection, ops: Sequence[Op]) -> list[int]:
    """Indexes of the ops the log does not hold yet (each (origin, seq) once)."""
    origins = [op.origin for op in ops]
    seqs = [op.seq for op in ops]
    runs: dict[str, list[int]] = {}  # origin -> its seqs in the batch
    at = 0
    for origin, run in groupby(origins):  # ops come as runs of one origin
        n = len(list(run))
        runs.setdefault(origin, []).extend(seqs[at:at + n])
        at += n
    held: dict[str, set[int]] = {
        origin: {s for (s,) in conn.execute(
            "SELECT seq FROM ops WHERE origin = ? AND seq BETWEEN ? AND ?", (origin, min(ss), max(ss)))}
        for origin, ss in runs.items()}
    if not any(held.values()) and all(len(set(ss)) == len(ss) for ss in runs.values()):
        return list(range(len(ops)))  # the usual case: all new, none twice
    out = []
    for i, (origin, seq) in enumerate(zip(origins, seqs, strict=True)):
        seen = held[origin]
        if seq not in seen:
            seen.add(seq)
            out.append(i)
    return out


def fold_with_log(conn: sqlite3.Connection,
                  new_ops: Sequence[Op]) -> tuple[MemoryFold, list[tuple[str, str]]]:
    """The fold of what the log holds (read before the new ops go in), then of `new_ops`; with
    every retraction (voided op, by whom) for `write_projections`."""
    retracts = _stored_retracts(conn)
    retracts += [(op.data["op"], f"{op.origin}:{op.seq}") for op in new_ops if op.verb == "retract"]
    fold = MemoryFold({t for t, _ in retracts})
    fold.ops(_stored_ops(conn, " WHERE verb != 'retract'"))
    fold.ops(new_ops)
    return fold, retracts


def insert_log(conn: sqlite3.Connection, ops: Sequence[Op], hashes: Sequence[bytes],
               blobs: Sequence[tuple[bytes, bytes | None]] | None, held: int) -> None:
    """One executemany of new ops into a log holding `held` ops; `blobs`, when given, are each
    op's (data, seen) as the canonical bytes its hash covers, stored as they are. A batch large
    against the log drops the log's secondary indexes and builds them again after (sorting once
    beats a million random index inserts)."""
    if blobs is None:
        blobs = [(pack(op.data), None if op.seen is None else pack(op.seen)) for op in ops]
    reindex = len(ops) >= _REINDEX_MIN and len(ops) > held
    indexes = [sql for (sql,) in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ops' AND sql IS NOT NULL")]
    if reindex:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                    "AND tbl_name = 'ops' AND sql IS NOT NULL").fetchall():
            conn.execute(f'DROP INDEX "{name}"')
    conn.executemany("INSERT INTO ops VALUES (?,?,?,?,?,?,?,?,?,?)", (
        (op.origin, op.seq, op.hlc, op.actor, op.entity, op.eid, op.verb, b[0], b[1], h)
        for op, b, h in zip(ops, blobs, hashes, strict=True)))
    if reindex:
        for sql in indexes:
            conn.execute(sql)
