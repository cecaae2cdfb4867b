"""The key file beside an encrypted replica: its data key, wrapped by a key derived from the passphrase.

`hub.db` is opened with a random 256-bit data key. That key is never written in the
clear: `hub.db.key` holds it sealed (NaCl secretbox: XSalsa20-Poly1305) under a key
derived from the passphrase with Argon2id. The file is small JSON:

    {"format": "frontaid-key-1",
     "kdf": {"name": "argon2id", "time_cost": 4, "memory_kib": 131072, "parallelism": 2, "salt": hex},
     "slots": [hex, hex]}

Two slots of 72 bytes each (24 nonce, 16 MAC, 32 key), always: the first wraps the
replica's data key; the second wraps the duress decoy's key when a duress passphrase
is set, and is random bytes otherwise, so the file does not tell whether there is one.
One derivation opens either slot (both are sealed under a key from the same salt).

Changing the passphrase rewraps the first slot; the data is not re-encrypted. Every
rewrite goes to a new file moved into place, then the old file's bytes are overwritten
through a handle kept open, so the old wrapping does not stay in the directory.

Wrong passphrases are counted in `hub.db.tries` (a number and a time; nothing secret:
deleting it only resets the delay). After the n-th wrong passphrase in a row the
command waits `failure_delay(n)` seconds before it answers. That slows a person at the
keyboard; a copied key file is attacked offline, where only Argon2id's cost counts.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from frontaid.errors import KeyFileDamaged, WrongPassphrase

FORMAT = "frontaid-key-1"
SLOT_BYTES = 72  # 24 nonce + 16 MAC + 32 key
KEY_BYTES = 32
MAX_KEY_FILE = 4096  # a key file is ~400 bytes; refuse to read anything big


@dataclass(frozen=True)
class KdfParams:
    """Argon2id's cost. The default: about 0.45 s and 128 MiB on a 2-core laptop (docs/security.md)."""

    time_cost: int = 4
    memory_kib: int = 131072
    parallelism: int = 2


DEFAULT_KDF = KdfParams()
# Bounds on what a key file may ask for, so a crafted one cannot make unlocking take hours or all memory.
_LIMITS = {"time_cost": (1, 32), "memory_kib": (8, 1 << 21), "parallelism": (1, 16)}


def key_path(db: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(db)}.key")


def tries_path(db: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(db)}.tries")


def has_key_file(db: str | os.PathLike[str]) -> bool:
    return key_path(db).exists()


def derive(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """The wrapping key: Argon2id over the passphrase (NFC-normalised UTF-8)."""
    import unicodedata

    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hash_secret_raw(secret, salt, params.time_cost, params.memory_kib, params.parallelism,
                           KEY_BYTES, Type.ID)


def _seal(wrapping: bytes, data_key: bytes) -> bytes:
    return bytes(SecretBox(wrapping).encrypt(data_key))


# -- writing -----------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    fd = os.open(path.parent or Path("."), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def overwrite(path: Path, *, limit: int | None = None, deadline: float | None = None) -> int:
    """Overwrite a file's bytes in place with zeros (up to `limit` bytes or `deadline`), fsync.

    Returns how many bytes were overwritten. On flash and journaling file systems the old
    blocks may survive elsewhere: this is the best a program can do, not a guarantee.
    """
    try:
        fd = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        return 0
    try:
        return _zero_fd(fd, os.fstat(fd).st_size, limit, deadline)
    finally:
        os.close(fd)


def _zero_fd(fd: int, size: int, limit: int | None = None, deadline: float | None = None) -> int:
    end = size if limit is None else min(size, limit)
    chunk = b"\0" * (1 << 20)
    done = 0
    os.lseek(fd, 0, os.SEEK_SET)
    while done < end:
        if deadline is not None and done and time.monotonic() > deadline:
            break
        done += os.write(fd, chunk[:min(len(chunk), end - done)])
    os.fsync(fd)
    return done


def destroy(path: Path) -> bool:
    """Overwrite a small secret file (random, then zeros), fsync, unlink. True if it existed."""
    try:
        fd = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        return False
    try:
        size = os.fstat(fd).st_size
        os.write(fd, secrets.token_bytes(size))
        os.fsync(fd)
        _zero_fd(fd, size)
    finally:
        os.close(fd)
    path.unlink(missing_ok=True)
    _fsync_dir(path)
    return True


def write_secret_file(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (new file, fsync, rename), then overwrite the old bytes."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        old: int | None = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        old = None
    try:
        os.replace(tmp, path)
        _fsync_dir(path)
        if old is not None:  # the replaced file's bytes, still reachable through the open handle
            size = os.fstat(old).st_size
            os.write(old, secrets.token_bytes(size))
            _zero_fd(old, size)
    finally:
        if old is not None:
            os.close(old)


def _encode(params: KdfParams, salt: bytes, slots: list[bytes]) -> bytes:
    doc = {"format": FORMAT, "kdf": {"name": "argon2id", **asdict(params), "salt": salt.hex()},
           "slots": [s.hex() for s in slots]}
    return json.dumps(doc, indent=1).encode() + b"\n"


@dataclass(frozen=True)
class _KeyFile:
    params: KdfParams
    salt: bytes
    slots: list[bytes]


def _read(db: str | os.PathLike[str]) -> _KeyFile:
    path = key_path(db)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_KEY_FILE + 1)
        if len(raw) > MAX_KEY_FILE:
            raise ValueError
        doc: Any = json.loads(raw)
        kdf = doc["kdf"]
        if doc["format"] != FORMAT or kdf["name"] != "argon2id":
            raise ValueError
        values = {}
        for name, (low, high) in _LIMITS.items():
            v = kdf[name]
            if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high:
                raise ValueError
            values[name] = v
        params = KdfParams(**values)
        salt = bytes.fromhex(kdf["salt"])
        slots = [bytes.fromhex(s) for s in doc["slots"]]
        if len(salt) != 16 or len(slots) != 2 or any(len(s) != SLOT_BYTES for s in slots):
            raise ValueError
        return _KeyFile(params, salt, slots)
    except FileNotFoundError:
        raise KeyFileDamaged(path=str(path)) from None
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, RecursionError):
        raise KeyFileDamaged(path=str(path)) from None


# -- the operations ----------------------------------------------------------------------


def create(db: str | os.PathLike[str], passphrase: str, params: KdfParams = DEFAULT_KDF) -> bytes:
    """Make a new data key and its key file beside `db`; return the data key."""
    path = key_path(db)
    if path.exists():
        from frontaid.errors import AlreadyInitialised

        raise AlreadyInitialised(path=str(path))
    data_key = secrets.token_bytes(KEY_BYTES)
    write_key_file(path, passphrase, data_key, params)
    return data_key


def write_key_file(path: Path, passphrase: str, data_key: bytes, params: KdfParams = DEFAULT_KDF) -> None:
    """Write (or replace) a key file at `path` wrapping `data_key`, with a random second slot."""
    salt = secrets.token_bytes(16)
    slots = [_seal(derive(passphrase, salt, params), data_key), secrets.token_bytes(SLOT_BYTES)]
    write_secret_file(path, _encode(params, salt, slots))


def failures(db: str | os.PathLike[str]) -> int:
    """Wrong passphrases in a row so far (0 when the count file is absent or unreadable)."""
    try:
        with open(tries_path(db), "rb") as fh:
            n = json.loads(fh.read(256))["failures"]
        return n if isinstance(n, int) and n >= 0 else 0
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def failure_delay(n: int) -> float:
    """Seconds to wait after the n-th wrong passphrase in a row: 0, 1, 3, 7, 15, 31, then 60."""
    return float(min(60, 2 ** max(0, n - 1) - 1))


def _count_failure(db: str | os.PathLike[str]) -> int:
    n = failures(db) + 1
    path = tries_path(db)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"failures": n, "last": int(time.time())}))
    os.replace(tmp, path)
    return n


def _clear_failures(db: str | os.PathLike[str]) -> None:
    tries_path(db).unlink(missing_ok=True)


@dataclass(frozen=True)
class Unlocked:
    """What a passphrase opened: the data key, and whether it was the duress passphrase."""

    key: bytes
    duress: bool


def _open_slots(db: str | os.PathLike[str], passphrase: str,
                sleep: Callable[[float], None]) -> tuple[_KeyFile, bytes, int, bytes]:
    kf = _read(db)
    wrapping = derive(passphrase, kf.salt, kf.params)
    for i, slot in enumerate(kf.slots):
        try:
            key = bytes(SecretBox(wrapping).decrypt(slot))
        except CryptoError:
            continue
        if len(key) == KEY_BYTES:
            _clear_failures(db)
            return kf, wrapping, i, key
    n = _count_failure(db)
    sleep(failure_delay(n))
    raise WrongPassphrase(n=n)


def unlock(db: str | os.PathLike[str], passphrase: str,
           sleep: Callable[[float], None] = time.sleep) -> Unlocked:
    """The data key of `db` for `passphrase`, or WrongPassphrase (after the delay) / KeyFileDamaged.

    The duress passphrase destroys the real key here, before anything else: the key file
    is rewritten to hold only the decoy's key (under the duress passphrase) and a random slot.
    """
    kf, wrapping, slot, key = _open_slots(db, passphrase, sleep)
    if slot == 1:
        write_secret_file(key_path(db), _encode(kf.params, kf.salt,
                                                [_seal(wrapping, key), secrets.token_bytes(SLOT_BYTES)]))
        return Unlocked(key, duress=True)
    return Unlocked(key, duress=False)


def rewrap(db: str | os.PathLike[str], old: str, new: str,
           sleep: Callable[[float], None] = time.sleep) -> None:
    """Wrap the data key under a new passphrase (the duress slot is kept as it is)."""
    kf, _wrapping, slot, key = _open_slots(db, old, sleep)
    if slot != 0:
        raise WrongPassphrase(n=failures(db))
    # The same salt: the duress slot, sealed under it, keeps opening with its own passphrase.
    slots = [_seal(derive(new, kf.salt, kf.params), key), kf.slots[1]]
    write_secret_file(key_path(db), _encode(kf.params, kf.salt, slots))


def set_duress(db: str | os.PathLike[str], passphrase: str, duress: str, decoy_key: bytes,
               sleep: Callable[[float], None] = time.sleep) -> None:
    """Seal `decoy_key` in the second slot under the duress passphrase."""
    kf, wrapping, slot, _key = _open_slots(db, passphrase, sleep)
    if slot != 0:
        raise WrongPassphrase(n=failures(db))
    slots = [kf.slots[0], _seal(derive(duress, kf.salt, kf.params), decoy_key)]
    write_secret_file(key_path(db), _encode(kf.params, kf.salt, slots))


def measure(params: KdfParams = DEFAULT_KDF) -> float:
    """Seconds one derivation takes here (for the figures)."""
    start = time.perf_counter()
    derive("measure", b"\0" * 16, params)
    return time.perf_counter() - start


__all__ = [
    "DEFAULT_KDF", "KdfParams", "Unlocked", "create", "derive", "destroy", "failure_delay", "failures",
    "has_key_file", "key_path", "measure", "overwrite", "rewrap", "set_duress", "tries_path", "unlock",
    "write_key_file", "write_secret_file",
]
