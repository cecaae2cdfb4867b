"""Evacuation offers and answers. A refusal and its reason is a respected answer."""

from __future__ import annotations

from typing import Any

from frontaid.actions import validate as check
from frontaid.actions.fields import create, set_field
from frontaid.domain import vocab
from frontaid.errors import BadInput
from frontaid.store.replica import Change, Replica


def offer(
    rep: Replica, actor: str, *, household: str, answer: str = "undecided", reason: str | None = None,
    on: str | None = None, seats: int | None = None, animals: int | None = None,
    run: str | None = None, note: str | None = None,
) -> str:
    """Record an evacuation offer to a household and its answer; returns the offer's code."""
    ans = check.choice(answer, vocab.EVAC_ANSWERS, "answer")
    why = check.choice(reason, vocab.EVAC_REASONS, "reason") if reason else None
    if ans == "refused" and why is None:
        raise BadInput("A refusal needs its reason (--reason), so the next offer can answer it.")
    data: dict[str, Any] = {
        "household": check.existing(rep, "household", household),
        "offered_on": check.day(on), "answer": ans, "reason": why,
        "seats": check.count(seats, "seats", 0, 50) if seats is not None else None,
        "animals": check.count(animals, "animals", 0, 100) if animals is not None else None,
        "run": check.existing(rep, "evac_run", run) if run else None,
        "note": check.text(note, "note", required=False),
    }
    return create(rep, actor, "evac_offer", data)


def answer(rep: Replica, actor: str, code: str, *, answer: str, reason: str | None = None) -> None:
    eid = check.existing(rep, "evac_offer", code)
    ans = check.choice(answer, vocab.EVAC_ANSWERS, "answer")
    why = check.choice(reason, vocab.EVAC_REASONS, "reason") if reason else None
    if ans == "refused" and why is None:
        raise BadInput("A refusal needs its reason (--reason), so the next offer can answer it.")
    rep.record([set_field("evac_offer", eid, "answer", ans),
                set_field("evac_offer", eid, "reason", why)], actor)


def plan_run(rep: Replica, actor: str, *, on: str, site: str, seats: int, animal_places: int = 0) -> str:
    data = {"on": check.day(on), "site": check.site(rep, site, ["evac-pickup"]),
            "seats": check.count(seats, "seats", 1, 500),
            "animal_places": check.count(animal_places, "animal places", 0, 500), "status": "planned"}
    code = rep.next_codes()[0]
    rep.record([Change("evac_run", code, "create", data)], actor)
    return code
