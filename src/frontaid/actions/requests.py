"""Requests for help, from anyone (a neighbour shouting from the bridge counts), until done."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from frontaid.actions import validate as check
from frontaid.actions.fields import create, set_field
from frontaid.domain import vocab
from frontaid.domain.workflow import can_move
from frontaid.errors import BadInput, BadTransition
from frontaid.store.replica import Change, Replica


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")


def open_request(
    rep: Replica, actor: str, *, need: str, urgency: str = "normal", reported_by: str | None = None,
    household: str | None = None, zone: str | None = None, lat: float | None = None,
    lon: float | None = None, note: str | None = None, at: str | None = None,
) -> str:
    """Open a request; returns its code. A household, a zone or a location says where."""
    data: dict[str, Any] = {
        "need": check.choice(need, vocab.NEEDS, "need"),
        "urgency": check.choice(urgency, vocab.URGENCIES, "urgency"),
        "reported_by": check.text(reported_by, "reported by", required=False, limit=200),
        "note": check.text(note, "note", required=False),
        "status": "open",
        "opened_at": check.moment(at) if at else _now(),
    }
    if household:
        hh = check.existing(rep, "household", household)
        data["household"] = hh
        data["zone"] = rep.conn.execute("SELECT zone FROM households WHERE eid = ?", (hh,)).fetchone()[0]
    if zone:
        data["zone"] = check.zone(rep, zone)
    if lat is not None and lon is not None:
        data["lat"] = check.coordinate(lat, "latitude")
        data["lon"] = check.coordinate(lon, "longitude")
    if "zone" not in data and "lat" not in data:
        raise BadInput("Say where: a household, a zone or a location.")
    return create(rep, actor, "request", data)


def _move(rep: Replica, actor: str, code: str, target: str, extra: list[Change] | None = None,
          at: str | None = None) -> str:
    eid = check.existing(rep, "request", code)
    state = rep.conn.execute("SELECT status FROM requests WHERE eid = ?", (eid,)).fetchone()[0]
    if not can_move(state, target):
        raise BadTransition(state=state, target=target)
    changes = [set_field("request", eid, "status", target)]
    if target in ("done", "cancelled"):
        changes.append(set_field("request", eid, "closed_at", check.moment(at) if at else _now()))
    elif state in ("done", "cancelled"):
        changes.append(set_field("request", eid, "closed_at", None))
    rep.record(changes + (extra or []), actor)
    return eid


def assign(rep: Replica, actor: str, code: str, team: str) -> None:
    t = check.team(rep, team)
    _move(rep, actor, code, "assigned", [set_field("request", check.existing(rep, "request", code),
                                                   "team", t)])


def start(rep: Replica, actor: str, code: str) -> None:
    _move(rep, actor, code, "in-progress")


def done(rep: Replica, actor: str, code: str, note: str | None = None, at: str | None = None) -> None:
    eid = check.existing(rep, "request", code)
    extra = [set_field("request", eid, "note", check.text(note, "note"))] if note else []
    _move(rep, actor, code, "done", extra, at=at)


def cancel(rep: Replica, actor: str, code: str, note: str | None = None) -> None:
    eid = check.existing(rep, "request", code)
    extra = [set_field("request", eid, "note", check.text(note, "note"))] if note else []
    _move(rep, actor, code, "cancelled", extra)


def reopen(rep: Replica, actor: str, code: str) -> None:
    _move(rep, actor, code, "open")


def set_urgency(rep: Replica, actor: str, code: str, urgency: str) -> None:
    eid = check.existing(rep, "request", code)
    rep.record([set_field("request", eid, "urgency",
                          check.choice(urgency, vocab.URGENCIES, "urgency"))], actor)
