"""The JSON API: what the desk does, for scripts and other apps (documented at /docs).

Log in with POST /api/login; the answer sets the session cookie and gives the
CSRF token every POST must send in the `X-CSRF-Token` header. Errors are
`{"error": message, "kind": ErrorClass}` with the error's HTTP status.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from frontaid.actions import distribution
from frontaid.web import desk
from frontaid.web.auth import SESSION_COOKIE, client_address, language, need, need_post, session, users_of
from frontaid.web.users import SESSION_MAX, Session

router = APIRouter(prefix="/api", tags=["desk"])


class Login(BaseModel):
    name: str
    password: str


class HandOut(BaseModel):
    household: str = Field(description="The household's card code.")
    item: str = Field(description="An item slug, e.g. food-kit.")
    qty: int = 1
    at: str | None = Field(None, description="The site the goods leave from; omit with home=true.")
    home: bool = Field(False, description="Delivered to the door (from the warehouse or a vehicle).")
    override: str | None = Field(None, description="Why a second hand-out in the same round is right.")


def set_session_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_MAX, httponly=True, samesite="strict",
                        secure=secure)


@router.post("/login", summary="Log in; sets the session cookie, returns the CSRF token")
def login(body: Login, request: Request) -> JSONResponse:
    token, sess = users_of(request).login(body.name, body.password, client_address(request))
    response = JSONResponse({"name": sess.name, "role": sess.role, "csrf": sess.csrf})
    set_session_cookie(response, token, request.url.scheme == "https")
    return response


@router.post("/logout", summary="End this session")
def logout(request: Request) -> JSONResponse:
    sess = session(request)
    desk_token = request.headers.get("x-csrf-token")
    from frontaid.web.auth import check_csrf
    check_csrf(sess, desk_token)
    users_of(request).logout(request.cookies.get(SESSION_COOKIE))
    response = JSONResponse({"ok": True})
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/search", summary="People and households by card code or part of a name")
def search(request: Request, q: str, sess: Session = Depends(need("search"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        return {"results": desk.search(rep, q, sess.role)}


@router.get("/households/{code}",
            summary="One household: members, requests, hand-outs (no names for analysts)")
def household(request: Request, code: str, sess: Session = Depends(need("household"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        return desk.household(rep, code, sess.role)


@router.get("/households/{code}/entitlements", summary="What the household is due today, item by item")
def entitlements(request: Request, code: str,
                 sess: Session = Depends(need("household"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        hh = desk.household(rep, code, sess.role)
        return {"household": hh["eid"], "entitlements": desk.entitlements(rep, hh["eid"], language(request))}


@router.post("/handouts", status_code=201, summary="Record a hand-out (409 if already handed out this round)")
def hand_out(body: HandOut, request: Request,
             sess: Session = Depends(need_post("hand_out"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        code = distribution.hand_out(rep, sess.name, household=body.household, item=body.item, qty=body.qty,
                                     at=body.at, home=body.home, override=body.override)
    return {"handout": code}
