"""A replica: one SQLite file holding the op log and the projections folded from it.

All writes go through `transaction()` (BEGIN IMMEDIATE, WAL, synchronous=FULL):
an op and its effect on the projections commit together or not at all, and
nothing is acknowledged before it is on disk.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import msgpack
from nacl.signing import SigningKey

from frontaid.domain.codes import make_code, new_prefix
from frontaid.errors import AlreadyInitialised, NoReplica, SchemaTooNew
from frontaid.oplog.chain import new_signing_key, sign_head
from frontaid.oplog.hlc import Clock, wall_ms
from frontaid.oplog.op import GENESIS, Op, chain_hash, encode_parts, pack
from frontaid.store import bulkfold, database, schema
from frontaid.store.bulkfold import refold_all

# effective_row is re-exported for the restricted state hash of a scoped device (sync/scope.py).
from frontaid.store.fold import effective_row as effective_row
from frontaid.store.fold import projection_hash
from frontaid.store.projector import Projector, reindex_names, row_to_op

# Indexes nothing reads while one device fills a replica alone (`Replica.bulk_load`): the log's by
# record (the projector skips conflict checks while the log has a single origin), people by
# household, households by zone, the ledger's by stock and by day.
BULK_DEFERRED = ("ops_entity", "people_household", "households_zone", "ledger_stock", "ledger_day")


@dataclass(frozen=True)
class Change:
    """What an action wants to happen; `record` turns it into a signed, stamped op."""

    entity: str
    eid: str
    verb: str
    data: dict[str, Any] = field(default_factory=dict)


# A signed head every so many ops of our own, so that a sync batch can end there.
MARK_EVERY = 2048

_PACKER = msgpack.Packer(use_bin_type=True)
_INSERT_OP = "INSERT INTO ops VALUES (?,?,?,?,?,?,?,?,?,?)"
# Verbs whose op records the version of the field its author saw.
_SEEN_VERBS = frozenset({"set", "merge", "unmerge"})


class _Transaction:
    """`Replica.transaction()`: a plain class, as it is entered once per write (contextlib costs)."""

    __slots__ = ("rep",)

    def __init__(self, rep: Replica) -> None:
        self.rep = rep

    def __enter__(self) -> sqlite3.Connection:
        rep = self.rep
        if rep._depth:
            rep._depth += 1
        else:
            rep._begin()
        return rep.conn

    def __exit__(self, typ: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        rep = self.rep
        if rep._depth > 1:
            rep._depth -= 1
        else:
            rep._end(typ is None)


class Replica:
    """One replica of a deployment's data."""

    def __init__(self, path: Path, conn: sqlite3.Connection, wall: Callable[[], int]) -> None:
        self.path = path
        self.conn = conn
        self._depth = 0
        self._projector: Projector | None = None
        self._dirty = False
        self._key: SigningKey | None = None
        # False during a bulk build: the search index is filled once at the end
        # (projector.reindex_names), which must then be called.
        self.index_names = True
        self._state: dict[str, Any] = {}  # the running counters, read at the start of a transaction
        self.clock = Clock(int(self.meta("clock", 0)), wall=wall)
        # Fixed for the life of a replica; read once.
        self.origin = str(self.meta("origin"))
        self.prefix = str(self.meta("prefix"))
        self.town = str(self.meta("town"))
        self.epoch = date.fromisoformat(str(self.meta("epoch")))

    # -- opening -----------------------------------------------------------------------

    @staticmethod
    def _connect(path: Path, key: bytes | None = None) -> sqlite3.Connection:
        # Opened through store/database.py, the one place that opens a database (encrypted with
        # `key`, or the key this process remembers for the path, or plain).
        # The projector's inserts vary by which fields a record has: with the queries they
        # are a few hundred distinct statements, more than sqlite3's default cache of 128,
        # and a statement prepared again costs more than the insert (the demo build: -7%).
        conn = database.connect(path, key, isolation_level=None, check_same_thread=False, timeout=30,
                                cached_statements=1024)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except database.DatabaseError:
            conn.close()
            raise
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA cache_size = -65536")
        # Checkpoint the WAL into the database every ~64 MB rather than every 4 MB: a
        # page changed by many commits is copied once. Durability is unchanged (each
        # commit is still fsynced to the WAL); long builds halve their commit cost.
        conn.execute("PRAGMA wal_autocheckpoint = 16000")
        return conn

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        town: str,
        lang: str = "uk",
        *,
        device_name: str = "hub",
        epoch: date | None = None,
        prefix: str | None = None,
        wall: Callable[[], int] = wall_ms,
        key: bytes | None = None,
    ) -> Replica:
        """Make a new replica (and a new deployment) at `path` (encrypted with the data `key` if given)."""
        signing = new_signing_key()
        origin = os.urandom(8).hex()
        pre = prefix or new_prefix()
        return cls._create(
            path, wall=wall, signing_key=bytes(signing), origin=origin, prefix=pre,
            deployment_key=os.urandom(32), town=town, lang=lang, epoch=epoch or date.today(),
            device={"name": device_name, "public": bytes(signing.verify_key).hex(), "prefix": pre,
                    "role": "hub"}, key=key,
        )

    @classmethod
    def _create(
        cls, path: str | os.PathLike[str], *, wall: Callable[[], int], signing_key: bytes, origin: str,
        prefix: str, deployment_key: bytes, town: str, lang: str, epoch: date,
        device: dict[str, Any], extra: dict[str, Any] | None = None, key: bytes | None = None,
    ) -> Replica:
        """Make a replica with a given identity; its first op registers its device."""
        p = database.target(path)
        if database.exists(p):
            raise AlreadyInitialised(path=str(p))
        conn = cls._connect(p, key)
        if key is not None:
            database.remember(p, key)
        cls._migrate(conn)
        settings = {
            "origin": origin, "prefix": prefix, "signing_key": signing_key.hex(),
            "deployment_key": deployment_key.hex(), "town": town, "lang": lang,
            "epoch": epoch.isoformat(), "seq": 0, "counter": 0, "head": GENESIS.hex(),
            "digest": "00" * 32, "clock": 0, **(extra or {}),
        }
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO meta VALUES (?, ?)", settings.items())
        conn.execute("COMMIT")
        replica = cls(p, conn, wall)
        replica.record([Change("device", origin, "create", device)], actor="frontaid")
        return replica

    @classmethod
    def open(cls, path: str | os.PathLike[str], wall: Callable[[], int] = wall_ms,
             key: bytes | None = None) -> Replica:
        """Open an existing replica, running migrations and refolding stale projections.

        An encrypted one needs its data `key` (or one remembered for the path by database.remember).
        """
        p = database.target(path)
        if not database.exists(p):
            raise NoReplica(path=str(p))
        try:
            conn = cls._connect(p, key)
        except database.DatabaseError as exc:
            raise NoReplica(path=str(p)) from exc
        try:
            # Touch nothing in a file that is not ours: look before migrating.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            has_meta = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
            if not version or not has_meta or conn.execute(
                    "SELECT value FROM meta WHERE key = 'origin'").fetchone() is None:
                raise NoReplica(path=str(p))
            cls._migrate(conn)
        except (database.DatabaseError, NoReplica) as exc:
            conn.close()
            raise NoReplica(path=str(p)) from exc
        if key is not None:
            database.remember(p, key)
        return cls(p, conn, wall)

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > schema.LOG_VERSION:
            raise SchemaTooNew(found=version, known=schema.LOG_VERSION)
        if version < schema.LOG_VERSION:
            conn.execute("BEGIN IMMEDIATE")
            for step in schema.LOG_MIGRATIONS[version:]:
                for stmt in step.split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {schema.LOG_VERSION}")
            conn.execute("COMMIT")
        row = conn.execute("SELECT value FROM meta WHERE key = 'projections'").fetchone()
        if row is None or row[0] != schema.projection_fingerprint():
            conn.execute("BEGIN IMMEDIATE")
            refold_all(conn)
            conn.execute("COMMIT")
        for ddl in schema.LOCAL_TABLES.values():
            conn.execute(ddl)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Replica:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- settings ----------------------------------------------------------------------

    def meta(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def set_meta(self, key: str, value: Any) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """A read's rows as dicts by column name: the one way queries read projections."""
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    @contextlib.contextmanager
    def bulk_load(self) -> Iterator[Replica]:
        """One device filling a new replica alone (the demo town): no rollback journal, no
        fsync, and the indexes nothing reads meanwhile (`BULK_DEFERRED`, the search index)
        built once, sorted, at the end; then a normal durable WAL replica again.

        A load that fails leaves the file half written: the caller deletes it and starts
        again (no ROLLBACK is needed, since a refused action writes nothing).
        """
        self.conn.execute("PRAGMA journal_mode = OFF")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.index_names = False
        deferred = [sql for name, sql in self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            if name in BULK_DEFERRED]
        for name in BULK_DEFERRED:
            self.conn.execute(f'DROP INDEX "{name}"')
        yield self
        self.index_names = True
        with self.transaction():
            for sql in deferred:
                self.conn.execute(sql)
            reindex_names(self.conn)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")

    @property
    def signing_key(self) -> SigningKey:
        if self._key is None:
            self._key = SigningKey(bytes.fromhex(str(self.meta("signing_key"))))
        return self._key

    # -- transactions ------------------------------------------------------------------

    def transaction(self) -> _Transaction:
        """One all-or-nothing write; nested uses join the outer one."""
        return _Transaction(self)

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            self._projector = Projector(self.conn, defer_name_keys=not self.index_names)
            self._state = dict(self.conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('seq', 'head', 'digest', 'counter', 'clock')"))
        except BaseException:
            self._depth = 0
            self._projector = None
            self.conn.execute("ROLLBACK")
            raise
        self.clock.last = max(self.clock.last, int(self._state["clock"]))
        self._dirty = False

    def _end(self, ok: bool) -> None:
        try:
            if ok:
                try:
                    if self._dirty:
                        self._seal()
                    self.conn.execute("COMMIT")
                except BaseException:
                    self.conn.execute("ROLLBACK")
                    raise
            else:
                self.conn.execute("ROLLBACK")
        finally:
            self._depth = 0
            self._projector = None

    def lookups(self) -> dict[Any, Any] | None:
        """A memo for lookups of zones and sites, valid while the open transaction lasts.

        None outside a transaction: another process may change them in between.
        """
        return None if self._projector is None else self._projector.lookups

    @property
    def projector(self) -> Projector:
        if self._projector is None:
            raise RuntimeError("projector used outside a transaction")
        return self._projector

    def _seal(self) -> None:
        """Sign the new head of our chain and store the running counters."""
        st = self._state
        origin = self.origin
        key = self.signing_key
        head = bytes.fromhex(st["head"])
        seq = int(st["seq"])
        if seq:
            sig = sign_head(key, origin, seq, head)
            self.conn.execute("INSERT OR REPLACE INTO head_marks VALUES (?,?,?,?)",
                              (origin, seq, head, sig))
            self.conn.execute("INSERT OR REPLACE INTO tops VALUES (?,?,?)", (origin, seq, head))
        st["clock"] = self.clock.last
        self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", st.items())

    # -- writing ops -------------------------------------------------------------------

    def next_codes(self, n: int = 1) -> list[str]:
        """`n` fresh human codes for new records made on this device."""
        if not self._depth:
            with self.transaction():
                return self.next_codes(n)
        start = int(self._state["counter"])
        self._state["counter"] = start + n
        self._dirty = True
        return [make_code(self.prefix, start + i + 1) for i in range(n)]

    def record(self, changes: Sequence[Change], actor: str) -> list[Op]:
        """Stamp, chain, store and fold `changes` as ops of this device, atomically."""
        if not self._depth:
            with self.transaction():
                return self.record(changes, actor)
        ops: list[Op] = []
        st = self._state
        origin = self.origin
        seq = int(st["seq"])
        prev = bytes.fromhex(st["head"])
        digest = int(st["digest"], 16)
        proj = self.projector
        execute = self.conn.execute
        now = self.clock.now
        for ch in changes:
            seq += 1
            verb = ch.verb
            seen = self._seen_for(ch) if verb in _SEEN_VERBS else None
            hlc = now()
            # The canonical bytes of data and seen are made once: stored as they are, and
            # hashed inside the op's encoding (`encode_parts` is `Op.encode` byte for byte).
            data_packed = pack(ch.data)
            seen_packed = None if seen is None else pack(seen)
            h = chain_hash(encode_parts(_PACKER, origin, seq, hlc, actor, ch.entity, ch.eid, verb,
                                        data_packed, seen_packed, prev))
            execute(_INSERT_OP, (origin, seq, hlc, actor, ch.entity, ch.eid, verb, data_packed,
                                 seen_packed, h))
            op = Op(origin, seq, hlc, actor, ch.entity, ch.eid, verb, ch.data, seen, prev)
            proj.apply(op)
            digest ^= int.from_bytes(h, "big")
            prev = h
            ops.append(op)
            if seq % MARK_EVERY == 0:
                self._mark(origin, seq, h)
        st["seq"] = seq
        st["head"] = prev.hex()
        st["digest"] = f"{digest:064x}"
        self._dirty = True
        return ops

    def _mark(self, origin: str, seq: int, head: bytes) -> None:
        """Sign an intermediate head inside a long transaction, so big runs can be cut there."""
        self.conn.execute("INSERT OR REPLACE INTO head_marks VALUES (?,?,?,?)",
                          (origin, seq, head, sign_head(self.signing_key, origin, seq, head)))

    def _seen_for(self, ch: Change) -> Any:
        """The version of the field the author saw: the stamp of the value being replaced."""
        field_name = ch.data["f"] if ch.verb == "set" else "merged_into"
        stamp = self.projector.field_stamp(ch.entity, ch.eid, field_name)
        return None if stamp is None else list(stamp)

    def ingest(self, ops: Sequence[Op], hashes: Sequence[bytes] | None = None) -> int:
        """Store and fold ops made elsewhere; ops already held are skipped. Returns how many were new.

        Checks (chains, signatures, revoked devices, gaps) belong to the caller (sync/);
        this is the one place a foreign op enters the log. `hashes`, when given, are
        the ops' hashes already computed by the caller's chain check.
        """
        new = 0
        touched: set[str] = set()
        with self.transaction() as conn:
            digest = int(self._state["digest"], 16)
            proj = self.projector
            for i, op in enumerate(ops):
                if conn.execute("SELECT 1 FROM ops WHERE origin = ? AND seq = ?",
                                (op.origin, op.seq)).fetchone():
                    continue
                h = hashes[i] if hashes is not None else op.hash()
                conn.execute(_INSERT_OP, (
                    op.origin, op.seq, op.hlc, op.actor, op.entity, op.eid, op.verb, pack(op.data),
                    None if op.seen is None else pack(op.seen), h))
                proj.apply(op)
                self.clock.observe(op.hlc)
                digest ^= int.from_bytes(h, "big")
                new += 1
                touched.add(op.origin)
            for origin in touched:
                self._advance_top(origin)
            if new:
                self._state["digest"] = f"{digest:064x}"
                self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                      [("digest", self._state["digest"]), ("clock", self.clock.last)])
        return new

    def ingest_bulk(self, ops: Sequence[Op], hashes: Sequence[bytes],
                    blobs: Sequence[tuple[bytes, bytes | None]] | None = None) -> int:
        """`ingest` for a batch large against what the replica holds: one executemany into the
        log, then every projection refolded in memory (bulkfold.py; same result, many times faster).

        The new ops are folded from memory and the log's older ops read once; `blobs`, when
        given, are each op's (data, seen) as the canonical bytes its hash covers (sync's
        `Run.blobs`), stored as they are instead of packed again.
        """
        with self.transaction() as conn:
            fresh = bulkfold.new_ones(conn, ops)
            if not fresh:
                return 0
            everything = len(fresh) == len(ops)
            new_ops = ops if everything else [ops[i] for i in fresh]
            new_hashes = hashes if everything else [hashes[i] for i in fresh]
            new_blobs = blobs if blobs is None or everything else [blobs[i] for i in fresh]
            fold, retracts = bulkfold.fold_with_log(conn, new_ops)
            bulkfold.insert_log(conn, new_ops, new_hashes, new_blobs, held=self.op_count())
            digest = int(self._state["digest"], 16)
            for h in new_hashes:
                digest ^= int.from_bytes(h, "big")
            self._state["digest"] = f"{digest:064x}"
            for origin in {op.origin for op in new_ops}:
                self._advance_top(origin)
            if not self.clock.observe(max(op.hlc for op in new_ops)):
                # The latest stamp is too far ahead: take the latest one that is not.
                for hlc in sorted({op.hlc for op in new_ops}, reverse=True):
                    if self.clock.observe(hlc):
                        break
            bulkfold.write_projections(conn, fold, retracts)
            self._projector = Projector(conn)
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                             [("digest", self._state["digest"]), ("clock", self.clock.last)])
        return len(new_ops)

    def _advance_top(self, origin: str) -> None:
        """Move an origin's contiguous top past every op now held without a gap."""
        row = self.conn.execute("SELECT seq FROM tops WHERE origin = ?", (origin,)).fetchone()
        top = row[0] if row else 0
        count, highest = self.conn.execute(
            "SELECT COUNT(*), MAX(seq) FROM ops WHERE origin = ? AND seq > ?", (origin, top)).fetchone()
        if count and highest - top == count:  # no gap (seqs are unique): one look, not a walk
            (h,) = self.conn.execute("SELECT hash FROM ops WHERE origin = ? AND seq = ?",
                                     (origin, highest)).fetchone()
            self.conn.execute("INSERT OR REPLACE INTO tops VALUES (?,?,?)", (origin, highest, h))
            return
        last: tuple[int, bytes] | None = None
        for seq, h in self.conn.execute(
                "SELECT seq, hash FROM ops WHERE origin = ? AND seq > ? ORDER BY seq", (origin, top)):
            if seq != top + 1:
                break
            top, last = seq, (seq, h)
        if last is not None:
            self.conn.execute("INSERT OR REPLACE INTO tops VALUES (?,?,?)", (origin, *last))

    def ops_after(self, vector: dict[str, int], limit: int | None = None) -> list[Op]:
        """Full ops (with `prev`) this replica holds beyond `vector`, in (origin, seq) order."""
        out: list[Op] = []
        for origin, top in self.vector().items():
            start = vector.get(origin, 0)
            if start >= top:
                continue
            prev_row = self.conn.execute("SELECT hash FROM ops WHERE origin = ? AND seq = ?",
                                         (origin, start)).fetchone()
            prev = prev_row[0] if prev_row else GENESIS
            rows = self.conn.execute(
                "SELECT origin, seq, hlc, actor, entity, eid, verb, data, seen, hash FROM ops "
                "WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq", (origin, start, top))
            for r in rows:
                op = row_to_op(r[:9])
                out.append(Op(op.origin, op.seq, op.hlc, op.actor, op.entity, op.eid, op.verb,
                              op.data, op.seen, prev))
                prev = r[9]
                if limit is not None and len(out) >= limit:
                    return out
        return out

    # -- reading the log ---------------------------------------------------------------

    def vector(self) -> dict[str, int]:
        """Version vector: origin → highest seq held with nothing missing below it."""
        return dict(self.conn.execute("SELECT origin, seq FROM tops"))

    def op_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM ops").fetchone()[0])

    def ops(self, where: str = "", params: Sequence[Any] = (), order: str = "hlc DESC",
            limit: int | None = None) -> list[Op]:
        sql = "SELECT origin, seq, hlc, actor, entity, eid, verb, data, seen FROM ops"
        if where:
            sql += f" WHERE {where}"
        sql += f" ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [row_to_op(r) for r in self.conn.execute(sql, params)]

    def digest(self) -> str:
        """A hash of the set of ops held: equal on two replicas that hold the same ops."""
        acc = 0
        for (h,) in self.conn.execute("SELECT hash FROM ops"):
            acc ^= int.from_bytes(h, "big")
        return f"{acc:064x}"

    def state_digest(self) -> str:
        """`digest()` kept up to date as ops are recorded (cheap; for status screens)."""
        return str(self.meta("digest"))

    # -- projections -------------------------------------------------------------------

    def rebuild(self) -> None:
        """Drop every projection and fold it again from the log."""
        with self.transaction():
            refold_all(self.conn)
            self._projector = Projector(self.conn, defer_name_keys=not self.index_names)

    def projection_hash(self) -> str:
        return projection_hash(self.conn)
