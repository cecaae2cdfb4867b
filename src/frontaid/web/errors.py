"""The web's one error renderer, driven by the error tree (errors.py).

- A `FrontaidError` anywhere (a route, a dependency, an action): its class's `http_status`,
  its message in the user's language; JSON `{"error", "kind"}` under /api or when the client
  asks for JSON, else the error page (a login that expired goes back to the login form).
  Pages that keep a form's values on an error (the desk, the registry's forms) catch it
  themselves and show the message beside the form.
- Anything else is a bug: logged as its class, the route's template (never the path's codes)
  and where in frontaid it was raised, with a short incident id; never the request's body,
  the exception's text or any value (they may hold a name or a shelter). The user sees a
  calm page in Ukrainian and English with the incident id (JSON under /api).
"""

from __future__ import annotations

import html
import logging
import secrets
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from frontaid.errors import FrontaidError, LoginRequired
from frontaid.i18n import gettext
from frontaid.web.auth import language
from frontaid.web.render import render

log = logging.getLogger("frontaid.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# msgids of the page shown for a bug (Ukrainian in house.po; both languages are shown).
UNEXPECTED_TITLE = "Something went wrong on the hub"
UNEXPECTED_TEXT = ("Check whether your last change was saved, then try again. If it happens again, "
                   "tell the coordinator the incident number: {incident}.")
BACK = "Back"


def wants_json(request: Request) -> bool:
    """JSON for the API, and for a client that asks for JSON rather than a page."""
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def frontaid_error(request: Request, exc: Exception) -> Response:
    """A FrontaidError as its class says: status from the tree, message in the user's language."""
    assert isinstance(exc, FrontaidError)
    lang = language(request)
    if wants_json(request):
        return JSONResponse({"error": exc.text(lang), "kind": type(exc).__name__},
                            status_code=exc.http_status)
    if isinstance(exc, LoginRequired):
        target = "/login?next=" + request.url.path
        if request.headers.get("hx-request") == "true":
            # Back to the page the user was on (not the form's endpoint) once logged in again.
            current = urlsplit(request.headers.get("hx-current-url", ""))
            if current.path.startswith("/"):
                target = "/login?next=" + quote(current.path + (f"?{current.query}" if current.query else ""))
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    return render(request, "error.html", None, status_code=exc.http_status, message=exc.text(lang))


def _where(exc: BaseException) -> str:
    """Where it was raised, as file:line (innermost; and the innermost in frontaid's own code
    when that is elsewhere): places in the code, no values."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    places = [f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"]
    ours = [f for f in frames if "/frontaid/" in f.filename]
    if ours and ours[-1] is not frames[-1]:
        places.append(f"{ours[-1].filename.rsplit('/frontaid/', 1)[1]}:{ours[-1].lineno}")
    return ", ".join(places)


def incident(scope: Scope, exc: BaseException) -> str:
    """Log a bug without personal data; returns the incident id the user is shown."""
    ident = secrets.token_hex(4)
    route = scope.get("route")
    path = getattr(route, "path", None) or "(no route)"
    log.error("incident %s: %s in %s %s at %s", ident, type(exc).__name__, scope.get("method", ""), path,
              _where(exc))
    return ident


def unexpected_page(ident: str) -> str:
    """The bug page: Ukrainian first, English beside it; no template (it must not fail too)."""
    def both(msgid: str) -> tuple[str, str]:
        return (html.escape(gettext(msgid, "uk").format(incident=ident)),
                html.escape(msgid.format(incident=ident)))

    (title_uk, title_en), (text_uk, text_en), (back_uk, back_en) = both(UNEXPECTED_TITLE), \
        both(UNEXPECTED_TEXT), both(BACK)
    return f"""<!doctype html>
<html lang="uk"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title_uk} · {title_en}</title>
<link rel="stylesheet" href="/static/simple.min.css">
<link rel="stylesheet" href="/static/frontaid.css"></head>
<body><main>
<section lang="uk"><h1>{title_uk}</h1><p class="notice" role="alert">{text_uk}</p></section>
<section lang="en"><h2>{title_en}</h2><p class="notice">{text_en}</p></section>
<p><a href="javascript:history.back()">{back_uk} · {back_en}</a> · <a href="/">frontaid</a></p>
</main></body></html>
"""


class CatchUnexpected:
    """ASGI middleware: an exception no handler took becomes the calm page (JSON under /api),
    logged by `incident`, instead of a traceback and an English plain-text 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:  # noqa: BLE001 - a bug: logged without data, shown calmly
            ident = incident(scope, exc)
            if started:
                raise  # the answer was on its way: nothing calmer can be sent now
            response: Response
            if str(scope.get("path", "")).startswith("/api/"):
                response = JSONResponse({"error": f"{gettext(UNEXPECTED_TITLE, 'uk')} · {UNEXPECTED_TITLE}",
                                         "kind": "InternalError", "incident": ident}, status_code=500)
            else:
                response = HTMLResponse(unexpected_page(ident), status_code=500)
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    """The two renderers: FrontaidError by the tree, anything else as an incident."""
    app.add_exception_handler(FrontaidError, frontaid_error)
    app.add_middleware(CatchUnexpected)
