"""PostgreSQL's SQL (psycopg 3) for the regional hub: the same names as dialect_sqlite.py.

The schema is written once, in SQLite's SQL; `ddl` rewrites what PostgreSQL spells otherwise:
no `WITHOUT ROWID` (every table is a heap with its primary key's B-tree), `BLOB` is `bytea`,
`INTEGER` is 64-bit `bigint` (SQLite's integers are 64-bit: hybrid clocks do not fit in 32),
and `meta`'s untyped value column gets a type (text: the replica reads every setting through
str() or int(), and a number written there comes back as its digits).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

NAME: Final = "postgresql"
PARAM: Final = "%s"

_REWRITES: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"\)\s*WITHOUT ROWID", re.IGNORECASE), ")"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\(key TEXT PRIMARY KEY, value\)"), "(key TEXT PRIMARY KEY, value TEXT)"),
)


_QUOTED_COLUMN: Final = re.compile(r"'(\w+)'")


def ddl(stmt: str) -> str:
    """A CREATE statement written in SQLite's SQL, as PostgreSQL runs it."""
    if stmt.lstrip().upper().startswith("CREATE INDEX"):
        # schema.entity_ddl names index columns as 'name' (SQLite reads a string there as a column).
        stmt = _QUOTED_COLUMN.sub(r'"\1"', stmt)
    for pattern, repl in _REWRITES:
        stmt = pattern.sub(repl, stmt)
    return stmt


def replace_into(table: str, cols: Sequence[str], key: Sequence[str]) -> str:
    """Insert a row, replacing the one with the same key: `ON CONFLICT … DO UPDATE`."""
    marks = ", ".join(PARAM for _ in cols)
    rest = [c for c in cols if c not in key]
    action = ("DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in rest)) if rest else "DO NOTHING"
    return (f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({marks}) '
            f'ON CONFLICT ({", ".join(key)}) {action}')


def insert_ignore(table: str, cols: Sequence[str]) -> str:
    """Insert a row unless one with the same key is already there."""
    marks = ", ".join(PARAM for _ in cols)
    return f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({marks}) ON CONFLICT DO NOTHING'


def bulk_insert(conn: Any, table: str, cols: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write many rows in the caller's transaction through COPY: all of them commit, or none."""
    with conn.cursor() as cur, cur.copy(f'COPY "{table}" ({", ".join(cols)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def lock_household(conn: Any, household: str) -> None:
    """Hold a lock on one household until the transaction ends: the entitlement check and the
    hand-out that follows run alone for it, whichever worker serves the desk (an advisory lock,
    so a household with no row yet is locked too)."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 16))", (household,))


# --- the small sqlite3-like surface the replica's code uses, over psycopg ---------------------

_PLACEHOLDER_CACHE: dict[str, str] = {}
_PLACEHOLDER_CACHE_MAX: Final = 4096


def placeholders(sql: str) -> str:
    """SQLite's `?` marks as psycopg's `%s`, outside string literals and quoted names; a literal
    `%` is doubled (psycopg reads `%` as the start of a mark), except `%s` outside literals: the
    statements this module writes (`replace_into`…) already use psycopg's mark. Cached per SQL string."""
    done = _PLACEHOLDER_CACHE.get(sql)
    if done is not None:
        return done
    out: list[str] = []
    quote = ""
    for i, ch in enumerate(sql):
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = ""  # a doubled quote ('it''s') closes and reopens: same result
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%" and sql[i + 1:i + 2] != "s":  # `%s` from this module's own SQL is a mark
            out.append("%%")
        else:
            out.append(ch)
    done = "".join(out)
    if len(_PLACEHOLDER_CACHE) < _PLACEHOLDER_CACHE_MAX:
        _PLACEHOLDER_CACHE[sql] = done
    return done


# SQLite's settings for its file (journal, fsync, page cache, checkpoints): PostgreSQL's server
# configuration decides these, so the replica's calls to set them do nothing here.
_IGNORED_PRAGMA: Final = re.compile(
    r"\s*PRAGMA\s+(journal_mode|synchronous|foreign_keys|cache_size|wal_autocheckpoint|temp_store)\b",
    re.IGNORECASE)


_USER_VERSION: Final = re.compile(r"\s*PRAGMA\s+(?:main\.)?user_version\s*(?:=\s*(\d+))?\s*$",
                                  re.IGNORECASE)


# Only tables with a primary key; the conflict it names is the one SQLite's REPLACE resolves.
_INSERT_OR: Final = re.compile(r"\s*INSERT\s+OR\s+(REPLACE|IGNORE)\s+INTO\s+(\"?\w+\"?)\s*", re.IGNORECASE)


_TABLE_INFO: Final = re.compile(r"\s*PRAGMA\s+table_info\s*\(\s*[\"']?(\w+)[\"']?\s*\)", re.IGNORECASE)


class Cursor:
    """What `sqlite3.Cursor` offers the code here: fetchone/fetchall/fetchmany, iteration, rowcount."""

    def __init__(self, cur: Any) -> None:
        self._cur = cur

    @property
    def rowcount(self) -> int:
        return int(self._cur.rowcount)

    @property
    def description(self) -> Any:
        return self._cur.description

    def fetchone(self) -> Any:
        return self._cur.fetchone() if self._cur.description is not None else None

    def fetchall(self) -> list[Any]:
        return list(self._cur.fetchall()) if self._cur.description is not None else []

    def fetchmany(self, size: int = 1) -> list[Any]:
        return list(self._cur.fetchmany(size)) if self._cur.description is not None else []

    def __iter__(self) -> Any:
        return iter(self.fetchall())

    def close(self) -> None:
        self._cur.close()


class Connection:
    """A psycopg connection with the sqlite3 calls the replica's code makes: `execute`,
    `executemany`, `commit`, `rollback`, `close`, `with conn:` as a transaction, `?` marks.

    Rows are tuples (access by index), as the replica reads them. One transaction at a time,
    opened by the first statement after a commit (psycopg's default, like sqlite3's).
    """

    dialect: Final = NAME

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self._upserts: dict[str, str] = {}

    def _upsert(self, sql: str) -> str:
        """SQLite's `INSERT OR IGNORE/REPLACE INTO t …` as `INSERT INTO t … ON CONFLICT …`, the
        replaced columns read from the table's primary key (once per statement)."""
        done = self._upserts.get(sql)
        if done is not None:
            return done
        m = _INSERT_OR.match(sql)
        if m is None:
            return sql
        how, table = m.group(1).upper(), m.group(2).strip('"')
        body = f"INSERT INTO {m.group(2)} " + sql[m.end():].rstrip().rstrip(";")
        if how == "IGNORE":
            done = body + " ON CONFLICT DO NOTHING"
        else:
            with self.raw.cursor() as cur:
                cur.execute(
                    "SELECT a.attname, a.attnum = ANY(i.indkey) FROM pg_attribute a "
                    "JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary "
                    "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped "
                    "ORDER BY a.attnum", (f'"{table}"',))
                cols = cur.fetchall()
            key = [c for c, is_key in cols if is_key]
            rest = [c for c, is_key in cols if not is_key]
            action = ("DO UPDATE SET " + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in rest)
                      if rest else "DO NOTHING")
            done = body + " ON CONFLICT (" + ", ".join(f'"{c}"' for c in key) + ") " + action
        self._upserts[sql] = done
        return done

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        cur = self.raw.cursor()
        head = sql.lstrip()[:24].upper()
        if head.startswith("PRAGMA") and _IGNORED_PRAGMA.match(sql):
            return Cursor(cur)  # how SQLite keeps its file: the server keeps its own
        if head.startswith("PRAGMA") and (m := _USER_VERSION.match(sql)):
            return self._user_version(cur, m.group(1))
        if head.startswith("PRAGMA") and (m := _TABLE_INFO.match(sql)):
            # SQLite's (cid, name, type, notnull, dflt_value, pk) for each column of a table
            cur.execute(
                "SELECT a.attnum - 1, a.attname::text, format_type(a.atttypid, a.atttypmod), "
                "a.attnotnull::int, NULL, coalesce(array_position(i.indkey::int2[], a.attnum), 0) "
                "FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary "
                "WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped "
                "ORDER BY a.attnum", (f'"{m.group(1)}"',))
            return Cursor(cur)
        cur.execute(self._sql(sql, head), tuple(params))  # always parsed: `%%` means `%`
        return Cursor(cur)

    def _sql(self, sql: str, head: str) -> str:
        if head.startswith("CREATE"):
            sql = ddl(sql)  # the schema is written once, in SQLite's SQL
        elif head.startswith("INSERT OR"):
            sql = self._upsert(sql)
        elif head.startswith("BEGIN IMMEDIATE"):
            sql = "BEGIN"  # the replica's writes take their row and advisory locks as they go
        return placeholders(sql)

    def _user_version(self, cur: Any, value: str | None) -> Cursor:
        """SQLite's `PRAGMA user_version` (the log's schema version) kept in a one-row table."""
        cur.execute("CREATE TABLE IF NOT EXISTS frontaid_user_version (one INT PRIMARY KEY CHECK (one = 1), "
                    "version BIGINT NOT NULL)")
        if value is None:
            cur.execute("SELECT coalesce((SELECT version FROM frontaid_user_version), 0)")
        else:
            cur.execute("INSERT INTO frontaid_user_version VALUES (1, %s) ON CONFLICT (one) "
                        "DO UPDATE SET version = EXCLUDED.version", (int(value),))
        return Cursor(cur)

    def executemany(self, sql: str, seq: Iterable[Sequence[object]]) -> Cursor:
        cur = self.raw.cursor()
        cur.executemany(self._sql(sql, sql.lstrip()[:24].upper()), [tuple(p) for p in seq])
        return Cursor(cur)

    def commit(self) -> None:
        self.raw.commit()

    def rollback(self) -> None:
        self.raw.rollback()

    def close(self) -> None:
        self.raw.close()

    @property
    def in_transaction(self) -> bool:
        import psycopg.pq

        return bool(self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if kind is None:
            self.raw.commit()
        else:
            self.raw.rollback()


def connect(url: str, *, autocommit: bool = False) -> Connection:
    """Open the PostgreSQL database at `url` (`postgresql://…`) behind the sqlite3-like surface.

    `autocommit=True` is sqlite3's `isolation_level=None`: the caller writes BEGIN and COMMIT.
    """
    import psycopg

    raw = psycopg.connect(url, autocommit=True)
    try:
        raw.execute(_SQLITE_MASTER)
    except BaseException:
        raw.close()
        raise
    raw.autocommit = autocommit
    return Connection(raw)


# SQLite's catalogue as the replica reads it (does `meta` exist, which indexes to defer and rebuild).
_SQLITE_MASTER: Final = (
    "CREATE OR REPLACE VIEW sqlite_master AS "
    "SELECT 'table'::text AS type, tablename::text AS name, tablename::text AS tbl_name, NULL::text AS sql "
    "FROM pg_tables WHERE schemaname = current_schema() "
    "UNION ALL SELECT 'index', indexname::text, tablename::text, indexdef FROM pg_indexes "
    "WHERE schemaname = current_schema()")
