"""Sensitive fields on the web: hidden from the roles that may not read them, and every read by
a person recorded (domain/sensitive.py, actions/audit.py).

Pages: `render` passes its context through `screen_page`. JSON answers: the `audit_reads`
middleware screens the body of every `/api/` GET answer for the session's role. Both leave what
was shown on `request.state`, and the middleware records it as one audit op once the endpoint
has finished (so the op is written with a connection of its own, never inside the endpoint's).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from frontaid.actions.audit import record_screened
from frontaid.domain.sensitive import HIDDEN, Screened, screen
from frontaid.i18n import gettext
from frontaid.web.auth import language
from frontaid.web.users import Session


def _note(request: Request, sess: Session, shown: Screened) -> None:
    if shown.classes:
        request.state.audit_reads = [*getattr(request.state, "audit_reads", []), (sess.name, shown)]


def screen_page(request: Request, sess: Session | None, context: dict[str, Any]) -> dict[str, Any]:
    """A page's context as the user's role may see it (the reads noted for the audit)."""
    if sess is None:
        return context
    shown = screen(sess.role, context, gettext(HIDDEN, language(request)))
    _note(request, sess, shown)
    value: dict[str, Any] = shown.value
    return value


async def _screen_json(request: Request, sess: Session, response: Response) -> Response:
    body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
    try:
        data = json.loads(body)
    except ValueError:
        return Response(body, status_code=response.status_code, headers=dict(response.headers))
    shown = screen(sess.role, data, gettext(HIDDEN, language(request)))
    _note(request, sess, shown)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(json.dumps(shown.value, ensure_ascii=False).encode(), status_code=response.status_code,
                    headers=headers, media_type="application/json")


def _record(request: Request) -> None:
    with request.app.state.replicas.borrow() as rep:
        for actor, shown in request.state.audit_reads:
            record_screened(rep, actor, shown, f"web {request.url.path}")


async def audit_reads(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """The middleware: screen `/api/` GET answers, then record the reads of this request."""
    response = await call_next(request)
    sess: Session | None = getattr(request.state, "session", None)
    if (sess is not None and request.method == "GET" and request.url.path.startswith("/api/")
            and response.headers.get("content-type", "").startswith("application/json")):
        response = await _screen_json(request, sess, response)
    if getattr(request.state, "audit_reads", None) and response.status_code < 400:
        await run_in_threadpool(_record, request)
    return response
