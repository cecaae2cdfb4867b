"""The hub's web users and their sessions, in a small SQLite file of their own next to the replica.

Why not in the replica: the replica is shared data. Its ops sync to every field
laptop, and its file is what gets copied to set up or back up a device. Password
hashes are neither: they are credentials of this one hub, so they live in
`<db stem>.web.db` beside it (`hub.db` → `hub.web.db`), never in an op, never in a
bundle, and a laptop cloned from the hub's replica carries none of them.

Passwords are Argon2 hashes (64 MiB each to check); at most `HASHING` are checked at
once per server process, so a crowd of logins queues instead of taking the hub's
memory. A password has at least `MIN_PASSWORD` characters and is not on the
common-password list shipped in the package (`common-passwords.txt`, see
scripts/common_passwords.py). A session is a random token (only its SHA-256 is
stored) with its own CSRF token; it ends after `SESSION_IDLE` without use or
`SESSION_MAX` after login, whichever comes first.

Wrong passwords are counted in `web_throttle`, under three keys at once: the name
from this address (`LIMITS["pair"]` tries), the address for any name, and the name
from anywhere (a guesser spread over many addresses). A try is counted *before* its
password is checked, in one `BEGIN IMMEDIATE` transaction, so parallel guesses can
never get more checks than the limit; a key that reaches its limit is locked for
`LOCKOUT`. A stranger's guesses therefore lock their own address, not the real
user at the desk; `frontaid user unlock NAME` lifts a lock at once.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from frontaid.errors import BadInput, LockedOut, LoginFailed, LoginRequired, NotFound, Refused
from frontaid.store import database
from frontaid.web.roles import ROLES

MIN_PASSWORD = 10
LIMITS = {"pair": 5, "addr": 20, "name": 50}  # wrong tries before a lock, per key kind
MAX_FAILURES = LIMITS["pair"]
LOCKOUT = 15 * 60            # seconds a lock lasts; also how long a count of wrong tries is remembered
SESSION_IDLE = 2 * 3600      # seconds without a request
SESSION_MAX = 12 * 3600      # seconds after login: one shift
HASHING = 2                  # Argon2 checks at once per process (64 MiB each)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS web_users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    hash TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    started REAL NOT NULL,
    seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS web_meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS web_throttle (
    key TEXT PRIMARY KEY,          -- 'pair:<name>\x1f<address>', 'addr:<address>' or 'name:<name>'
    tries INTEGER NOT NULL,        -- wrong (or still being checked) tries since `since`
    since REAL NOT NULL,
    locked_until REAL NOT NULL DEFAULT 0
);
"""

_hasher = PasswordHasher()
_hashing = threading.BoundedSemaphore(HASHING)
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY = _hasher.hash("not a password of anyone")


def users_path(db: Path) -> Path:
    """The users file of the replica at `db`: `hub.db` → `hub.web.db`."""
    return db.with_name(f"{db.stem}.web.db")


def hold_keys(db: Path, key: bytes) -> None:
    """Hold the data key of the unlocked replica at `db`, and its users file's key, in this process."""
    database.remember(db, key)
    side = users_path(db)
    side_key = database.side_key(key, side.name[len(db.stem) + 1:])
    assert side_key is not None
    database.remember(side, side_key)


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resources.files("frontaid.web").joinpath("common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line)


def check_password(password: str) -> None:
    """Refuse a password that is short or common (BadInput, never echoing it)."""
    if len(password) < MIN_PASSWORD:
        raise BadInput("A password needs at least {n} characters.", n=MIN_PASSWORD)
    plain = unicodedata.normalize("NFKC", password).lower()
    common = common_passwords()
    stem = plain.rstrip("0123456789!?.*_-#@$ ")
    if plain in common or stem in common or len(set(plain)) < 4:
        raise BadInput("That password is one of the most common ones and is guessed first. Choose another.")


def _hash(password: str) -> str:
    with _hashing:
        return _hasher.hash(password)


def _verify(stored: str, password: str) -> bool:
    with _hashing:
        try:
            return bool(_hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True)
class Session:
    """A logged-in user, as a request sees them."""

    name: str
    role: str
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _keys(name: str, address: str) -> dict[str, str]:
    return {"pair": f"pair:{name}\x1f{address}", "addr": f"addr:{address}", "name": f"name:{name}"}


class Users:
    """Web users and sessions of one hub (thread-safe: one connection per thread, kept,
    since every request checks its session: opening a file per request costs more than the query)."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        self._local = threading.local()
        conn = self._connect()
        try:
            conn.executescript(_SCHEMA)
            cols = {r[1] for r in conn.execute("PRAGMA table_info(web_users)")}
            if "disabled" not in cols:
                conn.execute("ALTER TABLE web_users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0")
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        # Through the one opener (encrypted with the key derived from the replica's when it is unlocked);
        # isolation_level=None: we say BEGIN IMMEDIATE ourselves where a read decides a write.
        conn = database.connect(self.path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that holds SQLite's write lock from its first read."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _run(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self._write() as conn:
            return conn.execute(sql, params).fetchall()

    # -- users ---------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str) -> None:
        name = name.strip()
        if not name or len(name) > 80:
            raise BadInput("A user name needs 1 to 80 characters.")
        if role not in ROLES:
            from frontaid.errors import UnknownChoice
            raise UnknownChoice(value=role, what="role", choices=", ".join(ROLES))
        check_password(password)
        digest = _hash(password)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM web_users WHERE name = ?", (name,)).fetchall():
                raise Refused("A web user named '{name}' already exists.", name=name)
            conn.execute("INSERT INTO web_users (name, role, hash, created) VALUES (?, ?, ?, ?)",
                         (name, role, digest, self.clock()))

    def _existing(self, conn: sqlite3.Connection, name: str) -> str:
        name = name.strip()
        if not conn.execute("SELECT 1 FROM web_users WHERE name = ?", (name,)).fetchall():
            raise NotFound("No web user named '{name}' on this hub (see `frontaid user list`).", name=name)
        return name

    def set_password(self, name: str, password: str) -> None:
        """A new password for `name`; their open sessions end, their locks lift."""
        check_password(password)
        digest = _hash(password)
        with self._write() as conn:
            name = self._existing(conn, name)
            conn.execute("UPDATE web_users SET hash = ? WHERE name = ?", (digest, name))
            conn.execute("DELETE FROM web_sessions WHERE name = ?", (name,))
            self._unlock(conn, name)

    def set_disabled(self, name: str, disabled: bool) -> None:
        """Keep `name` from logging in (and end their sessions), or let them in again."""
        with self._write() as conn:
            name = self._existing(conn, name)
            conn.execute("UPDATE web_users SET disabled = ? WHERE name = ?", (int(disabled), name))
            if disabled:
                conn.execute("DELETE FROM web_sessions WHERE name = ?", (name,))

    def remove(self, name: str) -> None:
        with self._write() as conn:
            name = self._existing(conn, name)
            conn.execute("DELETE FROM web_sessions WHERE name = ?", (name,))
            conn.execute("DELETE FROM web_users WHERE name = ?", (name,))
            self._unlock(conn, name)

    def unlock(self, name: str) -> int:
        """Lift every lock and count of wrong tries on `name` (from any address); how many there were."""
        with self._write() as conn:
            return self._unlock(conn, self._existing(conn, name))

    @staticmethod
    def _unlock(conn: sqlite3.Connection, name: str) -> int:
        pair = f"pair:{name}\x1f"
        cur = conn.execute("DELETE FROM web_throttle WHERE key = ? OR substr(key, 1, ?) = ?",
                           (f"name:{name}", len(pair), pair))
        return max(0, cur.rowcount)

    def all_users(self) -> list[dict[str, object]]:
        now = self.clock()
        with self._write() as conn:
            rows = conn.execute("SELECT name, role, disabled FROM web_users ORDER BY name").fetchall()
            locked = {str(k) for (k,) in conn.execute(
                "SELECT key FROM web_throttle WHERE locked_until > ? AND key NOT LIKE 'addr:%'", (now,))}
        out: list[dict[str, object]] = []
        for name, role, disabled in rows:
            pair = f"pair:{name}\x1f"
            is_locked = f"name:{name}" in locked or any(k.startswith(pair) for k in locked)
            out.append({"name": name, "role": role, "locked": is_locked, "disabled": bool(disabled)})
        return out

    def pseudonym_key(self) -> bytes:
        """This hub's secret for analysts' pseudonymous ids (made once, never leaves the hub)."""
        with self._write() as conn:
            conn.execute("INSERT OR IGNORE INTO web_meta VALUES ('pseudonym_key', ?)",
                         (secrets.token_bytes(32),))
            row = conn.execute("SELECT value FROM web_meta WHERE key = 'pseudonym_key'").fetchone()
            return bytes(row[0])

    # -- login ---------------------------------------------------------------------------

    def _reserve(self, name: str, address: str) -> None:
        """Count this try before its password is checked, or LockedOut (one transaction)."""
        now = self.clock()
        keys = _keys(name, address)
        with self._write() as conn:
            rows = {str(k): (int(t), float(s), float(lu)) for k, t, s, lu in conn.execute(
                "SELECT key, tries, since, locked_until FROM web_throttle WHERE key IN (?, ?, ?)",
                tuple(keys.values()))}
            for kind, key in keys.items():
                tries, since, locked_until = rows.get(key, (0, now, 0.0))
                if locked_until > now:
                    raise LockedOut(minutes=max(1, round((locked_until - now) / 60)))
                if tries >= LIMITS[kind] and now - since <= LOCKOUT:
                    # the limit's worth of tries are still being checked: refuse without checking
                    raise LockedOut(minutes=LOCKOUT // 60)
            for key in keys.values():
                tries, since, _lu = rows.get(key, (0, now, 0.0))
                fresh = now - since > LOCKOUT or key not in rows
                conn.execute(
                    "INSERT INTO web_throttle (key, tries, since, locked_until) VALUES (?, ?, ?, 0) "
                    "ON CONFLICT(key) DO UPDATE SET tries = excluded.tries, since = excluded.since, "
                    "locked_until = 0", (key, 1 if fresh else tries + 1, now if fresh else since))

    def _settle(self, name: str, address: str, ok: bool) -> None:
        """After the check: a right password takes its try back; a wrong one may lock."""
        now = self.clock()
        keys = _keys(name, address)
        with self._write() as conn:
            if ok:
                conn.execute("DELETE FROM web_throttle WHERE key = ?", (keys["pair"],))
                conn.execute("UPDATE web_throttle SET tries = max(0, tries - 1) WHERE key IN (?, ?)",
                             (keys["addr"], keys["name"]))
                return
            for kind, key in keys.items():
                conn.execute("UPDATE web_throttle SET locked_until = ?, tries = 0 "
                             "WHERE key = ? AND tries >= ?", (now + LOCKOUT, key, LIMITS[kind]))

    def login(self, name: str, password: str, address: str = "") -> tuple[str, Session]:
        """A new session token for `name`, or LoginFailed / LockedOut.

        `address` is where the try comes from (the client's IP address)."""
        name = name.strip()[:200]
        self._reserve(name, address)
        row = self._run("SELECT role, hash, disabled FROM web_users WHERE name = ?", (name,))
        stored = str(row[0][1]) if row else _DUMMY
        ok = _verify(stored, password) and bool(row) and not row[0][2]
        self._settle(name, address, ok)
        if not ok:
            raise LoginFailed()  # even the try that locks: the next one hears of the lock
        now = self.clock()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self._run("INSERT INTO web_sessions (token_hash, name, csrf, started, seen) VALUES (?, ?, ?, ?, ?)",
                  (_digest(token), name, csrf, now, now))
        return token, Session(name, str(row[0][0]), csrf)

    def session(self, token: str | None) -> Session:
        """The session behind a cookie's token, renewed; LoginRequired if none or expired."""
        if not token:
            raise LoginRequired()
        now = self.clock()
        conn = self._conn()
        row = conn.execute("SELECT s.name, u.role, s.csrf, s.started, s.seen FROM web_sessions s "
                           "JOIN web_users u ON u.name = s.name WHERE s.token_hash = ? AND u.disabled = 0",
                           (_digest(token),)).fetchall()
        if not row:
            raise LoginRequired()
        name, role, csrf, started, seen = row[0]
        if now - float(seen) > SESSION_IDLE or now - float(started) > SESSION_MAX:
            self.logout(token)
            raise LoginRequired()
        if now - float(seen) > 60:  # one write a minute, not one per request
            self._run("UPDATE web_sessions SET seen = ? WHERE token_hash = ?", (now, _digest(token)))
        return Session(str(name), str(role), str(csrf))

    def logout(self, token: str | None) -> None:
        if token:
            self._run("DELETE FROM web_sessions WHERE token_hash = ?", (_digest(token),))
