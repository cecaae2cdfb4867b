"""The dashboard: the figures of `frontaid status`, with small charts (a snapshot, web/snapshot.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from frontaid.domain import vocab
from frontaid.i18n import gettext
from frontaid.queries import status as status_queries
from frontaid.web.auth import language, need
from frontaid.web.render import render
from frontaid.web.snapshot import as_of, snapshot
from frontaid.web.users import Session

router = APIRouter()


def figures(request: Request) -> tuple[dict[str, Any], float]:
    value, taken = snapshot(request, "figures_snapshot", status_queries.dashboard).get(
        request.app.state.replicas)
    return value, taken


def drop_figures(request: Request) -> None:
    """Forget the figures: a change made here (a voided hand-out moves stock) shows at once."""
    snapshot(request, "figures_snapshot", status_queries.dashboard).drop()


# -- charts ------------------------------------------------------------------------------

def _bars(rows: list[tuple[str, float, str]]) -> list[dict[str, Any]]:
    """(label, value, text) rows with each bar's share of the longest, for `dashboard_charts.html`."""
    top = max((v for _, v, _ in rows), default=0) or 1
    return [{"label": label, "value": value, "text": text, "share": value / top}
            for label, value, text in rows]


def charts(fig: dict[str, Any], lang: str) -> dict[str, Any]:
    """The dashboard's charts as plain rows, labels in `lang`; the template draws them as SVG."""
    def word(table: Mapping[str, str], slug: str) -> str:
        return gettext(table.get(slug, slug), lang)

    needs = _bars([(word(vocab.NEEDS, n), k, str(k)) for n, k in fig["open_requests"].items()])
    cover = []
    for s in fig["stock"]:
        days = s["days_of_cover"]
        if not s.get("recorded", True):
            text = gettext("no stock recorded", lang)
        elif days is not None:
            text = gettext("{qty} · {days} days", lang).format(qty=s["qty"], days=days)
        else:
            text = gettext("{qty} · not used lately", lang).format(qty=s["qty"])
        cover.append((word(vocab.ITEM_NAMES, s["item"]), days or 0, text))
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



@router.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard_page(request: Request, sess: Session = Depends(need("dashboard"))) -> Response:
    fig, taken = figures(request)
    lang = language(request)
    return render(request, "dashboard.html", sess, fig=fig, charts=charts(fig, lang), as_of=as_of(taken))


@router.get("/api/status", tags=["figures"],
            summary="The figures of `frontaid status` and harm by day over 14 days (no names)")
def api_status(request: Request, sess: Session = Depends(need("dashboard"))) -> dict[str, Any]:
    fig, taken = figures(request)
    return {**fig, "as_of": as_of(taken)}
