"""Towns of a regional hub (issue 16): zones belong to a town; status and lists cut per town."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontaid.actions import distribution, registry, towns
from frontaid.actions import validate as check
from frontaid.errors import BadInput, FrontaidError, NoneYet, Refused, UnknownChoice
from frontaid.queries import registry as regq
from frontaid.queries import status as statusq
from frontaid.queries import towns as townq
from frontaid.store.replica import Replica

A = "tester"


def test_a_town_takes_its_zones_by_name_and_the_lists_cut_by_it(town: Any) -> None:
    rep: Replica = town.rep
    assert townq.list_towns(rep) == []
    towns.add_town(rep, A, "bakhmut", "Бахмут", "Bakhmut", "ua1402001", ["Схід"])
    towns.add_town(rep, A, "siversk", "Сіверськ", "Siversk", "UA1402", ["West bank"])
    listed = {t["eid"]: t for t in townq.list_towns(rep)}
    assert listed["bakhmut"]["pcode"] == "UA1402001"
    counts = {t: (row["zones"], row["households"], row["people"]) for t, row in listed.items()}
    assert counts == {"bakhmut": (1, 1, 2), "siversk": (1, 2, 1)}
    east = {h["eid"] for h in regq.list_households(rep, town="bakhmut")}
    assert east == {town.anna}
    whole = statusq.status(rep)
    b, s = statusq.status(rep, town="bakhmut"), statusq.status(rep, town="siversk")
    assert b["town"] == "Бахмут"
    for key in ("estimate", "registered", "households"):
        assert b["people"][key] + s["people"][key] == whole["people"][key]
    assert (b["people"]["estimate"], s["people"]["estimate"]) == (900, 400)
    # The food point is in the east: its stock counts for Бахмут, not for Сіверськ.
    assert [r["qty"] for r in b["stock"]] == [40]
    assert [r["qty"] for r in s["stock"]] == [60]


def test_a_zone_moves_to_another_town(town: Any) -> None:
    rep: Replica = town.rep
    towns.add_town(rep, A, "bakhmut", "Бахмут", "Bakhmut", zones=["east", "west"])
    towns.add_town(rep, A, "siversk", "Сіверськ", "Siversk")
    assert towns.give_zones(rep, A, "Siversk", ["Захід"]) == ["west"]
    assert townq.zones_of(rep, "bakhmut") == ["east"]
    assert townq.zones_of(rep, "siversk") == ["west"]


def test_bad_towns_are_refused_and_change_nothing(town: Any) -> None:
    rep: Replica = town.rep
    with pytest.raises(NoneYet) as none:
        check.town(rep, "bakhmut")
    assert "frontaid town add" in none.value.text("uk")
    towns.add_town(rep, A, "bakhmut", "Бахмут", "Bakhmut")
    before = rep.op_count()
    for bad in (
        lambda: towns.add_town(rep, A, "bakhmut", "Ще", "Again"),  # id in use
        lambda: towns.add_town(rep, A, "x", "Х", "X", pcode="1402001"),  # not a P-code
        lambda: towns.add_town(rep, A, "y", "Y", "Y", zones=["nowhere"]),  # unknown zone: nothing recorded
        lambda: towns.give_zones(rep, A, "nowhere", ["east"]),
    ):
        with pytest.raises((Refused, BadInput, UnknownChoice)):
            bad()
    assert rep.op_count() == before


@given(st.text(max_size=16))
def test_a_pcode_is_ua_and_digits_or_refused(text: str) -> None:
    try:
        got = check.pcode(text)
    except FrontaidError:
        return
    assert got == "" or (got.startswith("UA") and got[2:].isdigit() and 4 <= len(got) <= 13)


def test_towns_reach_every_replica_by_sync(make_replica: Callable[..., Replica]) -> None:
    hub = make_replica("hub")
    registry.add_zone(hub, A, "east", "Схід", "East")
    towns.add_town(hub, A, "bakhmut", "Бахмут", "Bakhmut", zones=["east"])
    hh = registry.add_household(hub, A, zone="east", address="вул. Миру, 3")
    registry.add_site(hub, A, "p1", "food-point", "Пункт", "Point", "east")
    distribution.hand_out(hub, A, household=hh, item="food-kit", qty=1, at="p1", on="2025-01-07")
    other = make_replica("other")
    other.ingest(hub.ops_after({}))
    assert townq.list_towns(other) == townq.list_towns(hub)
    assert townq.list_towns(other)[0]["households"] == 1


def test_the_sitrep_of_each_town_adds_up_to_the_regions(town: Any) -> None:
    from datetime import UTC, date, datetime

    from frontaid.actions import incidents
    from frontaid.queries.sitrep import sitrep

    rep: Replica = town.rep
    towns.add_town(rep, A, "bakhmut", "Бахмут", "Bakhmut", zones=["east"])
    towns.add_town(rep, A, "siversk", "Сіверськ", "Siversk", zones=["west"])
    incidents.report_incident(rep, A, kind="shelling", zone="east", at="2025-01-07T10:00",
                              killed=2, wounded=3)
    incidents.report_incident(rep, A, kind="shelling", zone="west", at="2025-01-07T11:00", wounded=1)
    distribution.hand_out(rep, A, household=town.ihor, item="food-kit", qty=1, at="point-1",
                          on="2025-01-07")
    day, now = date(2025, 1, 8), datetime(2025, 1, 8, 12, tzinfo=UTC)
    whole, b, s = (sitrep(rep, day, now, town=t) for t in (None, "bakhmut", "siversk"))
    assert (b["town"], s["town"]) == ("Бахмут", "Сіверськ")
    assert (b["harm"]["week"]["wounded"], s["harm"]["week"]["wounded"]) == (3, 1)
    assert whole["harm"]["week"]["killed"] == b["harm"]["week"]["killed"] == 2
    assert (b["reached"]["handouts"], s["reached"]["handouts"], whole["reached"]["handouts"]) == (0, 1, 1)
    assert [z["eid"] for z in b["zones"]] == ["east"]
    assert set(b["harm"]["by_zone"]) == {"east"}
    for key in ("estimate", "registered", "households"):
        assert b["people"][key] + s["people"][key] == whole["people"][key]
