"""Welfare checks: a relative outside asks "is my mother alive?"; a team visits and answers."""

from __future__ import annotations

from typing import Any

from frontaid.actions import validate as check
from frontaid.actions.fields import create, set_field
from frontaid.domain import vocab
from frontaid.store.replica import Replica


def request_check(rep: Replica, actor: str, *, sought: str, asked_by: str, contact: str | None = None,
                  household: str | None = None, zone: str | None = None, address: str | None = None,
                  note: str | None = None, on: str | None = None) -> str:
    data: dict[str, Any] = {
        "sought": check.text(sought, "person sought", limit=120),
        "asked_by": check.text(asked_by, "asked by", limit=120),
        "contact": check.text(contact, "contact", required=False, limit=200),
        "household": check.existing(rep, "household", household) if household else None,
        "zone": check.zone(rep, zone) if zone else None,
        "address": check.text(address, "address", required=False, limit=200),
        "status": "open", "opened_on": check.day(on),
        "note": check.text(note, "note", required=False),
    }
    return create(rep, actor, "welfare", data)


def answer_check(rep: Replica, actor: str, code: str, *, answer: str, note: str | None = None,
                 on: str | None = None) -> None:
    eid = check.existing(rep, "welfare", code)
    changes = [set_field("welfare", eid, "status", "answered"),
               set_field("welfare", eid, "answer", check.choice(answer, vocab.WELFARE_ANSWERS, "answer")),
               set_field("welfare", eid, "answered_on", check.day(on))]
    if note:
        changes.append(set_field("welfare", eid, "note", check.text(note, "note")))
    rep.record(changes, actor)
