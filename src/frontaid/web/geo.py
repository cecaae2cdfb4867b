"""The map: zones coloured by recent danger, sites, open requests, bodies awaiting recovery.

Served with vendored Leaflet and the town's own GeoJSON: no tile server. The page
draws what `/api/map.geojson` returns, and lists the zones in a table that works
without JavaScript.

Bodies awaiting recovery are what the town records them as: requests of need
`body-recovery` not yet done (where the body lies), and deaths with no burial place
recorded (at the household's position). People's positions are personal: the
analyst gets zones, sites and incidents, and per zone only counts of open requests
and bodies.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from frontaid.actions import validate as check
from frontaid.domain import vocab
from frontaid.domain.localtime import shown, to_utc, town_hhmm
from frontaid.i18n import gettext, ngettext
from frontaid.queries import aid, registry
from frontaid.queries import plan as planq
from frontaid.queries.places import centroid
from frontaid.queries.registry import zone_shapes
from frontaid.store.replica import Replica
from frontaid.web import auth, desk
from frontaid.web.auth import language, sees_names
from frontaid.web.render import render
from frontaid.web.users import Session

WINDOW_DAYS = 7


def N_(msgid: str) -> str:
    """Marks a msgid for extraction; translated where it is shown."""
    return msgid


# Danger level of a zone from its last 7 days: (level, fill colour, legend msgid, lowest score).
# Score = incidents + 2 × wounded + 5 × killed. In the demo town a quiet week scores 1-15 per zone
# and the last week of the siege 10-93: the steps keep those weeks apart.
DANGER: tuple[tuple[str, str, str, int], ...] = (
    ("none", "#cfe3c6", N_("quiet: no incidents"), 0),
    ("low", "#ffe08a", N_("some danger"), 1),
    ("medium", "#f59b42", N_("dangerous"), 10),
    ("high", "#d7301f", N_("very dangerous"), 40),
)
CROSSING_COLOURS = {"open": "#1a9641", "damaged": "#f08a00", "destroyed": "#7f0000"}
# Streets by the danger model (plan/danger.py) at the map's hour: (lowest danger, colour). The
# router prices the same numbers, so a red street here is one the day's routes go around.
STREET_DANGER: tuple[tuple[float, str], ...] = ((0.3, "#f59b42"), (1.0, "#d7301f"), (3.0, "#67000d"))

router = APIRouter()


def danger(h: dict[str, int]) -> tuple[str, str]:
    """(level, colour) for a zone's harm: the dead weigh more than the wounded, both more than noise."""
    score = h["incidents"] + 2 * h["wounded"] + 5 * h["killed"]
    level, colour = DANGER[0][0], DANGER[0][1]
    for name, fill, _legend, lowest in DANGER:
        if score >= lowest:
            level, colour = name, fill
    return level, colour


def map_centre(zones: list[dict[str, Any]]) -> tuple[float, float]:
    """(lat, lon) where the map opens: the middle of the box around every zone's outline
    ((0, 0) before any zone has one)."""
    points = [p for z in zones if z["geometry"] and z["geometry"].get("type") == "Polygon"
              for p in z["geometry"]["coordinates"][0]]
    points += [p for z in zones if z["geometry"] and z["geometry"].get("type") == "MultiPolygon"
               for poly in z["geometry"]["coordinates"] for p in poly[0]]
    if not points:
        return (0.0, 0.0)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)


def _point(lon: float | None, lat: float | None,
           fallback: tuple[float, float] | None) -> dict[str, Any] | None:
    if lat is not None and lon is not None:
        return {"type": "Point", "coordinates": [lon, lat]}
    if fallback is not None:
        return {"type": "Point", "coordinates": list(fallback)}
    return None


# Said in the popup of a point that has no position of its own.
AT_CENTRE = N_("Drawn at the zone's centre: no exact address on record.")


def _feature(geometry: dict[str, Any] | None, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _title(row: dict[str, Any], lang: str) -> str:
    return str((row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name")) or row["eid"])


def until_moment(until: str | None) -> datetime:
    """The end of the danger window: now, or the moment asked for (to look back at a past week),
    typed on the town's clock (Kyiv) and returned as UTC."""
    if not until:
        return datetime.now(UTC)
    local = datetime.fromisoformat(check.moment(until))
    return to_utc(local.date(), local.time()).replace(tzinfo=UTC)


def zones(rep: Replica, lang: str, now: datetime) -> list[dict[str, Any]]:
    """Each zone with its geometry, harm of the last 7 days, danger level and open requests."""
    harm = aid.harm_by_zone(rep, 24 * WINDOW_DAYS, now)
    open_by_zone = aid.open_requests_by_zone(rep)
    out = []
    for z in zone_shapes(rep):
        h = harm.get(z["eid"], {"incidents": 0, "killed": 0, "wounded": 0})
        level, colour = danger(h)
        geometry = json.loads(z["geometry"]) if z["geometry"] else None
        o = open_by_zone.get(z["eid"], {"open_requests": 0, "bodies": 0})
        out.append({"eid": z["eid"], "title": _title(z, lang), "geometry": geometry, **h,
                    "danger": level, "colour": colour, "danger_text": gettext(_legend(level), lang),
                    "open_requests": o["open_requests"], "bodies": o["bodies"] or 0})
    return out


def _legend(level: str) -> str:
    return next(legend for name, _fill, legend, _low in DANGER if name == level)


def feature_collection(rep: Replica, role: str, lang: str, now: datetime) -> dict[str, Any]:
    """The map's layers as one GeoJSON FeatureCollection; each feature says its `layer`."""
    def _(msgid: str) -> str:
        return gettext(msgid, lang)

    def _n(singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n, lang).format(n=n)

    features: list[dict[str, Any]] = []
    centre: dict[str, tuple[float, float] | None] = {}
    zone_rows = zones(rep, lang, now)
    titles = {z["eid"]: z["title"] for z in zone_rows}
    for z in zone_rows:
        centre[z["eid"]] = centroid(z["geometry"])
        popup = [z["title"], z["danger_text"],
                 f'{_("Last 7 days")}: {_n("{n} incident", "{n} incidents", z["incidents"])}, '
                 f'{_n("{n} killed", "{n} killed", z["killed"])}, '
                 f'{_n("{n} wounded", "{n} wounded", z["wounded"])}',
                 f'{_("Open requests")}: {z["open_requests"]}',
                 f'{_("Bodies awaiting recovery")}: {z["bodies"]}']
        features.append(_feature(z["geometry"], layer="zone", popup=popup,
                                 **{k: v for k, v in z.items() if k != "geometry"}))
    for s in registry.list_sites(rep):
        state = s["state"]
        colour = CROSSING_COLOURS.get(state or "", "#555") if s["kind"] == "crossing" else (
            "#00807f" if s["kind"] == "shelter" else "#2d4a8a")
        kind_text = _(vocab.SITE_KINDS.get(s["kind"], s["kind"]))
        state_text = _(vocab.CROSSING_STATES.get(state, state)) if s["kind"] == "crossing" and state else None
        popup = [_title(s, lang), kind_text] + ([state_text] if state_text else [])
        approx = s["lat"] is None or s["lon"] is None
        features.append(_feature(_point(s["lon"], s["lat"], centre.get(s["zone"])), layer="site",
                                 eid=s["eid"], title=_title(s, lang), kind=s["kind"], state=state,
                                 zone=s["zone"], colour=colour, approximate=approx,
                                 popup=popup + ([_(AT_CENTRE)] if approx else [])))
    features += danger_features(rep, now, lang)
    for i in aid.list_incidents(rep, since=now - timedelta(days=WINDOW_DAYS), limit=2000):
        if i["at"] and i["at"] > now.strftime("%Y-%m-%dT%H:%M"):
            continue
        approx = i["lat"] is None or i["lon"] is None
        popup = [_(vocab.INCIDENT_KINDS.get(i["kind"], i["kind"])), shown(i["at"], lang),
                 f'{_n("{n} killed", "{n} killed", i["killed"] or 0)}, '
                 f'{_n("{n} wounded", "{n} wounded", i["wounded"] or 0)}']
        popup += [_(AT_CENTRE)] if approx else []
        features.append(_feature(_point(i["lon"], i["lat"], centre.get(i["zone"])), layer="incident",
                                 eid=i["eid"], kind=i["kind"], at=i["at"], zone=i["zone"], killed=i["killed"],
                                 wounded=i["wounded"], approximate=approx, popup=popup))
    if not sees_names(role):
        return _collection(features, now)
    for r in aid.open_requests_located(rep):
        body = r["need"] == "body-recovery"
        popup = [_(vocab.NEEDS.get(r["need"], r["need"])) + " · " + _(vocab.URGENCIES.get(r["urgency"], "")),
                 f'{r["eid"]} · {_(vocab.REQUEST_STATES.get(r["status"], r["status"]))}',
                 titles.get(r["zone"], r["zone"] or "")]
        popup += [x for x in (r["household"], r["reported_by"], r["note"]) if x]
        if r["lat"] is None:
            popup.append(_(AT_CENTRE))
        features.append(_feature(_point(r["lon"], r["lat"], centre.get(r["zone"])),
                                 layer="body" if body else "request", eid=r["eid"], need=r["need"],
                                 urgency=r["urgency"], status=r["status"], household=r["household"],
                                 zone=r["zone"], team=r["team"], reported_by=r["reported_by"],
                                 approximate=r["lat"] is None, popup=popup))
    for d in aid.deaths_without_burial(rep):
        popup = [_("Death, no burial recorded"), d["name"] or d["eid"], shown(d["died_on"], lang),
                 d["death_place"] or "", d["household"] or "", _(AT_CENTRE) if d["lat"] is None else ""]
        features.append(_feature(_point(d["lon"], d["lat"], centre.get(d["zone"])), layer="death",
                                 eid=d["eid"], household=d["household"], zone=d["zone"], died_on=d["died_on"],
                                 name=d["name"], approximate=d["lat"] is None, popup=[p for p in popup if p]))
    return _collection(features, now)


def danger_features(rep: Replica, now: datetime, lang: str) -> list[dict[str, Any]]:
    """Streets the danger model finds dangerous at `now`'s hour, one line each (the map's danger layer)."""
    out = []
    when = now.replace(tzinfo=None)
    for seg in planq.danger_segments(rep, when, STREET_DANGER[0][0]):
        colour = STREET_DANGER[0][1]
        for lowest, fill in STREET_DANGER:
            if seg["danger"] >= lowest:
                colour = fill
        out.append(_feature({"type": "LineString", "coordinates": seg["coordinates"]}, layer="danger",
                            eid=f'street-{seg["edge"]}', danger=seg["danger"], colour=colour,
                            popup=[gettext("Dangerous street at {time}", lang).format(
                                time=town_hhmm(when)), f'{seg["danger"]:.1f}']))
    return out


def _collection(features: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features,
            "meta": {"until": now.strftime("%Y-%m-%dT%H:%M"), "window_days": WINDOW_DAYS,
                     "danger": [{"level": n, "colour": c, "lowest_score": low} for n, c, _l, low in DANGER]}}


@router.get("/map", response_class=HTMLResponse, include_in_schema=False)
def map_page(request: Request, until: str = "", q: str = "", focus: str = "",
             sess: Session = Depends(auth.need("map"))) -> Response:
    from frontaid.web.mapfocus import locate

    lang = language(request)
    now = until_moment(until)
    with desk.replica(request) as rep:
        zone_rows = zones(rep, lang, now)
        found = locate(rep, sess.role, lang, focus or q) if (focus or q) else None
    layers = {"zone": N_("Zones"), "danger": N_("Dangerous streets at this hour"), "site": N_("Sites"),
              "incident": N_("Incidents (7 days)"),
              "request": N_("Open requests"), "body": N_("Bodies awaiting recovery"),
              "death": N_("Death, no burial recorded")}
    if not sees_names(sess.role):
        layers = {k: v for k, v in layers.items() if k in ("zone", "danger", "site", "incident")}
    labels = {k: gettext(v, lang) for k, v in layers.items()}
    src = "/api/map.geojson" + (f"?until={now.strftime('%Y-%m-%dT%H:%M')}" if until else "")
    return render(request, "map.html", sess, zones=zone_rows, labels=labels, src=src,
                  centre=list(map_centre(zone_rows)),
                  legend=[(colour, gettext(text, lang)) for _n, colour, text, _low in DANGER],
                  crossing=[(colour, gettext(vocab.CROSSING_STATES[state], lang))
                            for state, colour in CROSSING_COLOURS.items()],
                  until=now.strftime("%Y-%m-%dT%H:%M"), q=q, found=found, looked=bool(focus or q))


@router.get("/api/map.geojson", tags=["map"],
            summary="The map's layers as GeoJSON: zones with danger levels, sites, incidents, open requests, "
                    "bodies awaiting recovery (no people's positions for analysts)")
def map_geojson(request: Request, until: str = "", sess: Session = Depends(auth.need("map"))) -> Response:
    lang = language(request)
    now = until_moment(until)
    with desk.replica(request) as rep:
        fc = feature_collection(rep, sess.role, lang, now)
    return JSONResponse(fc, media_type="application/geo+json")
