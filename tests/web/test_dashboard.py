"""The dashboard (status figures, server-drawn charts) and the flags queue with its resolve form."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from frontaid.actions import distribution, evacuation, incidents, registry, requests
from frontaid.queries.status import status
from frontaid.store.replica import Replica
from frontaid.sync import apply, batch, bundle, devices
from frontaid.web import snapshot

DAY = "2025-01-08"


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m
    return m.group(1)


@pytest.fixture
def busy(web: Any) -> Any:
    """The small town with a request, an incident today and a refusal to evacuate."""
    rep, town = web.town.rep, web.town
    requests.open_request(rep, "tester", need="medicine", urgency="high", household=town.anna,
                          reported_by="neighbour Kovalenko")
    requests.open_request(rep, "tester", need="water", household=town.ihor)
    requests.open_request(rep, "tester", need="water", household=town.olena)
    at = datetime.now(UTC) - timedelta(hours=1)  # yesterday's date in the hour after midnight
    incidents.report_incident(rep, "tester", kind="shelling", zone="east", killed=1, wounded=3,
                              at=at.strftime("%Y-%m-%d %H:%M"))
    web.incident_day = at.date().isoformat()
    evacuation.offer(rep, "tester", household=town.anna, answer="refused", reason="animals")
    return web


def test_dashboard_draws_the_status_figures(busy: Any) -> None:
    c = busy.page_login("coordinator")
    r = c.get("/dashboard")
    assert r.status_code == 200
    html = r.text
    fig = status(busy.town.rep)
    assert fig["people"]["registered"] == 3 and f"<td>{fig['people']['registered']}</td>" in html
    # Charts are inline SVG drawn on the server: no script but the vendored htmx.
    assert html.count("<svg") >= 4
    assert re.findall(r'<script[^>]*src="([^"]+)"', html) == ["/static/htmx.min.js", "/static/frontaid.js"]
    # Open requests by need, in Ukrainian, with their counts; water (2) has the longest bar.
    assert "ліки" in html.lower() and "вода" in html.lower()
    bars = re.findall(r'<text x="0" y="\d+" font-size="11" fill="currentColor">([^<]+)</text>\s*'
                      r'<rect x="0" y="\d+" width="([\d.]+)"', html)
    widths = {label.lower(): float(w) for label, w in bars}
    assert widths["вода"] > widths["ліки"]
    # Harm: today's shelling shows in 24 hours and in the 14-day chart (1 killed + 3 wounded = 4).
    assert "<td>1</td><td>1</td><td>3</td>" in html
    assert ">4</text>" in html
    # The refusal's reason is shown.
    assert "тварин" in html.lower()
    assert "Kovalenko" not in html  # the reporter's name is not a figure


def test_dashboard_in_english_and_for_every_role(busy: Any) -> None:
    for role in ("coordinator", "desk", "field", "analyst"):
        c = busy.page_login(role)
        c.cookies.set("frontaid_lang", "en")
        r = c.get("/dashboard")
        assert r.status_code == 200, role
        assert "Open requests" in r.text and "Killed and wounded by day, last 14 days" in r.text
        assert ("/flags" in r.text) == (role == "coordinator")  # the menu shows the queue to the coordinator


def test_api_status_gives_the_figures_of_frontaid_status(busy: Any) -> None:
    c, _token = busy.login("analyst")
    r = c.get("/api/status")
    assert r.status_code == 200
    body = r.json()
    fig = status(busy.town.rep)
    for key in ("people", "open_requests", "harm_24h", "harm_7d", "evacuation", "stock", "reached_7d"):
        assert body[key] == fig[key], key
    assert len(body["harm_by_day"]) == 14
    assert [d["wounded"] for d in body["harm_by_day"] if d["day"] == busy.incident_day] == [3]
    assert body["as_of"].startswith(datetime.now(UTC).date().isoformat()[:4])


@pytest.fixture
def double(web: Any, tmp_path: Path) -> tuple[Any, str, str]:
    """A double hand-out: the hub and a device, both offline, hand Anna her food kit; then they sync."""
    hub: Replica = web.town.rep
    code = devices.enroll(hub, "tester", "team-east")
    dev = devices.join(tmp_path / "team.db", code)
    try:
        apply.apply_payload(dev, batch.make_batch(hub, {}, limit=bundle.NO_LIMIT))
        a = distribution.hand_out(hub, "desk-a", household=web.town.anna, item="food-kit", at="point-1",
                                  on=DAY)
        b = distribution.hand_out(dev, "desk-b", household=web.town.anna, item="food-kit", at="point-1",
                                  on=DAY)
        apply.apply_payload(hub, batch.make_batch(dev, hub.vector(), limit=bundle.NO_LIMIT))
    finally:
        dev.close()
    return web, a, b


def test_flags_queue_shows_a_double_hand_out_and_resolves_it(double: Any) -> None:
    web, a, b = double
    c = web.page_login("coordinator")
    page = c.get("/flags")
    assert page.status_code == 200
    assert "видано двічі за один цикл" in page.text
    assert a in page.text and b in page.text and f'value="{a}"' in page.text and 'value="both"' in page.text
    flag_id = re.search(r'name="id" value="([^"]+)"', page.text).group(1)
    assert flag_id.startswith(f"double:{web.town.anna}:food-kit:")

    r = c.post("/flags/resolve", data={"csrf": _csrf(page.text), "id": flag_id, "keep": a,
                                       "note": "one kit only"})
    assert r.status_code == 200
    assert "вирішено" in r.text.lower() and "Невирішених питань: 0." in r.text
    live = {e for (e,) in web.town.rep.conn.execute(
        "SELECT eid FROM handouts WHERE household = ? AND created = 1", (web.town.anna,))}
    assert live == {a}, "the other hand-out is voided"
    resolved = c.get("/flags", params={"all": 1}).text
    assert flag_id in resolved and "one kit only" in resolved and 'name="keep"' not in resolved


def test_resolving_with_a_wrong_choice_changes_nothing(double: Any) -> None:
    web, _a, _b = double
    c = web.page_login("coordinator")
    page = c.get("/flags")
    flag_id = re.search(r'name="id" value="([^"]+)"', page.text).group(1)
    before = web.town.rep.op_count()
    r = c.post("/flags/resolve", data={"csrf": _csrf(page.text), "id": flag_id, "keep": "KMT-999-9"})
    assert r.status_code in (400, 404, 422)
    assert 'id="error"' in r.text and "Traceback" not in r.text
    assert web.town.rep.op_count() == before
    # Without the CSRF token: refused, nothing changed.
    r = c.post("/flags/resolve", data={"id": flag_id, "keep": "both"})
    assert r.status_code == 403 and web.town.rep.op_count() == before


def test_api_flags_list_and_resolve(double: Any) -> None:
    web, a, b = double
    c, token = web.login("coordinator")
    flags = c.get("/api/flags").json()["flags"]
    [flag] = [f for f in flags if f["kind"] == "double-handout"]
    assert sorted(flag["detail"]["handouts"]) == sorted([a, b])
    r = c.post("/api/flags/resolve", json={"id": flag["id"], "keep": "both"}, headers={"x-csrf-token": token})
    assert r.status_code == 200 and r.json()["decision"] == "both"
    assert c.get("/api/flags").json()["flags"] == []
    [done] = c.get("/api/flags", params={"include_resolved": True}).json()["flags"]
    assert done["status"] == "resolved" and done["decision"] == "both"
    again = c.post("/api/flags/resolve", json={"id": flag["id"], "keep": "both"},
                   headers={"x-csrf-token": token})
    assert again.status_code == 409 and again.json()["kind"] == "Refused"
    unknown = c.post("/api/flags/resolve", json={"id": "double:nope", "keep": "both"},
                     headers={"x-csrf-token": token})
    assert unknown.status_code == 404
    # Both hand-outs stand.
    n = web.town.rep.conn.execute("SELECT COUNT(*) FROM handouts WHERE household = ? AND created = 1",
                                  (web.town.anna,)).fetchone()[0]
    assert n == 2


def test_flags_are_the_coordinators_alone(double: Any) -> None:
    web, _a, _b = double
    for role in ("desk", "field", "analyst"):
        c, token = web.login(role)
        assert c.get("/api/flags").status_code == 403
        assert c.post("/api/flags/resolve", json={"id": "x", "keep": "ok"},
                      headers={"x-csrf-token": token}).status_code == 403
        assert web.page_login(role).get("/flags").status_code == 403


def test_snapshot_is_exact_while_nothing_changes_then_catches_up(web: Any, monkeypatch: Any) -> None:
    pool = web.app.state.replicas
    calls: list[int] = []

    def households(rep: Replica) -> int:
        calls.append(1)
        return int(rep.conn.execute("SELECT COUNT(*) FROM households WHERE created = 1").fetchone()[0])

    snap = snapshot.Snapshot(households)
    assert snap.get(pool)[0] == 3
    assert snap.get(pool)[0] == 3 and len(calls) == 1  # nothing changed: not computed again
    registry.add_household(web.town.rep, "tester", zone="east", address="Myru 20")
    assert snap.get(pool)[0] == 3  # younger than REFRESH: the snapshot stands while writes come
    monkeypatch.setattr(snapshot, "REFRESH", 0.0)
    assert snap.get(pool)[0] == 3  # stale: served while a refresh runs in the background
    deadline = time.monotonic() + 10
    while snap.get(pool)[0] != 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert snap.get(pool)[0] == 4
    snap.drop()
    registry.add_household(web.town.rep, "tester", zone="east", address="Myru 22")
    assert snap.get(pool)[0] == 5  # dropped: the next request computes it again


def test_a_refresh_in_progress_keeps_no_request_waiting(web: Any, monkeypatch: Any) -> None:
    pool = web.app.state.replicas
    release, computing = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow(rep: Replica) -> int:
        calls.append(1)
        if len(calls) > 1:
            computing.set()
            assert release.wait(30)
        return len(calls)

    snap = snapshot.Snapshot(slow)
    assert snap.get(pool)[0] == 1
    monkeypatch.setattr(snapshot, "REFRESH", 0.0)
    registry.add_household(web.town.rep, "tester", zone="east", address="Myru 40")
    assert snap.get(pool)[0] == 1  # starts the refresh, which now hangs until released
    assert computing.wait(30)
    got: list[int] = []
    reader = threading.Thread(target=lambda: got.append(snap.get(pool)[0]))
    reader.start()
    reader.join(20)
    served_while_refreshing = not reader.is_alive()
    release.set()
    reader.join(30)
    assert served_while_refreshing and got == [1]
    deadline = time.monotonic() + 10
    while snap.get(pool)[0] != 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert snap.get(pool)[0] == 2
