"""The plan on the web: routes on the map, a printable run sheet per team, the map's danger layer.

In-process through the ASGI app, and once in Debian's chromium against a real `frontaid serve`
(the map drawn by a static script, nothing inline; the run sheet printed without the navigation).
"""

from __future__ import annotations

import os
import re
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright
from tests.serving import add_user, served

from frontaid.actions import plan as planning
from frontaid.store.replica import Replica
from frontaid.web.app import create_app
from frontaid.web.users import ROLES, Users, users_path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse 42"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FRONTAID = Path(sys.executable).parent / "frontaid"


@pytest.fixture
def planned(town: dict[str, Any]) -> dict[str, Any]:
    with Replica.open(town["db"]) as rep:
        code, _plan = planning.plan_day(rep, "tester", teams=2, hours=2, vehicles=["van:1"], start_at="15:00")
    return {**town, "plan": code}


@pytest.fixture
def client(planned: dict[str, Any]) -> Iterator[Any]:
    users = Users(users_path(planned["db"]))
    for role in ROLES:
        users.add(role, role, PASSWORD)
    app = create_app(planned["db"], users=users)
    clients: list[TestClient] = []

    def login(role: str) -> TestClient:
        c = TestClient(app, base_url="http://hub.local")
        clients.append(c)
        assert c.post("/api/login", json={"name": role, "password": PASSWORD}).status_code == 200
        return c

    yield login
    for c in clients:
        c.close()
    app.state.replicas.close()


def test_the_plan_page_shows_each_team_and_who_was_left_out(planned: dict[str, Any], client: Any) -> None:
    c = client("coordinator")
    page = c.get("/plan")
    assert page.status_code == 200
    assert planned["plan"] in page.text and planned["old"] in page.text
    assert "<script>" not in page.text and "/static/plan.js" in page.text
    assert 'id="left-out"' in page.text and planned["nowhere"] in page.text
    first_team = re.search(r'id="team-([^"]+)"', page.text)
    assert first_team
    sheet = c.get(f"/plan/sheet/{first_team.group(1)}")
    assert sheet.status_code == 200 and "@media print" not in sheet.text and "/static/plan.css" in sheet.text
    assert "Маршрутний лист" in sheet.text
    # The teams left at 15:00 on Kyiv's clock: the sheet's times are Kyiv's, after 15:00 (stored UTC).
    times = re.findall(r"<td>(\d\d:\d\d)</td>", sheet.text)
    assert times and all("15:00" < t < "18:00" for t in times), times
    fc = c.get(f"/api/plan.geojson?plan={planned['plan']}").json()
    layers = {f["properties"]["layer"] for f in fc["features"]}
    assert layers == {"route", "visit"}
    visits = [f for f in fc["features"] if f["properties"]["layer"] == "visit"]
    assert {f["properties"]["popup"][0].split(" · ")[1] for f in visits} >= {
        planned["old"],
        planned["wounded"],
    }
    assert c.get("/plan/sheet/nobody").status_code == 404


def test_roles_that_may_not_see_the_plan(client: Any) -> None:
    assert client("field").get("/plan").status_code == 200
    for role in ("desk", "analyst"):
        assert client(role).get("/plan").status_code == 403
        assert client(role).get("/api/plan.geojson").status_code == 403


def test_the_map_has_the_danger_layer_of_the_router(planned: dict[str, Any], client: Any) -> None:
    c = client("analyst")
    fc = c.get(
        "/api/map.geojson?until=" + time.strftime("%Y-%m-%dT10:00", time.gmtime(time.time() - 86400))
    ).json()
    danger = [f for f in fc["features"] if f["properties"]["layer"] == "danger"]
    assert danger, "the shelling on the east bank should make a street dangerous at 10:00"
    assert all(f["geometry"]["type"] == "LineString" for f in danger)
    # The worst street on the map is on the east bank street the shelling hit (lon 38.010).
    worst = max(danger, key=lambda f: f["properties"]["danger"])
    assert all(abs(lon - 38.010) < 1e-6 for lon, _lat in worst["geometry"]["coordinates"])



def test_the_plan_in_a_real_browser(planned: dict[str, Any]) -> None:
    assert os.access(CHROMIUM, os.X_OK), "chromium missing: run `make test` (installs Debian's chromium)"
    db = str(planned["db"])
    add_user(db, "lida", "field", PASSWORD)
    with served(db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        page.set_default_timeout(10_000)
        page.goto(f"{base}/plan")
        page.fill("#name", "lida")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base}/plan")
        expect(page.locator("#plan-map")).to_have_attribute("data-ready", re.compile(r"^[1-9]"))
        assert page.locator("#plan-map path.route").count() >= 1
        assert page.locator("#plan-map path.visit").count() >= 2
        assert (
            page.evaluate(
                "[...document.scripts].filter(s => !s.src && s.type !== 'application/json').length"
            )
            == 0
        )
        link = page.locator("a.print-link").first
        link.click()
        expect(page.locator("table.run-sheet")).to_be_visible()
        page.emulate_media(media="print")
        assert not page.locator("header").is_visible()
        expect(page.locator("table.run-sheet")).to_be_visible()
        pdf = page.pdf(format="A4", landscape=True)
        assert pdf[:4] == b"%PDF"
        browser.close()
