"""The replica's tables: the log (versioned by migrations) and the projections.

The log tables change only through numbered migrations that run on open. The
projection tables are derived: they are generated from `domain.entities`, and
when that declaration (or the projector) changes, they are dropped, recreated and
refolded from the log, so no migration is ever needed for them.
"""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Final

from frontaid.domain.entities import ENTITIES, Entity

# Bump when the fold itself changes meaning (name keys included: domain.name_keys), so
# existing replicas refold on open.
PROJECTOR_VERSION: Final = 2

LOG_MIGRATIONS: Final[tuple[str, ...]] = (
    # 1: the op log, signed chain heads, replica settings.
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
    CREATE TABLE ops (
        origin TEXT NOT NULL,
        seq INTEGER NOT NULL,
        hlc INTEGER NOT NULL,
        actor TEXT NOT NULL,
        entity TEXT NOT NULL,
        eid TEXT NOT NULL,
        verb TEXT NOT NULL,
        data BLOB NOT NULL,
        seen BLOB,
        hash BLOB NOT NULL,
        PRIMARY KEY (origin, seq)
    ) WITHOUT ROWID;
    CREATE INDEX ops_entity ON ops (entity, eid);
    CREATE INDEX ops_hlc ON ops (hlc);
    CREATE TABLE heads (
        origin TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        hash BLOB NOT NULL,
        sig BLOB NOT NULL
    ) WITHOUT ROWID;
    """,
    # 2: what sync needs. `tops`: the highest seq of each origin held with no gap below
    # it (the version vector); `head_marks`: every signed head kept, so a batch can be
    # cut where a signature vouches for it; `held`: ops that arrived after a gap.
    """
    CREATE TABLE tops (origin TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash BLOB NOT NULL) WITHOUT ROWID;
    INSERT INTO tops SELECT o.origin, o.seq, o.hash FROM ops o
        WHERE o.seq = (SELECT MAX(seq) FROM ops x WHERE x.origin = o.origin);
    CREATE TABLE head_marks (
        origin TEXT NOT NULL, seq INTEGER NOT NULL, hash BLOB NOT NULL, sig BLOB NOT NULL,
        PRIMARY KEY (origin, seq)) WITHOUT ROWID;
    INSERT INTO head_marks SELECT origin, seq, hash, sig FROM heads;
    CREATE TABLE held (
        origin TEXT NOT NULL, seq INTEGER NOT NULL, op BLOB NOT NULL, received_ms INTEGER NOT NULL,
        PRIMARY KEY (origin, seq)) WITHOUT ROWID;
    """,
    # 3: no index on ops(hlc): within an origin the clock rises with seq, so "newest
    # first" is the newest of each origin by primary key, merged (queries/log.py); one
    # B-tree less to update on every op.
    """
    DROP INDEX IF EXISTS ops_hlc;
    """,
    # 4: `heads` (each origin's latest signed head) is derived from `head_marks`: a view,
    # so no write keeps two tables in step.
    """
    DROP TABLE heads;
    CREATE VIEW heads AS SELECT m.origin, m.seq, m.hash, m.sig FROM head_marks m
        WHERE m.seq = (SELECT MAX(x.seq) FROM head_marks x WHERE x.origin = m.origin);
    """,
)
LOG_VERSION: Final = len(LOG_MIGRATIONS)

_SQL_TYPES: Final = {
    "text": "TEXT", "int": "INTEGER", "real": "REAL", "set": "TEXT", "count": "INTEGER",
    "json": "TEXT",
}

# Projection tables that are not one-per-entity.
AUX_TABLES: Final[dict[str, str]] = {
    # Elements of set-valued fields, one row per (value, tag of the add that put it there).
    "elems": """CREATE TABLE elems (
        entity TEXT NOT NULL, eid TEXT NOT NULL, field TEXT NOT NULL,
        value TEXT NOT NULL, tag TEXT NOT NULL,
        PRIMARY KEY (entity, eid, field, value, tag)) WITHOUT ROWID""",
    # The (value, tag) pairs a remove saw: add-wins means only these are cancelled.
    "elem_removed": """CREATE TABLE elem_removed (
        entity TEXT NOT NULL, eid TEXT NOT NULL, field TEXT NOT NULL,
        value TEXT NOT NULL, tag TEXT NOT NULL,
        PRIMARY KEY (entity, eid, field, value, tag)) WITHOUT ROWID""",
    # Every stock movement: count ops, and the hand-outs that drew from a location.
    "ledger": """CREATE TABLE ledger (
        op TEXT PRIMARY KEY, entity TEXT NOT NULL, eid TEXT NOT NULL,
        delta INTEGER NOT NULL, reason TEXT, day TEXT, hook INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID""",
    # Two changes to one critical field by authors who had not seen each other's:
    # both replaced the same version (`seen`) with different values.
    "conflicts": """CREATE TABLE conflicts (
        entity TEXT NOT NULL, eid TEXT NOT NULL, field TEXT NOT NULL, op_a TEXT NOT NULL, op_b TEXT NOT NULL,
        PRIMARY KEY (op_a, op_b)) WITHOUT ROWID""",
    "retracted": """CREATE TABLE retracted (op TEXT PRIMARY KEY, by TEXT NOT NULL) WITHOUT ROWID""",
    # The search keys of every person's current name (domain.name_keys.name_keys): a few
    # rows a person, so search finds Ігор, Игорь, Ihor and Igor by one B-tree range.
    # The records a purge op named (store/purge.py): their personal fields stay cleared whatever
    # arrives about them later.
    "purged": """CREATE TABLE purged (entity TEXT NOT NULL, eid TEXT NOT NULL,
        PRIMARY KEY (entity, eid)) WITHOUT ROWID""",
    "name_keys": """CREATE TABLE name_keys (key TEXT NOT NULL, eid TEXT NOT NULL,
        PRIMARY KEY (key, eid)) WITHOUT ROWID""",
}
# Local derived data: recomputable, never synced, outside the state hash and kept through a refold.
# Created on open (`IF NOT EXISTS`): an older replica gains them without a migration.
LOCAL_TABLES: Final[dict[str, str]] = {
    # The duplicates review queue (`frontaid dedup run` fills it; queries/dedup.py reads it).
    "dedup_queue": """CREATE TABLE IF NOT EXISTS dedup_queue (
        a TEXT NOT NULL, b TEXT NOT NULL, score REAL NOT NULL, band TEXT NOT NULL,
        fields TEXT NOT NULL, found_at TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID""",
}
AUX_INDEXES: Final[tuple[str, ...]] = (
    "CREATE INDEX ledger_stock ON ledger (entity, eid)",
    "CREATE INDEX ledger_day ON ledger (day)",
)


def entity_ddl(entity: Entity) -> list[str]:
    cols = [
        "eid TEXT PRIMARY KEY",
        "created INTEGER NOT NULL DEFAULT 0",
        "c_hlc INTEGER NOT NULL DEFAULT 0",
        "c_origin TEXT NOT NULL DEFAULT ''",
        "merged_into TEXT",
        "_v TEXT NOT NULL DEFAULT '{}'",
    ]
    cols += [f'"{f.name}" {_SQL_TYPES[f.kind]}' for f in entity.fields]
    cols += [f'"{col}" TEXT' for col, _src in entity.derived]
    stmts = [f'CREATE TABLE "{entity.table}" ({", ".join(cols)})']
    for idx in entity.indexes:
        name = f"{entity.table}_{'_'.join(idx)}"
        stmts.append(f'CREATE INDEX "{name}" ON "{entity.table}" ({", ".join(map(repr, idx))})')
    # Derived columns (name_key) are not indexed: search matches inside names
    # (LIKE '%…%'), which no B-tree serves; every insert would pay for nothing.
    return stmts


def projection_tables() -> list[str]:
    """Every projection table, in the fixed order the state hash reads them."""
    return [e.table for e in ENTITIES.values()] + sorted(AUX_TABLES)


def projection_ddl() -> list[str]:
    stmts: list[str] = []
    for entity in ENTITIES.values():
        stmts += entity_ddl(entity)
    stmts += [AUX_TABLES[t] for t in sorted(AUX_TABLES)]
    stmts += list(AUX_INDEXES)
    return stmts


def projection_fingerprint() -> str:
    """Changes whenever the projection tables or the fold would differ."""
    text = f"{PROJECTOR_VERSION}\n" + "\n".join(projection_ddl())
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def drop_projections(conn: sqlite3.Connection) -> None:
    for table in projection_tables():
        conn.execute(f'DROP TABLE IF EXISTS "{table}"')
