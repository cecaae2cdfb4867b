"""The duplicates review queue: pairs side by side, merge or "not the same person".

Coordinators only (permission "dedup"). The page and the JSON API call the same actions
and queries as `frontaid dedup`: the queue is filled by a run (`dedup run` or the page's
button), decisions are ops that sync to every device.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from frontaid.actions import dedup as actions
from frontaid.domain import vocab
from frontaid.errors import FrontaidError, UnknownChoice
from frontaid.i18n import gettext
from frontaid.match.dedup import FIELDS, LINK, REVIEW
from frontaid.queries import dedup as queries
from frontaid.queries.dedup import AGREEMENT, FIELD_NAMES
from frontaid.web import desk
from frontaid.web.auth import language, need, need_post
from frontaid.web.board import zone_names
from frontaid.web.render import render
from frontaid.web.users import Session

router = APIRouter()  # HTML routes pass include_in_schema=False; JSON routes under /api are documented
PAGE_SIZE = 20
BANDS = ("link", "review")
# What a row of the side-by-side table shows (msgids); the document number is not kept in the registry.
SHOWN = [f for f in FIELDS if f != "doc"]


def _band(value: str) -> str | None:
    band = value.strip()
    if band and band not in BANDS:
        raise UnknownChoice(value=band[:20], what="band", choices=", ".join(BANDS))
    return band or None


def _page(request: Request, sess: Session, status_code: int = 200, **extra: Any) -> Response:
    lang = language(request)
    try:
        band = _band(str(request.query_params.get("band") or ""))
    except FrontaidError as err:
        band, status_code, extra["error"] = None, err.http_status, err.text(lang)
    with desk.replica(request) as rep:
        grouped = queries.clusters(rep, band=band, limit=PAGE_SIZE)
        counts = queries.counts(rep)
        zones = zone_names(rep, lang)
    # What a field's value looks like on screen: a zone's name and the sex in words, not their codes.
    shown = {"zone": zones, "sex": {k: gettext(v, lang) for k, v in vocab.SEXES.items()}}
    return render(request, "dedup.html", sess, status_code=status_code, groups=grouped["groups"],
                  groups_total=grouped["total"], counts=counts,
                  band=band, fields=SHOWN, field_names=FIELD_NAMES, agreement=AGREEMENT, shown=shown, **extra)


@router.get("/dedup", response_class=HTMLResponse, include_in_schema=False)
def dedup_page(request: Request, sess: Session = Depends(need("dedup"))) -> Response:
    return _page(request, sess)


def _run(request: Request, sess: Session) -> dict[str, Any]:
    with desk.replica(request) as rep:
        return actions.run(rep, sess.name)


def _merge(request: Request, sess: Session, duplicate: str, into: str) -> tuple[str, str]:
    with desk.replica(request) as rep:
        return actions.merge(rep, sess.name, duplicate, into)


def _distinct(request: Request, sess: Session, a: str, b: str) -> tuple[str, str]:
    with desk.replica(request) as rep:
        return actions.not_the_same(rep, sess.name, a, b)


def _unmerge(request: Request, sess: Session, code: str) -> None:
    with desk.replica(request) as rep:
        actions.unmerge(rep, sess.name, code)


@router.post("/dedup/run", response_class=HTMLResponse, include_in_schema=False)
async def dedup_run_form(request: Request, sess: Session = Depends(need_post("dedup"))) -> Response:
    lang = language(request)
    # A whole run takes seconds on a big registry: a thread does it, not the event loop.
    result = await run_in_threadpool(_run, request, sess)
    done = gettext("{people} people compared: {link} pairs very likely the same, {review} maybe the same.",
                   lang).format(**result)
    return _page(request, sess, done=done)


@router.post("/dedup/decide", response_class=HTMLResponse, include_in_schema=False)
async def dedup_decide_form(request: Request, sess: Session = Depends(need_post("dedup"))) -> Response:
    """One form per pair: `decision` is `merge-a` (a into b), `merge-b` (b into a) or `distinct`."""
    form = await request.form()
    a, b, decision = (str(form.get(k) or "").strip() for k in ("a", "b", "decision"))
    lang = language(request)
    try:
        if decision == "distinct":
            x, y = await run_in_threadpool(_distinct, request, sess, a, b)
            done = gettext("{a} and {b} are recorded as two people.", lang).format(a=x, b=y)
        elif decision in ("merge-a", "merge-b"):
            dup, into = (a, b) if decision == "merge-a" else (b, a)
            x, y = await run_in_threadpool(_merge, request, sess, dup, into)
            done = gettext("{duplicate} merged into {into}.", lang).format(duplicate=x, into=y)
        else:
            raise UnknownChoice(value=decision[:20], what="decision", choices="merge-a, merge-b, distinct")
    except FrontaidError as err:
        return _page(request, sess, status_code=err.http_status, error=err.text(lang))
    return _page(request, sess, done=done)


# -- JSON ------------------------------------------------------------------------------------------


@router.get("/api/dedup", tags=["dedup"],
            summary="Pairs waiting for a decision, most likely first, with each field's agreement")
def api_queue(request: Request, band: str = "", limit: int = 50, offset: int = 0,
              sess: Session = Depends(need("dedup"))) -> dict[str, Any]:
    """`band`: link (very likely the same) or review (maybe). Each pair: both people, the
    score (log2 odds), and per field agree / close / disagree / missing."""
    b = _band(band)
    with desk.replica(request) as rep:
        pairs = queries.queue(rep, band=b, limit=max(1, min(limit, 500)), offset=max(0, offset))
        return {"pairs": pairs, "counts": queries.counts(rep), "link": LINK, "review": REVIEW}


@router.post("/api/dedup/run", tags=["dedup"],
             summary="Compare everyone and refill the queue (never merges; `frontaid dedup run`)")
def api_run(request: Request, sess: Session = Depends(need_post("dedup"))) -> dict[str, Any]:
    return _run(request, sess)


class MergeIn(BaseModel):
    duplicate: str = Field(description="The person's code to merge away.")
    into: str = Field(description="The person's code to keep.")


class PairIn(BaseModel):
    a: str = Field(description="One person's code.")
    b: str = Field(description="The other person's code.")


class PersonIn(BaseModel):
    person: str = Field(description="The code of the person merged away.")


@router.post("/api/dedup/merge", tags=["dedup"], summary="One person registered twice: merge (undo: unmerge)")
def api_merge(body: MergeIn, request: Request, sess: Session = Depends(need_post("dedup"))) -> dict[str, Any]:
    dup, into = _merge(request, sess, body.duplicate, body.into)
    return {"duplicate": dup, "into": into}


@router.post("/api/dedup/distinct", tags=["dedup"],
             summary="Two records are two people: never proposed again, on any device")
def api_distinct(body: PairIn, request: Request,
                 sess: Session = Depends(need_post("dedup"))) -> dict[str, Any]:
    a, b = _distinct(request, sess, body.a, body.b)
    return {"a": a, "b": b}


@router.post("/api/dedup/unmerge", tags=["dedup"], summary="Undo a merge")
def api_unmerge(body: PersonIn, request: Request,
                sess: Session = Depends(need_post("dedup"))) -> dict[str, Any]:
    _unmerge(request, sess, body.person)
    return {"person": body.person}
