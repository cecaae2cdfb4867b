"""The hub's web users and their sessions, in a small SQLite file of their own next to the replica.

Why not in the replica: the replica is shared data. Its ops sync to every field
laptop, and its file is what gets copied to set up or back up a device. Password
hashes are neither: they are credentials of this one hub, so they live in
`<db stem>.web.db` beside it (`hub.db` → `hub.web.db`), never in an op, never in a
bundle, and a laptop cloned from the hub's replica carries none of them.

Passwords are Argon2 hashes. A session is a random token (only its SHA-256 is
stored) with its own CSRF token; it ends after `SESSION_IDLE` without use or
`SESSION_MAX` after login, whichever comes first. `MAX_FAILURES` wrong passwords
in a row lock the name for `LOCKOUT`.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from frontaid.errors import BadInput, LockedOut, LoginFailed, LoginRequired, Refused
from frontaid.store import database
from frontaid.web.roles import ROLES

MIN_PASSWORD = 8
MAX_FAILURES = 5
LOCKOUT = 15 * 60            # seconds
SESSION_IDLE = 2 * 3600      # seconds without a request
SESSION_MAX = 12 * 3600      # seconds after login: one shift

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
"""

_hasher = PasswordHasher()
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


@dataclass(frozen=True)
class Session:
    """A logged-in user, as a request sees them."""

    name: str
    role: str
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        # Through the one opener: encrypted with the key derived from the replica's when it is unlocked.
        conn = database.connect(self.path, timeout=30)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _run(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        with conn:
            return conn.execute(sql, params).fetchall()

    # -- users ---------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str) -> None:
        name = name.strip()
        if not name or len(name) > 80:
            raise BadInput("A user name needs 1 to 80 characters.")
        if role not in ROLES:
            from frontaid.errors import UnknownChoice
            raise UnknownChoice(value=role, what="role", choices=", ".join(ROLES))
        if len(password) < MIN_PASSWORD:
            raise BadInput("A password needs at least {n} characters.", n=MIN_PASSWORD)
        if self._run("SELECT 1 FROM web_users WHERE name = ?", (name,)):
            raise Refused("A web user named '{name}' already exists.", name=name)
        self._run("INSERT INTO web_users (name, role, hash, created) VALUES (?, ?, ?, ?)",
                  (name, role, _hasher.hash(password), self.clock()))

    def all_users(self) -> list[dict[str, object]]:
        rows = self._run("SELECT name, role, failures, locked_until FROM web_users ORDER BY name")
        now = self.clock()
        return [{"name": n, "role": r, "locked": float(lu) > now} for n, r, _f, lu in rows]  # type: ignore[arg-type]

    # -- login ---------------------------------------------------------------------------

    def login(self, name: str, password: str) -> tuple[str, Session]:
        """A new session token for `name`, or LoginFailed / LockedOut."""
        now = self.clock()
        row = self._run("SELECT role, hash, failures, locked_until FROM web_users WHERE name = ?",
                        (name.strip(),))
        if not row:
            with contextlib.suppress(VerificationError):
                _hasher.verify(_DUMMY, password)
            raise LoginFailed()
        role, stored, failures, locked_until = row[0]
        if float(locked_until) > now:  # type: ignore[arg-type]
            raise LockedOut(minutes=max(1, round((float(locked_until) - now) / 60)))  # type: ignore[arg-type]
        try:
            _hasher.verify(str(stored), password)
        except (VerificationError, InvalidHashError):
            failures = int(failures) + 1  # type: ignore[call-overload]
            lock = now + LOCKOUT if failures >= MAX_FAILURES else 0
            self._run("UPDATE web_users SET failures = ?, locked_until = ? WHERE name = ?",
                      (0 if lock else failures, lock, name.strip()))
            if lock:
                raise LockedOut(minutes=LOCKOUT // 60) from None
            raise LoginFailed() from None
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self._run("UPDATE web_users SET failures = 0, locked_until = 0 WHERE name = ?", (name.strip(),))
        self._run("INSERT INTO web_sessions (token_hash, name, csrf, started, seen) VALUES (?, ?, ?, ?, ?)",
                  (_digest(token), name.strip(), csrf, now, now))
        return token, Session(name.strip(), str(role), csrf)

    def session(self, token: str | None) -> Session:
        """The session behind a cookie's token, renewed; LoginRequired if none or expired."""
        if not token:
            raise LoginRequired()
        now = self.clock()
        row = self._run("SELECT s.name, u.role, s.csrf, s.started, s.seen FROM web_sessions s "
                        "JOIN web_users u ON u.name = s.name WHERE s.token_hash = ?", (_digest(token),))
        if not row:
            raise LoginRequired()
        name, role, csrf, started, seen = row[0]
        if now - float(seen) > SESSION_IDLE or now - float(started) > SESSION_MAX:  # type: ignore[arg-type]
            self.logout(token)
            raise LoginRequired()
        if now - float(seen) > 60:  # type: ignore[arg-type]  # one write a minute, not one per request
            self._run("UPDATE web_sessions SET seen = ? WHERE token_hash = ?", (now, _digest(token)))
        return Session(str(name), str(role), str(csrf))

    def logout(self, token: str | None) -> None:
        if token:
            self._run("DELETE FROM web_sessions WHERE token_hash = ?", (_digest(token),))
