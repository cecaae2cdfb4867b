"""The flags queue: what merging could not decide alone, explained, and resolved by a coordinator
(a snapshot, web/snapshot.py; resolving one drops it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from frontaid.actions import flags as flag_actions
from frontaid.domain import vocab
from frontaid.errors import FrontaidError
from frontaid.i18n import gettext
from frontaid.queries import flags as flag_queries
from frontaid.store.replica import Replica
from frontaid.web import desk
from frontaid.web.auth import language, need, need_post
from frontaid.web.dashboard import drop_figures
from frontaid.web.render import render
from frontaid.web.snapshot import as_of, snapshot
from frontaid.web.users import Session

router = APIRouter()

# What each kind of flag is (the same words as `frontaid flags`).
FLAG_KINDS = {
    "double-handout": "handed out twice in one round", "stock-negative": "stock below zero",
    "stock-unrecorded": "handed out where no stock is recorded",
    "conflict": "conflicting changes", "changed-after-merge": "changed after a merge",
    "changed-after-void": "changed after it was voided", "gap": "changes missing from a device",
    "clock-ahead": "a device's clock is far ahead",
}


def _every_flag(rep: Replica) -> list[dict[str, Any]]:
    """Open and resolved flags, once each: `list_flags(include_resolved=True)` gives a resolved flag
    that is still derived twice (derived, and the record its resolution made), the second without detail."""
    out: dict[str, dict[str, Any]] = {}
    for flag in flag_queries.list_flags(rep, include_resolved=True):
        if flag["id"] not in out or not out[flag["id"]]["detail"]:
            out[flag["id"]] = flag
    return list(out.values())


def _all_flags(request: Request) -> tuple[list[dict[str, Any]], float]:
    value, taken = snapshot(request, "flags_snapshot", _every_flag).get(request.app.state.replicas)
    return value, taken


# -- flags, explained --------------------------------------------------------------------

def explain(flag: dict[str, Any], lang: str) -> dict[str, Any]:
    """A flag as the queue shows it: what it is, what it is about, and the choices of `keep`."""
    d, kind = flag["detail"], flag["kind"]
    lines: list[str] = []
    choices: list[tuple[str, str]] = []
    if flag["status"] == "resolved" and not d:
        pass  # a resolved flag no longer derived (e.g. one hand-out voided): only the decision is left
    elif kind == "double-handout":
        item = gettext(vocab.ITEM_NAMES.get(d["item"], d["item"]), lang)
        lines.append(gettext("{item}, round {round}: {count} hand-outs", lang).format(
            item=item, round=d["round"], count=d["count"]))
        choices.append(("both", gettext("Keep both", lang)))
        choices += [(code, gettext("Keep only {code}", lang).format(code=code)) for code in d["handouts"]]
    elif kind == "conflict":
        lines.append(f"{d['entity']} {d['eid']} · {d['field']}")
        choices += [(op_id, gettext("Keep “{value}” (by {actor})", lang).format(
            value=v["value"], actor=v["actor"])) for op_id, v in d["ops"].items()]
    else:
        if kind == "stock-negative":
            lines.append(gettext("Quantity now: {qty}", lang).format(qty=d["qty"]))
        elif kind == "stock-unrecorded":
            lines.append(gettext("Handed out with no stock recorded: {n}. Count what is there "
                                 "(frontaid stock count) or record what arrived.", lang
                                 ).format(n=d["handed_out"]))
        elif d.get("ops"):
            lines.append(gettext("Changes not seen: {ops}", lang).format(ops=", ".join(d["ops"])))
        elif d:
            lines.append(", ".join(f"{k}: {v}" for k, v in sorted(d.items())))
        choices.append(("ok", gettext("Dealt with", lang)))
    household = flag["subject"] if kind == "double-handout" else None
    return {**flag, "what": gettext(FLAG_KINDS.get(kind, kind), lang), "lines": lines, "choices": choices,
            "household": household}


def _flags_page(request: Request, sess: Session, show_all: bool, status_code: int = 200,
                **notice: Any) -> Response:
    flags, taken = _all_flags(request)
    lang = language(request)
    shown = [explain(f, lang) for f in flags if show_all or f["status"] == "open"]
    return render(request, "flags.html", sess, status_code=status_code, flags=shown, show_all=show_all,
                  as_of=as_of(taken), open_count=sum(f["status"] == "open" for f in flags), **notice)


@router.get("/flags", response_class=HTMLResponse, include_in_schema=False)
def flags_page(request: Request, all: bool = False, sess: Session = Depends(need("flags"))) -> Response:
    return _flags_page(request, sess, all)


def _resolve(request: Request, sess: Session, flag_id: str, keep: str, note: str | None) -> dict[str, Any]:
    # The writer lock spans the action's look at the flag and its write: two coordinators
    # resolving one flag at once get one resolution and one "already resolved".
    with desk.writer(request) as rep:
        result = flag_actions.resolve(rep, sess.name, flag_id, keep=keep, note=note or None)
    snapshot(request, "flags_snapshot", _every_flag).drop()
    drop_figures(request)  # a voided hand-out moves stock
    return result


@router.post("/flags/resolve", response_class=HTMLResponse, include_in_schema=False)
async def flags_resolve_form(request: Request, sess: Session = Depends(need_post("flags"))) -> Response:
    form = await request.form()
    fields = {k: str(form.get(k) or "").strip() for k in ("id", "keep", "note", "all")}
    lang = language(request)
    try:
        # Called here, the write would block the event loop (every other request): a thread does it.
        result = await run_in_threadpool(_resolve, request, sess, fields["id"], fields["keep"],
                                         fields["note"])
    except FrontaidError as err:
        return _flags_page(request, sess, fields["all"] == "1", status_code=err.http_status,
                           error=err.text(lang), failed=fields["id"])
    done = gettext("Flag {id} resolved: {decision}.", lang).format(id=result["id"],
                                                                   decision=result["decision"])
    return _flags_page(request, sess, fields["all"] == "1", done=done)


class Resolve(BaseModel):
    id: str = Field(description="The flag's id, as GET /api/flags gives it.")
    keep: str = Field(description="both / a hand-out code / an op id / ok, as the flag's kind asks.")
    note: str | None = Field(None, description="Why (kept with the decision).")


@router.get("/api/flags", tags=["flags"],
            summary="The flags merging could not decide alone (open ones unless include_resolved)")
def api_flags(request: Request, include_resolved: bool = Query(False),
              sess: Session = Depends(need("flags"))) -> dict[str, Any]:
    flags, taken = _all_flags(request)
    return {"flags": [f for f in flags if include_resolved or f["status"] == "open"], "as_of": as_of(taken)}


@router.post("/api/flags/resolve", tags=["flags"],
             summary="Resolve a flag: keep both, one hand-out, one change, or ok (`frontaid flags resolve`)")
def api_flags_resolve(body: Resolve, request: Request,
                      sess: Session = Depends(need_post("flags"))) -> dict[str, Any]:
    return _resolve(request, sess, body.id, body.keep, body.note)
