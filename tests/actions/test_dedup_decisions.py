"""Dedup decisions are ops: they reach other replicas, survive a refold, and are not proposed again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from frontaid.actions import dedup, registry
from frontaid.errors import NotFound, Refused
from frontaid.queries import dedup as q
from frontaid.queries.dedup import possible_duplicates
from frontaid.store.replica import Replica


def _pairs(rep: Replica) -> set[frozenset[str]]:
    return {frozenset((p["a"]["eid"], p["b"]["eid"])) for p in q.queue(rep, limit=100)}


def _town(rep: Replica) -> dict[str, str]:
    registry.add_zone(rep, "t", "east", "Схід", "East")
    h1 = registry.add_household(rep, "t", zone="east", address="вул. Миру 5")
    h2 = registry.add_household(rep, "t", zone="east", address="вул. Садова 9")
    return {
        "ihor": registry.add_person(rep, "t", household=h1, name="Ігор Коваленко", born=1941, sex="m"),
        "igor": registry.add_person(rep, "t", household=h2, name="Igor Kowalenko", born=1941, sex="m"),
        "hanna": registry.add_person(rep, "t", household=h1, name="Ганна Коваленко", born=1944, sex="f"),
        "anna": registry.add_person(rep, "t", household=h2, name="Анна Коваленко", born=1944, sex="f"),
        "h1": h1,
    }


def test_not_the_same_reaches_another_replica(make_replica: Callable[..., Replica]) -> None:
    hub = make_replica("hub")
    t = _town(hub)
    laptop = make_replica("laptop")
    laptop.ingest(hub.ops_after({}))
    dedup.run(laptop, "t")
    assert frozenset((t["ihor"], t["igor"])) in _pairs(laptop)

    dedup.not_the_same(hub, "coord", t["igor"], t["ihor"])
    assert q.is_distinct(hub, t["ihor"], t["igor"]) and q.is_distinct(hub, t["igor"], t["ihor"])
    laptop.ingest(hub.ops_after(laptop.vector()))
    # The laptop's old queue no longer offers the pair, and its next run does not find it again.
    assert frozenset((t["ihor"], t["igor"])) not in _pairs(laptop)
    dedup.run(laptop, "t")
    assert frozenset((t["ihor"], t["igor"])) not in _pairs(laptop)
    assert frozenset((t["hanna"], t["anna"])) in _pairs(laptop)
    before = laptop.projection_hash()
    laptop.rebuild()
    assert laptop.projection_hash() == before
    assert q.is_distinct(laptop, t["ihor"], t["igor"])
    # Deciding twice records nothing more.
    ops = hub.op_count()
    dedup.not_the_same(hub, "coord", t["ihor"], t["igor"])
    assert hub.op_count() == ops


def test_merge_and_unmerge_through_the_queue(rep: Replica) -> None:
    t = _town(rep)
    result = dedup.run(rep, "t")
    assert result["people"] == 4 and result["merged"] == 0 and result["link"] + result["review"] >= 2
    assert q.counts(rep)["link"] + q.counts(rep)["review"] == result["link"] + result["review"]
    dedup.merge(rep, "coord", t["anna"], t["hanna"])
    assert frozenset((t["hanna"], t["anna"])) not in _pairs(rep)
    # Registering Анна again now finds only the record kept.
    found = possible_duplicates(rep, "Анна Коваленко", 1944, t["h1"])
    assert [f["eid"] for f in found] == [t["hanna"]]
    dedup.unmerge(rep, "coord", t["anna"])
    assert frozenset((t["hanna"], t["anna"])) in _pairs(rep)  # the queue still held it


def test_possible_duplicates_ranks_and_explains(rep: Replica) -> None:
    t = _town(rep)
    found = possible_duplicates(rep, "Kovalenko Ihor", 1941, None)
    assert [f["score"] for f in found] == sorted((f["score"] for f in found), reverse=True)
    assert {f["eid"] for f in found} == {t["ihor"], t["igor"]}
    assert all(set(f) >= {"eid", "name", "born", "household", "score"} for f in found)
    assert possible_duplicates(rep, "Ігор Коваленко", 1978, None) == []  # the son
    assert possible_duplicates(rep, "Олександра Коваленко", 1941, None) == []
    assert possible_duplicates(rep, "", None, None) == []


@pytest.mark.parametrize(("a", "b", "error"), [("ihor", "ihor", Refused), ("ihor", "nobody", NotFound)])
def test_bad_decisions_change_nothing(rep: Replica, a: str, b: str, error: Any) -> None:
    t = _town(rep)
    before = rep.digest()
    with pytest.raises(error):
        dedup.not_the_same(rep, "coord", t.get(a, a), t.get(b, b))
    with pytest.raises(error):
        dedup.merge(rep, "coord", t.get(a, a), t.get(b, b))
    assert rep.digest() == before


def test_a_name_grows_common_as_people_register_and_stops_linking_alone(rep: Replica) -> None:
    # The registration check counts name frequencies in the registry as it is now: the first
    # Мельник Олександр of 1949 is a link for a second one; once three hundred Мельник Олександр
    # are registered, a name and a year are what a namesake would share too: no longer a link. At
    # the same door with the same year, it still is.
    registry.add_zone(rep, "t", "east", "Схід", "East")
    h1 = registry.add_household(rep, "t", zone="east", address="вул. Миру 5")
    h2 = registry.add_household(rep, "t", zone="east", address="вул. Садова 9")
    first = registry.add_person(rep, "t", household=h1, name="Мельник Олександр", born=1949, sex="m")
    alone = possible_duplicates(rep, "Мельник Олександр", 1949, h2, sex="m")
    assert [(f["eid"], f["band"]) for f in alone] == [(first, "link")]
    for i in range(300):
        h = registry.add_household(rep, "t", zone="east", address=f"вул. Степова {i + 1}")
        registry.add_person(rep, "t", household=h, name="Мельник Олександр", born=1930 + (i * 7) % 19,
                            sex="m")
    crowd = possible_duplicates(rep, "Мельник Олександр", 1949, h2, sex="m")
    assert not [f for f in crowd if f["band"] == "link"]
    same_door = registry.add_household(rep, "t", zone="east", address="вул. Миру 5")
    again = possible_duplicates(rep, "Мельник Олександр", 1949, same_door, sex="m")
    assert [(f["eid"], f["band"]) for f in again][:1] == [(first, "link")]
