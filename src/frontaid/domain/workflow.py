"""Which state a request, referral or welfare check may move to from which."""

from __future__ import annotations

from typing import Final

REQUEST_TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "open": frozenset({"assigned", "in-progress", "done", "cancelled"}),
    "assigned": frozenset({"open", "assigned", "in-progress", "done", "cancelled"}),
    "in-progress": frozenset({"assigned", "done", "cancelled"}),
    "done": frozenset({"open"}),
    "cancelled": frozenset({"open"}),
}


def can_move(state: str, target: str) -> bool:
    return target in REQUEST_TRANSITIONS.get(state, frozenset())
