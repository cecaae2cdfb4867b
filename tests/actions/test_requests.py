"""Requests: open from anyone, move through the workflow, refuse illegal moves without a trace."""

from __future__ import annotations

from typing import Any

import pytest

from frontaid.actions import requests
from frontaid.domain.workflow import REQUEST_TRANSITIONS
from frontaid.errors import BadDate, BadInput, BadTransition, NotFound, UnknownChoice
from frontaid.queries.aid import list_requests
from frontaid.queries.status import status


def state(town: Any, code: str) -> tuple[str, str | None, str | None]:
    return town.rep.conn.execute("SELECT status, team, closed_at FROM requests WHERE eid = ?",
                                 (code,)).fetchone()


def test_open_assign_start_done_and_reopen(town: Any) -> None:
    rep = town.rep
    code = requests.open_request(rep, "hub", need="medicine", urgency="high", household=town.anna,
                                 reported_by="neighbour on the bridge", at="2025-01-07 09:15")
    [r] = list_requests(rep, open_only=True)
    assert (r["eid"], r["zone"], r["status"], r["opened_at"]) == (code, "east", "open", "2025-01-07T09:15")
    assert status(rep)["open_requests"] == {"medicine": 1}
    requests.assign(rep, "hub", code, "team-1")
    assert state(town, code)[:2] == ("assigned", "team-1")
    requests.start(rep, "hub", code)
    requests.done(rep, "hub", code, note="delivered insulin", at="2025-01-07 15:00")
    assert state(town, code) == ("done", "team-1", "2025-01-07T15:00")
    assert list_requests(rep, open_only=True) == []
    requests.reopen(rep, "hub", code)
    assert state(town, code)[0] == "open" and state(town, code)[2] is None


def test_requests_sort_by_urgency(town: Any) -> None:
    rep = town.rep
    low = requests.open_request(rep, "hub", need="information", urgency="low", zone="west")
    crit = requests.open_request(rep, "hub", need="medevac", urgency="critical", lat=48.59, lon=38.0)
    assert [r["eid"] for r in list_requests(rep)] == [crit, low]


def test_cancel_and_set_urgency(town: Any) -> None:
    code = requests.open_request(town.rep, "hub", need="water", zone="east")
    requests.set_urgency(town.rep, "hub", code, "CRITICAL")
    requests.cancel(town.rep, "hub", code, note="duplicate")
    assert town.rep.conn.execute("SELECT urgency, status, note FROM requests WHERE eid = ?",
                                 (code,)).fetchone() == ("critical", "cancelled", "duplicate")


ILLEGAL = [(s, t) for s in REQUEST_TRANSITIONS for t in ("open", "assigned", "in-progress", "done",
                                                         "cancelled") if t not in REQUEST_TRANSITIONS[s]]


def _reach(town: Any, code: str, target: str) -> None:
    path = {"open": [], "assigned": ["assigned"], "in-progress": ["assigned", "in-progress"],
            "done": ["done"], "cancelled": ["cancelled"]}[target]
    for step in path:
        {"assigned": lambda: requests.assign(town.rep, "hub", code, "t1"),
         "in-progress": lambda: requests.start(town.rep, "hub", code),
         "done": lambda: requests.done(town.rep, "hub", code),
         "cancelled": lambda: requests.cancel(town.rep, "hub", code)}[step]()


MOVE = {"open": requests.reopen, "in-progress": requests.start, "done": requests.done,
        "cancelled": requests.cancel}


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=[f"{s}->{t}" for s, t in ILLEGAL])
def test_illegal_transitions_are_refused_and_change_nothing(town: Any, refused: Any, source: str,
                                                             target: str) -> None:
    code = requests.open_request(town.rep, "hub", need="food", zone="east")
    _reach(town, code, source)
    assert state(town, code)[0] == source
    with refused(town.rep, BadTransition) as info:
        if target == "assigned":
            requests.assign(town.rep, "hub", code, "t2")
        else:
            MOVE[target](town.rep, "hub", code)
    assert source in str(info.value) and target in str(info.value)


BAD = [
    ("unknown need", UnknownChoice, {"need": "caviar", "zone": "east"}),
    ("unknown urgency", UnknownChoice, {"need": "food", "urgency": "asap", "zone": "east"}),
    ("unknown zone", UnknownChoice, {"need": "food", "zone": "mars"}),
    ("nowhere", BadInput, {"need": "food"}),
    ("bad time", BadDate, {"need": "food", "zone": "east", "at": "soonish"}),
    ("bad latitude", BadInput, {"need": "food", "lat": 123, "lon": 38}),
    ("bad code", NotFound, {"need": "food", "household": "no-such-household"}),
]


@pytest.mark.parametrize(("why", "error", "kw"), BAD, ids=[b[0] for b in BAD])
def test_bad_requests_raise_and_change_nothing(town: Any, refused: Any, why: str, error: type[Exception],
                                               kw: dict[str, Any]) -> None:
    with refused(town.rep, error):
        requests.open_request(town.rep, "hub", **kw)


def test_moving_an_unknown_request_is_not_found(town: Any, refused: Any) -> None:
    with refused(town.rep, NotFound):
        requests.start(town.rep, "hub", "REQ-1")
