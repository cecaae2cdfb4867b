"""The router on small hand-made towns: crossings, danger by the hour, priorities under short capacity."""

from __future__ import annotations

from datetime import date, datetime

from frontaid.plan.danger import DangerField, Incident, edge_danger
from frontaid.plan.network import Network
from frontaid.plan.priority import Facts, Priority, score
from frontaid.plan.routes import DayPlan, Team, solve

TODAY = date(2022, 12, 5)
DAY_START = datetime(2022, 12, 5, 8, 0)


def river_town(mid: str = "open", far: str = "open") -> Network:
    """Two banks 700 m apart, five junctions each 220 m apart north to south, two bridges.

    W0 ... W4 on the west bank (lon 38.000), E0 ... E4 on the east (lon 38.010); the
    middle bridge joins W2-E2, the far one W4-E4.
    """
    nodes = [[f"W{i}", 48.600 + 0.002 * i, 38.000] for i in range(5)]
    nodes += [[f"E{i}", 48.600 + 0.002 * i, 38.010] for i in range(5)]
    edges = [[f"W{i}", f"W{i + 1}", 222.0, None, "West St"] for i in range(4)]
    edges += [[f"E{i}", f"E{i + 1}", 222.0, None, "East St"] for i in range(4)]
    edges += [
        ["W2", "E2", 740.0, "bridge-mid", "Mid bridge"],
        ["W4", "E4", 740.0, "bridge-far", "Far bridge"],
    ]
    return Network.from_rows(nodes, edges, {"bridge-mid": mid, "bridge-far": far})


def two_ways() -> Network:
    """From A to B by the north street (via N, 1,000 m) or the south street (via S, 3,200 m)."""
    nodes = [["A", 48.600, 38.000], ["N", 48.604, 38.006], ["S", 48.596, 38.006], ["B", 48.600, 38.012]]
    edges = [
        ["A", "N", 500.0, None, "North St"],
        ["N", "B", 500.0, None, "North St"],
        ["A", "S", 1600.0, None, "South St"],
        ["S", "B", 1600.0, None, "South St"],
    ]
    return Network.from_rows(nodes, edges)


def household(code: str, lat: float, lon: float, **kw: object) -> Priority:
    return score(Facts(code, "z", f"{code} street", lat, lon, **kw), TODAY)  # type: ignore[arg-type]


def quiet(net: Network) -> DangerField:
    return DangerField.build(net, [], DAY_START)


def run(
    net: Network,
    field: DangerField,
    visits: list[tuple[Priority, str]],
    teams: list[Team],
    depot: str = "W2",
    hour: float = 8.0,
    hours: float = 6.0,
) -> DayPlan:
    return solve(
        net, field, [(p, net.index(node)) for p, node in visits], teams, net.index(depot), hour, hours
    )


def path_ids(net: Network, plan: DayPlan, team: int = 0) -> list[str]:
    return [net.ids[i] for i in plan.routes[team].path]


def test_a_destroyed_bridge_forces_the_long_way() -> None:
    old = household("H1", 48.604, 38.010, vulnerabilities={"very-old"}, registered_on="2022-11-01")
    for state, via_far in (("open", False), ("destroyed", True)):
        net = river_town(mid=state)
        plan = run(net, quiet(net), [(old, "E2")], [Team("t1", "foot")])
        ids = path_ids(net, plan)
        assert [s.priority.household for s in plan.routes[0].stops] == ["H1"]
        assert ("W4" in ids and "E4" in ids) is via_far, (state, ids)
        assert plan.routes[0].length_m > 3000 if via_far else plan.routes[0].length_m < 1600


def test_a_foot_only_crossing_is_used_on_foot_but_never_by_a_van() -> None:
    net = river_town(mid="damaged")
    old = household("H1", 48.604, 38.010, vulnerabilities={"immobile"}, registered_on="2022-11-01")
    foot = run(net, quiet(net), [(old, "E2")], [Team("walkers", "foot")])
    van = run(net, quiet(net), [(old, "E2")], [Team("van", "van")])
    assert "W4" not in path_ids(net, foot) and "E2" in path_ids(net, foot)
    assert "W4" in path_ids(net, van) and "E4" in path_ids(net, van)
    for a, b in zip(path_ids(net, van), path_ids(net, van)[1:], strict=False):
        assert {a, b} != {"W2", "E2"}, "a van crossed the damaged bridge"


def test_no_crossing_left_says_why() -> None:
    net = river_town(mid="destroyed", far="damaged")
    old = household("H1", 48.604, 38.010, vulnerabilities={"immobile"}, registered_on="2022-11-01")
    plan = run(net, quiet(net), [(old, "E2")], [Team("van", "van")])
    assert not plan.served
    assert [(x.priority.household, x.reason) for x in plan.left_out] == [("H1", "van-cannot-cross")]


def test_fresh_shelling_at_14_moves_the_14_route_not_the_08_one() -> None:
    net = two_ways()
    # Yesterday at 14:00, on the north street: the guns fire at that hour.
    shell = Incident("i1", "shelling", datetime(2022, 12, 4, 14, 0), 48.6045, 38.006)
    visit = household("H1", 48.600, 38.012, vulnerabilities={"very-old", "immobile", "alone"},
                      registered_on="2022-11-01", welfare=[("w1", "2022-12-01")])
    routes = {}
    for hour in (8, 14):
        now = datetime(2022, 12, 5, hour, 0)
        field = DangerField.build(net, [shell], now)
        plan = run(net, field, [(visit, "B")], [Team("t", "foot")], depot="A", hour=hour, hours=3)
        routes[hour] = path_ids(net, plan)[:3]
    assert routes[8] == ["A", "N", "B"]
    assert routes[14] == ["A", "S", "B"]
    # The same function the map calls: more danger on the north street at 14:00 than at 08:00.
    north = [i for i, n in enumerate(net.name) if n == "North St"]
    at14 = edge_danger(net, [shell], datetime(2022, 12, 5, 14), 14.0)
    at8 = edge_danger(net, [shell], datetime(2022, 12, 5, 8), 8.0)
    assert all(at14[i] > 5 * at8[i] > 0 for i in north)


def test_short_capacity_serves_the_highest_priority_first() -> None:
    net = river_town()
    high = household(
        "HIGH", 48.600, 38.000, vulnerabilities={"very-old", "immobile", "alone"}, registered_on="2022-11-01"
    )
    low = household("LOW", 48.608, 38.000, vulnerabilities={"child"}, registered_on="2022-11-01")
    assert high.score > low.score
    # One kit each; a team on foot carries 6, so time is what runs short: 30 minutes on the ground.
    plan = run(net, quiet(net), [(low, "W4"), (high, "W0")], [Team("t", "foot")], hours=0.6)
    assert [p.household for p in plan.served] == ["HIGH"]
    assert [(x.priority.household, x.reason) for x in plan.left_out] == [("LOW", "day-full")]


def test_an_infeasible_day_drops_the_lowest_priorities_and_says_so() -> None:
    net = river_town()
    visits = []
    for i, (node, vulns) in enumerate(
        (
            ("W0", {"very-old", "immobile"}),
            ("W1", {"wounded"}),
            ("W3", {"alone"}),
            ("W4", {"child"}),
            ("E2", {"caregiver"}),
        )
    ):
        visits.append((household(f"H{i}", 0, 0, vulnerabilities=vulns, registered_on="2022-11-25"), node))
    plan = run(net, quiet(net), visits, [Team("t", "foot")], hours=1.0)
    served = {p.household for p in plan.served}
    dropped = {x.priority.household: x for x in plan.left_out}
    assert served and dropped and served | set(dropped) == {f"H{i}" for i in range(5)}
    assert min(p.score for p in plan.served) >= max(x.priority.score for x in plan.left_out)
    assert all(
        x.reason == "day-full" and x.params["lowest"] == min(p.score for p in plan.served)
        for x in dropped.values()
    )


def test_the_same_inputs_give_the_same_plan() -> None:
    net = river_town(mid="damaged")
    visits = [
        (
            household(
                f"H{i}",
                0,
                0,
                vulnerabilities={"alone"} if i % 2 else {"very-old"},
                registered_on=f"2022-11-{10 + i:02d}",
            ),
            node,
        )
        for i, node in enumerate(["W0", "W1", "W3", "W4", "E0", "E1", "E3", "E4"])
    ]
    teams = [Team("van", "van"), Team("foot", "foot")]

    def fingerprint() -> list[tuple[str, list[str], list[str]]]:
        plan = run(net, quiet(net), visits, teams, hours=2.0)
        return [
            (r.team.name, [s.priority.household for s in r.stops], [net.ids[i] for i in r.path])
            for r in plan.routes
        ] + [("left", [x.priority.household for x in plan.left_out], [])]

    first = fingerprint()
    assert first == fingerprint() == fingerprint()
    assert sum(len(r[1]) for r in first[:2]) >= 2


def test_a_body_needs_a_van() -> None:
    net = river_town()
    body = household("BODY", 0, 0, bodies=1)
    assert body.needs_van and body.kind == "body"
    on_foot = run(net, quiet(net), [(body, "W3")], [Team("t", "foot")])
    assert [(x.priority.household, x.reason) for x in on_foot.left_out] == [("BODY", "needs-van")]
    by_van = run(net, quiet(net), [(body, "W3")], [Team("t", "foot"), Team("v", "van")])
    assert [s.priority.household for s in by_van.routes[1].stops] == ["BODY"]
