"""The one place that opens a database file: every replica, the web users' file, the demo's side file.

The driver is sqlcipher3 (SQLite with SQLCipher 4 inside, from its wheel), for plaintext
and encrypted files alike, so that there is one SQLite underneath whatever the file is.
An encrypted file is opened with a raw 256-bit data key (`PRAGMA key = "x'…'"`: no
passphrase stretching inside SQLCipher; the key file does that once, with Argon2id,
see keyfile.py). Without a key the file must be plain SQLite.

Keys of unlocked replicas are held in this process only (`remember`, `forget_all`), so
code that opens a replica by path (the web app's pool, the sync routes) finds them;
a panic wipe drops them all. Python cannot promise to zero a `bytes` object: what
it can do is drop every reference and close every connection (SQLCipher wipes its
own copy of the key when a connection closes).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any, cast

from sqlcipher3 import dbapi2 as _driver  # type: ignore[import-untyped]  # no stubs

from frontaid.store import dialect, dialect_pg

# The driver's errors are its own classes, not the stdlib's: catch these.
DatabaseError: type[Exception] = _driver.DatabaseError
OperationalError: type[Exception] = _driver.OperationalError
IntegrityError: type[Exception] = _driver.IntegrityError
Row = _driver.Row
# Both drivers' errors, for code that may meet either (a test's own stdlib connection).
ANY_DATABASE_ERROR: tuple[type[Exception], ...] = (DatabaseError, sqlite3.DatabaseError)

KEY_BYTES = 32
# The first 16 bytes of every plain SQLite file; an encrypted file begins with random salt.
SQLITE_HEADER = b"SQLite format 3\x00"

_KEYS: dict[str, bytes] = {}


def _where(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.fspath(path))


def remember(path: str | os.PathLike[str], key: bytes) -> None:
    """Hold the data key of the unlocked database at `path` for this process."""
    if len(key) != KEY_BYTES:
        raise ValueError("a data key is 32 bytes")
    _KEYS[_where(path)] = key


def key_for(path: str | os.PathLike[str]) -> bytes | None:
    """The key this process holds for `path`, if it was unlocked here."""
    return _KEYS.get(_where(path))


def forget(path: str | os.PathLike[str]) -> None:
    _KEYS.pop(_where(path), None)


def forget_all() -> None:
    """Drop every key this process holds (the panic wipe)."""
    _KEYS.clear()


def side_key(key: bytes | None, purpose: str) -> bytes | None:
    """A key for a side file (the web users' file) derived from a replica's data key.

    One data key to destroy destroys them all; no two files share a key.
    """
    if key is None:
        return None
    return hashlib.blake2b(purpose.encode(), key=key, digest_size=KEY_BYTES,
                           person=b"frontaid-side").digest()


def target(value: str | os.PathLike[str]) -> Path:
    """A `--db` value as the replica keeps it: a file's Path, or a `postgresql://` URL kept whole
    (a PurePath would fold its `//`), typed as a Path for the code that only shows or compares it."""
    text = os.fspath(value)
    return cast(Path, _Url(text)) if dialect.is_postgres(text) else Path(text)


class _Url(str):
    """A PostgreSQL URL standing where a replica's file path would."""

    def exists(self) -> bool:
        return True

    def __fspath__(self) -> str:
        return str(self)


def exists(where: Path) -> bool:
    """Whether a replica is there: a file with something in it, or a PostgreSQL database with a log."""
    if isinstance(where, _Url):
        try:
            conn: Any = dialect_pg.connect(str(where), autocommit=True)
        except Exception:  # no server, no database: nothing there
            return False
        try:
            return bool(conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0])
        finally:
            conn.close()
    return where.exists() and where.stat().st_size > 0


def is_plaintext(path: str | os.PathLike[str]) -> bool:
    """Whether the file at `path` is a plain (unencrypted) SQLite file; False if empty or missing."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except FileNotFoundError:
        return False


def connect(
    path: str | os.PathLike[str],
    key: bytes | None = None,
    *,
    timeout: float = 30,
    isolation_level: str | None = "",
    check_same_thread: bool = True,
    cached_statements: int = 128,
    uri: bool = False,
) -> sqlite3.Connection:
    """Open the database at `path`, encrypted with `key` (or the key remembered for it), or plain;
    a `postgresql://` URL opens PostgreSQL behind the same calls (dialect_pg.Connection).

    Raises `DatabaseError` when the key does not open the file (or a key is missing for
    an encrypted one). Typed as `sqlite3.Connection`: the driver's connection has the
    same interface (Row factory, executemany, backup; not iterdump), only its own error classes.
    """
    if dialect.is_postgres(os.fspath(path)):
        # A regional hub on PostgreSQL: the server keeps the data (and its encryption at rest).
        if key is not None:
            raise ValueError("a PostgreSQL hub takes no SQLCipher key")
        return cast(sqlite3.Connection, dialect_pg.connect(os.fspath(path),
                                                           autocommit=isolation_level is None))
    if key is None and not uri:
        key = key_for(path)
    conn = _driver.connect(os.fspath(path), timeout=timeout, isolation_level=isolation_level,
                           check_same_thread=check_same_thread, cached_statements=cached_statements,
                           uri=uri)
    try:
        if key is not None:
            if len(key) != KEY_BYTES:
                raise ValueError("a data key is 32 bytes")
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            # Sorts and temporary tables that outgrow the cache stay in memory, never in a
            # temporary file on disk beside the encrypted one.
            conn.execute("PRAGMA temp_store = MEMORY")
        # Reading the schema is what checks the key (or that a keyless file is plain SQLite).
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return cast(sqlite3.Connection, conn)


def export_encrypted(conn: sqlite3.Connection, target: Path, key: bytes) -> None:
    """Copy the whole plain database of `conn` into a new encrypted file `target` (sqlcipher_export).

    Carries the schema, every row and `user_version`; the caller makes it durable and moves it in place.
    """
    c: Any = conn
    c.execute("ATTACH DATABASE ? AS encrypted KEY \"x'" + key.hex() + "'\"", (os.fspath(target),))
    try:
        c.execute("SELECT sqlcipher_export('encrypted')").fetchone()
        version = c.execute("PRAGMA main.user_version").fetchone()[0]
        c.execute(f"PRAGMA encrypted.user_version = {int(version)}")
    finally:
        c.execute("DETACH DATABASE encrypted")


__all__ = [
    "ANY_DATABASE_ERROR", "DatabaseError", "IntegrityError", "KEY_BYTES", "OperationalError", "Row",
    "SQLITE_HEADER", "connect", "export_encrypted", "forget", "forget_all", "is_plaintext", "key_for",
    "remember", "side_key",
]
