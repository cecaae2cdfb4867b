"""Encrypting a replica in place, the panic wipe, and the duress decoy.

`encrypt_in_place` (`frontaid protect`) is all or nothing and safe to interrupt at any
point. The commit point is one rename; `settle` (run before every open) finishes or
undoes whatever a kill left behind:

    1. a new key file is written as `hub.db.key.pending` (complete or absent: written aside, renamed)
    2. the plain replica is copied encrypted into `hub.db.protecting` (sqlcipher_export), fsynced
    3. `hub.db.plain` is made a second name of the plain file (a hard link)
    4. `hub.db.protecting` is renamed over `hub.db`           ← the commit point
    5. `hub.db.key.pending` is renamed to `hub.db.key`
    6. the plain bytes, still reachable as `hub.db.plain`, are overwritten, fsynced and unlinked

Killed before 4: `hub.db` is still the plain file (its header says so); settle removes the
pending key and the half copy. Killed after 4: `hub.db` is encrypted; settle finishes 5 and 6.

`wipe` destroys the key file first (that alone makes the data unreadable: the data key
exists nowhere else), drops the keys this process holds, then overwrites as much of
the database, its WAL and side files as it can in the time given, and unlinks them.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from frontaid.errors import NoReplica
from frontaid.store import database, keyfile
from frontaid.store.keyfile import KdfParams, key_path, overwrite, tries_path

_JOURNALS = ("-wal", "-shm", "-journal")


def _side(db: Path, suffix: str) -> Path:
    return Path(f"{db}{suffix}")


def decoy_path(db: str | os.PathLike[str]) -> Path:
    p = Path(db)
    return p.with_name(f".{p.name}.spare")


def _journals(db: Path) -> list[Path]:
    return [_side(db, j) for j in _JOURNALS]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_all(paths: Sequence[Path]) -> None:
    for p in paths:
        p.unlink(missing_ok=True)


def settle(db: str | os.PathLike[str], side_files: Sequence[Path] = ()) -> None:
    """Finish or undo an `encrypt_in_place` that was killed (see the module's steps)."""
    db = Path(db)
    for file in (db, *side_files):
        _settle_one(file, key_file=file == db)


def _settle_one(file: Path, key_file: bool) -> None:
    protecting, plain_old = _side(file, ".protecting"), _side(file, ".plain")
    pending = _side(key_path(file), ".pending")
    committed = file.exists() and file.stat().st_size > 0 and not database.is_plaintext(file)
    if key_file:
        keyfile.destroy(_side(pending, ".tmp"))
        if pending.exists():
            if committed:
                os.replace(pending, key_path(file))
            else:
                keyfile.destroy(pending)
    if not committed:
        _unlink_all([protecting, *_journals(protecting)])
    if plain_old.exists():
        if file.exists() and os.path.samefile(file, plain_old):
            plain_old.unlink()  # not committed: it is the live plain file's second name
        else:
            overwrite(plain_old)
            plain_old.unlink()


def _checkpointed_plain(path: Path) -> Any:
    """A connection to a plain database with its WAL folded in and emptied."""
    conn = database.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return conn


def _encrypt_file(path: Path, key: bytes, *, before_commit: Any = None) -> None:
    """Steps 2-4 and 6 for one file (the caller does 1 and 5 for the replica's key file)."""
    protecting, plain_old = _side(path, ".protecting"), _side(path, ".plain")
    _unlink_all([protecting, *_journals(protecting), plain_old])
    conn = _checkpointed_plain(path)
    try:
        database.export_encrypted(conn, protecting, key)
    finally:
        conn.close()
    check = database.connect(protecting, key, isolation_level=None)
    try:
        check.execute("PRAGMA journal_mode = WAL").fetchone()
        check.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        check.close()
    _unlink_all(_journals(protecting))
    _fsync(protecting)
    # The plain WAL was emptied by the checkpoint; remove it before the swap so the
    # encrypted file never meets a plain WAL.
    _unlink_all(_journals(path))
    os.link(path, plain_old)
    if before_commit is not None:
        before_commit()
    os.replace(protecting, path)  # the commit point
    keyfile._fsync_dir(path)
    return None


def _finish_plain(path: Path) -> None:
    plain_old = _side(path, ".plain")
    overwrite(plain_old)
    plain_old.unlink(missing_ok=True)
    keyfile._fsync_dir(path)


def encrypt_in_place(db: str | os.PathLike[str], passphrase: str, side_files: Sequence[Path] = (),
                     params: KdfParams = keyfile.DEFAULT_KDF) -> dict[str, Any]:
    """Encrypt the plain replica at `db` (and its plain side files), all or nothing.

    Already encrypted: only plain side files are converted (the passphrase must open it).
    """
    db = Path(db)
    settle(db, side_files)
    if not db.exists() or db.stat().st_size == 0:
        raise NoReplica(path=str(db))
    started = time.perf_counter()
    done: list[str] = []
    if database.is_plaintext(db):
        from frontaid.store.replica import Replica

        Replica.open(db).close()  # only a replica: refuse anything else before touching it
        pending = _side(key_path(db), ".pending")
        data_key = secrets.token_bytes(keyfile.KEY_BYTES)
        keyfile.write_key_file(pending, passphrase, data_key, params)
        _encrypt_file(db, data_key)
        os.replace(pending, key_path(db))
        keyfile._fsync_dir(db)
        _finish_plain(db)
        done.append(db.name)
    else:
        data_key = keyfile.unlock(db, passphrase).key
    for side in side_files:
        if database.is_plaintext(side):
            purpose = side.name[len(db.stem) + 1:]
            side_key = database.side_key(data_key, purpose)
            assert side_key is not None
            _encrypt_file(side, side_key)
            _finish_plain(side)
            done.append(side.name)
    database.remember(db, data_key)
    return {"encrypted": done, "seconds": round(time.perf_counter() - started, 3)}


def side_key(db: str | os.PathLike[str], side: Path, key: bytes | None = None) -> bytes | None:
    """The key of a side file of `db` (named `<stem>.<purpose>`), or None when `db` is not unlocked."""
    db = Path(db)
    return database.side_key(key if key is not None else database.key_for(db),
                             side.name[len(db.stem) + 1:])


def wipe(db: str | os.PathLike[str], side_files: Sequence[Path] = (), budget: float = 0.8) -> dict[str, Any]:
    """Destroy the key material of `db`, then overwrite and remove its files, within `budget` seconds.

    Needs no passphrase. The key file goes first, whole; then the WALs (the newest
    changes), the first page of every database (SQLCipher's salt), then as much of the
    rest as time allows; then every file is unlinked.
    """
    db = Path(db)
    start = time.monotonic()
    deadline = start + budget
    destroyed = keyfile.destroy(key_path(db))
    for extra in (_side(key_path(db), ".pending"), _side(key_path(db), ".tmp")):
        destroyed = keyfile.destroy(extra) or destroyed
    database.forget_all()
    key_seconds = time.monotonic() - start
    files = [db, *side_files, decoy_path(db), _side(db, ".protecting"), _side(db, ".plain")]
    journals = [j for f in files for j in _journals(f)]
    written = total = 0
    for j in journals:
        if j.exists():
            total += j.stat().st_size
            written += overwrite(j, deadline=deadline)
    for f in files:
        if f.exists():
            total += f.stat().st_size
            written += overwrite(f, limit=65536)
    for f in files:
        if f.exists() and time.monotonic() < deadline:
            written += max(0, overwrite(f, deadline=deadline) - 65536)
    _unlink_all([*files, *journals, tries_path(db)])
    keyfile._fsync_dir(db)
    return {"key_destroyed": destroyed, "key_seconds": round(key_seconds, 4),
            "overwritten_bytes": written, "total_bytes": total,
            "seconds": round(time.monotonic() - start, 4)}


def finish_duress(db: str | os.PathLike[str], key: bytes, side_files: Sequence[Path] = ()) -> None:
    """After the duress passphrase: overwrite the real replica and put the decoy in its place.

    The real key is already gone (keyfile.unlock). Also finishes a swap a kill interrupted:
    called whenever the unlocked key opens the decoy rather than the replica.
    """
    db = Path(db)
    decoy = decoy_path(db)
    if not decoy.exists():
        return
    for f in (db, *side_files):
        for j in _journals(f):
            overwrite(j)
        overwrite(f, deadline=time.monotonic() + 0.5)
        _unlink_all([*_journals(f)])
        if f != db:
            f.unlink(missing_ok=True)
    _unlink_all(_journals(decoy))
    os.replace(decoy, db)
    keyfile._fsync_dir(db)
    database.remember(db, key)


__all__ = ["decoy_path", "encrypt_in_place", "finish_duress", "settle", "side_key", "wipe"]
