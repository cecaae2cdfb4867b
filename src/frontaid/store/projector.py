"""The fold from the op log to the projection tables.

Every op is applied by `apply`, in any order: the result depends only on the
set of ops, never on their order of arrival (the property tests hold us to it).

- scalar fields: last writer wins by the stamp (hlc, origin); a field's stamp is
  its entry in the row's `_v`, else the create's stamp when the create gave it a
  value, else zero;
- set fields: an element is present while some add of it (its tag is the op id)
  has not been cancelled by a remove that saw that tag, nor retracted;
- count fields: the sum of the deltas in `ledger`;
- merge / unmerge: last writer wins on `merged_into`;
- retract: the target is recorded as retracted, its ledger row goes, and its
  entity is refolded from the log without it.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from typing import Any

from frontaid.domain.entities import ENTITIES, Entity
from frontaid.domain.name_keys import name_keys
from frontaid.oplog.op import Op, op_id, parse_op_id, unpack
from frontaid.store import purge
from frontaid.store.fold import DERIVERS, KEYED, ZERO, Stamp, dumps, encode_value

_INSERT_KEYS = "INSERT OR IGNORE INTO name_keys VALUES (?,?)"
_DELETE_KEYS = "DELETE FROM name_keys WHERE key = ? AND eid = ?"


def reindex_names(conn: sqlite3.Connection) -> None:
    """Fill `name_keys` from the current names in one sorted pass: the rows the fold keeps.

    For bulk builds that deferred the index (`Replica.index_names = False`); inserting
    in key order appends to the B-tree instead of scattering writes through it.
    """
    conn.execute("DELETE FROM name_keys")
    for entity_name, field in KEYED.items():
        table = ENTITIES[entity_name].table
        rows = conn.execute(f'SELECT eid, "{field}" FROM "{table}" WHERE "{field}" IS NOT NULL').fetchall()
        conn.executemany(_INSERT_KEYS, sorted(
            (k, eid) for eid, name in rows if isinstance(name, str) for k in name_keys(name)))


@functools.lru_cache(maxsize=1024)
def _insert_sql(table: str, cols: tuple[str, ...]) -> str:
    names = "".join(f', "{c}"' for c in cols)
    return (f'INSERT OR IGNORE INTO "{table}" (eid, created, c_hlc, c_origin{names})'
            f" VALUES (?,1,?,?{',?' * len(cols)})")


@functools.lru_cache(maxsize=256)
def _add_counts_sql(table: str, counts: tuple[str, ...]) -> str:
    sets = ", ".join(f'"{c}" = COALESCE("{c}", 0) + ?' for c in counts)
    return f'UPDATE "{table}" SET {sets} WHERE eid = ?'


@functools.lru_cache(maxsize=256)
def _insert_counts_sql(table: str, counts: tuple[str, ...]) -> str:
    names = "".join(f', "{c}"' for c in counts)
    return f'INSERT INTO "{table}" (eid{names}) VALUES (?{",?" * len(counts)})'


_LOOKED_UP = frozenset({"zone", "site"})
_INSERT_LEDGER = "INSERT OR IGNORE INTO ledger VALUES (?,?,?,?,?,?,?)"
_STOCK = ENTITIES["stock"]
# Per entity: its scalar (last-writer-wins) fields, each mapped to whether it is json.
_SCALARS: dict[str, dict[str, bool]] = {
    e.name: {f.name: f.kind == "json" for f in e.fields if f.kind not in ("set", "count")}
    for e in ENTITIES.values()
}


def _plain_strings(values: Any) -> bool:
    return isinstance(values, list) and all(type(v) is str for v in values)


class Projector:
    """Applies ops to the projection tables of one connection (inside its transaction)."""

    def __init__(self, conn: sqlite3.Connection, *, defer_name_keys: bool = False) -> None:
        self.conn = conn
        self.defer_name_keys = defer_name_keys
        self.retracted: set[str] = {r[0] for r in conn.execute("SELECT op FROM retracted")}
        # Lookups of zones and sites the actions memoise for the life of this projector
        # (one transaction, which no other writer can interleave); emptied whenever an
        # op that could change a zone or a site is folded.
        self.lookups: dict[Any, Any] = {}
        # The origin known to be the only one in the log (no conflict is possible then:
        # conflicts are between authors); forgotten as soon as another origin's op is folded.
        self._lone: str | None = None
        # Whether any record is purged: only then is each op's record looked up in `purged`.
        self._purging = purge.any_purged(conn)

    # -- entry points -------------------------------------------------------------

    def apply(self, op: Op) -> None:
        """Fold one op that has just been written to the log."""
        if op.entity in _LOOKED_UP and self.lookups:
            self.lookups.clear()
        if op.origin != self._lone:
            self._lone = None
        if op.verb == "retract":
            self.lookups.clear()
            self._retract(op)
            return
        if op.verb == "set" and op.seen is not None:
            # Pairs are found among all sets, voided or not, as the bulk fold finds them (the
            # flag query leaves out pairs with a voided side): otherwise the conflicts table
            # would depend on whether a retract arrived before the op it voids.
            entity = ENTITIES.get(op.entity)
            if entity is not None and op.data["f"] in entity.critical_fields:
                self._detect_conflict(entity, op)
        if op.id in self.retracted:
            return
        self._apply_effect(op)
        if op.entity == "purge" and op.verb == "create":
            purge.fold_purge(self.conn, op.data)
            self._purging = True
        elif self._purging and op.entity in purge.PERSONAL and purge.is_purged(self.conn, op.entity, op.eid):
            purge.clear(self.conn, op.entity, op.eid)  # news of a purged record: cleared as it comes

    def _apply_effect(self, op: Op) -> None:
        entity = ENTITIES.get(op.entity)
        if entity is None:
            return  # entities this version does not project (e.g. flag decisions) stay in the log
        verb = op.verb
        if verb == "create":
            self._create(entity, op)
        elif verb == "set":
            self._set(entity, op.eid, op.data["f"], op.data.get("v"), op.stamp)
        elif verb == "merge":
            self._set(entity, op.eid, "merged_into", op.data["into"], op.stamp)
        elif verb == "unmerge":
            self._set(entity, op.eid, "merged_into", None, op.stamp)
        elif verb == "add":
            self._ensure_row(entity, op.eid)
            self._add(entity, op.eid, op.data["f"], op.data["v"], op.id)
            self._refresh_set(entity, op.eid, op.data["f"])
        elif verb == "remove":
            self._ensure_row(entity, op.eid)
            self.conn.executemany(
                "INSERT OR IGNORE INTO elem_removed VALUES (?,?,?,?,?)",
                [(entity.name, op.eid, op.data["f"], v, t) for v, t in op.data["tags"]],
            )
            self._refresh_set(entity, op.eid, op.data["f"])
        elif verb == "count":
            self._ledger(op.id, entity, op.eid, int(op.data["d"]), op.data.get("reason"),
                         op.data.get("day"), hook=0, ensure=True)

    def _create(self, entity: Entity, op: Op) -> None:
        data = op.data
        eid = op.eid
        json_of = _SCALARS[entity.name]  # scalar field → is it json
        cols: list[str] = []
        values: list[Any] = [eid, op.hlc, op.origin]
        for k, v in data.items():
            if v is not None and k in json_of:
                cols.append(k)
                values.append(encode_value(entity, k, v) if json_of[k] else v)
        for col, src in entity.derived:
            v = data.get(src)
            if v is not None and src in json_of:
                cols.append(col)
                values.append(DERIVERS[src](v))
        sets = [name for name in entity.set_fields if data.get(name)]
        # A new row's set holds exactly the create's elements: write it with the row
        # rather than reading the elements back (when they are plain strings).
        direct = [name for name in sets if _plain_strings(data[name])]
        for name in direct:
            cols.append(name)
            values.append(",".join(sorted(set(data[name]))))
        cur = self.conn.execute(_insert_sql(entity.table, tuple(cols)), values)
        if cur.rowcount and entity.name in KEYED:
            self._index_name(eid, None, data.get(KEYED[entity.name]))
        if cur.rowcount == 0:
            # A row is there already: a change that arrived before this create, or a
            # second create of the same id. Merge field by field.
            self.conn.execute(
                f'UPDATE "{entity.table}" SET created = 1 WHERE eid = ? AND created = 0', (eid,)
            )
            stamp = op.stamp
            for k, v in data.items():
                if v is not None and k in json_of:
                    self._set(entity, eid, k, v, stamp)
            direct = []
        for name in sets:
            self._add(entity, eid, name, data[name], op.id)
            if name not in direct:
                self._refresh_set(entity, eid, name)
        for name in entity.count_fields:
            if data.get(name):
                self._ledger(op.id, entity, eid, int(data[name]), "initial", data.get("day"), hook=0)
        if entity.name == "handout":
            self._hooks(op)

    def _hooks(self, op: Op) -> None:
        """Domain rules that reach another table: a hand-out draws from a stock."""
        d = op.data
        if d.get("at") and d.get("item"):
            self._ledger(op.id, _STOCK, f"{d['item']}@{d['at']}", -int(d.get("qty") or 1),
                         "handout", d.get("on", "")[:10], hook=1, ensure=True)

    # -- scalar fields -------------------------------------------------------------

    def _field_stamp(self, row: sqlite3.Row | tuple[Any, ...], field: str) -> Stamp:
        created, c_hlc, c_origin, v_json, current = row
        stamps = json.loads(v_json)
        if field in stamps:
            h, o = stamps[field]
            return (h, o)
        if created and current is not None:
            return (c_hlc, c_origin)
        return ZERO

    def field_stamp(self, entity_name: str, eid: str, field: str) -> Stamp | None:
        """The stamp of a field's current value, or None when the record does not exist."""
        entity = ENTITIES[entity_name]
        row = self.conn.execute(
            f'SELECT created, c_hlc, c_origin, _v, "{field}" FROM "{entity.table}" WHERE eid = ?',
            (eid,),
        ).fetchone()
        return None if row is None else self._field_stamp(row, field)

    def _set(self, entity: Entity, eid: str, field: str, value: Any, stamp: Stamp) -> None:
        table = entity.table
        row = self.conn.execute(
            f'SELECT created, c_hlc, c_origin, _v, "{field}" FROM "{table}" WHERE eid = ?', (eid,)
        ).fetchone()
        stored = encode_value(entity, field, value) if field in entity.by_name else value
        derived = [(c, DERIVERS[s](value) if value is not None else None)
                   for c, s in entity.derived if s == field]
        extra = "".join(f', "{c}" = ?' for c, _ in derived)
        if row is None:
            cols = "".join(f', "{c}"' for c, _ in derived)
            self.conn.execute(
                f'INSERT INTO "{table}" (eid, _v, "{field}"{cols}) VALUES (?,?,?{",?" * len(derived)})',
                [eid, dumps({field: list(stamp)}), stored, *(v for _, v in derived)],
            )
            if KEYED.get(entity.name) == field:
                self._index_name(eid, None, value)
            return
        if stamp <= self._field_stamp(row, field):
            return
        if KEYED.get(entity.name) == field:
            self._index_name(eid, row[4], value)
        stamps = json.loads(row[3])
        stamps[field] = list(stamp)
        self.conn.execute(
            f'UPDATE "{table}" SET "{field}" = ?, _v = ?{extra} WHERE eid = ?',
            [stored, dumps(stamps), *(v for _, v in derived), eid],
        )

    def _detect_conflict(self, entity: Entity, op: Op) -> None:
        """Pair `op` with every set of the same field that replaced the same version differently."""
        if self._lone == op.origin:
            return
        if not self.conn.execute("SELECT EXISTS (SELECT 1 FROM ops WHERE origin < ?) "
                                 "OR EXISTS (SELECT 1 FROM ops WHERE origin > ?)",
                                 (op.origin, op.origin)).fetchone()[0]:
            self._lone = op.origin
            return
        field, seen, value = op.data["f"], list(op.seen), op.data.get("v")
        for origin, seq, raw, seen_raw in self.conn.execute(
                "SELECT origin, seq, data, seen FROM ops WHERE entity = ? AND eid = ? AND verb = 'set' "
                "AND origin != ? AND seen IS NOT NULL", (entity.name, op.eid, op.origin)).fetchall():
            other = unpack(raw)
            if other.get("f") == field and list(unpack(seen_raw)) == seen and other.get("v") != value:
                a, b = sorted([op.id, op_id(origin, seq)])
                self.conn.execute("INSERT OR IGNORE INTO conflicts VALUES (?,?,?,?,?)",
                                  (entity.name, op.eid, field, a, b))

    def _index_name(self, eid: str, old: Any, new: Any) -> None:
        """Keep `name_keys` equal to the keys of the current name (old ones by their value)."""
        if self.defer_name_keys:
            return  # a bulk build fills the index once at the end (reindex_names)
        before = set(name_keys(old)) if isinstance(old, str) else set()
        after = set(name_keys(new)) if isinstance(new, str) else set()
        if before - after:
            self.conn.executemany(_DELETE_KEYS, [(k, eid) for k in sorted(before - after)])
        if after - before:
            self.conn.executemany(_INSERT_KEYS, [(k, eid) for k in sorted(after - before)])

    def _ensure_row(self, entity: Entity, eid: str) -> None:
        self.conn.execute(f'INSERT OR IGNORE INTO "{entity.table}" (eid) VALUES (?)', (eid,))

    # -- set fields ------------------------------------------------------------------

    def _add(self, entity: Entity, eid: str, field: str, values: list[str], tag: str) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO elems VALUES (?,?,?,?,?)",
            [(entity.name, eid, field, v, tag) for v in values],
        )

    def _refresh_set(self, entity: Entity, eid: str, field: str) -> None:
        rows = self.conn.execute(
            """SELECT e.value, e.tag FROM elems e
               WHERE e.entity = ? AND e.eid = ? AND e.field = ? AND NOT EXISTS (
                 SELECT 1 FROM elem_removed r WHERE r.entity = e.entity AND r.eid = e.eid
                 AND r.field = e.field AND r.value = e.value AND r.tag = e.tag)""",
            (entity.name, eid, field),
        ).fetchall()
        present = sorted({v for v, tag in rows if tag not in self.retracted})
        self.conn.execute(
            f'UPDATE "{entity.table}" SET "{field}" = ? WHERE eid = ?',
            (",".join(present) if present else None, eid),
        )

    # -- counts ------------------------------------------------------------------------

    def _ledger(self, oid: str, entity: Entity, eid: str, delta: int, reason: Any, day: Any,
                hook: int, ensure: bool = False) -> None:
        """One movement of a count, once per op; `ensure`: the record may not exist yet."""
        cur = self.conn.execute(_INSERT_LEDGER, (oid, entity.name, eid, delta, reason, day, hook))
        counts = entity.count_fields
        if cur.rowcount and counts:
            if not self.conn.execute(_add_counts_sql(entity.table, counts),
                                     (delta,) * len(counts) + (eid,)).rowcount and ensure:
                # No row yet: one INSERT instead of an empty row and an UPDATE.
                self.conn.execute(_insert_counts_sql(entity.table, counts), (eid,) + (delta,) * len(counts))
        elif ensure:
            self._ensure_row(entity, eid)

    # -- retraction and refolding ------------------------------------------------------

    def _retract(self, op: Op) -> None:
        target = op.data["op"]
        # Two retracts of one op: the smaller id is recorded, whatever the arrival order.
        known = target in self.retracted
        self.conn.execute("INSERT INTO retracted VALUES (?, ?) ON CONFLICT (op) DO UPDATE "
                          "SET by = min(by, excluded.by)", (target, op.id))
        if known:
            return
        self.retracted.add(target)
        origin, seq = parse_op_id(target)
        row = self.conn.execute(
            "SELECT entity, eid FROM ops WHERE origin = ? AND seq = ?", (origin, seq)
        ).fetchone()
        if row is None:
            return  # the target has not arrived; when it does, apply() skips it
        drawn = self.conn.execute("SELECT entity, eid FROM ledger WHERE op = ?", (target,)).fetchall()
        self.conn.execute("DELETE FROM ledger WHERE op = ?", (target,))
        for ent, eid in drawn:
            if (ent, eid) != (row[0], row[1]):
                self.refold(ent, eid)  # e.g. the stock a voided hand-out drew from
        self.refold(row[0], row[1])

    def _resum(self, entity: Entity, eid: str) -> None:
        for name in entity.count_fields:
            self.conn.execute(
                f'UPDATE "{entity.table}" SET "{name}" = '
                "(SELECT SUM(delta) FROM ledger WHERE entity = ? AND eid = ?) WHERE eid = ?",
                (entity.name, eid, eid),
            )

    def refold(self, entity_name: str, eid: str) -> None:
        """Recompute one record from its ops in the log."""
        entity = ENTITIES.get(entity_name)
        if entity is None:
            return
        c = self.conn
        if entity.name in KEYED:
            old = c.execute(f'SELECT "{KEYED[entity.name]}" FROM "{entity.table}" WHERE eid = ?',
                            (eid,)).fetchone()
            if old is not None:
                self._index_name(eid, old[0], None)
        c.execute(f'DELETE FROM "{entity.table}" WHERE eid = ?', (eid,))
        for table in ("elems", "elem_removed"):
            c.execute(f"DELETE FROM {table} WHERE entity = ? AND eid = ?", (entity.name, eid))
        c.execute("DELETE FROM ledger WHERE entity = ? AND eid = ? AND hook = 0", (entity.name, eid))
        hooked = c.execute(
            "SELECT 1 FROM ledger WHERE entity = ? AND eid = ? LIMIT 1", (entity.name, eid)
        ).fetchone()
        if hooked:
            self._ensure_row(entity, eid)
        for op in ops_of(c, entity.name, eid):
            if op.verb != "retract" and op.id not in self.retracted:
                self._apply_effect(op)
        self._resum(entity, eid)


def ops_of(conn: sqlite3.Connection, entity: str, eid: str) -> list[Op]:
    """Every op on one record, by hybrid clock (the fold does not depend on the order)."""
    rows = conn.execute(
        "SELECT origin, seq, hlc, actor, entity, eid, verb, data, seen FROM ops "
        "WHERE entity = ? AND eid = ? ORDER BY hlc, origin",
        (entity, eid),
    ).fetchall()
    return [row_to_op(r) for r in rows]


def row_to_op(r: tuple[Any, ...]) -> Op:
    """An op from a row of (origin, seq, hlc, actor, entity, eid, verb, data, seen)."""
    return Op(r[0], r[1], r[2], r[3], r[4], r[5], r[6], unpack(r[7]),
              None if r[8] is None else unpack(r[8]), b"")


__all__ = ["Projector", "ops_of", "op_id", "row_to_op"]
