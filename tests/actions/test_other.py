"""Incidents, evacuation, referrals, welfare checks and corrections (retract)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from frontaid.actions import corrections, evacuation, incidents, referrals, registry, welfare
from frontaid.errors import BadDate, BadInput, NotFound, Refused, UnknownChoice
from frontaid.queries import registry as q
from frontaid.queries.aid import (
    evacuation_answers,
    harm,
    list_incidents,
    list_referrals,
    list_welfare,
)


def test_incident_and_harm(town: Any) -> None:
    rep = town.rep
    code = incidents.report_incident(rep, "hub", kind="shelling", zone="east", at="2025-01-07 06:40",
                                     killed=1, wounded=3, site="bridge")
    [i] = list_incidents(rep, zone="east")
    assert (i["eid"], i["at"], i["killed"], i["wounded"], i["site"]) == (
        code, "2025-01-07T06:40", 1, 3, "bridge")
    assert harm(rep, 24, datetime(2025, 1, 7, 12, tzinfo=UTC)) == {"incidents": 1, "killed": 1, "wounded": 3}
    assert harm(rep, 24, datetime(2025, 1, 9, 12, tzinfo=UTC))["incidents"] == 0


def test_evacuation_refusal_with_reason_then_acceptance(town: Any) -> None:
    rep = town.rep
    offer = evacuation.offer(rep, "team", household=town.anna, answer="refused", reason="animals",
                             on="2025-01-07")
    evacuation.offer(rep, "team", household=town.ihor, answer="accepted", seats=1, on="2025-01-07")
    assert evacuation_answers(rep) == {"answers": {"refused": 1, "accepted": 1},
                                       "refusal_reasons": {"animals": 1}}
    assert [h["eid"] for h in q.list_households(rep, refused_evacuation=True)] == [town.anna]
    evacuation.answer(rep, "team", offer, answer="accepted")
    assert evacuation_answers(rep)["answers"] == {"accepted": 2}


def test_evacuation_run(town: Any) -> None:
    run = evacuation.plan_run(town.rep, "hub", on="2025-01-10", site="pickup-1", seats=12, animal_places=2)
    evacuation.offer(town.rep, "team", household=town.anna, answer="accepted", run=run, seats=2)
    assert town.rep.conn.execute("SELECT run FROM evac_offers").fetchone()[0] == run


def test_referral_open_and_close(town: Any, refused: Any) -> None:
    rep = town.rep
    code = referrals.open_referral(rep, "hub", household=town.anna, person=town.anna_p, kind="pension",
                                   to="Pension Fund, Kramatorsk", on="2025-01-07")
    assert [r["eid"] for r in list_referrals(rep, open_only=True)] == [code]
    referrals.close_referral(rep, "hub", code, outcome="resolved", on="2025-01-20")
    assert list_referrals(rep, open_only=True) == []
    assert list_referrals(rep)[0]["outcome"] == "resolved"
    with refused(rep, Refused):
        referrals.close_referral(rep, "hub", code, outcome="resolved")


def test_welfare_check_asked_and_answered(town: Any) -> None:
    rep = town.rep
    code = welfare.request_check(rep, "hub", sought="Anna Kovalenko", asked_by="daughter in Dnipro",
                                 household=town.anna, on="2025-01-07")
    assert [w["status"] for w in list_welfare(rep, open_only=True)] == ["open"]
    welfare.answer_check(rep, "team", code, answer="alive-needs-help", on="2025-01-08", note="needs insulin")
    [w] = list_welfare(rep)
    assert (w["status"], w["answer"], w["answered_on"]) == ("answered", "alive-needs-help", "2025-01-08")


def test_retract_voids_an_op_and_the_log_keeps_both(town: Any) -> None:
    rep = town.rep
    registry.set_household(rep, "t", town.anna, "size", 5)
    [op] = rep.ops("verb = 'set'", limit=1)
    n = rep.op_count()
    corrections.retract(rep, "t", op.id, reason="wrong household")
    assert q.household(rep, town.anna)["size"] == 2
    assert rep.op_count() == n + 1
    [r] = rep.ops("verb = 'retract'")
    assert r.data["op"] == op.id and r.data["reason"] == "wrong household"


BAD: list[tuple[str, type[Exception], Any]] = [
    ("refusal without reason", BadInput,
     lambda t: evacuation.offer(t.rep, "x", household=t.anna, answer="refused")),
    ("unknown answer", UnknownChoice,
     lambda t: evacuation.offer(t.rep, "x", household=t.anna, answer="maybe")),
    ("unknown reason", UnknownChoice,
     lambda t: evacuation.offer(t.rep, "x", household=t.anna, answer="refused", reason="vibes")),
    ("bad offer date", BadDate, lambda t: evacuation.offer(t.rep, "x", household=t.anna, on="2025-13-01")),
    ("run at a food point", UnknownChoice,
     lambda t: evacuation.plan_run(t.rep, "x", on="2025-01-10", site="point-1", seats=5)),
    ("run with no seats", BadInput,
     lambda t: evacuation.plan_run(t.rep, "x", on="2025-01-10", site="pickup-1", seats=0)),
    ("unknown incident kind", UnknownChoice,
     lambda t: incidents.report_incident(t.rep, "x", kind="meteor", zone="east")),
    ("incident in unknown zone", UnknownChoice,
     lambda t: incidents.report_incident(t.rep, "x", kind="shelling", zone="nowhere")),
    ("incident bad time", BadDate,
     lambda t: incidents.report_incident(t.rep, "x", kind="shelling", zone="east", at="noon")),
    ("negative casualties", BadInput,
     lambda t: incidents.report_incident(t.rep, "x", kind="shelling", zone="east", killed=-1)),
    ("unknown referral kind", UnknownChoice,
     lambda t: referrals.open_referral(t.rep, "x", household=t.anna, kind="astrology")),
    ("welfare without asker", BadInput,
     lambda t: welfare.request_check(t.rep, "x", sought="Anna", asked_by="")),
    ("welfare unknown answer", NotFound,
     lambda t: welfare.answer_check(t.rep, "x", "no-such-check", answer="alive-well")),
    ("retract garbage", BadInput, lambda t: corrections.retract(t.rep, "x", "not an op id")),
    ("retract unknown op", NotFound, lambda t: corrections.retract(t.rep, "x", "abc:99")),
    ("retract the device", Refused, lambda t: corrections.retract(t.rep, "x", f"{t.rep.origin}:1")),
]


@pytest.mark.parametrize(("why", "error", "call"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_and_changes_nothing(town: Any, refused: Any, why: str, error: type[Exception],
                                              call: Any) -> None:
    with refused(town.rep, error):
        call(town)


def test_retract_twice_and_retract_a_retract_are_refused(town: Any, refused: Any) -> None:
    rep = town.rep
    registry.set_household(rep, "t", town.anna, "note", "x")
    [op] = rep.ops("verb = 'set'", limit=1)
    corrections.retract(rep, "t", op.id)
    with refused(rep, Refused):
        corrections.retract(rep, "t", op.id)
    [r] = rep.ops("verb = 'retract'")
    with refused(rep, Refused):
        corrections.retract(rep, "t", r.id)


def test_a_welfare_answer_with_an_unknown_word_changes_nothing(town: Any, refused: Any) -> None:
    code = welfare.request_check(town.rep, "hub", sought="Ihor", asked_by="brother")
    with refused(town.rep, UnknownChoice):
        welfare.answer_check(town.rep, "team", code, answer="probably fine")
