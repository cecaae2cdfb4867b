"""The planning figures: a day's plan for a big town against a greedy planner, and point slots.

    .venv/bin/python bench/plan.py                       # 10,000 households, 10 teams, ~20,000 segments
    .venv/bin/python bench/plan.py --households 2000     # a quick run

1. A synthetic river town in a real replica: a 100 x 100 street grid (19,800 segments),
   a river down the middle crossed by five bridges (one destroyed, one foot-only), four
   zones; households with people (some 80+, immobile, alone, wounded), open requests,
   welfare checks, bodies awaiting recovery, food kits handed out to 60% in the last 10
   days; 400 incidents of the last 14 days on the east bank, at the hours the guns fire.
   The town is cached under --cache and reused.
2. `actions.plan.make_day` (what `frontaid plan day` runs, minus recording): read the
   network and registry, score everyone, Dijkstra, OR-Tools twice. Timed.
3. The baseline in the same run, on the same day and teams: a greedy nearest-neighbour
   planner (each team walks to the nearest household that needs anything, by the
   shortest street path it may use, while time and kits last; no priorities, no danger).
   Both are measured the same way: sum of priority scores served, people reached, route
   length, and exposure = the danger model's cost of every segment walked, at the hour
   the team walks it.
4. Slots for a 10,000-person town over 6 hours, 5-minute slots (30 people served a minute, at most 200
   waiting): the peak waiting against "everyone at opening" and "by zone, alphabetical".
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import cached  # noqa: E402
from frontaid.actions import plan as planning  # noqa: E402
from frontaid.plan import slots as slotting  # noqa: E402
from frontaid.plan.network import Network, walk  # noqa: E402
from frontaid.plan.priority import Priority, kits  # noqa: E402
from frontaid.plan.routes import KITS, SPEED_KMH, DayPlan  # noqa: E402
from frontaid.queries import plan as pq  # noqa: E402
from frontaid.store.replica import Change, Replica  # noqa: E402

DAY = date(2022, 12, 5)
ROWS = COLS = 100
STEP = 0.0012  # degrees between junctions (~90-130 m)
LAT0, LON0 = 48.55, 37.94
RIVER = COLS // 2  # the river runs between column RIVER-1 and RIVER
BRIDGES = {
    "b-north": (15, "open"),
    "b-mid-north": (35, "destroyed"),
    "b-centre": (50, "open"),
    "b-mid-south": (65, "damaged"),
    "b-south": (85, "open"),
}
ZONES = ("east-north", "east-south", "west-north", "west-south")
A = "bench"


def _zone(r: int, c: int) -> str:
    return f"{'east' if c >= RIVER else 'west'}-{'north' if r >= ROWS // 2 else 'south'}"


def _ring(z: str) -> list[list[float]]:
    east, north = z.startswith("east"), z.endswith("north")
    c0, c1 = (RIVER, COLS) if east else (0, RIVER)
    r0, r1 = (ROWS // 2, ROWS) if north else (0, ROWS // 2)
    lo0, lo1 = LON0 + (c0 - 0.45) * STEP, LON0 + (c1 - 0.55) * STEP
    la0, la1 = LAT0 + (r0 - 0.5) * STEP, LAT0 + (r1 - 0.5) * STEP
    return [[lo0, la0], [lo1, la0], [lo1, la1], [lo0, la1], [lo0, la0]]


def build_town(path: Path, households: int) -> None:
    rng = random.Random(13)
    rep = Replica.create(path, "Bench town", epoch=DAY - timedelta(days=84))
    rep.conn.execute("PRAGMA synchronous = OFF")
    with rep.transaction():
        changes = [
            Change(
                "zone",
                z,
                "create",
                {"name": z, "name_en": z, "geometry": {"type": "Polygon", "coordinates": [_ring(z)]}},
            )
            for z in ZONES
        ]
        wh_lat, wh_lon = LAT0 + 50 * STEP, LON0 + 20 * STEP
        changes.append(
            Change(
                "site",
                "warehouse",
                "create",
                {
                    "kind": "warehouse",
                    "name": "Склад",
                    "name_en": "Warehouse",
                    "zone": "west-north",
                    "lat": wh_lat,
                    "lon": wh_lon,
                },
            )
        )
        for slug, (r, state) in BRIDGES.items():
            changes.append(
                Change(
                    "site",
                    slug,
                    "create",
                    {
                        "kind": "crossing",
                        "name": slug,
                        "name_en": slug,
                        "zone": _zone(r, RIVER - 1),
                        "state": state,
                        "lat": LAT0 + r * STEP,
                        "lon": LON0 + (RIVER - 0.5) * STEP,
                    },
                )
            )
        rep.record(changes, A)
        nodes, edges = [], []
        for r in range(ROWS):
            for c in range(COLS):
                nodes.append(
                    [
                        f"{r}-{c}",
                        round(LAT0 + r * STEP + rng.uniform(-1e-4, 1e-4), 6),
                        round(LON0 + c * STEP + rng.uniform(-1e-4, 1e-4), 6),
                    ]
                )
        pos = {n[0]: (n[1], n[2]) for n in nodes}
        bridge_rows = {r: slug for slug, (r, _s) in BRIDGES.items()}
        from frontaid.plan.network import metres

        for r in range(ROWS):
            for c in range(COLS):
                for dr, dc in ((0, 1), (1, 0)):
                    r2, c2 = r + dr, c + dc
                    if r2 >= ROWS or c2 >= COLS:
                        continue
                    crossing = None
                    if c == RIVER - 1 and dc == 1:
                        if r not in bridge_rows:
                            continue
                        crossing = bridge_rows[r]
                    a, b = f"{r}-{c}", f"{r2}-{c2}"
                    edges.append(
                        [
                            a,
                            b,
                            round(metres(*pos[a], *pos[b]), 1),
                            crossing,
                            f"Street {r}" if dc else f"Avenue {c}",
                        ]
                    )
        planning.record_network(rep, A, nodes, edges, source="bench")
        # Households, each with a person, some vulnerable; some with requests, checks, bodies, kits.
        vulns = [
            "very-old",
            "immobile",
            "alone",
            "wounded",
            "disabled",
            "pregnant",
            "infant",
            "elderly",
            "child",
        ]
        codes = rep.next_codes(households)
        batch: list[Change] = []
        for i, code in enumerate(codes):
            r, c = rng.randrange(ROWS), rng.randrange(COLS)
            size = rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5))
            batch.append(
                Change(
                    "household",
                    code,
                    "create",
                    {
                        "zone": _zone(r, c),
                        "address": f"Street {r}, {c}",
                        "size": size,
                        "status": "active",
                        "lat": LAT0 + r * STEP + 3e-5,
                        "lon": LON0 + c * STEP + 3e-5,
                        "registered_on": (DAY - timedelta(days=rng.randint(15, 80))).isoformat(),
                    },
                )
            )
            v = [x for x in vulns if rng.random() < 0.07]
            batch.append(
                Change(
                    "person",
                    f"{code}-p",
                    "create",
                    {
                        "household": code,
                        "name": f"Person {i}",
                        "born": 1940 + rng.randrange(70),
                        "status": "present",
                        **({"vulnerabilities": v} if v else {}),
                    },
                )
            )
            if rng.random() < 0.6:
                batch.append(
                    Change(
                        "handout",
                        f"{code}-h",
                        "create",
                        {
                            "household": code,
                            "item": "food-kit",
                            "qty": 1,
                            "on": (DAY - timedelta(days=rng.randint(0, 10))).isoformat(),
                        },
                    )
                )
            roll = rng.random()
            if roll < 0.08:
                batch.append(
                    Change(
                        "request",
                        f"{code}-r",
                        "create",
                        {
                            "household": code,
                            "zone": _zone(r, c),
                            "status": "open",
                            "need": rng.choice(("food", "medicine", "home-delivery", "water", "heating")),
                            "urgency": rng.choice(("critical", "high", "normal", "normal", "low")),
                            "opened_at": (DAY - timedelta(days=rng.randint(0, 12))).isoformat() + "T09:00",
                        },
                    )
                )
            elif roll < 0.1:
                batch.append(
                    Change(
                        "welfare",
                        f"{code}-w",
                        "create",
                        {
                            "household": code,
                            "sought": "x",
                            "asked_by": "relative",
                            "status": "open",
                            "opened_on": (DAY - timedelta(days=rng.randint(0, 10))).isoformat(),
                        },
                    )
                )
            elif roll < 0.103:
                batch.append(
                    Change(
                        "request",
                        f"{code}-b",
                        "create",
                        {
                            "household": code,
                            "zone": _zone(r, c),
                            "status": "open",
                            "need": "body-recovery",
                            "urgency": "high",
                            "opened_at": (DAY - timedelta(days=1)).isoformat() + "T09:00",
                        },
                    )
                )
            if len(batch) > 5000:
                rep.record(batch, A)
                batch = []
        # Incidents of the last 14 days, at the guns' hours.
        for i in range(400):
            # The front is east: most shells land on the east bank, some reach the west.
            r, c = rng.randrange(ROWS), COLS - 1 - int(abs(rng.gauss(0, 35))) % COLS
            hour = rng.choice((6, 7, 8, 13, 14, 15, 21))
            at = datetime.combine(DAY - timedelta(days=rng.randint(0, 13)), datetime.min.time()) + timedelta(
                hours=hour, minutes=rng.randrange(60)
            )
            if at >= datetime(DAY.year, DAY.month, DAY.day, 8):
                at -= timedelta(days=1)
            batch.append(
                Change(
                    "incident",
                    f"inc-{i}",
                    "create",
                    {
                        "kind": rng.choice(("shelling", "shelling", "mortar", "rocket")),
                        "zone": _zone(r, c),
                        "at": at.strftime("%Y-%m-%dT%H:%M"),
                        "killed": int(rng.random() < 0.1),
                        "wounded": rng.choice((0, 0, 1, 2)),
                        "lat": LAT0 + r * STEP,
                        "lon": LON0 + c * STEP,
                    },
                )
            )
        rep.record(batch, A)
    rep.close()


# -- the baseline -----------------------------------------------------------------------


def greedy(
    net: Network,
    field: Any,
    scored: list[Priority],
    teams: list[Any],
    depot: int,
    start_hour: float,
    hours: float,
) -> list[dict[str, Any]]:
    """Nearest-neighbour: each team in turn goes to the nearest household left that it can serve."""
    cands = [(p, p.facts.lat, p.facts.lon) for p in scored if p.facts.lat is not None]
    nodes = net.nearest_many([c[1] for c in cands], [c[2] for c in cands])  # type: ignore[misc]
    left = set(range(len(cands)))
    danger_at: dict[int, Any] = {}
    out = []
    for t in teams:
        v = t.vehicle
        here, clock, load = depot, 0.0, 0
        route: dict[str, Any] = {"served": [], "length": 0.0, "exposure": 0.0}
        speed = SPEED_KMH[v] * 1000 / 60
        while True:
            dist, pred = net.paths([here], net.length, v)
            best, best_d = -1, np.inf
            for k in left:
                p = cands[k][0]
                if (
                    (p.needs_van and v != "van")
                    or load + kits(p) > KITS[v]
                    or p.seats > (4 if v == "van" else 0)
                ):
                    continue
                d = dist[0][nodes[k]]
                if d < best_d:
                    best, best_d = k, d
            if best < 0 or not np.isfinite(best_d):
                break
            p = cands[best][0]
            back, _ = net.paths([nodes[best]], net.length, v)
            need = best_d / speed + p.minutes + back[0][depot] / speed
            if clock + need > hours * 60 * 0.9:
                break
            _leg(net, pred[0], here, nodes[best], clock, start_hour, field, danger_at, route)
            clock += best_d / speed + p.minutes
            load += kits(p)
            route["served"].append(p)
            left.discard(best)
            here = nodes[best]
        dist, pred = net.paths([here], net.length, v)
        _leg(net, pred[0], here, depot, clock, start_hour, field, danger_at, route)
        out.append(route)
    return out


def _leg(
    net: Network,
    pred: Any,
    a: int,
    b: int,
    clock: float,
    start_hour: float,
    field: Any,
    cache: dict[int, Any],
    route: dict[str, Any],
) -> None:
    hour = int((start_hour + clock / 60) % 24)
    if hour not in cache:
        cache[hour] = field.edge_danger(hour + 0.5)
    lookup = _lookup(net)
    path = walk(pred, a, b)
    for x, y in zip(path, path[1:], strict=False):
        e = lookup[(x, y)]
        route["length"] += float(net.length[e])
        route["exposure"] += float(cache[hour][e])


_LOOKUPS: dict[int, dict[tuple[int, int], int]] = {}


def _lookup(net: Network) -> dict[tuple[int, int], int]:
    if id(net) not in _LOOKUPS:
        _LOOKUPS[id(net)] = net.edge_lookup()
    return _LOOKUPS[id(net)]


def figures(plan: DayPlan) -> dict[str, float]:
    served = plan.served
    return {
        "priority": sum(p.score for p in served),
        "people": sum(p.facts.size for p in served),
        "visits": len(served),
        "km": sum(r.length_m for r in plan.routes) / 1000,
        "exposure": sum(r.exposure for r in plan.routes),
    }


def slots_figures(people: int, rng: random.Random) -> list[tuple[str, float]]:
    zones = {"centre": 0.3, "east-north": 0.2, "east-south": 0.15, "west": 0.25, "outskirts": 0.1}
    groups = []
    n = 0
    for z, share in zones.items():
        hh = []
        target = people * share
        total = 0
        while total < target:
            size = rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5))
            hh.append(slotting.Household(f"{z[:2].upper()}-{n:05d}", float(size)))
            total += size
            n += 1
        groups.append(slotting.Group(z, hh))
    opening, rate, limit = (8 * 60, 14 * 60), 30.0, 200
    t = time.perf_counter()
    res = slotting.spread(groups, opening, limit, 5, rate)
    took = time.perf_counter() - t
    return [
        ("people", sum(g.people for g in groups)),
        ("households", sum(len(g.households) for g in groups)),
        ("slots: peak waiting", res.peak),
        ("slots: not placed", len(res.unplaced)),
        ("slots: groups (zone or code range)", len(res.slots)),
        ("slots: seconds", took),
        ("everyone at opening: peak", slotting.everyone_at_opening(groups)),
        ("by zone alphabetical: peak", slotting.by_zone_alphabetical(groups, opening, rate, 5)),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--households", type=int, default=10_000)
    ap.add_argument("--teams", type=int, default=10)
    ap.add_argument("--vans", type=int, default=3)
    ap.add_argument("--hours", type=float, default=6.0)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/frontaid-bench"))
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    db = cached(args.cache / f"plan-town-{args.households}.db", lambda p: build_town(p, args.households))
    rep = Replica.open(db)
    req = planning.DayRequest(
        args.teams, args.hours, args.vans, args.teams - args.vans, "warehouse", DAY.isoformat(), "08:00"
    )
    t, cpu = time.perf_counter(), time.process_time()
    plan, scored = planning.make_day(rep, req)
    took, took_cpu = time.perf_counter() - t, time.process_time() - cpu
    net = pq.network(rep)
    assert net is not None
    field = pq.danger_field(rep, net, datetime(DAY.year, DAY.month, DAY.day, 8))
    t, cpu = time.perf_counter(), time.process_time()
    teams = [r.team for r in plan.routes]
    g = greedy(net, field, scored, teams, plan.depot, 8.0, args.hours)
    g_took, g_cpu = time.perf_counter() - t, time.process_time() - cpu
    ours = figures(plan)
    base = {
        "priority": sum(p.score for r in g for p in r["served"]),
        "people": sum(p.facts.size for r in g for p in r["served"]),
        "visits": sum(len(r["served"]) for r in g),
        "km": sum(r["length"] for r in g) / 1000,
        "exposure": sum(r["exposure"] for r in g),
    }
    print(
        f"\nPlan of the day: {args.households} households ({len(scored)} need a visit), {args.teams} teams "
        f"({args.vans} vans), {args.hours:g} h, {len(net.a)} street segments, {len(net)} junctions"
    )
    print(f"{'':34}{'frontaid (OR-Tools)':>22}{'greedy nearest':>18}{'ratio':>10}")
    print(f"{'plan time (wall), s':34}{took:>22.2f}{g_took:>18.2f}")
    print(f"{'plan time (CPU of this process), s':34}{took_cpu:>22.2f}{g_cpu:>18.2f}")
    for key, name in (
        ("priority", "priority served (sum of scores)"),
        ("people", "people reached"),
        ("visits", "visits"),
        ("km", "total route length, km"),
        ("exposure", "exposure to danger (model cost)"),
    ):
        ratio = ours[key] / base[key] if base[key] else float("inf")
        print(f"{name:34}{ours[key]:>22.1f}{base[key]:>18.1f}{ratio:>10.2f}")
    left = {}
    for x in plan.left_out:
        left[x.reason] = left.get(x.reason, 0) + 1
    print(f"not in the plan, by reason: {dict(sorted(left.items()))}")
    print("\nPoint slots: 10,000 people, 6 h open, 30 served a minute, 5-minute slots, at most 200 waiting")
    for name, value in slots_figures(10_000, random.Random(5)):
        print(
            f"{name:40}{value:>12.2f}"
            if isinstance(value, float) and value % 1
            else f"{name:40}{value:>12.0f}"
        )
    rep.close()


if __name__ == "__main__":
    main()
