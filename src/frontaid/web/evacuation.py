"""The evacuation answer, recorded from the household page (issue 12): an offer made today and the
household's answer, a refusal with its reason ("has animals", "will not leave home"...) respected."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontaid.actions import evacuation
from frontaid.errors import BadInput, FrontaidError, NotFound
from frontaid.web import desk
from frontaid.web.auth import language, need_post, sees_names
from frontaid.web.registry import _ctx, household_view
from frontaid.web.render import render
from frontaid.web.users import Session

router = APIRouter()


@router.post("/registry/household/{code}/evacuation", response_class=HTMLResponse, include_in_schema=False)
async def evacuation_answer(request: Request, code: str,
                            sess: Session = Depends(need_post("register"))) -> Response:
    form = await request.form()
    fields = {k: str(form.get(k) or "").strip() for k in ("answer", "reason", "note")}
    lang = language(request)
    with desk.replica(request) as rep:
        try:
            if fields["answer"] == "refused" and not fields["reason"]:
                raise BadInput("Choose why they refuse: the next offer can answer it.")
            evacuation.offer(rep, sess.name, household=code, answer=fields["answer"] or "undecided",
                             reason=fields["reason"] or None, note=fields["note"] or None)
        except FrontaidError as err:
            if isinstance(err, NotFound) and err.params.get("what") == "household":
                raise
            hh = household_view(rep, code, sess.role, lang)
            return render(request, "household.html", sess, status_code=err.http_status, hh=hh,
                          new=False, names=sees_names(sess.role), evac_error=err.text(lang),
                          evac=fields, **_ctx(rep, lang))
    return RedirectResponse(f"/registry/household/{code}?evac=1#evacuation", status_code=303)


__all__ = ["router"]
