"""The requests board page: counts to filter by, and one page of cards at a time with their addresses.

A town's board holds thousands of requests; the page shows a few cards per status and fetches
more on demand, so each read is one indexed count and one short page, whatever the town's size.
"""

from __future__ import annotations

from typing import Any

from frontaid.domain.vocab import URGENCY_RANK
from frontaid.queries import LIVE
from frontaid.store.replica import Replica

ACTIVE = ("open", "assigned", "in-progress")
# Most urgent first while a request is active, then the newest; closed ones by when they closed.
_RANK = "CASE r.urgency " + " ".join(f"WHEN '{u}' THEN {n}" for u, n in URGENCY_RANK.items()) + " ELSE 9 END"
_ACTIVE_ORDER = f"{_RANK}, r.opened_at DESC, r.eid"
_CLOSED_ORDER = "r.closed_at DESC, r.opened_at DESC, r.eid"
CARD_COLS = ("r.eid, r.household, r.need, r.urgency, r.status, r.team, r.reported_by, r.zone, r.note, "
             "r.opened_at, r.closed_at, h.address AS address")


def _where(filters: dict[str, str | None]) -> tuple[str, list[str]]:
    where, params = [" AND ".join(f"r.{c}" for c in LIVE.split(" AND "))], []
    for col, val in filters.items():
        if val:
            where.append(f"r.{col} = ?")
            params.append(val)
    return " AND ".join(where), params


def board_counts(rep: Replica, *, need: str | None = None, zone: str | None = None,
                 status: str | None = None) -> dict[str, dict[str, int]]:
    """How many requests each filter value would show, the other filters kept:
    {"status": {state: n}, "need": {slug: n}, "zone": {zone: n}}."""
    chosen = {"status": status, "need": need, "zone": zone}
    out: dict[str, dict[str, int]] = {}
    for col in chosen:
        cond, params = _where({k: v for k, v in chosen.items() if k != col})
        out[col] = {str(k): int(n) for k, n in rep.conn.execute(
            f"SELECT r.{col}, COUNT(*) FROM requests r WHERE {cond} GROUP BY r.{col}", params) if k}
    return out


def board_cards(rep: Replica, status: str, *, need: str | None = None, zone: str | None = None,
                offset: int = 0, limit: int = 10) -> list[dict[str, Any]]:
    """One page of a status's cards, each with its household's home address (None without one)."""
    cond, params = _where({"status": status, "need": need, "zone": zone})
    order = _ACTIVE_ORDER if status in ACTIVE else _CLOSED_ORDER
    return rep.rows(f"SELECT {CARD_COLS} FROM requests r LEFT JOIN households h ON h.eid = r.household "
                    f"WHERE {cond} ORDER BY {order} LIMIT ? OFFSET ?",
                    [*params, max(0, limit), max(0, offset)])


def board_card(rep: Replica, code: str) -> dict[str, Any] | None:
    """One request as the board shows it (after a change), or None."""
    found = rep.rows(f"SELECT {CARD_COLS} FROM requests r LEFT JOIN households h ON h.eid = r.household "
                     "WHERE r.eid = ? AND r.created = 1", (code,))
    return found[0] if found else None
