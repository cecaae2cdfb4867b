"""A short enrolment code to type (K7M2-9QXD) instead of the ~280-character one.

`device enroll` makes the long code (sync/devices.py) and, beside it, a short code of
`LENGTH` characters from an alphabet without look-alikes (no 0/O, 1/I/L). From the short
code, Argon2id (64 MiB, 3 passes) derives 48 bytes: a lookup id (16) and a key (32). The
hub keeps only the lookup id and the long code sealed with that key (secretbox), in its
own `meta` (never synced), for `MINUTES` minutes and one fetch.

`init --join CODE --hub URL` on the new device derives the same two values, asks the hub
for the sealed long code by the lookup id (POST /sync/v1/enrol/short, unauthenticated:
the device has no key yet) and opens it with the key. Then it joins exactly as with the
long code, pinning the hub's HTTPS certificate from inside it.

What this protects: someone on the hub's Wi-Fi who does not know the short code cannot
get the long code (the lookup id is needed; online guesses are limited to `TRIES` wrong
ones per address and `TRIES_ALL` overall per `WINDOW_S`), cannot read it from the traffic
(sealed), and cannot answer in the hub's place (an answer not sealed with the key made
from the code is refused), so the CA pin inside the long code stays the real hub's.
Brute force offline costs one Argon2id per guess over ~2^39.6 codes.
What it does not: whoever sees the short code before it is used holds what the long code
holds (the deployment key) until it is used or expires; the same as seeing the QR.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from frontaid.errors import BadInput, HubUnreachable, IntegrityError, Refused
from frontaid.store.replica import Replica

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
MINUTES = 30
TRIES = 5          # wrong short codes per address per window
TRIES_ALL = 30     # wrong short codes from everyone per window
WINDOW_S = 600
META = "short_enrol_codes"
PATH = "/sync/v1/enrol/short"
SALT = b"frontaid-short-code-v1"


def normalise(text: str) -> str | None:
    """The short code's characters, or None when `text` is not shaped like one."""
    s = "".join(ch for ch in text.upper() if ch not in " -_")
    if len(s) == LENGTH and all(ch in ALPHABET for ch in s):
        return s
    return None


def shown(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def derive(code: str) -> tuple[bytes, bytes]:
    """(lookup id, key) of a normalised short code: one Argon2id, ~0.1-0.3 s."""
    from argon2.low_level import Type, hash_secret_raw

    raw = hash_secret_raw(code.encode(), SALT, time_cost=3, memory_cost=64 * 1024, parallelism=1,
                          hash_len=48, type=Type.ID)
    return raw[:16], raw[16:]


def _pending(rep: Replica, now: float) -> list[dict[str, Any]]:
    try:
        rows = json.loads(str(rep.meta(META) or "[]"))
    except ValueError:
        rows = []
    return [r for r in rows if isinstance(r, dict) and float(r.get("expires", 0)) > now]


def offer(rep: Replica, long_code: str, now: float | None = None) -> str:
    """On the hub: a new short code for `long_code`, kept sealed for MINUTES; returned as shown."""
    now = time.time() if now is None else now
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    lookup, key = derive(code)
    box = SecretBox(key).encrypt(long_code.encode())
    with rep.transaction():
        rows = _pending(rep, now)
        rows.append({"lookup": lookup.hex(), "box": bytes(box).hex(), "expires": now + MINUTES * 60})
        rep.set_meta(META, json.dumps(rows))
    return shown(code)


def take(rep: Replica, lookup_hex: str, now: float | None = None) -> bytes | None:
    """On the hub: the sealed long code for a lookup id, removed (one use); None if none is waiting."""
    now = time.time() if now is None else now
    with rep.transaction():
        rows = _pending(rep, now)
        found = next((r for r in rows if secrets.compare_digest(str(r["lookup"]), lookup_hex)), None)
        rep.set_meta(META, json.dumps([r for r in rows if r is not found]))
    return bytes.fromhex(str(found["box"])) if found else None


def unseal(key: bytes, box: bytes) -> str:
    """The long code from the hub's answer; an answer not sealed with this code's key is refused."""
    try:
        return SecretBox(key).decrypt(box).decode()
    except (CryptoError, ValueError, UnicodeDecodeError):
        raise IntegrityError("the answer was not sealed by the hub that made this short code") from None


def fetch(hub: str, text: str, *, timeout: float = 20,
          transport: httpx.BaseTransport | None = None) -> str:
    """On the new device: the long code behind a short one, from the hub at `hub`."""
    code = normalise(text)
    if code is None:
        raise BadInput("'{value}' is not a short enrolment code (8 letters and digits, like K7M2-9QXD).",
                       value=text[:20])
    url = hub.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise BadInput("Give the hub's address with http:// or https://, e.g. http://192.168.1.10:8080.")
    lookup, key = derive(code)
    try:
        # No certificate check here: the pin is inside the answer, which only the hub could seal.
        with httpx.Client(timeout=timeout, verify=False, transport=transport) as http:  # noqa: S501
            res = http.post(url + PATH, json={"lookup": lookup.hex()})
    except httpx.HTTPError:
        raise HubUnreachable(url=url) from None
    if res.status_code == 429:
        raise Refused("The hub refuses more tries for a while: wait {minutes} minutes, or use the long code.",
                      minutes=WINDOW_S // 60)
    if res.status_code == 404:
        raise BadInput("The hub has no such short code waiting: it was mistyped, already used or older than "
                       "{minutes} minutes. Ask for a new one (frontaid device enroll).", minutes=MINUTES)
    try:
        res.raise_for_status()
        box = bytes.fromhex(str(res.json()["box"]))
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        raise IntegrityError("the answer was not sealed by the hub that made this short code") from None
    return unseal(key, box)


class Tries:
    """Wrong short codes per client address and overall, over a sliding window."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.wrong: list[tuple[float, str]] = []

    def blocked(self, who: str) -> bool:
        with self.lock:
            cut = self.clock() - WINDOW_S
            self.wrong = [(t, w) for t, w in self.wrong if t > cut][-10 * TRIES_ALL:]
            mine = sum(1 for _t, w in self.wrong if w == who)
            return mine >= TRIES or len(self.wrong) >= TRIES_ALL

    def failed(self, who: str) -> None:
        with self.lock:
            self.wrong.append((self.clock(), who))


def router(open_replica: Callable[[], Replica], tries: Tries | None = None) -> APIRouter:
    """POST /sync/v1/enrol/short {"lookup": hex} → {"box": hex} once, 404 otherwise, 429 when guessing."""
    r = APIRouter()
    lock = threading.Lock()
    held: dict[str, Replica] = {}
    limit = tries or Tries()

    @r.post(PATH, include_in_schema=False)
    async def short_code(request: Request) -> JSONResponse:
        who = request.client.host if request.client else "?"
        if limit.blocked(who):
            return JSONResponse({"error": "too many tries"}, status_code=429)
        body = await request.body() if int(request.headers.get("content-length") or 0) <= 1024 else b""
        try:
            lookup = str(json.loads(body)["lookup"])
            if len(bytes.fromhex(lookup)) != 16:
                raise ValueError
        except (ValueError, KeyError, TypeError):
            limit.failed(who)
            return JSONResponse({"error": "not a short code request"}, status_code=400)
        with lock:
            if "rep" not in held:
                held["rep"] = open_replica()
            box = take(held["rep"], lookup.lower())
        if box is None:
            limit.failed(who)
            return JSONResponse({"error": "no such code"}, status_code=404)
        return JSONResponse({"box": box.hex()})

    return r
