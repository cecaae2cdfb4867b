"""The day's plan on the web: the routes on the map and a printable run sheet per team.

The page reads the stored plan (the ops `frontaid plan day` recorded), so a field
laptop shows the same run sheet after a sync. No inline script: the map is drawn
by static/plan.js from `/api/plan.geojson`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from frontaid.actions.plan import reason_text
from frontaid.domain import vocab
from frontaid.domain.localtime import town_hhmm
from frontaid.errors import NotFound
from frontaid.i18n import gettext
from frontaid.queries import plan as pq
from frontaid.scenario.geography import CENTRE
from frontaid.web import auth, desk
from frontaid.web.auth import language
from frontaid.web.render import render
from frontaid.web.users import Session

TEAM_COLOURS = ("#1f5fbf", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#444")
KINDS = {
    "delivery": "home delivery",
    "request": "request",
    "welfare": "welfare check",
    "evacuation": "evacuation",
    "body": "body recovery",
}
VEHICLES = {"van": "van", "foot": "on foot"}

router = APIRouter()


def _plan(request: Request, code: str) -> dict[str, Any]:
    with desk.replica(request) as rep:
        p = pq.plan(rep, code) if code else pq.latest_plan(rep)
    if p is None:
        raise NotFound(what="plan", code=code or "-")
    return p


def _sheet(p: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Each team with its visits in order, words in `lang`."""
    out = []
    for i, t in enumerate(p["teams"]):
        visits = []
        for v in (v for v in p["visits"] if v["team"] == t["name"]):
            visits.append(
                {
                    **v,
                    "eta": town_hhmm(v["eta"]) if v["eta"] else "",  # stored UTC, read on Kyiv's clock
                    "kind_text": gettext(KINDS.get(v["kind"], v["kind"]), lang),
                    "why_text": v["why"] if lang == "uk" else v["why_en"],
                    "bring_text": ", ".join(
                        f"{gettext(vocab.ITEM_NAMES.get(k, k), lang)} × {n}" for k, n in v["bring"].items()
                    ),
                }
            )
        out.append(
            {
                **t,
                "colour": TEAM_COLOURS[i % len(TEAM_COLOURS)],
                "vehicle_text": gettext(VEHICLES.get(t["vehicle"], t["vehicle"]), lang),
                "km": round(t["length_m"] / 1000, 1),
                "visits_list": visits,
            }
        )
    return out


@router.get("/plan", response_class=HTMLResponse, include_in_schema=False)
def plan_page(request: Request, plan: str = "", sess: Session = Depends(auth.need("plan"))) -> Response:
    lang = language(request)
    with desk.replica(request) as rep:
        p = pq.plan(rep, plan) if plan else pq.latest_plan(rep)
    if p is None:
        return render(request, "plan.html", sess, plan=None, teams=[], left=[], centre=list(CENTRE))
    left = [{**x, "why": reason_text(x["reason"], x["params"], lang)} for x in p["left_out"][:200]]
    return render(
        request,
        "plan.html",
        sess,
        plan=p,
        teams=_sheet(p, lang),
        left=left,
        more=max(0, len(p["left_out"]) - len(left)),
        centre=list(CENTRE),
        src=f"/api/plan.geojson?plan={p['eid']}",
    )


@router.get("/plan/sheet/{team}", response_class=HTMLResponse, include_in_schema=False)
def run_sheet(
    request: Request, team: str, plan: str = "", sess: Session = Depends(auth.need("plan"))
) -> Response:
    """One team's run sheet, made to be printed (A4, no navigation)."""
    lang = language(request)
    p = _plan(request, plan)
    teams = [t for t in _sheet(p, lang) if t["name"] == team]
    if not teams:
        raise NotFound(what="team", code=team)
    return render(request, "plan_sheet.html", sess, plan=p, team=teams[0])


@router.get(
    "/api/plan.geojson",
    tags=["plan"],
    summary="The day's plan as GeoJSON: each team's route as a line, each visit as a point",
)
def plan_geojson(request: Request, plan: str = "", sess: Session = Depends(auth.need("plan"))) -> Response:
    lang = language(request)
    p = _plan(request, plan)
    features: list[dict[str, Any]] = []
    for t in _sheet(p, lang):
        line = [[lon, lat] for lat, lon in p["routes"].get(t["name"], [])]
        if len(line) > 1:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": line},
                    "properties": {
                        "layer": "route",
                        "team": t["name"],
                        "colour": t["colour"],
                        "popup": [
                            f"{gettext('Team', lang)} {t['name']}",
                            t["vehicle_text"],
                            f"{t['km']} km, {t['minutes']} min",
                        ],
                    },
                }
            )
        for v in t["visits_list"]:
            if v["lat"] is None or v["lon"] is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [v["lon"], v["lat"]]},
                    "properties": {
                        "layer": "visit",
                        "team": t["name"],
                        "colour": t["colour"],
                        "eid": v["eid"],
                        "seq": v["seq"],
                        "done": v["done"],
                        "popup": [
                            f"{v['seq']}. {v['eta']} · {v['household']}",
                            v["kind_text"],
                            v["address"] or "",
                            v["why_text"] or "",
                        ],
                    },
                }
            )
    return JSONResponse(
        {"type": "FeatureCollection", "features": features, "plan": p["eid"]},
        media_type="application/geo+json",
    )
