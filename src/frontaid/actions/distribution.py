"""Hand-outs at the point and at the doorstep, one entitlement per round, never twice silently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from frontaid.actions import validate as check
from frontaid.actions.fields import create
from frontaid.domain import cycles, vocab
from frontaid.domain.codes import is_canonical
from frontaid.errors import AlreadyHandedOut, BadInput, FrontaidError
from frontaid.i18n import Label
from frontaid.queries.items import catalogue, schedule_of
from frontaid.store.replica import Replica


@dataclass(frozen=True)
class Entitlement:
    """Where a household stands for one rationed item on a given day."""

    item: str
    due: bool
    round: int
    last: str | None      # date of the hand-out already made this round
    next_due: date


# The date of a household's hand-out of an entitlement in a round (?1 household, ?2 item, ?3 round).
_THIS_ROUND = ('SELECT min("on") FROM handouts WHERE household = ?1 AND entitlement = ?2 AND round = ?3 '
               "AND created = 1")


def entitlement(rep: Replica, household: str, item: str, on: date | None = None,
                schedule: list[cycles.Segment] | None = None) -> Entitlement:
    """Where a household stands for a rationed item (its `schedule`, read when not given)."""
    day = on or date.today()
    plan = schedule or schedule_of(rep, item) or []
    rnd = cycles.round_in(plan, day)
    row = rep.conn.execute(_THIS_ROUND, (household, item, rnd)).fetchone()
    return _standing(plan, item, day, row[0] if row and row[0] else None)


def _standing(schedule: list[cycles.Segment], item: str, day: date, last: str | None) -> Entitlement:
    """Where a household stands on `day`, given the date of this round's hand-out (or None)."""
    return Entitlement(item, last is None, cycles.round_in(schedule, day), last,
                       cycles.next_due_in(schedule, day))


def entitlements(rep: Replica, household: str, on: date | None = None) -> list[Entitlement]:
    """Every rationed item of the deployment's catalogue, for one household."""
    return [entitlement(rep, household, it.slug, on, it.schedule)
            for it in catalogue(rep).values() if it.schedule]


def hand_out(
    rep: Replica, actor: str, *, household: str, item: str, qty: int = 1, at: str | None = None,
    home: bool = False, on: str | datetime | None = None, override: str | None = None,
    team: str | None = None,
) -> str:
    """Record a hand-out; refuses a second one of an entitlement in one round without a reason.

    `at` is the site the goods leave from (the point, or for a home delivery the
    warehouse or vehicle), so stock follows every hand-out. The checks and the write
    are one transaction: no other desk can hand the same entitlement out in between,
    and the whole costs one durable commit.
    """
    with rep.transaction():
        return _hand_out(rep, actor, household=household, item=item, qty=qty, at=at, home=home, on=on,
                         override=override, team=team)


def _hand_out(
    rep: Replica, actor: str, *, household: str, item: str, qty: int, at: str | None, home: bool,
    on: str | datetime | None, override: str | None, team: str | None,
) -> str:
    # The usual case, a live household's code and a rationed item, costs one query for the
    # household and its hand-out this round together; anything else takes the checks in turn.
    item = check.item(rep, item)
    schedule = catalogue(rep)[item].schedule  # memoised in the transaction with the check above
    fast = _live_household_and_last(rep, household, item, on, schedule)
    hh = fast[0] if fast else check.existing(rep, "household", household)
    qty = check.count(qty, "quantity", 1, 1000)
    when = check.moment(on)
    day = date.fromisoformat(when[:10])
    if at:
        source: str | None = check.site(rep, at)
    else:
        if not home:
            raise BadInput("Say where it was handed out (--at POINT) or that it was taken home (--home).")
        source = _default_home_source(rep)
    reason = check.text(override, "reason", required=False)
    data: dict[str, Any] = {"household": hh, "item": item, "qty": qty, "at": source,
                            "home": 1 if home else None, "on": when, "override": reason,
                            "team": check.team(rep, team) if team else None}
    ent = item if schedule else None
    if ent and schedule:
        status = (_standing(schedule, item, day, fast[1]) if fast
                  else entitlement(rep, hh, item, day, schedule))
        if not status.due and not reason:
            raise AlreadyHandedOut(code=hh, item=Label(vocab.ITEM_NAMES.get(item) or item),
                                   last=(status.last or "")[:10], next=status.next_due.isoformat())
        data["entitlement"] = ent
        data["round"] = status.round
    return create(rep, actor, "handout", data)


def _live_household_and_last(rep: Replica, ref: str, item: str, on: str | datetime | None,
                             schedule: list[cycles.Segment] | None) -> tuple[str, str | None] | None:
    """(household id, date of this round's hand-out or None) in one query, for a code that
    needs no normalising and names a live, unmerged household; None: take the slow path."""
    if not schedule or not isinstance(ref, str) or not is_canonical(ref):
        return None
    try:
        day = date.fromisoformat(check.moment(on)[:10])
    except FrontaidError:
        return None
    row = rep.conn.execute(f"SELECT created, merged_into, ({_THIS_ROUND}) FROM households WHERE eid = ?1",
                           (ref, item, cycles.round_in(schedule, day))).fetchone()
    if row is None or not row[0] or row[1] is not None:
        return None
    return ref, (row[2] or None)


def _default_home_source(rep: Replica) -> str | None:
    row = rep.conn.execute(
        "SELECT eid FROM sites WHERE created = 1 AND kind IN ('vehicle', 'warehouse') "
        "ORDER BY kind = 'warehouse', eid LIMIT 1").fetchone()
    return row[0] if row else None
