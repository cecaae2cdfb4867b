"""Referrals to pension, medical, psychosocial and documents services, with their outcome."""

from __future__ import annotations

from typing import Any

from frontaid.actions import validate as check
from frontaid.actions.fields import create, set_field
from frontaid.domain import vocab
from frontaid.errors import Refused
from frontaid.store.replica import Replica


def open_referral(rep: Replica, actor: str, *, household: str, kind: str, to: str | None = None,
                  person: str | None = None, note: str | None = None, on: str | None = None) -> str:
    data: dict[str, Any] = {
        "household": check.existing(rep, "household", household),
        "person": check.existing(rep, "person", person) if person else None,
        "kind": check.choice(kind, vocab.REFERRAL_KINDS, "referral kind"),
        "to": check.text(to, "service", required=False, limit=200),
        "status": "open", "opened_on": check.day(on),
        "note": check.text(note, "note", required=False),
    }
    return create(rep, actor, "referral", data)


def close_referral(rep: Replica, actor: str, code: str, *, outcome: str, note: str | None = None,
                   on: str | None = None) -> None:
    eid = check.existing(rep, "referral", code)
    status = rep.conn.execute("SELECT status FROM referrals WHERE eid = ?", (eid,)).fetchone()[0]
    if status == "closed":
        raise Refused("That referral is already closed.")
    changes = [set_field("referral", eid, "status", "closed"),
               set_field("referral", eid, "outcome",
                         check.choice(outcome, vocab.REFERRAL_OUTCOMES, "outcome")),
               set_field("referral", eid, "closed_on", check.day(on))]
    if note:
        changes.append(set_field("referral", eid, "note", check.text(note, "note")))
    rep.record(changes, actor)
