"""Registry actions: zones, sites, households, people, deaths, merges — and refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from frontaid.actions import registry
from frontaid.errors import BadCode, BadInput, NotFound, Refused, UnknownChoice
from frontaid.queries import registry as q
from frontaid.store.replica import Replica


def test_register_a_household_and_find_it(town: Any) -> None:
    rep: Replica = town.rep
    hh = q.household(rep, town.anna)
    assert hh is not None
    assert (hh["zone"], hh["shelter"], hh["size"], hh["utilities"]) == ("east", "basement", 2, "gas,water")
    assert [m["name"] for m in hh["members"]] == ["Mykola Kovalenko", "Anna Kovalenko"]  # by birth year
    assert q.household(rep, town.anna.lower()) == hh
    listed = {h["eid"]: h for h in q.list_households(rep)}
    assert set(listed) == {town.anna, town.ihor, town.olena}
    assert listed[town.anna]["members"] == 2
    assert [h["eid"] for h in q.list_households(rep, vulnerability="immobile")] == [town.anna]
    assert [h["eid"] for h in q.list_households(rep, zone="west")] == sorted([town.ihor, town.olena])


def test_zone_by_english_name_any_case(town: Any) -> None:
    assert q.household(town.rep, town.olena)["zone"] == "west"
    code = registry.add_household(town.rep, "t", zone="EAST BANK", address="x")
    assert q.household(town.rep, code)["zone"] == "east"


def test_search_by_folded_name_and_by_code(town: Any) -> None:
    rep = town.rep
    found = q.search(rep, "kovalenko")
    assert {r["eid"] for r in found if r["kind"] == "person"} == {town.anna_p, town.mykola_p}
    by_code = q.search(rep, town.ihor.lower())
    assert by_code[0]["kind"] == "household" and by_code[0]["eid"] == town.ihor


def test_set_household_fields(town: Any) -> None:
    rep = town.rep
    registry.set_household(rep, "t", town.anna, "size", "3")
    registry.set_household(rep, "t", town.anna, "utilities", "water, power")
    registry.set_household(rep, "t", town.anna, "shelter", "Flat")
    hh = q.household(rep, town.anna)
    assert (hh["size"], hh["utilities"], hh["shelter"]) == (3, "power,water", "flat")


def test_move_household(town: Any) -> None:
    registry.move_household(town.rep, "t", town.anna, zone="west", address="Myru 20", displaced=True)
    hh = q.household(town.rep, town.anna)
    assert (hh["zone"], hh["address"], hh["displaced"]) == ("west", "Myru 20", 1)


def test_person_died_with_burial_place(town: Any) -> None:
    rep = town.rep
    registry.add_site(rep, "t", "graves-1", "burial", "Кладовище", "Cemetery", "east")
    registry.person_died(rep, "t", town.mykola_p, on="2025-01-09", place="home", burial_place="graves-1")
    p = q.person(rep, town.mykola_p)
    assert (p["status"], p["died_on"], p["burial_place"]) == ("deceased", "2025-01-09", "graves-1")
    from frontaid.queries.aid import list_deaths
    assert [d["eid"] for d in list_deaths(rep)] == [town.mykola_p]
    assert q.household(rep, town.anna)["members"][0]["status"] == "deceased"


def test_merge_and_unmerge_households(town: Any) -> None:
    rep = town.rep
    registry.merge(rep, "t", "household", town.olena, town.ihor)
    assert town.olena not in {h["eid"] for h in q.list_households(rep)}
    assert q.household(rep, town.ihor)["merged_from"] == [town.olena]
    registry.unmerge(rep, "t", "household", town.olena)
    assert town.olena in {h["eid"] for h in q.list_households(rep)}


def test_site_state_of_a_crossing(town: Any) -> None:
    registry.set_site_state(town.rep, "t", "Bridge", "destroyed")
    assert town.rep.conn.execute("SELECT state FROM sites WHERE eid = 'bridge'").fetchone()[0] == "destroyed"


BAD: list[tuple[str, type[Exception], Any]] = [
    ("unknown zone", UnknownChoice,
     lambda t: registry.add_household(t.rep, "t", zone="atlantis", address="x")),
    ("empty address", BadInput, lambda t: registry.add_household(t.rep, "t", zone="east", address="  ")),
    ("bad shelter word", UnknownChoice,
     lambda t: registry.add_household(t.rep, "t", zone="east", address="x", shelter="castle")),
    ("bad utility word", UnknownChoice,
     lambda t: registry.add_household(t.rep, "t", zone="east", address="x", utilities="gas,wifi")),
    ("size out of range", BadInput,
     lambda t: registry.add_household(t.rep, "t", zone="east", address="x", size=0)),
    ("size not a number", BadInput, lambda t: registry.set_household(t.rep, "t", t.anna, "size", "many")),
    ("latitude out of range", BadInput,
     lambda t: registry.add_household(t.rep, "t", zone="east", address="x", lat=91)),
    ("unknown household field", UnknownChoice,
     lambda t: registry.set_household(t.rep, "t", t.anna, "colour", "red")),
    ("bad card code", BadCode, lambda t: registry.set_household(t.rep, "t", t.anna[:-1] + str(
        (int(t.anna[-1]) + 1) % 10), "note", "x")),
    ("unknown card", NotFound,
     lambda t: registry.add_person(t.rep, "t", household=_valid_unknown_code(t.rep), name="X")),
    ("born in the future", BadInput,
     lambda t: registry.add_person(t.rep, "t", household=t.anna, name="X", born=2999)),
    ("bad sex word", UnknownChoice,
     lambda t: registry.add_person(t.rep, "t", household=t.anna, name="X", sex="q")),
    ("bad vulnerability", UnknownChoice,
     lambda t: registry.set_person(t.rep, "t", t.anna_p, "vulnerabilities", "tired")),
    ("merge into itself", Refused, lambda t: registry.merge(t.rep, "t", "household", t.anna, t.anna)),
    ("merge a zone", BadInput, lambda t: registry.merge(t.rep, "t", "zone", "east", "west")),
    ("unmerge an unmerged record", Refused, lambda t: registry.unmerge(t.rep, "t", "household", t.anna)),
    ("unknown site kind", UnknownChoice,
     lambda t: registry.add_site(t.rep, "t", "s", "castle", "Замок", "Castle", "east")),
    ("bad crossing state", UnknownChoice, lambda t: registry.set_site_state(t.rep, "t", "bridge", "wobbly")),
]


def _valid_unknown_code(rep: Replica) -> str:
    from frontaid.domain.codes import make_code

    return make_code(rep.prefix, 999)


@pytest.mark.parametrize(("why", "error", "call"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_and_changes_nothing(town: Any, refused: Any, why: str, error: type[Exception],
                                              call: Any) -> None:
    with refused(town.rep, error):
        call(town)


def test_a_bad_death_date_is_a_bad_date(town: Any, refused: Any) -> None:
    from frontaid.errors import BadDate

    with refused(town.rep, BadDate) as info:
        registry.person_died(town.rep, "t", town.anna_p, on="yesterday")
    assert "yesterday" in str(info.value)


def test_errors_speak_both_languages(town: Any) -> None:
    with pytest.raises(UnknownChoice) as info:
        registry.add_household(town.rep, "t", zone="atlantis", address="x")
    assert "atlantis" in info.value.text("en") and "east" in info.value.text("en")
    assert "atlantis" in info.value.text("uk")


def test_unconfirmed_person_who_may_already_be_registered_is_refused_with_candidates(town: Any) -> None:
    from frontaid.errors import PossibleDuplicate

    rep: Replica = town.rep
    before = rep.op_count()
    with pytest.raises(PossibleDuplicate) as caught:
        registry.add_person(rep, "t", household=town.olena, name="Anna Kovalenko", born=1941, sex="f",
                            confirmed=False)
    assert [c["eid"] for c in caught.value.candidates] == [town.anna_p]
    assert town.anna_p in caught.value.text("en") and "Anna" not in caught.value.text("en")
    assert rep.op_count() == before
    # Someone new is registered without a question; confirmed, the look-alike is registered too.
    assert registry.add_person(rep, "t", household=town.olena, name="Stepan Hnatiuk", born=1950,
                               confirmed=False)
    again = registry.add_person(rep, "t", household=town.olena, name="Anna Kovalenko", born=1941,
                                sex="f", confirmed=True)
    assert q.person(rep, again)["household"] == town.olena


def test_edits_change_only_what_differs_all_or_none(town: Any) -> None:
    rep: Replica = town.rep
    changed = registry.edit_household(rep, "t", town.anna, {
        "zone": "west", "address": "Chasiv Yar Rd 4", "size": "3", "shelter": "",
        "utilities": ["water", "gas"],
        "displaced": True})
    assert changed == ["zone", "size", "displaced"]
    hh = q.household(rep, town.anna)
    assert (hh["zone"], hh["size"], hh["shelter"], hh["displaced"]) == ("west", 3, "basement", 1)
    before = rep.op_count()
    with pytest.raises(UnknownChoice):  # the second field is wrong: the first is not kept either
        registry.edit_household(rep, "t", town.anna, {"size": "4", "shelter": "attic"})
    assert rep.op_count() == before and q.household(rep, town.anna)["size"] == 3
    with pytest.raises(BadInput):
        registry.edit_household(rep, "t", town.anna, {"address": " "})
    assert registry.edit_person(rep, "t", town.ihor_p, {"born": "1961", "sex": "", "vulnerabilities": []}) \
        == ["born", "vulnerabilities"]
    p = q.person(rep, town.ihor_p)
    assert (p["born"], p["vulnerabilities"]) == (1961, None)
    with pytest.raises(NotFound):
        registry.edit_person(rep, "t", "KMT-999-9", {"name": "X"})
