"""Sync over HTTP on the local network: /sync/v1/{vector,pull,push}.

Every body is a sealed envelope (the deployment key encrypts and authenticates),
and every request is signed by the device's own key over
(method, path, time, hash of body), so a stranger on the hub's Wi-Fi gets 401 and
a revoked device 403. A device not yet known to the hub may only push: its
first batch carries its enrolment proof, which apply checks.

What a stranger can make the hub spend is bounded, in this order: the headers are
checked before a byte of the body is read (origin, time, signature format, the
device known and not revoked; 401/403 at once otherwise); a declared length past
the cap is refused (413) unread; the body is then read in pieces and refused the
moment it passes the cap: `MAX_BODY` for an enrolled device, `MAX_BODY_NEW` for a
device introducing itself; only then the signature over the body is checked, the
envelope opened (inflating at most `MAX_PLAIN`) and the payload applied. Any
payload that is not the shape of a batch is a 422 with one line, never a 500.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import APIRouter, Request, Response
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from frontaid.errors import (
    FrontaidError,
    HubUnreachable,
    IntegrityError,
    Revoked,
    SyncRefused,
    TooLarge,
    Unauthorised,
)
from frontaid.i18n import current_language
from frontaid.oplog.op import pack, unpack
from frontaid.store.replica import Replica
from frontaid.sync import keys
from frontaid.sync.apply import apply_payload, trusted
from frontaid.sync.batch import make_batch
from frontaid.sync.bundle import MALFORMED, remember_peer
from frontaid.sync.scope import apply_feed, device_scope, make_feed, own_scope, remember_tell, tell

PREFIX = "/sync/v1"
MAX_SKEW_MS = 7 * 24 * 3600 * 1000  # field laptops drift; a replayed request is harmless anyway
MAX_BODY = 64 * 1024 * 1024      # a push of 5,000 ops is about 1 MB
MAX_BODY_NEW = 2 * 1024 * 1024   # a device's first push, before the hub knows it (FIRST_PUSH ops)
MAX_PLAIN = 64 * 1024 * 1024     # a request body inflated (a push of 5,000 ops: ~3 MB)
FIRST_PUSH = 200
# The most ops one pull may return (a server-side cap).
MAX_PULL = 1_000_000
# What a device far behind asks for per pull. Each pull is one transaction, so a cut
# Wi-Fi costs at most one pull; the first pull into an empty replica goes through
# apply's bulk path, the rest op by op. bench/sync.py, 100k-household town (~810k ops)
# on a quiet machine: 36.3 s with 100k pulls against 37.4 s with one pull of everything.
CATCH_UP = 100_000
CT = "application/x-frontaid-envelope"


def request_message(method: str, path: str, ms: int, body: bytes) -> bytes:
    return pack(["frontaid-http-v1", method.upper(), path, ms, hashlib.blake2b(body).digest()])


def signed_headers(rep: Replica, method: str, path: str, body: bytes) -> dict[str, str]:
    key = SigningKey(bytes.fromhex(str(rep.meta("signing_key"))))
    ms = int(time.time() * 1000)
    sig = key.sign(request_message(method, path, ms, body)).signature
    return {"X-Frontaid-Origin": rep.origin, "X-Frontaid-Time": str(ms),
            "X-Frontaid-Signature": bytes(sig).hex(), "Content-Type": CT}


def sync_router(open_replica: Callable[[], Replica]) -> APIRouter:
    """The routes, over a replica opener (one connection, used under a lock)."""
    router = APIRouter(prefix=PREFIX)
    lock = threading.Lock()
    state: dict[str, Replica] = {}

    def replica() -> Replica:
        if "rep" not in state:
            state["rep"] = open_replica()
        return state["rep"]

    def _error(exc: FrontaidError, lang: str) -> Response:
        return Response(content=pack({"error": exc.text(lang)}), status_code=exc.http_status,
                        media_type="application/msgpack")

    def admit(rep: Replica, request: Request, allow_unknown: bool) -> tuple[str, int, bytes, int]:
        """Check the headers, before any of the body is read: (origin, time, signature, body cap)."""
        origin = request.headers.get("x-frontaid-origin", "")
        try:
            ms = int(request.headers.get("x-frontaid-time", ""))
            sig = bytes.fromhex(request.headers.get("x-frontaid-signature", ""))
        except ValueError:
            raise Unauthorised() from None
        if len(sig) != 64 or not 0 < len(origin) <= 64 or abs(ms - int(time.time() * 1000)) > MAX_SKEW_MS:
            raise Unauthorised()
        device = trusted(rep).get(origin)
        if device is None:
            if allow_unknown:
                return origin, ms, sig, MAX_BODY_NEW
            raise Unauthorised()
        if device.revoked_after is not None:
            raise Revoked()
        return origin, ms, sig, MAX_BODY

    def verify(rep: Replica, request: Request, origin: str, ms: int, sig: bytes, body: bytes) -> None:
        device = trusted(rep).get(origin)
        if device is None:
            return  # a device introducing itself: apply checks its enrolment proof
        try:
            VerifyKey(bytes.fromhex(device.public)).verify(
                request_message(request.method, request.url.path, ms, body), sig)
        except (BadSignatureError, ValueError):
            raise Unauthorised() from None
        if device.revoked_after is not None:
            raise Revoked()

    async def read_body(request: Request, cap: int) -> bytes:
        """The body, read piece by piece and refused (TooLarge) the moment it passes `cap`."""
        try:
            declared = int(request.headers.get("content-length", "0"))
        except ValueError:
            declared = 0
        if declared > cap:
            raise TooLarge(mb=max(1, cap // (1024 * 1024)))
        parts: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise TooLarge(mb=max(1, cap // (1024 * 1024)))
            parts.append(chunk)
        return b"".join(parts)

    async def handle(request: Request, allow_unknown: bool,
                     work: Callable[[Replica, str, Any], Any]) -> Response:
        lang = "uk" if request.headers.get("accept-language", "uk").startswith("uk") else "en"
        try:
            with lock:
                origin, ms, sig, cap = admit(replica(), request, allow_unknown)
            body = await read_body(request, cap)
        except FrontaidError as exc:
            # Refused unread: the server closes the connection rather than drain the rest.
            response = _error(exc, lang)
            response.headers["Connection"] = "close"
            return response
        with lock:
            rep = replica()
            try:
                verify(rep, request, origin, ms, sig, body)
                payload = keys.open_(rep, body, grace=False, max_plain=MAX_PLAIN)
                del body
                try:
                    answer = work(rep, origin, payload)
                except MALFORMED:
                    raise IntegrityError("the contents cannot be read") from None
            except FrontaidError as exc:
                return _error(exc, lang)
            return Response(content=keys.seal(rep, answer, level=3), media_type=CT)

    @router.post("/vector")
    async def vector(request: Request) -> Response:
        def work(rep: Replica, origin: str, payload: Any) -> Any:
            return {"vector": rep.vector(), "origin": rep.origin}
        return await handle(request, True, work)

    @router.post("/pull")
    async def pull(request: Request) -> Response:
        def work(rep: Replica, origin: str, payload: Any) -> Any:
            if not isinstance(payload, dict) or not isinstance(payload.get("vector", {}), dict):
                raise IntegrityError("the contents cannot be read")
            if device_scope(rep, origin) is not None:
                # A scoped device gets its feed, whatever it asked for (sync/scope.py).
                return make_feed(rep, origin, payload.get("scope"))
            theirs = {str(k): int(v) for k, v in dict(payload.get("vector", {})).items()}
            remember_peer(rep, origin, theirs)
            return make_batch(rep, theirs, limit=max(1, min(int(payload.get("limit", 5000)), MAX_PULL)))
        return await handle(request, False, work)

    @router.post("/push")
    async def push(request: Request) -> Response:
        def work(rep: Replica, origin: str, payload: Any) -> Any:
            if not isinstance(payload, dict) or payload.get("from") != origin:
                raise Unauthorised()
            report = apply_payload(rep, payload)
            device = trusted(rep).get(origin)
            if device is None:
                raise Unauthorised()
            if isinstance(payload.get("vector"), dict):
                remember_peer(rep, origin, payload["vector"])
            if "scope" in payload and device_scope(rep, origin) is not None:
                remember_tell(rep, origin, payload["scope"])
            return report.as_dict()
        return await handle(request, True, work)

    misses: dict[str, list[float]] = {}

    @router.get("/enrol/{lookup}")
    def enrol(lookup: str, request: Request) -> Response:
        """A short enrolment code's sealed long code, given once (sync/shortcode.py). Misses are
        limited per address: a lookup is a 128-bit hash, but a scan is still refused early."""
        from frontaid.sync.shortcode import take

        who = request.client.host if request.client else ""
        now = time.time()
        recent = [t for t in misses.get(who, []) if now - t < 60]
        if len(recent) >= 20:
            return Response(status_code=429, headers={"Retry-After": "60"})
        with lock:
            sealed = take(replica(), lookup, now)
        if sealed is None:
            misses[who] = [*recent, now]
            return Response(status_code=404)
        return Response(content=sealed, media_type="application/octet-stream",
                        headers={"Cache-Control": "no-store"})

    return router


class SyncClient:
    """Pull then push against a hub, batch by batch; a cut costs at most the batch in flight.

    Batches are `limit` ops, except while this replica is far behind: then it asks for
    CATCH_UP ops at a time (the first, into an empty replica, is written in bulk).
    """

    def __init__(self, rep: Replica, url: str, *, limit: int = 5000, timeout: float = 120,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.rep = rep
        self.url = url.rstrip("/")
        self.limit = limit
        verify: Any = True
        if self.url.startswith("https://"):
            from frontaid.sync.tls import pinned_context

            verify = pinned_context(rep, self.url, timeout=timeout)
        self.http = httpx.Client(timeout=timeout, transport=transport, verify=verify)

    def close(self) -> None:
        self.http.close()

    def _post(self, name: str, payload: Any) -> Any:
        path = f"{PREFIX}/{name}"
        body = keys.seal(self.rep, payload, level=3)
        try:
            headers = signed_headers(self.rep, "POST", path, body)
            headers["Accept-Language"] = current_language()
            resp = self.http.post(self.url + path, content=body, headers=headers)
        except httpx.HTTPError as exc:
            if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                from frontaid.sync.tls import not_pinned

                raise not_pinned() from None
            raise HubUnreachable(url=self.url) from exc
        if resp.status_code != 200:
            try:
                message = str(unpack(resp.content)["error"])
            except Exception:  # an answer that is not ours at all
                message = f"HTTP {resp.status_code}"
            raise SyncRefused(reason=message)
        return keys.open_(self.rep, resp.content, grace=False)

    def vector(self) -> dict[str, int]:
        answer = self._post("vector", {"origin": self.rep.origin})
        return {str(k): int(v) for k, v in answer["vector"].items()}

    def sync(self, progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
        theirs = self.vector()
        totals: dict[str, Any] = {"pulled": 0, "pushed": 0, "refused": [], "flags": []}
        if own_scope(self.rep) is not None:
            # A scoped device pushes first, so the feed's keep list is cut knowing all of
            # its changes and it can drop what left its zones at once.
            self._push(theirs, totals, progress)
            self.pull_feed(totals)
            return totals
        if self.rep.origin not in theirs:
            # first contact: introduce ourselves, in a batch small enough for a stranger's cap
            self._push(theirs, totals, progress, first=FIRST_PUSH)
            theirs = self.vector()
        while True:
            payload = self._post("pull", {"vector": self.rep.vector(), "limit": self._pull_limit(theirs)})
            report = apply_payload(self.rep, payload)
            remember_peer(self.rep, str(payload["from"]), payload["vector"])
            theirs = {str(k): int(v) for k, v in payload["vector"].items()}
            totals["pulled"] += report.applied + report.released
            totals["refused"] += report.refused
            totals["flags"] += report.flags
            if progress:
                want = sum(max(0, v - self.rep.vector().get(k, 0)) for k, v in payload["vector"].items())
                progress("pull", totals["pulled"], totals["pulled"] + want)
            if not payload.get("more") or not payload["runs"]:
                break
        self._push(self.vector(), totals, progress)
        return totals

    def pull_feed(self, totals: dict[str, Any] | None = None) -> None:
        """A scoped device's pull: one signed feed of its zones (sync/scope.py)."""
        payload = self._post("pull", {"vector": self.rep.vector(), "scope": tell(self.rep)})
        report = apply_feed(self.rep, payload)
        remember_peer(self.rep, str(payload["from"]), payload["vector"])
        if totals is not None:
            totals["pulled"] += report.applied
            totals["refused"] += report.refused

    def _pull_limit(self, theirs: dict[str, int]) -> int:
        """How many ops to ask for: `limit`, or CATCH_UP while this replica is far behind
        (a new device, a long absence)."""
        ours = self.rep.vector()
        lacking = sum(max(0, v - ours.get(k, 0)) for k, v in theirs.items())
        if lacking <= self.limit:
            return self.limit
        return CATCH_UP

    def _push(self, theirs: dict[str, int], totals: dict[str, Any],
              progress: Callable[[str, int, int], None] | None, first: int | None = None) -> None:
        limit = first or self.limit
        while True:
            payload = make_batch(self.rep, theirs, limit=limit)
            limit = self.limit
            if not payload["runs"]:
                return
            if own_scope(self.rep) is not None:
                payload["scope"] = tell(self.rep)
            report = self._post("push", payload)
            totals["pushed"] += int(report["applied"]) + int(report["released"])
            totals["refused"] += list(report["refused"])
            if progress:
                progress("push", totals["pushed"], totals["pushed"])
            theirs = self.vector()
            if not payload["more"]:
                return
