"""The panic wipe on the web: a coordinator holds a button for one second, and the hub's data is gone.

Not a form to fill in: under shelling nobody types a confirmation. Holding the button
for a second (mouse, finger or the space bar; static/wipe.js, no inline script) is the
confirmation, and letting go before then cancels. The wipe itself is store/protect.py's:
the key file first, then the files, then the server stops.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from frontaid.errors import BadInput
from frontaid.store.protect import wipe
from frontaid.web import auth
from frontaid.web.render import render
from frontaid.web.users import Session, users_path

HOLD_MS = 1000  # how long the button is held: one second, under stress
router = APIRouter()


@router.get("/wipe", response_class=HTMLResponse)
def wipe_page(request: Request, sess: Session = Depends(auth.need("wipe"))) -> HTMLResponse:
    return render(request, "wipe.html", sess, hold_ms=HOLD_MS, done=None)


@router.post("/wipe", response_class=HTMLResponse)
async def wipe_now(request: Request, sess: Session = Depends(auth.need_post("wipe"))) -> HTMLResponse:
    # The button's script sends how long it was held: a stray POST (a crawler, a replayed
    # request, a test walking every route) wipes nothing.
    form = await request.form() if request.headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded") else {}
    held = str(form.get("held", "0"))
    if not held.isdigit() or int(held) < HOLD_MS:
        raise BadInput("Nothing was wiped: hold the button for a full second.")
    pool: Any = request.app.state.replicas
    db = Path(pool.path)
    result = wipe(db, [users_path(db)])
    pool.close()
    stop = request.app.state.stop_serving
    if stop is not None:  # after the answer has gone out
        asyncio.get_running_loop().call_later(0.3, stop)
    response = render(request, "wipe.html", sess, hold_ms=HOLD_MS, done=result)
    response.delete_cookie(auth.SESSION_COOKIE)
    return response


__all__ = ["HOLD_MS", "router"]
