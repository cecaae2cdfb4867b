"""The day's routes: which team visits whom, in which order, by which streets.

A vehicle routing problem solved with OR-Tools (`pywrapcp`):

- one node per visit plus the start (the warehouse); every team starts and ends there;
- the arc cost is the street length plus the danger model's cost of the streets on
  the way (`danger.arc_weights`), at the hour the team is expected to leave that
  stop: a first solve at the start hour gives each stop's expected hour, then every
  row of the matrix is recomputed with the danger of its own hour and solved again;
- separate matrices per vehicle class: a van's paths never use a damaged or
  destroyed crossing, a team on foot's never a destroyed one; a visit a class
  cannot reach is not offered to its teams (a body or an evacuation needs a van);
- capacities: kits a team carries, seats (vans), minutes on the ground (travel at
  the class's speed on the shortest allowed path, plus the visit's minutes);
  the solver sees 90% of the hours, the rest is slack for the detours danger asks;
- every visit is optional (`AddDisjunction`) with its priority as the penalty for
  leaving it out (100 m of route a point), so a day too short drops the least
  urgent visits, not the plan, and a far or dangerous visit must be worth its way;
  a visit dropped because its ways in were too dangerous at that hour says so;
- fixed search: parallel cheapest insertion, then guided local search stopped by a
  solution limit (and a time limit as a backstop): the same inputs give the same plan
  as long as the solution limit is what stops it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from frontaid.plan.danger import METRES_PER_DANGER, DangerField
from frontaid.plan.network import Network, walk
from frontaid.plan.priority import Priority, kits

SPEED_KMH = {"van": 15.0, "foot": 4.0}
KITS = {"van": 40, "foot": 6}
SEATS = {"van": 4, "foot": 0}
PENALTY_PER_POINT = 100  # metres of weighted route one point of priority is worth
SOLVER_SHARE = 0.9
UNREACHABLE = 10**9


@dataclass(frozen=True)
class Team:
    name: str
    vehicle: str  # "van" or "foot"

    @property
    def kits(self) -> int:
        return KITS[self.vehicle]

    @property
    def seats(self) -> int:
        return SEATS[self.vehicle]


@dataclass
class Stop:
    priority: Priority
    node: int
    eta_min: float  # minutes after the start


@dataclass
class Route:
    team: Team
    stops: list[Stop] = field(default_factory=list)
    path: list[int] = field(default_factory=list)  # junctions walked, start to start
    length_m: float = 0.0
    exposure: float = 0.0
    minutes: float = 0.0


@dataclass
class LeftOut:
    priority: Priority
    reason: str  # a key of REASONS
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class DayPlan:
    routes: list[Route]
    left_out: list[LeftOut]
    start_hour: float
    hours: float
    depot: int

    @property
    def served(self) -> list[Priority]:
        return [s.priority for r in self.routes for s in r.stops]


def _hour_of(start_hour: float, minutes: float) -> float:
    return (start_hour + minutes / 60.0) % 24.0


class _Matrices:
    """Cost and length matrices between the plan's nodes for one vehicle class.

    `cost` is the router's price (length plus danger at the row's hour); `length` is the
    length of that same path, what the team walks and the clock counts. Rows whose hour
    did not change since `reuse` are copied from it instead of searched again.
    """

    def __init__(
        self,
        net: Network,
        nodes: list[int],
        vehicle: str,
        field_: DangerField,
        row_hours: list[float],
        reuse: _Matrices | None = None,
    ) -> None:
        n = len(nodes)
        self.cost = np.full((n, n), np.inf)
        self.length = np.full((n, n), np.inf)
        self.pred: dict[int, NDArray[np.int32]] = {}
        self.row_hour = row_hours
        self.hour_danger: dict[int, NDArray[np.float64]] = dict(reuse.hour_danger) if reuse else {}
        col = np.array(nodes)
        by_hour: dict[int, list[int]] = {}
        for i, h in enumerate(row_hours):
            if reuse is not None and int(reuse.row_hour[i]) % 24 == int(h) % 24:
                self.cost[i], self.length[i], self.pred[i] = reuse.cost[i], reuse.length[i], reuse.pred[i]
            else:
                by_hour.setdefault(int(h) % 24, []).append(i)
        keys, lens = _edge_keys(net, vehicle)
        for h, rows in sorted(by_hour.items()):
            if h not in self.hour_danger:
                self.hour_danger[h] = field_.edge_danger(h + 0.5)
            weights = net.length + METRES_PER_DANGER * self.hour_danger[h]
            srcs = sorted({nodes[i] for i in rows})
            d, p = net.paths(srcs, weights, vehicle)
            walked = _tree_lengths(p, d, keys, lens, len(net))
            at = {u: k for k, u in enumerate(srcs)}
            for i in rows:
                self.cost[i] = d[at[nodes[i]]][col]
                self.length[i] = walked[at[nodes[i]]][col]
                self.pred[i] = p[at[nodes[i]]]


def _edge_keys(net: Network, vehicle: str) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Sorted keys u * N + v of every directed segment this class may use, and their lengths."""
    ok = net.allowed(vehicle)
    a, b, w = net.a[ok], net.b[ok], net.length[ok]
    n = len(net)
    keys = np.concatenate([a * n + b, b * n + a])
    lens = np.concatenate([w, w])
    order = np.argsort(keys, kind="stable")
    return keys[order], lens[order]


def _tree_lengths(
    pred: NDArray[np.int32],
    dist: NDArray[np.float64],
    keys: NDArray[np.int64],
    lens: NDArray[np.float64],
    n: int,
) -> NDArray[np.float64]:
    """Metres from each source to every junction along its shortest-path tree (pointer jumping:
    about log2(depth) vectorised steps instead of one more Dijkstra per source).

    The rows are laid end to end in one flat array so each step is one gather (`a[idx]`),
    three times faster than `take_along_axis` on the 2-D array (the plan's biggest cost)."""
    rows = pred.shape[0]
    has = pred >= 0
    here = np.arange(n, dtype=np.int64)
    step = np.zeros((rows, n), dtype=np.float64)
    if has.any():
        q = (np.where(has, pred, 0).astype(np.int64) * n + here)[has]
        idx = np.searchsorted(keys, q)
        np.minimum(idx, len(keys) - 1, out=idx)
        # Parallel segments: the search found one of them; the tree used the cheapest, near enough.
        step[has] = lens[idx]
    base = (np.arange(rows, dtype=np.int64) * n)[:, None]
    up = (np.where(has, pred, here[None, :]).astype(np.int64) + base).ravel()
    total = step.ravel()
    for _ in range(64):
        nxt = up[up]
        total += total[up]
        if np.array_equal(nxt, up):
            break
        up = nxt
    return np.where(np.isfinite(dist), total.reshape(rows, n), np.inf)


def _minutes(length_m: float, vehicle: str) -> float:
    return length_m / (SPEED_KMH[vehicle] * 1000 / 60)


def solve(
    net: Network,
    field_: DangerField,
    candidates: list[tuple[Priority, int]],
    teams: list[Team],
    depot: int,
    start_hour: float,
    hours: float,
    *,
    solution_limit: int = 150,
    time_limit_s: int = 6,
) -> DayPlan:
    """Choose and order the visits; `candidates` are (priority, junction), most urgent first."""
    left: list[LeftOut] = []
    classes = sorted({t.vehicle for t in teams})
    nodes = [depot] + [node for _p, node in candidates]
    row_hours = [start_hour] * len(nodes)
    mats = {v: _Matrices(net, nodes, v, field_, row_hours) for v in classes}
    budget = hours * 60.0
    offered: list[tuple[Priority, int, list[int]]] = []  # (priority, junction, allowed vehicles)
    for k, (p, node) in enumerate(candidates, start=1):
        allowed = []
        for vi, t in enumerate(teams):
            m = mats[t.vehicle]
            if p.needs_van and t.vehicle != "van":
                continue
            if not np.isfinite(m.length[0][k]) or not np.isfinite(m.length[k][0]):
                continue
            there_back = _minutes(m.length[0][k] + m.length[k][0], t.vehicle) + p.minutes
            if there_back > budget * SOLVER_SHARE or kits(p) > t.kits or p.seats > t.seats:
                continue
            allowed.append(vi)
        if allowed:
            offered.append((p, node, allowed))
        else:
            left.append(_why_not(p, k, teams, mats, budget))
    if not offered:
        return DayPlan([Route(t) for t in teams], left, start_hour, hours, depot)
    # Recompute only the offered nodes (the rest are out already).
    nodes = [depot] + [node for _p, node, _a in offered]
    keep = [0] + [1 + i for i, (p, _n) in enumerate(candidates) if any(p is o[0] for o in offered)]
    mats = {v: _sub(m, keep) for v, m in mats.items()}
    # Guided local search runs until a limit: a day of a few visits is solved in well under a
    # second, so it gets 1 s for every 25 visits offered, up to `time_limit_s`.
    time_limit_s = max(1, min(time_limit_s, 1 + len(offered) // 25))
    routes = _solve_once(offered, teams, mats, budget, solution_limit, time_limit_s)
    # Second pass: each stop's row priced at the hour the team is expected to leave it.
    hours_now = [start_hour] * len(nodes)
    for vi, seq in routes.items():
        t = teams[vi]
        for k, eta in _etas(seq, offered, mats[t.vehicle], t.vehicle):
            hours_now[k] = _hour_of(start_hour, eta)
    if any(h != start_hour for h in hours_now):
        mats = {v: _Matrices(net, nodes, v, field_, hours_now, mats[v]) for v in classes}
        routes = _solve_once(offered, teams, mats, budget, solution_limit, time_limit_s)
    plan = _assemble(net, routes, offered, teams, mats, depot, start_hour, hours, left)
    served = {id(p) for p in plan.served}
    lowest = min((p.score for p in plan.served), default=0.0)
    for k, (p, _node, allowed) in enumerate(offered, start=1):
        if id(p) in served:
            continue
        # The danger on the least dangerous way there and back, in metres of detour it is worth.
        risk = min(
            float(m.cost[0][k] + m.cost[k][0] - m.length[0][k] - m.length[k][0])
            for m in (mats[teams[vi].vehicle] for vi in allowed)
        )
        if risk > p.score * PENALTY_PER_POINT:
            hour = int(start_hour) % 24
            plan.left_out.append(LeftOut(p, "too-dangerous", {"hour": f"{hour:02d}:00"}))
        else:
            plan.left_out.append(LeftOut(p, "day-full", {"score": p.score, "lowest": lowest}))
    return plan


def _sub(m: _Matrices, keep: list[int]) -> _Matrices:
    out = object.__new__(_Matrices)
    idx = np.array(keep)
    out.cost = m.cost[np.ix_(idx, idx)]
    out.length = m.length[np.ix_(idx, idx)]
    out.pred = {new: m.pred[old] for new, old in enumerate(keep)}
    out.row_hour = [m.row_hour[i] for i in keep]
    out.hour_danger = m.hour_danger
    return out


def _why_not(p: Priority, k: int, teams: list[Team], mats: dict[str, _Matrices], budget: float) -> LeftOut:
    if p.needs_van and not any(t.vehicle == "van" for t in teams):
        return LeftOut(p, "needs-van")
    reach = [
        t
        for t in teams
        if np.isfinite(mats[t.vehicle].length[0][k]) and (t.vehicle == "van" or not p.needs_van)
    ]
    if not reach:
        return LeftOut(
            p, "van-cannot-cross" if p.needs_van or all(t.vehicle == "van" for t in teams) else "no-way"
        )
    if any(p.seats > t.seats or kits(p) > t.kits for t in reach):
        return LeftOut(p, "too-much", {"kits": kits(p), "seats": p.seats})
    return LeftOut(p, "too-far", {"hours": round(budget / 60, 1)})


def _solve_once(
    offered: list[tuple[Priority, int, list[int]]],
    teams: list[Team],
    mats: dict[str, _Matrices],
    budget: float,
    solution_limit: int,
    time_limit_s: int,
) -> dict[int, list[int]]:
    # OR-Tools loads only when a day is planned, not with every command.
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(offered) + 1
    manager = pywrapcp.RoutingIndexManager(n, len(teams), 0)
    routing = pywrapcp.RoutingModel(manager)
    service = [0] + [p.minutes for p, _n, _a in offered]
    cost_cb: dict[str, int] = {}
    time_cb: dict[str, int] = {}
    for v in sorted({t.vehicle for t in teams}):
        cost = np.where(np.isfinite(mats[v].cost), mats[v].cost, UNREACHABLE).round().astype(np.int64)
        travel = np.where(
            np.isfinite(mats[v].length), mats[v].length / (SPEED_KMH[v] * 1000 / 3600), UNREACHABLE
        )
        secs = (travel + np.array(service, dtype=np.float64)[:, None] * 60).round().astype(np.int64)
        # Matrices, not Python callbacks: the solver reads them in C++ (10x faster on 400 visits).
        cost_cb[v] = routing.RegisterTransitMatrix(cost.tolist())
        time_cb[v] = routing.RegisterTransitMatrix(secs.tolist())
    for vi, t in enumerate(teams):
        routing.SetArcCostEvaluatorOfVehicle(cost_cb[t.vehicle], vi)
    routing.AddDimensionWithVehicleTransits(
        [time_cb[t.vehicle] for t in teams], 0, int(budget * SOLVER_SHARE * 60), True, "time"
    )
    kit_demand = [0] + [kits(p) for p, _n, _a in offered]
    seat_demand = [0] + [p.seats for p, _n, _a in offered]
    kit_cb = routing.RegisterUnaryTransitVector(kit_demand)
    seat_cb = routing.RegisterUnaryTransitVector(seat_demand)
    routing.AddDimensionWithVehicleCapacity(kit_cb, 0, [t.kits for t in teams], True, "kits")
    routing.AddDimensionWithVehicleCapacity(seat_cb, 0, [t.seats for t in teams], True, "seats")
    for k, (p, _node, allowed) in enumerate(offered, start=1):
        index = manager.NodeToIndex(k)
        routing.AddDisjunction([index], max(1, int(round(p.score * PENALTY_PER_POINT))))
        if len(allowed) < len(teams):
            routing.VehicleVar(index).RemoveValues([v for v in range(len(teams)) if v not in allowed])
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.solution_limit = solution_limit
    params.time_limit.seconds = time_limit_s
    params.log_search = False
    solution = routing.SolveWithParameters(params)
    out: dict[int, list[int]] = {vi: [] for vi in range(len(teams))}
    if solution is None:
        return out
    for vi in range(len(teams)):
        index = routing.Start(vi)
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node:
                out[vi].append(node)
            index = solution.Value(routing.NextVar(index))
    return out


def _etas(
    seq: list[int], offered: list[tuple[Priority, int, list[int]]], m: _Matrices, vehicle: str
) -> list[tuple[int, float]]:
    """(node, minutes after start when the team leaves it) along one route."""
    out, t, prev = [], 0.0, 0
    for k in seq:
        t += _minutes(float(m.length[prev][k]), vehicle)
        t += offered[k - 1][0].minutes
        out.append((k, t))
        prev = k
    return out


def _assemble(
    net: Network,
    routes: dict[int, list[int]],
    offered: list[tuple[Priority, int, list[int]]],
    teams: list[Team],
    mats: dict[str, _Matrices],
    depot: int,
    start_hour: float,
    hours: float,
    left: list[LeftOut],
) -> DayPlan:
    out = []
    lookup = net.edge_lookup()
    nodes = [depot] + [n for _p, n, _a in offered]
    for vi, t in enumerate(teams):
        m = mats[t.vehicle]
        r = Route(t)
        clock, prev = 0.0, 0
        for k in routes.get(vi, []) + [0]:
            leg = walk(m.pred[prev], nodes[prev], nodes[k])
            danger = m.hour_danger[int(m.row_hour[prev]) % 24]
            metres = 0.0
            for x, y in zip(leg, leg[1:], strict=False):
                e = lookup[(x, y)]
                metres += float(net.length[e])
                r.exposure += float(danger[e])
            r.length_m += metres
            r.path.extend(leg if not r.path else leg[1:])
            clock += _minutes(metres, t.vehicle)
            if k:
                p = offered[k - 1][0]
                r.stops.append(Stop(p, nodes[k], clock))
                clock += p.minutes
            prev = k
        r.minutes = clock
        out.append(r)
    return DayPlan(out, left, start_hour, hours, depot)
