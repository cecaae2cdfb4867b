"""Incidents: the form, the list, and harm in 24 hours and 7 days.

The page and the JSON API call the same functions here, which call the same
action and queries as `frontaid incident` on the CLI.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from frontaid.actions import incidents
from frontaid.actions import validate as check
from frontaid.domain.localtime import typed
from frontaid.errors import FrontaidError
from frontaid.queries import aid, registry
from frontaid.store.replica import Replica
from frontaid.web import auth, desk
from frontaid.web.auth import language, sees_names, without_names
from frontaid.web.board import zone_names
from frontaid.web.render import render
from frontaid.web.users import Session

LIST_LIMIT = 100
FORM_FIELDS = ("kind", "zone", "at", "killed", "wounded", "site", "lat", "lon", "note")

router = APIRouter()


def harm(rep: Replica, now: datetime | None = None) -> dict[str, Any]:
    """Incidents, killed and wounded in the last 24 hours and 7 days, in total and per zone (7 days)."""
    now = now or datetime.now(UTC)
    return {"24h": aid.harm(rep, 24, now), "7d": aid.harm(rep, 24 * 7, now),
            "by_zone_7d": aid.harm_by_zone(rep, 24 * 7, now)}


def recent(rep: Replica, role: str, zone: str | None = None, limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
    rows = aid.list_incidents(rep, zone=check.zone(rep, zone) if zone else None, limit=limit)
    return rows if sees_names(role) else without_names(rows)


def site_choices(rep: Replica, lang: str) -> list[dict[str, Any]]:
    return [{"eid": s["eid"], "name": s["name_en"] if lang == "en" and s["name_en"] else s["name"]}
            for s in registry.list_sites(rep)]


def report(rep: Replica, actor: str, f: dict[str, Any]) -> str:
    return incidents.report_incident(
        rep, actor, kind=f.get("kind") or "", zone=f.get("zone") or "", at=f.get("at") or None,
        killed=f["killed"] if f.get("killed") not in (None, "") else 0,
        wounded=f["wounded"] if f.get("wounded") not in (None, "") else 0,
        site=f.get("site") or None,
        lat=None if f.get("lat") in (None, "") else check.coordinate(f["lat"], "latitude"),
        lon=None if f.get("lon") in (None, "") else check.coordinate(f["lon"], "longitude"),
        note=f.get("note") or None)


def _page(request: Request, sess: Session, zone: str = "", status_code: int = 200, **extra: Any) -> Response:
    lang = language(request)
    with desk.replica(request) as rep:
        ctx: dict[str, Any] = {"zone": zone, "zones": zone_names(rep, lang), "harm": harm(rep),
                               "sites": site_choices(rep, lang)}
        try:
            ctx["incidents"] = recent(rep, sess.role, zone)
        except FrontaidError as err:
            ctx.update(incidents=recent(rep, sess.role), zone="", error=err.text(lang))
            status_code = err.http_status
    ctx.setdefault("form", {})
    ctx.update(extra)
    return render(request, "incidents.html", sess, status_code=status_code, names=sees_names(sess.role),
                  site_names={s["eid"]: s["name"] for s in ctx["sites"]}, **ctx)


@router.get("/incidents", response_class=HTMLResponse, include_in_schema=False)
def incidents_page(request: Request, zone: str = "", added: str = "",
                   sess: Session = Depends(auth.need("incidents"))) -> Response:
    return _page(request, sess, zone, added=added)


@router.post("/incidents/add", response_class=HTMLResponse, include_in_schema=False)
async def incidents_add(request: Request,
                        sess: Session = Depends(auth.need_post("incident_add"))) -> Response:
    form = await request.form()
    f = {k: str(form.get(k) or "").strip() for k in FORM_FIELDS}
    with desk.replica(request) as rep:
        try:
            # The form's time is the town's clock (the API's is UTC): stored as UTC.
            code = report(rep, sess.name, {**f, "at": typed(f["at"])})
        except FrontaidError as err:
            error, status = err.text(language(request)), err.http_status
        else:
            return RedirectResponse(f"/incidents?added={code}", status_code=303)
    return _page(request, sess, status_code=status, error=error, form=f)


class Incident(BaseModel):
    kind: str = Field(description="shelling, airstrike, rocket, mortar, fire, mine, crossing-damage, other.")
    zone: str = Field(description="The zone's id or name.")
    at: str | None = Field(None, description="When, YYYY-MM-DD HH:MM in UTC (default: now).")
    killed: int = 0
    wounded: int = 0
    site: str | None = Field(None, description="A site hit, e.g. a crossing.")
    lat: float | None = None
    lon: float | None = None
    note: str | None = None


@router.get("/api/incidents", tags=["incidents"],
            summary="Recent incidents (newest first) and harm in 24 hours and 7 days")
def api_incidents(request: Request, zone: str = "", limit: int = LIST_LIMIT,
                  sess: Session = Depends(auth.need("incidents"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        return {"harm": harm(rep), "incidents": recent(rep, sess.role, zone, max(1, min(limit, 1000)))}


@router.get("/api/harm", tags=["incidents"],
            summary="Incidents, killed and wounded in the last 24 hours and 7 days, and per zone")
def api_harm(request: Request, sess: Session = Depends(auth.need("incidents"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        return harm(rep)


@router.post("/api/incidents", status_code=201, tags=["incidents"], summary="Report an incident")
def api_report(body: Incident, request: Request,
               sess: Session = Depends(auth.need_post("incident_add"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        code = report(rep, sess.name, body.model_dump())
    return {"incident": code}
