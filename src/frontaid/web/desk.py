"""The distribution desk: find a household, see its entitlements, hand out with one tap.

The page and the JSON API (`web/api.py`) call the same functions here, which call
the same queries and actions as the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from babel.dates import format_date
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from frontaid.actions import corrections, distribution
from frontaid.domain import vocab
from frontaid.domain.codes import looks_like_code, normalise_code
from frontaid.errors import AlreadyHandedOut, BadInput, FrontaidError, NotFound, Refused
from frontaid.i18n import gettext
from frontaid.queries import aid as aidq
from frontaid.queries import items as aidq_items
from frontaid.queries import registry
from frontaid.queries.handouts import recent_handouts
from frontaid.store.replica import Replica
from frontaid.web.auth import CSRF_FIELD, language, need, need_post, sees_names, without_names
from frontaid.web.render import render
from frontaid.web.users import Session

POINT_COOKIE = "frontaid_point"
POINT_KINDS = ("food-point", "heating-point", "warehouse", "vehicle")


@contextmanager
def replica(request: Request) -> Iterator[Replica]:
    """A replica of the hub's file for this request: read and write with it as with any.

    Borrowed from the app's pool (`web/replicas.py`): requests read at the same time,
    each on its own connection, and a write transaction waits only for other writes.
    An action's checks run inside its transaction, so they see every earlier write.
    Do not nest two `replica()` blocks (each would hold a connection of the pool).
    """
    with request.app.state.replicas.borrow() as rep:
        aidq_items.catalogue(rep)  # the deployment's own items (synced in any time), named on every page
        yield rep


@contextmanager
def writer(request: Request) -> Iterator[Replica]:
    """`replica()` with the writer lock held for the whole block: for a decision read before the
    action's own transaction (e.g. a flag still open), so no other write comes in between."""
    with request.app.state.replicas.writer() as rep:
        yield rep


def search(rep: Replica, q: str, role: str) -> list[dict[str, Any]]:
    results = registry.with_home_addresses(rep, registry.search(rep, q, limit=20))
    return results if sees_names(role) else without_names(results)


def household(rep: Replica, code: str, role: str) -> dict[str, Any]:
    hh = registry.household(rep, code)
    if hh is None:
        raise NotFound(what="household", code=code)
    return hh if sees_names(role) else without_names(hh)


def entitlements(rep: Replica, code: str, lang: str, on: date | None = None) -> list[dict[str, Any]]:
    return [{"item": e.item, "label": gettext(vocab.ITEM_NAMES.get(e.item, e.item), lang), "due": e.due,
             "round": e.round, "last": e.last, "next_due": e.next_due.isoformat(),
             "next_due_text": format_date(e.next_due, "d MMM", locale=lang)}
            for e in distribution.entitlements(rep, code, on)]


def points(rep: Replica, lang: str) -> list[dict[str, Any]]:
    sites = [s for s in registry.list_sites(rep) if s["kind"] in POINT_KINDS]
    sites.sort(key=lambda s: (POINT_KINDS.index(s["kind"]), s["eid"]))
    return [{"eid": s["eid"], "name": (s["name_en"] if lang == "en" and s["name_en"] else s["name"])}
            for s in sites]


router = APIRouter(include_in_schema=False)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _household_context(rep: Replica, code: str, sess: Session, lang: str) -> dict[str, Any]:
    hh = household(rep, code, sess.role)
    zone = next((z for z in registry.list_zones(rep) if z["eid"] == hh.get("zone")), None)
    # The zone's name in the page's language, never its slug.
    zone_name = zone and ((zone["name_en"] if lang == "en" and zone["name_en"] else zone["name"])
                          or zone["eid"])
    given = recent_handouts(rep, hh["eid"])
    now = datetime.now(UTC)
    for g in given:
        g["label"] = gettext(vocab.ITEM_NAMES.get(g["item"], ""), lang) or g["item"]
        g["may_undo"] = may_undo(sess, g, now)
    return {"hh": {**hh, "zone_name": zone_name}, "ents": entitlements(rep, hh["eid"], lang), "given": given}


UNDO_WINDOW = timedelta(minutes=30)


def may_undo(sess: Session, given: dict[str, Any], now: datetime) -> bool:
    """A coordinator may undo any hand-out; the volunteer who recorded one, within 30 minutes of it."""
    if sess.role == "coordinator":
        return True
    if sess.role == "analyst" or given["actor"] != sess.name:
        return False
    try:
        when = datetime.fromisoformat(str(given["on"]).replace("Z", "+00:00"))
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return -timedelta(minutes=5) <= now - when <= UNDO_WINDOW


@router.get("/desk", response_class=HTMLResponse)
def desk_page(request: Request, q: str = "", household: str = "",
              sess: Session = Depends(need("search"))) -> Response:
    lang = language(request)
    with replica(request) as rep:
        ctx: dict[str, Any] = {"q": q, "results": search(rep, q, sess.role) if q else None,
                               "points": points(rep, lang), "point": request.cookies.get(POINT_COOKIE)}
        if household:
            ctx.update(_household_context(rep, household, sess, lang))
    return render(request, "desk.html", sess, **ctx)


@router.get("/desk/search", response_class=HTMLResponse)
def desk_search(request: Request, q: str = "", sess: Session = Depends(need("search"))) -> Response:
    lang = language(request)
    with replica(request) as rep:
        exact = registry.household_of_code(rep, q.strip())
        if exact is not None:
            # A card code typed or scanned opens its household at once, in place of the results.
            ctx = _household_context(rep, exact, sess, lang)
            return render(request, "_results.html", sess, q=q, results=None, opened=exact, oob=True, **ctx)
        results = search(rep, q, sess.role) if q.strip() else None
        near = registry.registered_near(rep, q.strip()) if not results else []
    return render(request, "_results.html", sess, q=q, results=results, near=near,
                  bad_check=bool(looks_like_code(q.strip()) and normalise_code(q.strip()) is None))


@router.get("/desk/household/{code}", response_class=HTMLResponse)
def desk_household(request: Request, code: str, sess: Session = Depends(need("search"))) -> Response:
    with replica(request) as rep:
        ctx = _household_context(rep, code, sess, language(request))
    return render(request, "_household.html", sess, **ctx)


@router.post("/desk/hand-out", response_class=HTMLResponse)
async def desk_hand_out(request: Request, sess: Session = Depends(need_post("hand_out"))) -> Response:
    form = await request.form()
    names = ("household", "item", "at", "at_default", "override")
    fields = {k: str(form.get(k) or "").strip() for k in names}
    # htmx sends the desk's point selector as `at`; a form posted without JavaScript has the hidden default.
    fields["at"] = fields["at"] or fields["at_default"]
    lang = language(request)
    ctx: dict[str, Any] = {}
    with replica(request) as rep:
        try:
            code = distribution.hand_out(rep, sess.name, household=fields["household"], item=fields["item"],
                                         at=fields["at"] or None, home=not fields["at"],
                                         override=fields["override"] or None)
            ctx["done"] = {"code": code, "item": gettext(vocab.ITEM_NAMES.get(fields["item"], ""), lang),
                           "no_stock": aidq.unrecorded_stock_of(rep, code) is not None}
        except AlreadyHandedOut as err:
            # The CLI's wording names its --override flag; a volunteer at the desk gets the form below.
            p = err.params
            text = gettext("{code} already received {item} in this round (on {last}). The next is due "
                           "on {next}. If it is right to hand out again, write why and confirm.", lang)
            label = gettext(vocab.ITEM_NAMES.get(fields["item"], ""), lang)
            text = text.format(code=p.get("code", ""), item=label,
                               last=p.get("last", ""), next=p.get("next", ""))
            ctx["warning"] = {"text": text, "item": fields["item"],
                              "label": gettext(vocab.ITEM_NAMES.get(fields["item"], ""), lang)}
        except FrontaidError as err:
            if isinstance(err, NotFound) and err.params.get("what") == "household":
                raise
            ctx["error"] = err.text(lang)
        ctx.update(_household_context(rep, fields["household"], sess, lang))
        if not _is_htmx(request):
            ctx.update(points=points(rep, lang), q="", results=None)
    ctx["point"] = fields["at"] or request.cookies.get(POINT_COOKIE)
    response = render(request, "_household.html" if _is_htmx(request) else "desk.html", sess, **ctx)
    if fields["at"]:
        response.set_cookie(POINT_COOKIE, fields["at"], max_age=365 * 86400, samesite="lax", httponly=True)
    return response


@router.post("/desk/undo", response_class=HTMLResponse)
async def desk_undo(request: Request, sess: Session = Depends(need_post("hand_out"))) -> Response:
    """Undo a mistaken hand-out: the hand-out's op is retracted with a reason; the log keeps both."""
    form = await request.form()
    fields = {k: str(form.get(k) or "").strip() for k in ("household", "handout", "reason")}
    lang = language(request)
    ctx: dict[str, Any] = {}
    with replica(request) as rep:
        hh = household(rep, fields["household"], sess.role)
        given = {g["code"]: g for g in recent_handouts(rep, hh["eid"], limit=50)}
        target = given.get(fields["handout"])
        try:
            if target is None:
                raise NotFound(what="hand-out", code=fields["handout"])
            if not may_undo(sess, target, datetime.now(UTC)):
                raise Refused("Only a coordinator, or the person who recorded it within 30 minutes, "
                              "can undo a hand-out.")
            if len(fields["reason"]) < 3:
                raise BadInput("Say why the hand-out is undone.")
            corrections.retract(rep, sess.name, target["op"], fields["reason"])
            ctx["undone"] = target["code"]
        except FrontaidError as err:
            ctx["error"] = err.text(lang)
        ctx.update(_household_context(rep, hh["eid"], sess, lang))
        if not _is_htmx(request):
            ctx.update(points=points(rep, lang), q="", results=None)
    ctx["point"] = request.cookies.get(POINT_COOKIE)
    return render(request, "_household.html" if _is_htmx(request) else "desk.html", sess, **ctx)


__all__ = ["CSRF_FIELD", "entitlements", "household", "points", "replica", "router", "search", "writer"]
