"""Who may do what on the web, and the checks every request passes: session, role, CSRF, language.

Roles (one per user, see `frontaid user add`):

    coordinator   everything, and alone: assigning requests, flags, merging duplicates
    desk          the distribution desk: search, household, entitlements, hand-out, register,
                  open a request
    field         the same from a phone at the doorstep, plus moving requests along and
                  reporting incidents
    analyst       figures, the board, incidents and the map: aggregates, and pseudonymous
                  ids where a list names a household or person (no search, no household
                  or person pages: in a town of a few thousand, a card code, a birth year,
                  sex and vulnerabilities single one person out)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from fastapi import Request

from frontaid.errors import BadCsrf, LoginRequired, NotAllowed
from frontaid.i18n import DEFAULT_LANGUAGE, LANGUAGES, Label
from frontaid.web.users import Session, Users

SESSION_COOKIE = "frontaid_session"
LANG_COOKIE = "frontaid_lang"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"

# permission → roles that have it. Every route names one; tests walk this table.
PERMISSIONS: dict[str, frozenset[str]] = {
    "search": frozenset({"coordinator", "desk", "field"}),
    "household": frozenset({"coordinator", "desk", "field"}),
    "hand_out": frozenset({"coordinator", "desk", "field"}),
    "register": frozenset({"coordinator", "desk", "field"}),
    "requests": frozenset({"coordinator", "desk", "field", "analyst"}),
    "request_open": frozenset({"coordinator", "desk", "field"}),
    "request_progress": frozenset({"coordinator", "field"}),
    "request_assign": frozenset({"coordinator"}),
    "incidents": frozenset({"coordinator", "desk", "field", "analyst"}),
    "incident_add": frozenset({"coordinator", "field"}),
    "map": frozenset({"coordinator", "desk", "field", "analyst"}),
    "plan": frozenset({"coordinator", "field"}),
    "dashboard": frozenset({"coordinator", "desk", "field", "analyst"}),
    "flags": frozenset({"coordinator"}),
    "dedup": frozenset({"coordinator"}),
    "wipe": frozenset({"coordinator"}),
}

# Keys never sent to a user who sees no names: anything that names or locates a person,
# and what singles one out in a small town (birth year, sex, vulnerabilities, phone...).
PERSONAL_KEYS = frozenset({"name", "address", "note", "notes", "reported_by", "death_place", "burial_place",
                           "death_cause", "lat", "lon", "born", "birth_year", "age", "sex", "gender",
                           "vulnerabilities", "vulnerable", "phone", "documents", "document", "members",
                           "people", "actor", "by", "assigned_to", "visited_by"})
# Keys whose value is a household's or person's code: replaced by a pseudonym for those who see no
# names (the same code gives the same pseudonym on this hub, so lists can still be counted and
# followed; without the hub's secret it cannot be turned back into the card code).
ID_KEYS = frozenset({"household", "person", "pid", "card", "subject"})
_pseudonym_key = secrets.token_bytes(32)  # replaced by the hub's own (create_app) for stable ids


def set_pseudonym_key(key: bytes) -> None:
    global _pseudonym_key
    _pseudonym_key = key


def pseudonym(code: str) -> str:
    """A stable pseudonymous id for a household or person code, on this hub."""
    return "anon-" + hmac.new(_pseudonym_key, code.encode(), hashlib.sha256).hexdigest()[:10]


def can(sess: Session | None, permission: str) -> bool:
    """Whether the user of `sess` has `permission` (for menus: the route checks again)."""
    return sess is not None and sess.role in PERMISSIONS[permission]


def sees_names(role: str) -> bool:
    return role != "analyst"


def without_names(value: Any) -> Any:
    """`value` for a user who sees no names: every personal key removed and every household or
    person code pseudonymised, at any depth."""
    if isinstance(value, dict):
        return {k: (pseudonym(v) if k in ID_KEYS and isinstance(v, str) and v else without_names(v))
                for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [without_names(v) for v in value]
    return value


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def client_address(request: Request) -> str:
    """Where a request comes from (the hub is reached directly, never through a proxy)."""
    return request.client.host if request.client else ""


def users_of(request: Request) -> Users:
    users: Users = request.app.state.users
    return users


def session(request: Request) -> Session:
    """The logged-in user of this request (LoginRequired if none)."""
    return users_of(request).session(request.cookies.get(SESSION_COOKIE))


def allowed(sess: Session, permission: str) -> Session:
    if sess.role not in PERMISSIONS[permission]:
        raise NotAllowed(role=Label(sess.role))
    return sess


def check_csrf(sess: Session, token: str | None) -> None:
    """Refuse a state-changing request that does not carry this session's token."""
    if not token or not hmac.compare_digest(token, sess.csrf):
        raise BadCsrf()


def need(permission: str) -> Any:
    """A FastAPI dependency: the session, if its role has `permission` (GET and friends)."""
    def dependency(request: Request) -> Session:
        sess = allowed(session(request), permission)
        request.state.session = sess  # the audit middleware screens the answer for this role
        return sess
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


__all__ = ["PERMISSIONS", "LoginRequired", "allowed", "can", "check_csrf", "client_address", "language",
           "need", "need_post", "pseudonym", "sees_names", "session", "set_pseudonym_key", "without_names"]
