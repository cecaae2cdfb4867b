"""Who may do what on the web, and the checks every request passes: session, role, CSRF, language.

Roles (one per user, see `frontaid user add`):

    coordinator   everything, and alone: assigning requests, flags, merging duplicates
    desk          the distribution desk: search, household, entitlements, hand-out, register,
                  open a request
    field         the same from a phone at the doorstep, plus moving requests along and
                  reporting incidents
    analyst       figures, lists, the board and the map without names (no search:
                  looking a name up is seeing it)
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import Request

from frontaid.errors import BadCsrf, LoginRequired, NotAllowed
from frontaid.i18n import DEFAULT_LANGUAGE, LANGUAGES
from frontaid.web.users import Session, Users

SESSION_COOKIE = "frontaid_session"
LANG_COOKIE = "frontaid_lang"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"

# permission → roles that have it. Every route names one; tests walk this table.
PERMISSIONS: dict[str, frozenset[str]] = {
    "search": frozenset({"coordinator", "desk", "field"}),
    "household": frozenset({"coordinator", "desk", "field", "analyst"}),
    "hand_out": frozenset({"coordinator", "desk", "field"}),
    "register": frozenset({"coordinator", "desk", "field"}),
    "requests": frozenset({"coordinator", "desk", "field", "analyst"}),
    "request_open": frozenset({"coordinator", "desk", "field"}),
    "request_progress": frozenset({"coordinator", "field"}),
    "request_assign": frozenset({"coordinator"}),
    "incidents": frozenset({"coordinator", "desk", "field", "analyst"}),
    "incident_add": frozenset({"coordinator", "field"}),
    "map": frozenset({"coordinator", "desk", "field", "analyst"}),
    "dashboard": frozenset({"coordinator", "desk", "field", "analyst"}),
    "flags": frozenset({"coordinator"}),
    "dedup": frozenset({"coordinator"}),
    "wipe": frozenset({"coordinator"}),
}

# Keys never sent to a user who sees no names (anything that names or locates a person).
PERSONAL_KEYS = frozenset({"name", "address", "note", "reported_by", "death_place", "burial_place",
                           "death_cause", "lat", "lon"})


def can(sess: Session | None, permission: str) -> bool:
    """Whether the user of `sess` has `permission` (for menus: the route checks again)."""
    return sess is not None and sess.role in PERMISSIONS[permission]


def sees_names(role: str) -> bool:
    return role != "analyst"


def without_names(value: Any) -> Any:
    """`value` with every personal key removed, at any depth."""
    if isinstance(value, dict):
        return {k: without_names(v) for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [without_names(v) for v in value]
    return value


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def users_of(request: Request) -> Users:
    users: Users = request.app.state.users
    return users


def session(request: Request) -> Session:
    """The logged-in user of this request (LoginRequired if none)."""
    return users_of(request).session(request.cookies.get(SESSION_COOKIE))


def allowed(sess: Session, permission: str) -> Session:
    if sess.role not in PERMISSIONS[permission]:
        raise NotAllowed(role=sess.role)
    return sess


def check_csrf(sess: Session, token: str | None) -> None:
    """Refuse a state-changing request that does not carry this session's token."""
    if not token or not hmac.compare_digest(token, sess.csrf):
        raise BadCsrf()


def need(permission: str) -> Any:
    """A FastAPI dependency: the session, if its role has `permission` (GET and friends)."""
    def dependency(request: Request) -> Session:
        return allowed(session(request), permission)
    dependency.permission = permission  # type: ignore[attr-defined]  # read by the authorisation test
    return dependency


def need_post(permission: str) -> Any:
    """A FastAPI dependency for a state change: permission and the CSRF header or form field."""
    async def dependency(request: Request) -> Session:
        sess = allowed(session(request), permission)
        token = request.headers.get(CSRF_HEADER)
        if token is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            token = value if isinstance(value, str) else None
        check_csrf(sess, token)
        return sess
    dependency.permission = permission  # type: ignore[attr-defined]  # read by the authorisation test
    return dependency


__all__ = ["PERMISSIONS", "LoginRequired", "allowed", "can", "check_csrf", "language", "need", "need_post",
           "sees_names", "session", "without_names"]
