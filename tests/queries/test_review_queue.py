"""The duplicates review queue grouped by person and ordered by what a decision changes (issue 15):
one person's three records shown together, not as three pairs; a group with a death on it first."""

from __future__ import annotations

from typing import Any

from frontaid.actions import dedup, distribution, registry
from frontaid.queries import dedup as queries

A = "tester"


def test_one_persons_records_are_one_group_and_a_death_comes_first(town: Any) -> None:
    rep = town.rep
    # Три записи однієї людини з трьох пунктів: a cluster of three.
    homes = [registry.add_household(rep, A, zone="east", address=f"вул. Польова, {i}") for i in (3, 5, 9)]
    trio = [registry.add_person(rep, A, household=h, name=n, born=1938, sex="f")
            for h, n in zip(homes, ("Ярослава Шевчишин", "Yaroslava Shevchyshyn", "Ярослава Шевчішин"),
                            strict=True)]
    # A pair with a death recorded on one side: the decision moves a death.
    far = registry.add_household(rep, A, zone="west", address="вул. Садова, 1")
    dead_twin = registry.add_person(rep, A, household=far, name="Mykola Kovalenko", born=1939, sex="m")
    registry.person_died(rep, A, dead_twin, on="2025-01-08", place="вул. Садова, 1")
    distribution.hand_out(rep, A, household=homes[0], item="food-kit", at="point-1", on="2025-01-07")
    dedup.run(rep, A)
    grouped = queries.clusters(rep)
    groups = grouped["groups"]
    assert grouped["total"] == len(groups) >= 2
    first = groups[0]
    assert first["stakes"]["deaths"] == 1 and dead_twin in first["people"]
    [trio_group] = [g for g in groups if set(trio) <= set(g["people"])]
    assert len(trio_group["people"]) == 3 and len(trio_group["pairs"]) >= 2
    assert trio_group["stakes"]["handouts"] == 1
    scores = [p["score"] for p in trio_group["pairs"]]
    assert scores == sorted(scores, reverse=True)
    # Every pending pair is in exactly one group.
    flat = [(p["a"]["eid"], p["b"]["eid"]) for g in groups for p in g["pairs"]]
    assert sorted(flat) == sorted((p["a"]["eid"], p["b"]["eid"]) for p in queries.queue(rep, limit=1000))
