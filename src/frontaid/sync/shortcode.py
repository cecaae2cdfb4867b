"""A short enrolment code to type, the long one fetched from the hub over the LAN (issue 12).

`device enroll` prints the long code (~280 characters, and its QR) and a short one such as
`K7M2-9QXD-4FABC3`: 8 secret characters and 6 of the deployment's anchor fingerprint, in
Crockford's base32 (no I, L, O, U; 0/O and 1/I/L read alike). The hub keeps the long code
sealed under a key stretched from the secret (Argon2id), one time, for 30 minutes; `frontaid
init --join SHORT --hub URL` fetches the sealed code by the secret's hash, opens it, checks that
its anchor matches the 6 characters, and joins exactly as with the long code.

What it protects: someone watching the Wi-Fi sees only the sealed code (opening it means
guessing the 40-bit secret at Argon2id's cost); someone guessing at the hub has to hit the
secret's 128-bit hash; a used or expired code is gone. What it does not: an impostor hub on the
LAN that makes its own code must also find an anchor key matching 30 bits of the real one's
fingerprint, which costs about a billion key generations, not impossible for a determined
attacker with time: where that matters, use the long code or its QR, which carries the whole
anchor. Whoever reads the short code over the volunteer's shoulder within 30 minutes can join
in their place (as with the long code).
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import Final

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from frontaid.errors import BadInput, IntegrityError
from frontaid.store.replica import Replica

ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
SECRET_CHARS: Final = 8  # 40 bits
ANCHOR_CHARS: Final = 6  # 30 bits of the anchor's fingerprint
LIFETIME_S: Final = 30 * 60
ENROL: Final = "/sync/v1/enrol"  # sync/http.py's PREFIX + "/enrol" (http imports this module, not back)
TABLE: Final = ("CREATE TABLE IF NOT EXISTS short_codes (lookup TEXT PRIMARY KEY, sealed BLOB NOT NULL, "
                "expires INTEGER NOT NULL) WITHOUT ROWID")


def _b32(data: bytes, chars: int) -> str:
    n = int.from_bytes(data, "big")
    bits = len(data) * 8
    return "".join(ALPHABET[(n >> (bits - 5 * (i + 1))) & 31] for i in range(chars))


def normalise(code: str) -> str:
    """What was typed, as the code's characters: separators and case dropped, look-alikes mapped."""
    text = code.strip().upper().translate(str.maketrans("OIL", "011"))
    return "".join(ch for ch in text if ch.isalnum())


def is_short(code: str) -> bool:
    text = normalise(code)
    return len(text) == SECRET_CHARS + ANCHOR_CHARS and all(ch in ALPHABET for ch in text)


def lookup_of(secret: str) -> str:
    return hashlib.blake2b(secret.encode(), digest_size=16, person=b"frontaid-short").hexdigest()


def _box(secret: str, lookup: str) -> SecretBox:
    from argon2.low_level import Type, hash_secret_raw

    key = hash_secret_raw(secret.encode(), bytes.fromhex(lookup), time_cost=3, memory_cost=64 * 1024,
                          parallelism=1, hash_len=SecretBox.KEY_SIZE, type=Type.ID)
    return SecretBox(key)


def anchor_chars(anchor_fingerprint: bytes) -> str:
    return _b32(anchor_fingerprint, ANCHOR_CHARS)


def make(rep: Replica, long_code: str, anchor_fingerprint: bytes, now: float | None = None) -> str:
    """On the hub: keep `long_code` sealed for one fetch within 30 minutes; the short code to show."""
    secret = _b32(os.urandom(5), SECRET_CHARS)
    lookup = lookup_of(secret)
    sealed = bytes(_box(secret, lookup).encrypt(long_code.encode()))
    expires = int((now or time.time()) + LIFETIME_S)
    rep.conn.execute(TABLE)
    with rep.transaction():
        rep.conn.execute("DELETE FROM short_codes WHERE expires < ?", (int(now or time.time()),))
        rep.conn.execute("INSERT INTO short_codes VALUES (?, ?, ?)", (lookup, sealed, expires))
    text = secret + anchor_chars(anchor_fingerprint)
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"


def take(rep: Replica, lookup: str, now: float | None = None) -> bytes | None:
    """On the hub: the sealed code for `lookup`, removed as it is given (one time), or None."""
    if len(lookup) != 32 or any(ch not in "0123456789abcdef" for ch in lookup):
        return None
    rep.conn.execute(TABLE)
    with rep.transaction():
        row = rep.conn.execute("SELECT sealed, expires FROM short_codes WHERE lookup = ?",
                               (lookup,)).fetchone()
        if row is None:
            return None
        rep.conn.execute("DELETE FROM short_codes WHERE lookup = ?", (lookup,))
    return bytes(row[0]) if row[1] >= (now or time.time()) else None


def open_sealed(short: str, sealed: bytes) -> str:
    """On the new device: the long code inside, checked against the anchor characters typed."""
    from frontaid.sync.devices import parse_code

    text = normalise(short)
    secret, anchor = text[:SECRET_CHARS], text[SECRET_CHARS:]
    try:
        long_code = _box(secret, lookup_of(secret)).decrypt(sealed).decode()
    except (CryptoError, UnicodeDecodeError):
        raise IntegrityError("the hub's answer does not open with this short code") from None
    if anchor_chars(parse_code(long_code).hub_fingerprint) != anchor:
        raise IntegrityError("the hub at that address is not the one that made this code")
    return long_code


def fetch(short: str, hub: str, timeout: float = 20.0) -> str:
    """On the new device: the long code the hub keeps for this short code (one time)."""
    import httpx

    from frontaid.errors import HubUnreachable

    if not is_short(short):
        raise BadInput("That short code is not valid: it has 14 letters and digits, e.g. K7M2-9QXD-4FABC3.")
    url = hub.rstrip("/") + f"{ENROL}/{lookup_of(normalise(short)[:SECRET_CHARS])}"
    try:
        # Not verified here: the answer is sealed, and what it holds is checked against the code.
        answer = httpx.get(url, timeout=timeout, verify=False)  # noqa: S501
    except httpx.HTTPError:
        raise HubUnreachable(url=hub) from None
    if answer.status_code == 404:
        raise BadInput("The hub has no such short code: a code works once, for 30 minutes. "
                       "Ask for a new one (frontaid device enroll NAME on the hub).")
    if answer.status_code != 200:
        raise HubUnreachable(url=hub)
    return open_sealed(short, answer.content)
