"""Reading the passphrase and unlocking an encrypted replica, for every command that opens one.

The passphrase comes from, in order: the file descriptor in FRONTAID_PASSPHRASE_FD, the
file named in FRONTAID_PASSPHRASE_FILE, or a prompt on the terminal (getpass: not
echoed). Never from an argument (it would sit in the shell history and in `ps`), never
logged. A command that needs two (the old and the new) reads two lines.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from frontaid.errors import BadInput, KeyFileDamaged, PassphraseNeeded
from frontaid.i18n import gettext as _
from frontaid.store import database, keyfile
from frontaid.store.protect import decoy_path, finish_duress, settle

FD_ENV = "FRONTAID_PASSPHRASE_FD"
FILE_ENV = "FRONTAID_PASSPHRASE_FILE"
MIN_PASSPHRASE = 10
_MAX_READ = 64 * 1024
_from_fd: list[str] | None = None  # a descriptor can be read once: kept for the process


def _supplied() -> list[str] | None:
    """The lines given through FRONTAID_PASSPHRASE_FD or _FILE, or None when neither is set."""
    global _from_fd
    fd = os.environ.get(FD_ENV, "").strip()
    if fd:
        if _from_fd is None:
            try:
                with os.fdopen(int(fd), "rb", closefd=False) as fh:
                    raw = fh.read(_MAX_READ)
            except (ValueError, OSError):
                raise BadInput(
                    "FRONTAID_PASSPHRASE_FD must be the number of an open file descriptor.") from None
            _from_fd = raw.decode("utf-8", "replace").splitlines()
        return _from_fd
    name = os.environ.get(FILE_ENV, "").strip()
    if name:
        try:
            with open(name, "rb") as fh:
                return fh.read(_MAX_READ).decode("utf-8", "replace").splitlines()
        except OSError:
            raise BadInput("The file in FRONTAID_PASSPHRASE_FILE cannot be read.") from None
    return None


def ask(prompt: str, line: int = 0) -> str:
    """One passphrase: line `line` of FD/FILE, else typed at the terminal."""
    given = _supplied()
    if given is not None:
        if line >= len(given):
            raise PassphraseNeeded()
        return given[line]
    if not sys.stdin.isatty():
        raise PassphraseNeeded()
    return getpass.getpass(prompt + ": ")


def ask_new(prompt: str, line: int = 0) -> str:
    """A new passphrase: typed twice at the terminal (once from FD/FILE), at least MIN_PASSPHRASE long."""
    first = ask(prompt, line)
    if _supplied() is None and ask(_("Type it again"), line) != first:
        raise BadInput("The two passphrases typed differ; nothing was changed.")
    if len(first) < MIN_PASSPHRASE:
        raise BadInput("A passphrase needs at least {n} characters (a few words are easy to remember).",
                       n=MIN_PASSPHRASE)
    return first


def is_encrypted(db: Path) -> bool:
    """Whether opening `db` needs a passphrase (a key file beside it, or a file that is not plain SQLite)."""
    return keyfile.has_key_file(db) or (db.exists() and db.stat().st_size > 0
                                        and not database.is_plaintext(db))


def side_files(db: Path) -> list[Path]:
    from frontaid.web.users import users_path

    return [users_path(db)]


def remember(db: Path, key: bytes) -> None:
    """Hold the data key for `db` and its side files in this process."""
    from frontaid.web.users import hold_keys

    hold_keys(db, key)


def unlock(db: Path) -> bytes | None:
    """Ask for the passphrase of `db` and hold its key; None for a plain replica.

    The duress passphrase opens the decoy: the real key is destroyed first (keyfile.unlock),
    then the real replica is overwritten and the decoy takes its place.
    """
    db = Path(db)
    settle(db, side_files(db))
    if not is_encrypted(db):
        return None
    if not keyfile.has_key_file(db):
        raise KeyFileDamaged(path=str(keyfile.key_path(db)))
    got = keyfile.unlock(db, ask(_("Passphrase of {path}").format(path=db)))
    if got.duress or _opens_decoy_only(db, got.key):
        finish_duress(db, got.key, side_files(db))
    remember(db, got.key)
    return got.key


def _opens_decoy_only(db: Path, key: bytes) -> bool:
    """A duress swap a kill interrupted: the key opens the decoy beside `db`, not `db` itself."""
    if not decoy_path(db).exists():
        return False
    try:
        database.connect(db, key).close()
        return False
    except database.DatabaseError:
        return True


__all__ = ["FD_ENV", "FILE_ENV", "MIN_PASSPHRASE", "ask", "ask_new", "is_encrypted", "remember", "side_files",
           "unlock"]
