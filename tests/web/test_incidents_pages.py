"""Incidents: the form adds one and the harm figures follow; the list; roles, CSRF and bad input."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from frontaid.actions import incidents


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _figure(html: str, key: str, what: str) -> int:
    box = html.split(f'id="harm-{key}"')[1].split("</div>")[0]
    return int(re.search(rf'class="n-{what}">(\d+)\b', box).group(1))


def test_the_form_adds_an_incident_and_the_harm_figures_change(web) -> None:
    rep = web.town.rep
    ten_days_ago = (datetime.now(UTC) - timedelta(days=10)).strftime("%Y-%m-%d %H:%M")
    incidents.report_incident(rep, "tester", kind="shelling", zone="east", at=ten_days_ago, killed=3)
    c = web.page_login("field")
    page = c.get("/incidents")
    assert page.status_code == 200
    figures = [_figure(page.text, k, w) for k in ("24h", "7d") for w in ("incidents", "killed", "wounded")]
    assert figures == [0] * 6  # the old incident is outside both windows
    r = c.post("/incidents/add", data={"csrf": _csrf(page.text), "kind": "mortar", "zone": "west", "at": "",
                                        "killed": "1", "wounded": "2", "site": "", "note": "near the market"},
               follow_redirects=False)
    assert r.status_code == 303
    page = c.get(r.headers["location"])
    assert [_figure(page.text, "24h", w) for w in ("incidents", "killed", "wounded")] == [1, 1, 2]
    assert [_figure(page.text, "7d", w) for w in ("incidents", "killed", "wounded")] == [1, 1, 2]
    code = r.headers["location"].split("added=")[1]
    row = page.text.split(f'id="inc-{code}"')[1].split("</tr>")[0]
    assert "мінометний" in row.lower() and "near the market" in row
    assert 'id="harm-zones"' in page.text
    api = c.get("/api/harm").json()
    assert api["24h"] == {"incidents": 1, "killed": 1, "wounded": 2}
    assert api["by_zone_7d"] == {"west": {"incidents": 1, "killed": 1, "wounded": 2}}


def test_api_reports_and_lists(web) -> None:
    c, csrf = web.login("coordinator")
    r = c.post("/api/incidents", json={"kind": "crossing-damage", "zone": "east", "site": "bridge",
                                       "at": "2025-01-10 09:30", "wounded": 1},
               headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    code = r.json()["incident"]
    data = c.get("/api/incidents", params={"zone": "east"}).json()
    assert [i["eid"] for i in data["incidents"]] == [code]
    assert data["incidents"][0]["site"] == "bridge" and data["incidents"][0]["at"] == "2025-01-10T09:30"
    assert c.get("/api/incidents", params={"zone": "west"}).json()["incidents"] == []
    assert c.get("/api/incidents", params={"zone": "atlantis"}).status_code == 400


def test_bad_input_is_one_message_and_changes_nothing(web) -> None:
    rep = web.town.rep
    before = rep.op_count()
    c, csrf = web.login("field")
    h = {"X-CSRF-Token": csrf}
    for body in ({"kind": "meteor", "zone": "east"}, {"kind": "shelling", "zone": "atlantis"},
                 {"kind": "shelling", "zone": "east", "killed": -1},
                 {"kind": "shelling", "zone": "east", "at": "yesterday-ish"},
                 {"kind": "shelling", "zone": "east", "site": "nowhere"}):
        r = c.post("/api/incidents", json=body, headers=h)
        assert 400 <= r.status_code < 500, body
        assert r.json()["error"]
    page = web.page_login("field")
    form = page.get("/incidents")
    r = page.post("/incidents/add", data={"csrf": _csrf(form.text), "kind": "shelling", "zone": "east",
                                          "killed": "lots", "note": "kept"})
    assert r.status_code == 400 and 'role="alert"' in r.text
    assert ">kept</textarea>" in r.text  # what was typed is kept for a second try
    assert rep.op_count() == before


def test_roles_and_csrf(web) -> None:
    rep = web.town.rep
    before = rep.op_count()
    body = {"kind": "shelling", "zone": "east"}
    for role in ("desk", "analyst"):
        c, csrf = web.login(role)
        assert c.post("/api/incidents", json=body, headers={"X-CSRF-Token": csrf}).status_code == 403
        assert c.get("/api/incidents").status_code == 200
    c, _ = web.login("coordinator")
    assert c.post("/api/incidents", json=body, headers={"X-CSRF-Token": "nope"}).status_code == 403
    page = web.page_login("field")
    assert page.post("/incidents/add", data={"csrf": "nope", **body}).status_code == 403
    desk_page = web.page_login("desk").get("/incidents")
    assert desk_page.status_code == 200 and 'action="/incidents/add"' not in desk_page.text
    assert rep.op_count() == before


def test_the_analyst_gets_no_notes(web) -> None:
    incidents.report_incident(web.town.rep, "tester", kind="shelling", zone="east",
                              note="hit the home of Anna Kovalenko, Chasiv Yar Rd 4")
    c, _ = web.login("analyst")
    data = c.get("/api/incidents").text
    page = web.page_login("analyst").get("/incidents").text
    for text in (data, page):
        assert "Kovalenko" not in text and "Chasiv Yar" not in text
    assert '"shelling"' in data


def test_incidents_are_documented(web) -> None:
    spec = web.client().get("/openapi.json").json()["paths"]
    assert {"/api/incidents", "/api/harm"} <= set(spec) and "/incidents" not in spec
