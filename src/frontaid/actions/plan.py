"""Planning verbs: the street network, a crossing's state, the day's plan, a visit done, a point's slots.

Each validates its input and records ops, so a field device receives the streets,
its run sheet and the notice-board slots at the next sync.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from frontaid.actions import validate as check
from frontaid.actions.fields import set_field
from frontaid.domain.localtime import stored, to_town, to_utc
from frontaid.errors import BadInput, NoStreets, PastCurfew, UnknownChoice
from frontaid.i18n import gettext
from frontaid.plan import slots as slotting
from frontaid.plan.network import STATE_WORDS
from frontaid.plan.priority import Priority
from frontaid.plan.routes import DayPlan, LeftOut, Team, solve
from frontaid.queries import plan as pq
from frontaid.store.replica import Change, Replica

CURFEW = ("18:00", "06:00")  # on the town's clock (Europe/Kyiv), as residents know it
CHUNK = 4000  # junctions (or segments) per op of a street import
MAX_CANDIDATES = 300


def N_(msgid: str) -> str:
    return msgid


# Why a household is not in today's plan: key -> msgid (params from LeftOut.params).
REASONS: dict[str, str] = {
    "no-position": N_("no position known: record where the household is, or draw its zone"),
    "needs-van": N_("needs a van (a body or an evacuation) and no van goes out today"),
    "van-cannot-cross": N_("a van cannot get there today: the crossing on the way is closed to vehicles"),
    "no-way": N_("no way there today: every way crosses a destroyed crossing"),
    "too-much": N_("needs more than one team can carry ({kits} kits, {seats} seats)"),
    "too-far": N_("too far to get there and back within {hours} h"),
    "too-dangerous": N_("too dangerous around {hour}: the streets there were shelled at this hour lately"),
    "day-full": N_("the day is full: priority {score}, the lowest visited today is {lowest}"),
    "not-considered": N_("not considered today: {n} more urgent households come first (priority {score})"),
}


def reason_text(key: str, params: dict[str, Any], lang: str | None = None) -> str:
    return gettext(REASONS[key], lang).format(**params)


# -- streets and crossings --------------------------------------------------------------


def record_network(
    rep: Replica, actor: str, nodes: list[list[Any]], edges: list[list[Any]], source: str | None = None
) -> str:
    """Record a street network (replacing the one before) in chunks of ops; returns its id."""
    if not nodes or not edges:
        raise BadInput("The street network is empty.")
    with rep.transaction():
        src = source or rep.next_codes()[0]
        parts = max((len(nodes) + CHUNK - 1) // CHUNK, (len(edges) + CHUNK - 1) // CHUNK)
        changes = [
            Change(
                "street",
                f"{src}:{i}",
                "create",
                {
                    "source": src,
                    "part": i,
                    "nodes": nodes[i * CHUNK : (i + 1) * CHUNK],
                    "edges": edges[i * CHUNK : (i + 1) * CHUNK],
                },
            )
            for i in range(parts)
        ]
        rep.record(changes, actor)
    return src


def crossing_state(word: str) -> str:
    """The stored state for what the user typed: open, foot-only/damaged, closed/destroyed (uk words too)."""
    key = " ".join((word or "").strip().lower().split())
    if key not in STATE_WORDS:
        raise UnknownChoice(
            value=word, what="state", choices="open, foot-only, closed; відкрито, лише пішки, зруйновано"
        )
    return STATE_WORDS[key]


def set_site(rep: Replica, actor: str, site: str, field: str, value: str) -> tuple[str, str]:
    """Change one field of a site; a crossing's `state` takes the words people use. Returns (site, value)."""
    eid = check.site(rep, site)
    if field.strip().lower() not in ("state", "стан"):
        raise UnknownChoice(value=field, what="field", choices="state")
    kind = rep.conn.execute("SELECT kind FROM sites WHERE eid = ?", (eid,)).fetchone()[0]
    if kind == "crossing":
        state = crossing_state(value)
    else:
        state = check.choice(
            {"відкрито": "open", "закрито": "closed"}.get(value.strip().lower(), value),
            {"open": "open", "closed": "closed"},
            "state",
        )
    rep.record([set_field("site", eid, "state", state)], actor)
    return eid, state


# -- the day's plan ---------------------------------------------------------------------


@dataclass
class DayRequest:
    teams: int
    hours: float
    vans: int
    on_foot: int
    start: str
    day: str
    start_at: str


def _minutes_of(hhmm: str) -> int:
    try:
        t = time.fromisoformat(hhmm.strip())
    except ValueError:
        raise BadInput("'{value}' is not a time of day. Write it as HH:MM.", value=hhmm) from None
    return t.hour * 60 + t.minute


def check_day(
    rep: Replica,
    teams: int,
    hours: float,
    vehicles: list[str] | None,
    on_foot: int | None,
    start: str | None,
    day: str | None,
    start_at: str | None,
) -> DayRequest:
    """The plan's inputs, checked: one clear message for each mistake."""
    n = check.count(teams, "teams", 1, 50)
    try:
        h = float(hours)
    except (TypeError, ValueError):
        raise BadInput("'{value}' is not a number ({what}).", value=hours, what="hours") from None
    if not 0.5 <= h <= 12:
        raise BadInput("{what} must be between {lo} and {hi}.", what="hours", lo=0.5, hi=12)
    vans = 0
    for v in vehicles or []:
        kind, _, count = v.partition(":")
        if kind.strip().lower() not in ("van", "бус"):
            raise UnknownChoice(value=v, what="vehicle", choices="van:N")
        vans += check.count(count or "1", "vans", 0, 50)
    foot = n - vans if on_foot is None else check.count(on_foot, "teams on foot", 0, 50)
    if vans + foot != n or foot < 0:
        raise BadInput(
            "{teams} teams cannot be {vans} vans and {foot} on foot.", teams=n, vans=vans, foot=foot
        )
    begin = _minutes_of(start_at or "08:00")
    end = begin + round(h * 60)
    c_from, c_to = _minutes_of(CURFEW[0]), _minutes_of(CURFEW[1])
    if begin < c_to or end > c_from:
        raise PastCurfew(
            start=f"{begin // 60:02d}:{begin % 60:02d}",
            end=f"{end // 60:02d}:{end % 60:02d}",
            curfew_from=CURFEW[0],
            curfew_to=CURFEW[1],
        )
    if start:
        site = check.site(rep, start)
    else:
        row = rep.conn.execute(
            "SELECT eid FROM sites WHERE created = 1 AND kind = 'warehouse' ORDER BY eid LIMIT 1"
        ).fetchone()
        if row is None:
            raise UnknownChoice(value="", what="site", choices="--start SITE")
        site = str(row[0])
    return DayRequest(n, h, vans, foot, site, check.day(day), f"{begin // 60:02d}:{begin % 60:02d}")


def _team_names(rep: Replica, n: int) -> list[str]:
    known = [eid for (eid,) in rep.conn.execute(
        "SELECT eid FROM teams WHERE created = 1 AND retired_on IS NULL ORDER BY eid")]
    return known[:n] + [f"T{i}" for i in range(len(known) + 1, n + 1)][: max(0, n - len(known))]


def _site_point(rep: Replica, site: str) -> tuple[float, float] | None:
    lat, lon, zone = rep.conn.execute("SELECT lat, lon, zone FROM sites WHERE eid = ?", (site,)).fetchone()
    if lat is not None and lon is not None:
        return float(lat), float(lon)
    return pq.zone_centres(rep).get(zone)


def make_day(
    rep: Replica, req: DayRequest, *, solution_limit: int = 150, time_limit_s: int = 6
) -> tuple[DayPlan, list[Priority]]:
    """The day's plan (not recorded): visits chosen by priority and routed; everyone else with a reason."""
    net = pq.network(rep)
    if net is None:
        raise NoStreets()
    day = date.fromisoformat(req.day)
    # Typed on the town's clock; incidents, danger hours and the stored plan are UTC.
    begin = to_utc(day, time.fromisoformat(req.start_at))
    scored = pq.priorities(rep, day)
    centres = pq.zone_centres(rep)
    names = _team_names(rep, req.teams)
    teams = [Team(name, "van" if i < req.vans else "foot") for i, name in enumerate(names)]
    placed: list[tuple[Priority, float, float]] = []
    left: list[LeftOut] = []
    for p in scored:
        f = p.facts
        where = (f.lat, f.lon) if f.lat is not None and f.lon is not None else centres.get(f.zone or "")
        if where is None or where[0] is None:
            left.append(LeftOut(p, "no-position"))
        else:
            placed.append((p, float(where[0]), float(where[1])))
    where = _site_point(rep, req.start)
    if where is None:
        raise UnknownChoice(value=req.start, what="site", choices="--start SITE")
    depot = net.nearest(*where)
    # The solver sees the most urgent households the teams could plausibly reach, twice over,
    # and as many again chosen by priority per minute (near ones cost less of the day).
    per_team = {"van": req.hours * 60 * 0.9 / 25, "foot": req.hours * 60 * 0.9 / 30}
    cut = int(min(MAX_CANDIDATES // 2, max(40, 2 * sum(per_team[t.vehicle] for t in teams))))
    all_nodes = net.nearest_many([c[1] for c in placed], [c[2] for c in placed])
    from_depot, _pred = net.paths([depot], net.length, "foot")
    chosen_idx = _pool([c[0] for c in placed], [float(from_depot[0][n]) for n in all_nodes], cut)
    chosen = [placed[k] for k in chosen_idx]
    nodes = [all_nodes[k] for k in chosen_idx]
    picked = set(chosen_idx)
    rest = [c for k, c in enumerate(placed) if k not in picked]
    field = pq.danger_field(rep, net, begin)
    plan = solve(
        net,
        field,
        [(c[0], n) for c, n in zip(chosen, nodes, strict=True)],
        teams,
        depot,
        begin.hour + begin.minute / 60,
        req.hours,
        solution_limit=solution_limit,
        time_limit_s=time_limit_s,
    )
    for lo in plan.left_out:
        if lo.reason == "too-dangerous":  # the solver speaks UTC hours; the coordinator reads Kyiv's
            lo.params["hour"] = to_town(begin).strftime("%H:00")
    plan.left_out = (
        left
        + plan.left_out
        + [LeftOut(p, "not-considered", {"n": cut, "score": p.score}) for p, _la, _lo in rest]
    )
    return plan, scored


def _pool(scored: list[Priority], metres: list[float], cut: int) -> list[int]:
    """Indexes of the households offered to the solver: the `cut` most urgent, then the best
    priority per minute of the day (visit plus the walk there and back from the start)."""
    top = list(range(min(cut, len(scored))))
    walk_m_per_min = 4000 / 60

    def per_minute(k: int) -> float:
        if not math.isfinite(metres[k]):
            return 0.0
        return scored[k].score / (scored[k].minutes + 2 * metres[k] / walk_m_per_min)

    rest = sorted(range(len(top), len(scored)), key=lambda k: (-per_minute(k), k))
    return sorted(top + rest[: max(0, MAX_CANDIDATES - len(top))])


def record_day(rep: Replica, actor: str, req: DayRequest, plan: DayPlan) -> str:
    """Record a plan, its teams' routes and its visits as ops; returns the plan's code."""
    from frontaid.queries.plan import network

    net = network(rep)
    assert net is not None
    with rep.transaction():
        code = rep.next_codes()[0]
        routes = {
            r.team.name: [[round(float(net.lat[i]), 6), round(float(net.lon[i]), 6)] for i in r.path]
            for r in plan.routes
        }
        teams = [
            {
                "name": r.team.name,
                "vehicle": r.team.vehicle,
                "visits": len(r.stops),
                "length_m": round(r.length_m),
                "minutes": round(r.minutes),
                "exposure": round(r.exposure, 2),
            }
            for r in plan.routes
        ]
        left = [
            {
                "household": lo.priority.household,
                "score": lo.priority.score,
                "zone": lo.priority.facts.zone,
                "reason": lo.reason,
                "params": lo.params,
            }
            for lo in plan.left_out
        ]
        served = plan.served
        summary = {
            "visits": len(served),
            "priority": round(sum(p.score for p in served), 1),
            "people": sum(p.facts.size for p in served),
            "left_out": len(left),
        }
        changes = [
            Change(
                "plan",
                code,
                "create",
                {
                    "day": req.day,
                    "start": req.start,
                    "hours": req.hours,
                    "teams": teams,
                    "routes": routes,
                    "left_out": left,
                    "summary": summary,
                    "made_at": check.moment(None),
                    "status": "planned",
                },
            )
        ]
        begin = to_utc(date.fromisoformat(req.day), time.fromisoformat(req.start_at))
        for r in plan.routes:
            for seq, s in enumerate(r.stops, start=1):
                p, f = s.priority, s.priority.facts
                eta = begin + timedelta(minutes=round(s.eta_min))
                changes.append(
                    Change(
                        "visit",
                        f"{code}.{r.team.name}.{seq}",
                        "create",
                        {
                            k: v
                            for k, v in {
                                "plan": code,
                                "team": r.team.name,
                                "seq": seq,
                                "household": p.household,
                                "kind": p.kind,
                                "zone": f.zone,
                                "address": f.address,
                                "lat": f.lat,
                                "lon": f.lon,
                                "bring": json.dumps(p.bring, sort_keys=True),
                                "why": p.why("uk"),
                                "why_en": p.why("en"),
                                "eta": stored(eta),  # UTC; run sheets print Kyiv's clock
                                "score": p.score,
                                "people": f.size,
                                "status": "planned",
                            }.items()
                            if v is not None
                        },
                    )
                )
        rep.record(changes, actor)
    return code


def plan_day(
    rep: Replica,
    actor: str,
    *,
    teams: int,
    hours: float,
    vehicles: list[str] | None = None,
    on_foot: int | None = None,
    start: str | None = None,
    day: str | None = None,
    start_at: str | None = None,
) -> tuple[str, DayPlan]:
    req = check_day(rep, teams, hours, vehicles, on_foot, start, day, start_at)
    plan, _scored = make_day(rep, req)
    return record_day(rep, actor, req, plan), plan


def visit_done(rep: Replica, actor: str, visit: str, at: str | None = None) -> str:
    """Tick a visit off its run sheet."""
    found = pq.visit(rep, visit.strip())
    if found is None:
        from frontaid.errors import NotFound

        raise NotFound(what="visit", code=visit)
    rep.record(
        [
            set_field("visit", found["eid"], "status", "done"),
            set_field("visit", found["eid"], "done_at", _typed_moment(at)),
        ],
        actor,
    )
    return str(found["eid"])


def _typed_moment(at: str | None) -> str:
    """A moment the user typed (the town's clock) as stored (UTC); now when none was typed."""
    if not at:
        return check.moment(None)
    from datetime import datetime

    local = datetime.fromisoformat(check.moment(at))
    return stored(to_utc(local.date(), local.time()))


# -- point slots ------------------------------------------------------------------------


def plan_slots(
    rep: Replica, actor: str, *, point: str, day: str | None, max_waiting: int, slot_minutes: int = 15
) -> list[dict[str, Any]]:
    """Arrival slots at a point for one day, recorded so the notice-board bulletin prints them."""
    site = check.site(rep, point)
    when = check.day(day)
    limit = check.count(max_waiting, "people waiting at once", 1, 100_000)
    from frontaid.queries.slots import arrival_groups, opening_hours, serving_rate

    opening = opening_hours(rep, site, when)
    groups = arrival_groups(rep, site, when)
    result = slotting.spread(groups, opening, limit, slot_minutes, rate=serving_rate(rep, site))
    if result.unplaced:
        raise BadInput(
            "{n} people cannot come in the opening hours with at most {limit} waiting at once. "
            "Raise --max-waiting or open longer.",
            n=round(sum(g.people for g in result.unplaced)),
            limit=limit,
        )
    rows = [s.as_row() for s in result.slots]
    # The opening hours are the town's clock; the slots are stored as UTC moments.
    the_day = date.fromisoformat(when)
    for r in rows:
        for k in ("start", "end"):
            r[k] = stored(to_utc(the_day, time.fromisoformat(str(r[k]))))
    eid = f"{site}:{when}"
    if _exists(rep, site, when):
        rep.record(
            [set_field("slot_plan", eid, "slots", rows), set_field("slot_plan", eid, "max_waiting", limit)],
            actor,
        )
    else:
        rep.record(
            [
                Change(
                    "slot_plan",
                    eid,
                    "create",
                    {"point": site, "day": when, "max_waiting": limit, "slots": rows},
                )
            ],
            actor,
        )
    return rows


def _exists(rep: Replica, site: str, day: str) -> bool:
    return (
        rep.conn.execute(
            "SELECT 1 FROM point_slots WHERE eid = ? AND created = 1", (f"{site}:{day}",)
        ).fetchone()
        is not None
    )


# -- a real town's streets --------------------------------------------------------------


def import_map(rep: Replica, actor: str, path: str) -> dict[str, Any]:
    """Read an OpenStreetMap file, clip it to the zones, record its crossings as sites, its streets as ops."""
    from pathlib import Path

    from frontaid.actions import registry
    from frontaid.plan import osm

    zones = [
        json.loads(g)
        for (g,) in rep.conn.execute(
            "SELECT geometry FROM zones WHERE created = 1 AND merged_into IS NULL AND geometry IS NOT NULL"
        )
    ]
    streets = osm.read(Path(path), zones)
    existing = [
        (eid, lat, lon)
        for eid, lat, lon in rep.conn.execute(
            "SELECT eid, lat, lon FROM sites WHERE created = 1 AND kind = 'crossing' AND lat IS NOT NULL"
        )
    ]
    zone_rows = [
        (eid, json.loads(g))
        for eid, g in rep.conn.execute(
            "SELECT eid, geometry FROM zones WHERE created = 1 AND merged_into IS NULL "
            "AND geometry IS NOT NULL"
        )
    ]
    from shapely.geometry import Point, shape

    shapes = [(eid, shape(g)) for eid, g in zone_rows]
    rename: dict[str, str] = {}
    added = 0
    with rep.transaction():
        for c in streets.crossings:
            match = next((eid for eid, lat, lon in existing if osm.near(c.lat, c.lon, lat, lon, 80)), None)
            if match is None:
                pt = Point(c.lon, c.lat)
                zone = min(shapes, key=lambda z: (z[1].distance(pt), z[0]))[0] if shapes else None
                if zone is None:
                    continue
                slug = f"osm-{c.key}"
                if rep.conn.execute("SELECT 1 FROM sites WHERE eid = ?", (slug,)).fetchone() is None:
                    word = {"bridge": ("Міст", "Bridge"), "ford": ("Брід", "Ford")}[c.kind]
                    label = c.name or c.key.split("-", 1)[1]
                    registry.add_site(
                        rep,
                        actor,
                        slug,
                        "crossing",
                        f"{word[0]} {label}",
                        f"{word[1]} {label}",
                        zone,
                        lat=c.lat,
                        lon=c.lon,
                        state="open",
                    )
                    added += 1
                match = slug
            rename[c.key] = match
        edges = [
            [a, b, length, rename.get(cr) if cr else None, name] for a, b, length, cr, name in streets.edges
        ]
        source = record_network(rep, actor, streets.nodes, edges)
    return {
        "source": source,
        "nodes": len(streets.nodes),
        "edges": len(edges),
        "crossings": len(streets.crossings),
        "crossing_sites_added": added,
    }
