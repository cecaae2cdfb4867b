"""The requests board: columns by status, filters by need and zone, assignment to a team.

The page, the desk's "open a request" form and the JSON API call the same functions
here, which call the same actions and queries as the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

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
from frontaid.queries import board as board_q
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
    """The slug of an existing team (requests.assign takes any text: the web offers only real teams)."""
    slug = (ref or "").strip()
    known = teams(rep)
    if slug not in {t["eid"] for t in known}:
        # The choices by the names the page's list shows (GET /api/teams gives their ids).
        names = ", ".join(t["name"] or t["eid"] for t in known)
        raise UnknownChoice(value=slug, what="team", choices=names or "-")
    return slug


def filters(rep: Replica, need: str | None, zone: str | None) -> tuple[str | None, str | None]:
    """The board's filters checked: a need slug and a zone id, or None for all."""
    return (check.choice(need, vocab.NEEDS, "need") if need else None,
            check.zone(rep, zone) if zone else None)


def board(rep: Replica, role: str, need: str | None = None, zone: str | None = None) -> list[dict[str, Any]]:
    """The columns in workflow order, each with its count and newest cards; no names for the analyst."""
    need, zone = filters(rep, need, zone)
    columns = aid.request_board(rep, need=need, zone=zone, states=STATES)
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

# Cards a status shows at first, and how many more each "show more" fetches: the demo town's board
# fits a laptop's page, and a town with thousands of open requests loads as fast as a small one.
PAGE = {"open": 10, "assigned": 10, "in-progress": 10, "done": 5, "cancelled": 5}
SINGLE_PAGE = 24  # one status chosen: its cards fill the width, a few rows of them
MAX_SHOWN = 500   # the most cards one page draws (no JavaScript: "show more" reloads with more)


def done_text(action: str, lang: str) -> str:
    """What the card says after a button did its work."""
    return {"start": gettext("Request {code}: the team has started.", lang),
            "done": gettext("Request {code} is done.", lang),
            "cancel": gettext("Request {code} is cancelled.", lang),
            "reopen": gettext("Request {code} is open again.", lang)}[action]


def _page_filters(rep: Replica, need: str, zone: str,
                  status: str) -> tuple[str | None, str | None, str | None]:
    need_, zone_ = filters(rep, need, zone)
    return need_, zone_, (check.choice(status, vocab.REQUEST_STATES, "status") if status else None)


def card_view(rep: Replica, card: dict[str, Any], role: str, zones: dict[str, str],
              team_names: dict[str, str]) -> dict[str, Any]:
    """A card as the page draws it: the home address and the zone's name, never a slug; no names,
    address or note for a role that sees no names."""
    view = {**card, "zone_name": zones.get(card.get("zone") or "", ""),
            "team_name": team_names.get(card.get("team") or "", card.get("team") or "")}
    return view if sees_names(role) else without_names(view)


def _cards(rep: Replica, role: str, lang: str, status: str, need: str | None, zone: str | None,
           offset: int, limit: int) -> list[dict[str, Any]]:
    zones, names = zone_names(rep, lang), {t["eid"]: t["name"] or t["eid"] for t in teams(rep)}
    return [card_view(rep, c, role, zones, names)
            for c in board_q.board_cards(rep, status, need=need, zone=zone, offset=offset, limit=limit)]


def board_view(rep: Replica, role: str, lang: str, need: str = "", zone: str = "", status: str = "",
               shown: int = 0) -> dict[str, Any]:
    """The page's filters with their counts and its columns (all states, or the one chosen), each
    with its first page of cards and where the next page starts."""
    need_, zone_, status_ = _page_filters(rep, need, zone, status)
    counts = board_q.board_counts(rep, need=need_, zone=zone_, status=status_)
    columns = []
    for state in (status_,) if status_ else STATES:
        first = SINGLE_PAGE if status_ else PAGE[state]
        limit = min(max(first, shown), MAX_SHOWN)
        count = counts["status"].get(state, 0)
        cards = _cards(rep, role, lang, state, need_, zone_, 0, limit)
        columns.append({"status": state, "count": count, "cards": cards, "next": len(cards),
                        "step": first})
    return {"need": need_ or "", "zone": zone_ or "", "status": status_ or "", "counts": counts,
            "columns": columns, "total": sum(counts["status"].values())}


def _board_page(request: Request, sess: Session, need: str = "", zone: str = "", status: str = "",
                shown: int = 0, status_code: int = 200, **extra: Any) -> Response:
    lang = language(request)
    with desk.replica(request) as rep:
        ctx: dict[str, Any] = {"zones": zone_names(rep, lang), "teams": teams(rep)}
        try:
            ctx.update(board_view(rep, sess.role, lang, need, zone, status, shown))
        except FrontaidError as err:  # a bad filter: say so, show the whole board
            ctx.update(board_view(rep, sess.role, lang), error=err.text(lang))
            status_code = err.http_status
        opened = extra.get("opened")
        if opened and (card := board_q.board_card(rep, opened)) is not None:
            ctx["opened_card"] = card_view(rep, card, sess.role, ctx["zones"],
                                           {t["eid"]: t["name"] for t in ctx["teams"]})
            # Drawn above the columns only when its column's first cards do not hold it.
            ctx["opened_shown"] = any(c["eid"] == opened for col in ctx["columns"] for c in col["cards"])
    ctx["team_names"] = {t["eid"]: t["name"] for t in ctx["teams"]}
    ctx.update(extra)
    return render(request, "board.html", sess, status_code=status_code, can_move=can_move,
                  names=sees_names(sess.role), wide=True, **ctx)


def _back(need: str, zone: str, status: str = "", **more: str) -> str:
    query = urlencode({k: v for k, v in {"need": need, "zone": zone, "status": status, **more}.items() if v})
    return "/board" + (f"?{query}" if query else "")


@router.get("/board", response_class=HTMLResponse, include_in_schema=False)
def board_page(request: Request, need: str = "", zone: str = "", status: str = "", opened: str = "",
               shown: int = 0, sess: Session = Depends(auth.need("requests"))) -> Response:
    return _board_page(request, sess, need, zone, status, shown, opened=opened)


@router.get("/board/more", response_class=HTMLResponse, include_in_schema=False)
def board_more(request: Request, status: str, need: str = "", zone: str = "", offset: int = 0,
               step: int = 10, sess: Session = Depends(auth.need("requests"))) -> Response:
    """The next cards of one status, and the button for the ones after (htmx appends them)."""
    lang = language(request)
    step = min(max(step, 1), 100)
    with desk.replica(request) as rep:
        need_, zone_, status_ = _page_filters(rep, need, zone, status)
        if status_ is None:
            raise UnknownChoice(value="", what="status", choices=", ".join(STATES))
        count = board_q.board_counts(rep, need=need_, zone=zone_, status=status_)["status"].get(status_, 0)
        cards = _cards(rep, sess.role, lang, status_, need_, zone_, max(offset, 0), step)
        all_teams = teams(rep)
        col = {"status": status_, "count": count, "cards": cards, "next": max(offset, 0) + len(cards),
               "step": step}
    return render(request, "_board_cards.html", sess, col=col, teams=all_teams, can_move=can_move,
                  names=sees_names(sess.role), need=need_ or "", zone=zone_ or "", status=status)


async def _form(request: Request, *names: str) -> dict[str, str]:
    form = await request.form()
    return {k: str(form.get(k) or "").strip() for k in names}


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _changed(request: Request, sess: Session, code: str, f: dict[str, str], done: str) -> Response:
    """After a change: htmx gets the card in place with what was done and the new counts; a form
    posted without JavaScript goes back to the board it came from."""
    if not _is_htmx(request):
        return RedirectResponse(_back(f["need"], f["zone"], f.get("status", "")), status_code=303)
    lang = language(request)
    with desk.replica(request) as rep:
        all_teams = teams(rep)
        names = {t["eid"]: t["name"] for t in all_teams}
        card = board_q.board_card(rep, code)
        view = card_view(rep, card or {"eid": code}, sess.role, zone_names(rep, lang), names)
        need_, zone_, status_ = _page_filters(rep, f["need"], f["zone"], f.get("status", ""))
        counts = board_q.board_counts(rep, need=need_, zone=zone_, status=status_)
    return render(request, "_board_card.html", sess, r=view, teams=all_teams, can_move=can_move,
                  names=sees_names(sess.role), need=f["need"], zone=f["zone"], status=f.get("status", ""),
                  done=done, counts=counts, oob_counts=True)


def _refused(request: Request, sess: Session, err: FrontaidError, f: dict[str, str]) -> Response:
    """A change refused: htmx gets the reason alone (frontaid.js shows it on the card); a form posted
    without JavaScript, the board with the reason on top."""
    lang = language(request)
    if _is_htmx(request):
        return render(request, "error.html", sess, status_code=err.http_status, message=err.text(lang))
    return _board_page(request, sess, f["need"], f["zone"], f.get("status", ""),
                       status_code=err.http_status, error=err.text(lang))


@router.post("/board/open", response_class=HTMLResponse, include_in_schema=False)
async def board_open(request: Request, sess: Session = Depends(auth.need_post("request_open"))) -> Response:
    """The desk's household panel (or any form) opens a request, then shows it on the board."""
    f = await _form(request, "household", "zone", "need", "urgency", "reported_by", "note")
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
    return RedirectResponse(_back("", "", opened=code), status_code=303)


@router.post("/board/{code}/assign", response_class=HTMLResponse, include_in_schema=False)
async def board_assign(request: Request, code: str,
                       sess: Session = Depends(auth.need_post("request_assign"))) -> Response:
    f = await _form(request, "team", "need", "zone", "status")
    lang = language(request)
    with desk.replica(request) as rep:
        try:
            eid = assign(rep, sess.name, code, f["team"])
            team = next((t["name"] or t["eid"] for t in teams(rep) if t["eid"] == f["team"]), f["team"])
        except FrontaidError as err:
            return _refused(request, sess, err, f)
    done = gettext("Request {code} is assigned to the team: {team}.", lang).format(code=eid, team=team)
    return _changed(request, sess, eid, f, done)


@router.post("/board/{code}/{action}", response_class=HTMLResponse, include_in_schema=False)
async def board_move(request: Request, code: str, action: str,
                     sess: Session = Depends(auth.need_post("request_progress"))) -> Response:
    f = await _form(request, "need", "zone", "status", "note")
    with desk.replica(request) as rep:
        try:
            eid = move(rep, sess.name, code, action, f["note"])
        except FrontaidError as err:
            return _refused(request, sess, err, f)
    done = done_text(action, language(request)).format(code=eid)
    return _changed(request, sess, eid, f, done)


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
