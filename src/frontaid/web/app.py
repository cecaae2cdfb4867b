"""The ASGI app `frontaid serve` runs: the sync endpoints, the web pages and their JSON API.

Everything the browser loads comes from here (`web/static/`): no CDN, no fonts
or scripts fetched at run time, because the hub has no internet.
"""

from __future__ import annotations

import secrets
import ssl
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware

from frontaid import __version__
from frontaid.errors import FrontaidError, LoginRequired
from frontaid.i18n import LANGUAGES, set_language
from frontaid.store.replica import Replica
from frontaid.sync.http import CT, sync_router
from frontaid.web import (
    api,
    board,
    dashboard,
    dedup,
    desk,
    errors,
    evacuation,
    flags,
    geo,
    imports,
    incidents,
    printouts,
    registry,
    wipe,
)
from frontaid.web import plan as day_plan
from frontaid.web.audit import audit_reads
from frontaid.web.auth import (
    CSRF_FIELD,
    LANG_COOKIE,
    PERMISSIONS,
    SESSION_COOKIE,
    client_address,
    language,
    set_pseudonym_key,
    users_of,
)
from frontaid.web.render import HERE, render
from frontaid.web.replicas import ReplicaPool
from frontaid.web.users import Session, Users, users_path

LOGIN_CSRF_COOKIE = "frontaid_login_csrf"

# Scripts only from /static (no inline script, no eval: an injected name cannot run code);
# inline style attributes stay allowed (colour swatches), they cannot run code.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000"
# Answers without personal data that a browser may keep: the vendored scripts, styles, icons and the CA.
_CACHEABLE = ("/static/", "/ca.crt", "/health")


def protect_headers(request: Request, response: Response) -> None:
    """The headers every answer carries: no framing, no sniffing, no referrer, the CSP, and
    `no-store` on everything but the static files (pages and the API carry names and shelters,
    which must not stay in a shared phone's cache); HSTS when served over HTTPS."""
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "no-referrer")
    if not request.url.path.startswith(_CACHEABLE):
        h["Cache-Control"] = "no-store"
    if request.url.scheme == "https":
        h.setdefault("Strict-Transport-Security", HSTS)


def _safe_next(target: str | None) -> str:
    """A local path to go back to after login (never another site)."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def create_app(db: Path, clock: Callable[[], float] = time.time, users: Users | None = None) -> FastAPI:
    pool = ReplicaPool(Path(db))  # opens one now: fails at start, with a clear message, if not a replica

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPI(title="frontaid", version=__version__, docs_url=None, redoc_url=None,
                  description=api.__doc__, lifespan=lifespan)
    app.state.replicas = pool  # requests borrow from it: `desk.replica`, `desk.writer`
    app.state.users = users or Users(users_path(Path(db)), clock=clock)
    set_pseudonym_key(app.state.users.pseudonym_key())
    app.include_router(sync_router(lambda: Replica.open(db)))
    app.include_router(api.router)
    app.include_router(desk.router)
    app.state.stop_serving = None  # set by `frontaid serve`: what a wipe calls to stop the server
    parts = (registry, evacuation, board, incidents, geo, dashboard, flags, dedup, printouts, day_plan,
             imports, wipe)
    for part in parts:
        app.include_router(part.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # Pages, scripts and the map's GeoJSON compress 5-10x, which a phone on a busy hub Wi-Fi
    # feels; sync envelopes are zstd inside a secretbox already, so they are left alone.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6,
                       exclude_content_types=(CT, "application/msgpack"))

    @app.middleware("http")
    async def in_language(request: Request, call_next: Callable[..., object]) -> Response:
        set_language(language(request))
        response: Response = await call_next(request)  # type: ignore[misc]
        protect_headers(request, response)
        return response

    app.middleware("http")(audit_reads)  # inside in_language: the hidden word is in the user's language
    errors.install(app)

    @app.get("/ca.crt", include_in_schema=False)
    def ca_certificate() -> Response:
        # The hub's CA certificate (public, never its key), for phones to install.
        with pool.borrow() as rep:
            cert = rep.meta("tls_ca_cert")
        if not cert:
            return Response(status_code=404)
        return Response(str(cert), media_type="application/x-x509-ca-cert",
                        headers={"Content-Disposition": 'attachment; filename="frontaid-hub-ca.crt"'})

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Response:
        sess: Session = users_of(request).session(request.cookies.get(SESSION_COOKIE))
        if sess.role in PERMISSIONS["search"]:
            return RedirectResponse("/desk", status_code=303)
        return render(request, "home.html", sess, can_desk=False)

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/") -> Response:
        return _login_form(request, _safe_next(next))

    def _login_form(request: Request, next_: str, error: str | None = None, name: str = "",
                    status_code: int = 200) -> Response:
        token = secrets.token_urlsafe(24)
        response = render(request, "login.html", None, status_code=status_code, login_csrf=token,
                          next=next_, error=error, name=name)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response

    @app.post("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        name, password = str(form.get("name") or ""), str(form.get("password") or "")
        next_ = _safe_next(str(form.get("next") or "/"))
        expected = request.cookies.get(LOGIN_CSRF_COOKIE)
        if not expected or not secrets.compare_digest(expected, str(form.get(CSRF_FIELD) or "")):
            from frontaid.errors import BadCsrf
            return _login_form(request, next_, BadCsrf().text(language(request)), name, status_code=403)
        try:
            # off the event loop: the check waits for a free Argon2 slot (web/users.py)
            token, _sess = await run_in_threadpool(users_of(request).login, name, password,
                                                   client_address(request))
        except FrontaidError as err:
            return _login_form(request, next_, err.text(language(request)), name, status_code=err.http_status)
        response = RedirectResponse(next_, status_code=303)
        api.set_session_cookie(response, token, request.url.scheme == "https")
        response.delete_cookie(LOGIN_CSRF_COOKIE)
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        from frontaid.web.auth import check_csrf, session
        sess = session(request)
        form = await request.form()
        check_csrf(sess, str(form.get(CSRF_FIELD) or request.headers.get("x-csrf-token") or ""))
        users_of(request).logout(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/lang/{code}", include_in_schema=False)
    def switch_language(request: Request, code: str, next: str = "/") -> Response:
        response = RedirectResponse(_safe_next(next), status_code=303)
        if code in LANGUAGES:
            response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax",
                                secure=request.url.scheme == "https")
        return response

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request) -> Response:
        # Our own page over /openapi.json: Swagger UI would load its scripts from a CDN.
        ops = []
        for path, methods in app.openapi()["paths"].items():
            for method, op in methods.items():
                ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                            "description": op.get("description", ""),
                            "params": [p["name"] for p in op.get("parameters", [])]})
        sess = None
        with suppress(LoginRequired):
            sess = users_of(request).session(request.cookies.get(SESSION_COOKIE))
        return render(request, "docs.html", sess, ops=ops)

    return app


SERVE_DB_ENV = "FRONTAID_SERVE_DB"  # the replica each worker process of `frontaid serve` opens


def tls_context(_config: object, _default: object) -> ssl.SSLContext:
    """uvicorn's `ssl_context_factory` for `serve --tls`: each worker loads the hub's key from
    its replica into memory (see sync/tls.py), never from a file."""
    import os

    from frontaid.sync.tls import serve_context

    return serve_context(Path(os.environ[SERVE_DB_ENV]))


def app_from_env() -> FastAPI:
    """The app of one `frontaid serve` worker process: the replica named by SERVE_DB_ENV."""
    import os

    from frontaid.web.serving import stop_serving

    app = create_app(Path(os.environ[SERVE_DB_ENV]))
    app.state.stop_serving = stop_serving
    return app
