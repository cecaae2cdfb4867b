"""Sync over HTTP on the local network: /sync/v1/{vector,pull,push}.

Every body is a sealed envelope (the deployment key encrypts and authenticates),
and every request is signed by the device's own key over
(method, path, time, hash of body), so a stranger on the hub's Wi-Fi gets 401 and
a revoked device 403. A device not yet known to the hub may only push: its
first batch carries its enrolment proof, which apply checks.
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

from frontaid.errors import FrontaidError, HubUnreachable, IntegrityError, Revoked, SyncRefused, Unauthorised
from frontaid.i18n import current_language
from frontaid.oplog.op import pack, unpack
from frontaid.store.replica import Replica
from frontaid.sync import keys
from frontaid.sync.apply import apply_payload, trusted
from frontaid.sync.batch import make_batch
from frontaid.sync.bundle import remember_peer
from frontaid.sync.scope import apply_feed, device_scope, make_feed, own_scope, remember_tell, tell

PREFIX = "/sync/v1"
MAX_SKEW_MS = 7 * 24 * 3600 * 1000  # field laptops drift; a replayed request is harmless anyway
MAX_BODY = 256 * 1024 * 1024
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

    def authenticate(rep: Replica, request: Request, body: bytes, allow_unknown: bool) -> str:
        origin = request.headers.get("x-frontaid-origin", "")
        try:
            ms = int(request.headers.get("x-frontaid-time", ""))
            sig = bytes.fromhex(request.headers.get("x-frontaid-signature", ""))
        except ValueError:
            raise Unauthorised() from None
        if abs(ms - int(time.time() * 1000)) > MAX_SKEW_MS:
            raise Unauthorised()
        device = trusted(rep).get(origin)
        if device is None:
            if allow_unknown:
                return origin
            raise Unauthorised()
        try:
            VerifyKey(bytes.fromhex(device.public)).verify(
                request_message(request.method, request.url.path, ms, body), sig)
        except (BadSignatureError, ValueError):
            raise Unauthorised() from None
        if device.revoked_after is not None:
            raise Revoked()
        return origin

    async def handle(request: Request, allow_unknown: bool,
                     work: Callable[[Replica, str, Any], Any]) -> Response:
        lang = "uk" if request.headers.get("accept-language", "uk").startswith("uk") else "en"
        body = await request.body()
        if len(body) > MAX_BODY:
            return _error(IntegrityError("the request is too large"), lang)
        with lock:
            rep = replica()
            try:
                origin = authenticate(rep, request, body, allow_unknown)
                payload = keys.open_(rep, body, grace=False)
                answer = work(rep, origin, payload)
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
            if device_scope(rep, origin) is not None:
                # A scoped device gets its feed, whatever it asked for (sync/scope.py).
                return make_feed(rep, origin, payload.get("scope") if isinstance(payload, dict) else None)
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
            remember_peer(rep, origin, dict(payload.get("vector", {})))
            if "scope" in payload and device_scope(rep, origin) is not None:
                remember_tell(rep, origin, payload["scope"])
            return report.as_dict()
        return await handle(request, True, work)

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
        self.http = httpx.Client(timeout=timeout, transport=transport)

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
            self._push(theirs, totals, progress)  # first contact: introduce ourselves
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
              progress: Callable[[str, int, int], None] | None) -> None:
        while True:
            payload = make_batch(self.rep, theirs, limit=self.limit)
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
