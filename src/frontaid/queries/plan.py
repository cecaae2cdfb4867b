"""What planning reads: the street network, the incidents, who needs a visit, the stored plans.

The network is the one recorded by `frontaid map import` (the newest import), or
the demo town's own streets when the replica is the demo town and none was
imported. Crossing states come from the sites, so a bridge reported destroyed
on any device closes it for every planner after the next sync.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from frontaid.domain import vocab
from frontaid.domain.localtime import town_hhmm
from frontaid.i18n import gettext
from frontaid.plan import danger as dm
from frontaid.plan.network import Network, demo_network
from frontaid.plan.priority import Facts, Priority, score
from frontaid.queries import LIVE
from frontaid.store.replica import Replica

NETWORK_META = "plan.network"


def crossing_states(rep: Replica) -> dict[str, str]:
    return {
        eid: state or "open"
        for eid, state in rep.conn.execute(f"SELECT eid, state FROM sites WHERE {LIVE} AND kind = 'crossing'")
    }


def network_source(rep: Replica) -> str | None:
    """The id of the newest street import, or None."""
    row = rep.conn.execute(
        "SELECT source FROM streets WHERE created = 1 AND part = 0 ORDER BY c_hlc DESC, eid DESC LIMIT 1"
    ).fetchone()
    return None if row is None else str(row[0])


def is_demo_town(rep: Replica) -> bool:
    from frontaid.scenario.geography import ZONES

    have = {z for (z,) in rep.conn.execute(f"SELECT eid FROM zones WHERE {LIVE}")}
    return bool(have) and {z.slug for z in ZONES} <= have


def network(rep: Replica) -> Network | None:
    """The town's streets with today's crossing states; None when the town has none yet."""
    states = crossing_states(rep)
    source = network_source(rep)
    if source is None:
        return demo_network(states) if is_demo_town(rep) else None
    nodes: list[Any] = []
    edges: list[Any] = []
    for n, e in rep.conn.execute(
        "SELECT nodes, edges FROM streets WHERE created = 1 AND source = ? ORDER BY part", (source,)
    ):
        nodes.extend(json.loads(n or "[]"))
        edges.extend(json.loads(e or "[]"))
    return Network.from_rows(nodes, edges, states)


def zone_centres(rep: Replica) -> dict[str, tuple[float, float]]:
    """(lat, lon) of each zone's ring mean: where a record with no position of its own is placed.

    A MultiPolygon zone (a town split by a river, islands) is placed at its first part's ring,
    as the map places it (queries/places.py, `centroid`)."""
    out = {}
    for eid, geometry in rep.conn.execute(f"SELECT eid, geometry FROM zones WHERE {LIVE}"):
        try:
            shape = json.loads(geometry)
            ring = shape["coordinates"][0][0] if shape["type"] == "MultiPolygon" else shape["coordinates"][0]
        except (TypeError, ValueError, KeyError, IndexError):
            continue
        pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
        if pts:
            out[eid] = (sum(p[1] for p in pts) / len(pts), sum(p[0] for p in pts) / len(pts))
    return out


def incidents(rep: Replica, now: datetime) -> list[dm.Incident]:
    """Incidents the danger model counts at `now` (the last MAX_AGE_HOURS, none after now)."""
    since = (now - timedelta(hours=dm.MAX_AGE_HOURS)).strftime("%Y-%m-%dT%H:%M")
    centres = zone_centres(rep)
    rows = rep.rows(
        "SELECT eid, kind, zone, at, killed, wounded, lat, lon FROM incidents "
        f"WHERE {LIVE} AND at >= ? AND at <= ? ORDER BY at, eid",
        (since, now.strftime("%Y-%m-%dT%H:%M")),
    )
    out = []
    for r in rows:
        inc = dm.incident_from_row(r, centres.get(r["zone"]))
        if inc is not None:
            out.append(inc)
    return out


def danger_field(rep: Replica, net: Network, now: datetime) -> dm.DangerField:
    return dm.DangerField.build(net, incidents(rep, now), now)


def worst_streets(
    rep: Replica, at: datetime, limit: int = 10, lang: str | None = None
) -> list[dict[str, Any]]:
    """The most dangerous segments to pass at `at`'s hour, with the incidents that make them so."""
    net = network(rep)
    if net is None:
        return []
    field = danger_field(rep, net, at)
    hour = at.hour + at.minute / 60
    d = field.edge_danger(hour)
    order = [int(i) for i in np.argsort(-d, kind="stable")[:limit] if d[i] > 0]
    out = []
    for i in order:
        a, b = int(net.a[i]), int(net.b[i])
        reasons = []
        for inc, part in field.reasons(i, hour):
            age_h = int((at - inc.at).total_seconds() // 3600)
            reasons.append(
                gettext(
                    "{kind} {hours} h ago at {time}, {killed} killed, {wounded} wounded (weight {w:.1f})",
                    lang,
                ).format(
                    kind=gettext(vocab.INCIDENT_KINDS.get(inc.kind, inc.kind), lang),
                    hours=age_h,
                    time=town_hhmm(inc.at),
                    killed=inc.killed,
                    wounded=inc.wounded,
                    w=part,
                )
            )
        out.append(
            {
                "edge": i,
                "from": net.ids[a],
                "to": net.ids[b],
                "street": net.name[i] or None,
                "crossing": net.crossing[i],
                "danger": round(float(d[i]), 2),
                "lat": round(float(net.lat[a] + net.lat[b]) / 2, 6),
                "lon": round(float(net.lon[a] + net.lon[b]) / 2, 6),
                "reasons": reasons,
            }
        )
    return out


def danger_segments(rep: Replica, at: datetime, threshold: float = 0.2) -> list[dict[str, Any]]:
    """Segments whose danger at `at`'s hour is above `threshold`, as map lines (the map's danger layer)."""
    net = network(rep)
    if net is None:
        return []
    d = danger_field(rep, net, at).edge_danger(at.hour + at.minute / 60)
    out = []
    for i in np.nonzero(d > threshold)[0].tolist():
        a, b = int(net.a[i]), int(net.b[i])
        out.append(
            {
                "edge": i,
                "danger": round(float(d[i]), 2),
                "coordinates": [
                    [float(net.lon[a]), float(net.lat[a])],
                    [float(net.lon[b]), float(net.lat[b])],
                ],
            }
        )
    return out


# -- who needs a visit ------------------------------------------------------------------


def facts(rep: Replica, zone: str | None = None) -> list[Facts]:
    """Every household in town with what bears on a visit, one pass per table."""
    where, params = (f"{LIVE} AND status = 'active'", [])
    if zone:
        where += " AND zone = ?"
        params.append(zone)
    out: dict[str, Facts] = {}
    for eid, z, address, lat, lon, size, reg in rep.conn.execute(
        f"SELECT eid, zone, address, lat, lon, size, registered_on FROM households WHERE {where} "
        "ORDER BY eid",
        params,
    ):
        out[eid] = Facts(eid, z, address, lat, lon, int(size or 1), registered_on=reg)
    if not out:
        return []
    for hh, vulns in rep.conn.execute(
        f"SELECT household, vulnerabilities FROM people WHERE {LIVE} AND status = 'present' "
        "AND vulnerabilities IS NOT NULL"
    ):
        f = out.get(hh)
        if f is not None:
            f.vulnerabilities.update(v for v in vulns.split(",") if v)
    for eid, hh, need, urgency, opened in rep.conn.execute(
        f"SELECT eid, household, need, urgency, opened_at FROM requests WHERE {LIVE} "
        "AND status IN ('open', 'assigned', 'in-progress') AND household IS NOT NULL ORDER BY eid"
    ):
        f = out.get(hh)
        if f is not None:
            if need == "body-recovery":
                f.bodies += 1
            else:
                f.requests.append((eid, need, urgency or "normal", (opened or "")[:10]))
    for hh, last in rep.conn.execute(
        "SELECT household, MAX(\"on\") FROM handouts WHERE created = 1 AND item = 'food-kit' "
        "GROUP BY household"
    ):
        f = out.get(hh)
        if f is not None:
            f.last_food_kit = last
    for eid, hh, opened in rep.conn.execute(
        f"SELECT eid, household, opened_on FROM welfare_checks WHERE {LIVE} AND status = 'open' "
        "AND household IS NOT NULL ORDER BY eid"
    ):
        f = out.get(hh)
        if f is not None:
            f.welfare.append((eid, opened or ""))
    for (hh,) in rep.conn.execute(
        f"SELECT household FROM people WHERE {LIVE} AND status = 'deceased' AND burial_place IS NULL "
        "AND household IS NOT NULL"
    ):
        f = out.get(hh)
        if f is not None and f.bodies == 0:
            f.bodies = 1
    return list(out.values())


def priorities(
    rep: Replica, today: date | None = None, zone: str | None = None, limit: int | None = None
) -> list[Priority]:
    """Households that need a visit, most urgent first (ties by card code, so the order is stable)."""
    day = today or date.today()
    scored = [p for p in (score(f, day) for f in facts(rep, zone)) if p.score > 0]
    scored.sort(key=lambda p: (-p.score, p.household))
    return scored[:limit] if limit else scored


def priority_rows(ps: list[Priority], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "household": p.household,
            "zone": p.facts.zone,
            "address": p.facts.address,
            "score": p.score,
            "kind": p.kind,
            "why": p.why(lang),
            "reasons": p.reasons,
        }
        for p in ps
    ]


# -- stored plans -----------------------------------------------------------------------


def latest_plan(rep: Replica, day: str | None = None) -> dict[str, Any] | None:
    """The newest plan (of `day` when given)."""
    sql = (
        "SELECT eid FROM plans WHERE created = 1"
        + (" AND day = ?" if day else "")
        + " ORDER BY made_at DESC, c_hlc DESC LIMIT 1"
    )
    row = rep.conn.execute(sql, (day,) if day else ()).fetchone()
    return None if row is None else plan(rep, row[0])


def plan(rep: Replica, eid: str) -> dict[str, Any] | None:
    """A plan with its teams, routes, visits (ticked off by hand or by a hand-out) and what it left out."""
    found = rep.rows(
        "SELECT eid, day, start, hours, teams, routes, left_out, summary, made_at, status "
        "FROM plans WHERE created = 1 AND eid = ?",
        (eid,),
    )
    if not found:
        return None
    p = found[0]
    names = rep.conn.execute("SELECT name, name_en FROM sites WHERE eid = ?", (p["start"],)).fetchone()
    # The start as people call it (a site's slug is no word for a Ukrainian run sheet).
    p["start_name"], p["start_name_en"] = (names[0] or p["start"], names[1] or names[0] or p["start"]) \
        if names else (p["start"], p["start"])
    for k in ("teams", "routes", "left_out", "summary"):
        p[k] = json.loads(p[k]) if p[k] else ([] if k != "summary" and k != "routes" else {})
    visits = rep.rows(
        "SELECT v.eid, v.team, v.seq, v.household, v.kind, v.zone, v.address, v.lat, v.lon, "
        "v.bring, v.why, v.why_en, v.eta, v.score, v.people, v.status, v.done_at, "
        "(SELECT MIN(h.at) FROM handouts h WHERE h.created = 1 AND h.household = v.household "
        ' AND h."on" >= ?) AS handed_at '
        "FROM visits v WHERE v.created = 1 AND v.plan = ? ORDER BY v.team, v.seq",
        (p["day"], eid),
    )
    for v in visits:
        v["bring"] = json.loads(v["bring"]) if v["bring"] else {}
        v["done"] = v["status"] == "done" or v["handed_at"] is not None
    p["visits"] = visits
    return p


def visit(rep: Replica, eid: str) -> dict[str, Any] | None:
    found = rep.rows(
        "SELECT eid, plan, team, household, status FROM visits WHERE created = 1 AND eid = ?", (eid,)
    )
    return found[0] if found else None
