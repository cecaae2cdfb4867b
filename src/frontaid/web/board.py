"""The requests board: columns by status, filters by need and zone, assignment to a team.

The page, the desk's "open a request" form and the JSON API call the same functions
here, which call the same actions and queries as the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from frontaid.actions import requests
from frontaid.actions import validate as check
from frontaid.domain import vocab
from frontaid.domain.workflow import can_move
from frontaid.errors import FrontaidError, UnknownChoice
from frontaid.i18n import gettext
from frontaid.queries import aid, registry
from frontaid.store.replica import Replica
from frontaid.web import auth, desk
from frontaid.web.auth import language, sees_names, without_names
from frontaid.web.render import render
from frontaid.web.users import Session

STATES = tuple(vocab.REQUEST_STATES)
# Button → (target state, action). Assigning has its own form (a team).
MOVES: dict[str, tuple[str, Callable[..., None]]] = {
    "start": ("in-progress", requests.start), "done": ("done", requests.done),
         "cancel": ("cancelled", requests.cancel), "reopen": ("open", requests.reopen)}

router = APIRouter()


def zone_names(rep: Replica, lang: str) -> dict[str, str]:
    return {z["eid"]: (z["name_en"] if lang == "en" and z["name_en"] else z["name"]) or z["eid"]
            for z in registry.list_zones(rep)}


def teams(rep: Replica) -> list[dict[str, Any]]:
    return aid.list_teams(rep)


def team_of(rep: Replica, ref: str | None) -> str:
    """The id of a team that still goes out (by id or name); an unknown or retired one is refused."""
    return check.team(rep, ref or "")


def filters(rep: Replica, need: str | None, zone: str | None) -> tuple[str | None, str | None]:
    """The board's filters checked: a need slug and a zone id, or None for all."""
    return (check.choice(need, vocab.NEEDS, "need") if need else None,
            check.zone(rep, zone) if zone else None)


# Cards per column on the page, and how many more "show more" adds: a town's board holds
# thousands of requests; the page stays a few screens tall on a laptop and loads on a phone.
PAGE = 10  # the demo town's board: about 4,000 px on a 1366×768 laptop (20 made it 10,800)
MAX_CARDS = 500


def board(rep: Replica, role: str, need: str | None = None, zone: str | None = None,
          cap: int = aid.BOARD_CAP) -> list[dict[str, Any]]:
    """The columns in workflow order, each with its count and newest cards; no names for the analyst."""
    need, zone = filters(rep, need, zone)
    cap = max(1, min(cap, MAX_CARDS))
    columns = aid.request_board(rep, need=need, zone=zone, states=STATES, cap=cap, closed_cap=min(cap, 25))
    out = [{"status": s, "count": columns[s]["count"], "requests": columns[s]["requests"]} for s in STATES]
    return out if sees_names(role) else without_names(out)


def open_request(rep: Replica, actor: str, fields: dict[str, Any]) -> str:
    return requests.open_request(
        rep, actor, need=fields.get("need") or "", urgency=fields.get("urgency") or "normal",
        reported_by=fields.get("reported_by") or None, household=fields.get("household") or None,
        zone=fields.get("zone") or None, lat=fields.get("lat"), lon=fields.get("lon"),
        note=fields.get("note") or None)


def assign(rep: Replica, actor: str, code: str, team: str | None) -> str:
    eid = check.existing(rep, "request", code)
    requests.assign(rep, actor, eid, team_of(rep, team))
    return eid


def move(rep: Replica, actor: str, code: str, action: str, note: str | None = None) -> str:
    if action not in MOVES:
        raise UnknownChoice(value=action, what="action", choices=", ".join(MOVES))
    eid = check.existing(rep, "request", code)
    _target, act = MOVES[action]
    if action in ("done", "cancel"):
        act(rep, actor, eid, note=note or None)
    else:
        act(rep, actor, eid)
    return eid


# --- pages -------------------------------------------------------------------------------------


def _board_page(request: Request, sess: Session, need: str = "", zone: str = "", status_code: int = 200,
                shown: int = PAGE, **extra: Any) -> Response:
    lang = language(request)
    with desk.replica(request) as rep:
        ctx: dict[str, Any] = {"need": need, "zone": zone, "zones": zone_names(rep, lang),
                               "teams": teams(rep)}
        try:
            ctx["columns"] = board(rep, sess.role, need, zone, cap=shown)
        except FrontaidError as err:  # a bad filter: say so, show the whole board
            ctx.update(columns=board(rep, sess.role, cap=shown), need="", zone="", error=err.text(lang))
            status_code = err.http_status
    ctx["team_names"] = {t["eid"]: t["name"] for t in ctx["teams"]}
    ctx["more_url"] = _back(ctx["need"], ctx["zone"], shown=str(min(shown + PAGE, MAX_CARDS)))
    ctx.update(extra)
    return render(request, "board.html", sess, status_code=status_code, can_move=can_move,
                  names=sees_names(sess.role), **ctx)


def _back(need: str, zone: str, **more: str) -> str:
    query = urlencode({k: v for k, v in {"need": need, "zone": zone, **more}.items() if v})
    return "/board" + (f"?{query}" if query else "")


def confirmation(rep: Replica, code: str, did: str, lang: str) -> str:
    """What the coordinator is told after a change to a request, in words."""
    found = aid.request(rep, code)
    if found is None or did not in DID:
        return ""
    if did == "assigned":
        team = {t["eid"]: t["name"] for t in teams(rep)}.get(found["team"], found["team"] or "")
        return gettext("Request {code} assigned to team {team}.", lang).format(code=code, team=team)
    state = gettext(vocab.REQUEST_STATES.get(found["status"], found["status"]), lang)
    return gettext("Request {code} is now: {state}.", lang).format(code=code, state=state)


DID = ("assigned", "start", "done", "cancel", "reopen")


def _changed(request: Request, code: str, did: str, need: str, zone: str) -> Response:
    """After a change, back to the board, which says what was done and marks the card in its new
    column: a plain form by a redirect, htmx by HX-Redirect (its failures are shown in place)."""
    url = _back(need, zone, changed=code, did=did)
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


@router.get("/board", response_class=HTMLResponse, include_in_schema=False)
def board_page(request: Request, need: str = "", zone: str = "", opened: str = "", changed: str = "",
               did: str = "", shown: int = PAGE,
               sess: Session = Depends(auth.need("requests"))) -> Response:
    confirmed = ""
    if changed:
        with desk.replica(request) as rep:
            confirmed = confirmation(rep, changed, did, language(request))
    return _board_page(request, sess, need, zone, opened=opened, shown=shown, changed=changed,
                       confirmed=confirmed)


async def _form(request: Request, *names: str) -> dict[str, str]:
    form = await request.form()
    return {k: str(form.get(k) or "").strip() for k in names}


@router.post("/board/open", response_class=HTMLResponse, include_in_schema=False)
async def board_open(request: Request, sess: Session = Depends(auth.need_post("request_open"))) -> Response:
    """The desk's household panel (or any form) opens a request, then shows it on the board."""
    f = await _form(request, "household", "zone", "need", "urgency", "reported_by", "note", "back")
    lang = language(request)
    with desk.replica(request) as rep:
        try:
            code = open_request(rep, sess.name, f)
        except FrontaidError as err:
            if not f["household"]:
                raise
            ctx = desk._household_context(rep, f["household"], sess, lang)
            ctx.update(points=desk.points(rep, lang), q="", results=None, error=err.text(lang),
                       point=request.cookies.get(desk.POINT_COOKIE))
            return render(request, "desk.html", sess, status_code=err.http_status, **ctx)
    if f["back"] == "household" and f["household"]:  # opened from the household's own page: back there
        hh = quote(check.existing(rep, "household", f["household"]))
        return RedirectResponse(f"/registry/household/{hh}?opened={quote(code)}", status_code=303)
    return RedirectResponse(_back("", "", opened=code), status_code=303)


@router.post("/board/{code}/assign", response_class=HTMLResponse, include_in_schema=False)
async def board_assign(request: Request, code: str,
                       sess: Session = Depends(auth.need_post("request_assign"))) -> Response:
    f = await _form(request, "team", "need", "zone")
    with desk.replica(request) as rep:
        try:
            eid = assign(rep, sess.name, code, f["team"])
        except FrontaidError as err:
            error, status = err.text(language(request)), err.http_status
        else:
            return _changed(request, eid, "assigned", f["need"], f["zone"])
    return _board_page(request, sess, f["need"], f["zone"], status_code=status, error=error)


@router.post("/board/{code}/{action}", response_class=HTMLResponse, include_in_schema=False)
async def board_move(request: Request, code: str, action: str,
                     sess: Session = Depends(auth.need_post("request_progress"))) -> Response:
    f = await _form(request, "need", "zone", "note")
    with desk.replica(request) as rep:
        try:
            eid = move(rep, sess.name, code, action, f["note"])
        except FrontaidError as err:
            error, status = err.text(language(request)), err.http_status
        else:
            return _changed(request, eid, action, f["need"], f["zone"])
    return _board_page(request, sess, f["need"], f["zone"], status_code=status, error=error)


# --- JSON API ----------------------------------------------------------------------------------


class OpenRequest(BaseModel):
    need: str = Field(description="A need slug, e.g. food, medicine, body-recovery.")
    urgency: str = Field("normal", description="critical, high, normal or low.")
    household: str | None = Field(None, description="The household's card code, if known.")
    zone: str | None = Field(None, description="The zone, if no household.")
    lat: float | None = None
    lon: float | None = None
    reported_by: str | None = Field(None, description="Who asked (a neighbour, a relative, the person).")
    note: str | None = None


class Assign(BaseModel):
    team: str = Field(description="A team's id (GET /api/teams).")


class Close(BaseModel):
    note: str | None = Field(None, description="What was done, or why it was cancelled.")


@router.get("/api/requests/board", tags=["requests"],
            summary="The requests board: columns by status with counts and newest cards, filtered")
def api_board(request: Request, need: str = "", zone: str = "",
              sess: Session = Depends(auth.need("requests"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        return {"columns": board(rep, sess.role, need, zone)}


@router.get("/api/teams", tags=["requests"], summary="The teams a request can be assigned to")
def api_teams(request: Request, sess: Session = Depends(auth.need("requests"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        return {"teams": teams(rep)}


@router.post("/api/requests", status_code=201, tags=["requests"],
             summary="Open a request (a household, a zone or a location says where)")
def api_open(body: OpenRequest, request: Request,
             sess: Session = Depends(auth.need_post("request_open"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        code = open_request(rep, sess.name, body.model_dump())
    return {"request": code, "status": "open"}


@router.post("/api/requests/{code}/assign", tags=["requests"], summary="Assign a request to a team")
def api_assign(code: str, body: Assign, request: Request,
               sess: Session = Depends(auth.need_post("request_assign"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        eid = assign(rep, sess.name, code, body.team)
    return {"request": eid, "status": "assigned", "team": body.team}


def _api_move(request: Request, sess: Session, code: str, action: str,
              note: str | None = None) -> dict[str, Any]:
    with desk.replica(request) as rep:
        eid = move(rep, sess.name, code, action, note)
    return {"request": eid, "status": MOVES[action][0]}


@router.post("/api/requests/{code}/start", tags=["requests"], summary="A team starts on the request")
def api_start(code: str, request: Request,
              sess: Session = Depends(auth.need_post("request_progress"))) -> dict[str, Any]:
    return _api_move(request, sess, code, "start")


@router.post("/api/requests/{code}/done", tags=["requests"], summary="The request is done (optional note)")
def api_done(code: str, request: Request, body: Close | None = None,
             sess: Session = Depends(auth.need_post("request_progress"))) -> dict[str, Any]:
    return _api_move(request, sess, code, "done", body.note if body else None)


@router.post("/api/requests/{code}/cancel", tags=["requests"], summary="Cancel the request (optional note)")
def api_cancel(code: str, request: Request, body: Close | None = None,
               sess: Session = Depends(auth.need_post("request_progress"))) -> dict[str, Any]:
    return _api_move(request, sess, code, "cancel", body.note if body else None)


@router.post("/api/requests/{code}/reopen", tags=["requests"], summary="Reopen a done or cancelled request")
def api_reopen(code: str, request: Request,
               sess: Session = Depends(auth.need_post("request_progress"))) -> dict[str, Any]:
    return _api_move(request, sess, code, "reopen")
