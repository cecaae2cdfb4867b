"""The dashboard (the figures of `frontaid status`, with small charts) and the flags queue.

Both read the whole replica: at 100,000 households the figures take about half a
second and the flags as long (the double hand-out check groups every hand-out).
So each is kept as a snapshot (`Snapshot`): exact while nothing changes (the
replica's state digest, updated by every op recorded or received, is its key),
about `REFRESH` seconds behind at most while writes keep coming, and refreshed in the
background so that only the very first request waits for it. Every page and
answer says when its snapshot was taken. Resolving a flag here drops the flags
snapshot, so the queue shows the decision at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
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
from frontaid.queries import status as status_queries
from frontaid.store.replica import Replica
from frontaid.web import desk
from frontaid.web.auth import CSRF_FIELD, language, need, need_post
from frontaid.web.render import render
from frontaid.web.replicas import ReplicaPool
from frontaid.web.users import Session

# A snapshot younger than this is served even if writes came since; older, it is refreshed.
REFRESH = 30.0
# Even with no write, figures that depend on the clock (today, the last 24 hours) are redone.
MAX_AGE = 60.0

# What each kind of flag is (the same words as `frontaid flags`).
FLAG_KINDS = {
    "double-handout": "handed out twice in one round", "stock-negative": "stock below zero",
    "conflict": "conflicting changes", "changed-after-merge": "changed after a merge",
    "changed-after-void": "changed after it was voided", "gap": "changes missing from a device",
    "clock-ahead": "a device's clock is far ahead",
}


class Snapshot:
    """A value computed from the whole replica, kept while it is fresh enough (see the module)."""

    def __init__(self, compute: Callable[[Replica], Any]) -> None:
        self.compute = compute
        self.value: Any = None
        self.digest: str | None = None
        self.taken = 0.0      # wall time of the snapshot, for the page
        self._mono = 0.0
        self._generation = 0  # bumped by `drop()`: a refresh begun before it is thrown away
        self._lock = threading.Lock()          # held while computing
        self._starting = threading.Lock()      # held only to start one background refresh
        self._refreshing = False

    def get(self, pool: ReplicaPool) -> tuple[Any, float]:
        """The value and the time it was taken."""
        with pool.borrow() as rep:
            digest = rep.state_digest()
        value, taken, age = self.value, self.taken, time.monotonic() - self._mono
        if value is not None:
            if (digest == self.digest and age < MAX_AGE) or age < REFRESH:
                return value, taken
            self._refresh_in_background(pool)
            return value, taken
        with self._lock:  # the first request: compute once, the others wait for it
            while self.value is None:  # (again if a `drop()` came while computing)
                self._take(pool)
            return self.value, self.taken

    def drop(self) -> None:
        """Forget the value: the next request computes it again (after a change made here)."""
        self._generation += 1
        self.value = None

    def _take(self, pool: ReplicaPool) -> None:
        generation = self._generation
        with pool.borrow() as rep:
            digest = rep.state_digest()
            value = self.compute(rep)
        if generation == self._generation:
            self.value, self.digest, self.taken, self._mono = value, digest, time.time(), time.monotonic()

    def _refresh_in_background(self, pool: ReplicaPool) -> None:
        with self._starting:  # not `_lock`: a request must not wait for a refresh in progress
            if self._refreshing:
                return
            self._refreshing = True

        def run() -> None:
            try:
                with self._lock:
                    self._take(pool)
            except Exception:  # noqa: BLE001 - the app is closing, or the file went away: keep the old value
                pass
            finally:
                self._refreshing = False

        threading.Thread(target=run, name="frontaid-snapshot", daemon=True).start()


_making = threading.Lock()


def _snapshot(request: Request, name: str, compute: Callable[[Replica], Any]) -> Snapshot:
    state = request.app.state
    snap = getattr(state, name, None)
    if snap is None:
        with _making:
            snap = getattr(state, name, None)
            if snap is None:
                snap = Snapshot(compute)
                setattr(state, name, snap)
    return snap


def _every_flag(rep: Replica) -> list[dict[str, Any]]:
    """Open and resolved flags, once each: `list_flags(include_resolved=True)` gives a resolved flag
    that is still derived twice (derived, and the record its resolution made), the second without detail."""
    out: dict[str, dict[str, Any]] = {}
    for flag in flag_queries.list_flags(rep, include_resolved=True):
        if flag["id"] not in out or not out[flag["id"]]["detail"]:
            out[flag["id"]] = flag
    return list(out.values())


def _figures(request: Request) -> tuple[dict[str, Any], float]:
    value, taken = _snapshot(request, "figures_snapshot", status_queries.dashboard).get(
        request.app.state.replicas)
    return value, taken


def _all_flags(request: Request) -> tuple[list[dict[str, Any]], float]:
    value, taken = _snapshot(request, "flags_snapshot", _every_flag).get(request.app.state.replicas)
    return value, taken


def _as_of(taken: float) -> str:
    return datetime.fromtimestamp(taken, UTC).isoformat(timespec="seconds")


# -- charts ------------------------------------------------------------------------------

def _bars(rows: list[tuple[str, float, str]]) -> list[dict[str, Any]]:
    """(label, value, text) rows with each bar's share of the longest, for `dashboard_charts.html`."""
    top = max((v for _, v, _ in rows), default=0) or 1
    return [{"label": label, "value": value, "text": text, "share": value / top}
            for label, value, text in rows]


def charts(fig: dict[str, Any], lang: str) -> dict[str, Any]:
    """The dashboard's charts as plain rows, labels in `lang`; the template draws them as SVG."""
    def word(table: dict[str, str], slug: str) -> str:
        return gettext(table.get(slug, slug), lang)

    needs = _bars([(word(vocab.NEEDS, n), k, str(k)) for n, k in fig["open_requests"].items()])
    cover = []
    for s in fig["stock"]:
        days = s["days_of_cover"]
        text = (gettext("{qty} · {days} days", lang).format(qty=s["qty"], days=days) if days is not None
                else gettext("{qty} · not used lately", lang).format(qty=s["qty"]))
        cover.append((word(vocab.ITEMS, s["item"]), days or 0, text))
    answers = _bars([(word(vocab.EVAC_ANSWERS, a), n, str(n))
                     for a, n in sorted(fig["evacuation"]["answers"].items(), key=lambda kv: -kv[1])])
    reasons = _bars([(word(vocab.EVAC_REASONS, r), n, str(n))
                     for r, n in sorted(fig["evacuation"]["refusal_reasons"].items(), key=lambda kv: -kv[1])])
    days = fig["harm_by_day"]
    top = max((d["killed"] + d["wounded"] for d in days), default=0) or 1
    harm = [{**d, "label": d["day"][8:], "killed_share": d["killed"] / top,
             "wounded_share": d["wounded"] / top} for d in days]
    return {"needs": needs, "cover": _bars(cover), "answers": answers, "reasons": reasons, "harm": harm,
            "harm_top": top}


# -- flags, explained --------------------------------------------------------------------

def explain(flag: dict[str, Any], lang: str) -> dict[str, Any]:
    """A flag as the queue shows it: what it is, what it is about, and the choices of `keep`."""
    d, kind = flag["detail"], flag["kind"]
    lines: list[str] = []
    choices: list[tuple[str, str]] = []
    if flag["status"] == "resolved" and not d:
        pass  # a resolved flag no longer derived (e.g. one hand-out voided): only the decision is left
    elif kind == "double-handout":
        item = gettext(vocab.ITEMS.get(d["item"], d["item"]), lang)
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
        elif d.get("ops"):
            lines.append(gettext("Changes not seen: {ops}", lang).format(ops=", ".join(d["ops"])))
        elif d:
            lines.append(", ".join(f"{k}: {v}" for k, v in sorted(d.items())))
        choices.append(("ok", gettext("Dealt with", lang)))
    household = flag["subject"] if kind == "double-handout" else None
    return {**flag, "what": gettext(FLAG_KINDS.get(kind, kind), lang), "lines": lines, "choices": choices,
            "household": household}


# -- routes ------------------------------------------------------------------------------

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard_page(request: Request, sess: Session = Depends(need("dashboard"))) -> Response:
    fig, taken = _figures(request)
    lang = language(request)
    return render(request, "dashboard.html", sess, fig=fig, charts=charts(fig, lang), as_of=_as_of(taken))


def _flags_page(request: Request, sess: Session, show_all: bool, status_code: int = 200,
                **notice: Any) -> Response:
    flags, taken = _all_flags(request)
    lang = language(request)
    shown = [explain(f, lang) for f in flags if show_all or f["status"] == "open"]
    return render(request, "flags.html", sess, status_code=status_code, flags=shown, show_all=show_all,
                  as_of=_as_of(taken), open_count=sum(f["status"] == "open" for f in flags), **notice)


@router.get("/flags", response_class=HTMLResponse, include_in_schema=False)
def flags_page(request: Request, all: bool = False, sess: Session = Depends(need("flags"))) -> Response:
    return _flags_page(request, sess, all)


def _resolve(request: Request, sess: Session, flag_id: str, keep: str, note: str | None) -> dict[str, Any]:
    # The writer lock spans the action's look at the flag and its write: two coordinators
    # resolving one flag at once get one resolution and one "already resolved".
    with desk.writer(request) as rep:
        result = flag_actions.resolve(rep, sess.name, flag_id, keep=keep, note=note or None)
    _snapshot(request, "flags_snapshot", _every_flag).drop()
    _snapshot(request, "figures_snapshot", status_queries.dashboard).drop()  # a voided hand-out moves stock
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


@router.get("/api/status", tags=["figures"],
            summary="The figures of `frontaid status` and harm by day over 14 days (no names)")
def api_status(request: Request, sess: Session = Depends(need("dashboard"))) -> dict[str, Any]:
    fig, taken = _figures(request)
    return {**fig, "as_of": _as_of(taken)}


@router.get("/api/flags", tags=["flags"],
            summary="The flags merging could not decide alone (open ones unless include_resolved)")
def api_flags(request: Request, include_resolved: bool = Query(False),
              sess: Session = Depends(need("flags"))) -> dict[str, Any]:
    flags, taken = _all_flags(request)
    return {"flags": [f for f in flags if include_resolved or f["status"] == "open"], "as_of": _as_of(taken)}


@router.post("/api/flags/resolve", tags=["flags"],
             summary="Resolve a flag: keep both, one hand-out, one change, or ok (`frontaid flags resolve`)")
def api_flags_resolve(body: Resolve, request: Request,
                      sess: Session = Depends(need_post("flags"))) -> dict[str, Any]:
    return _resolve(request, sess, body.id, body.keep, body.note)


__all__ = ["CSRF_FIELD", "FLAG_KINDS", "Snapshot", "charts", "explain", "router"]
