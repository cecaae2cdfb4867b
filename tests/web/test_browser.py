"""End to end: Debian's chromium, driven by playwright, against a real `frontaid serve` on loopback.

Never `playwright install`: the browser is /usr/bin/chromium (`make test` installs it).
If it is missing this test fails rather than skips: an untested desk is a broken desk.
Screenshots land in $FRONTAID_ARTEFACTS, else artifacts/ (not committed).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from tests.serving import add_user, served

from frontaid.actions import registry

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("FRONTAID_ARTEFACTS") or ROOT / "artifacts")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse 42"
FRONTAID = Path(sys.executable).parent / "frontaid"




def test_desk_in_a_real_browser(town) -> None:
    assert os.access(CHROMIUM, os.X_OK), "chromium missing: run `make test` (installs Debian's chromium)"
    db = str(town.rep.path)
    add_user(db, "olha", "desk", PASSWORD)
    add_user(db, "petro", "coordinator", PASSWORD)
    registry.add_team(town.rep, "tester", "team-east", "Виїзна група «Схід»")
    registry.set_household(town.rep, "tester", town.anna, "lat", 48.5961)  # so its request has a place
    registry.set_household(town.rep, "tester", town.anna, "lon", 38.0123)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with served(db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.set_default_timeout(10_000)
        page.goto(f"{base}/desk")
        page.fill("#name", "olha")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("#q")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "desk-login.png")

        page.locator("#q").press_sequentially("kovalen", delay=30)
        result = page.locator("#results a", has_text="Anna Kovalenko")
        expect(result).to_be_visible()
        result.click()
        food = page.locator("#household button[data-item=food-kit]")
        expect(food).to_be_visible()
        food.click()
        expect(page.locator("#household .notice.ok")).to_contain_text("Видано")
        page.screenshot(path=ARTIFACTS / "desk-handed-out.png", full_page=True)

        page.locator("#household button[data-item=food-kit]").click()
        warning = page.locator("#warning")
        expect(warning).to_contain_text(town.anna)
        expect(warning).to_contain_text("продуктовий набір")
        page.screenshot(path=ARTIFACTS / "desk-warning.png", full_page=True)
        page.fill("#override", "kit lost in shelling, agreed with coordinator")
        warning.locator("button").click()
        expect(page.locator("#household .notice.ok")).to_be_visible()
        expect(page.locator("#warning")).to_have_count(0)

        # Fits a 360-px screen: nothing scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        # The desk opens a request for the household found; the board shows it in its open column.
        page.click("#open-request summary")
        page.select_option("#rq-need", "medicine")
        page.select_option("#rq-urgency", "high")
        page.fill("#rq-reported-by", "сусідка з третього поверху")
        page.click("#rq-open")
        expect(page).to_have_url(re.compile(r"/board\?opened="))
        card = page.locator("#col-open article.opened")
        expect(card).to_contain_text(town.anna)
        expect(card).to_contain_text("сусідка з третього поверху")
        code = (card.get_attribute("id") or "").removeprefix("req-")
        expect(card.locator("button.assign")).to_have_count(0)  # the desk may not assign
        page.screenshot(path=ARTIFACTS / "board-opened.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        # A coordinator assigns it to a team on the board: it moves to the assigned column.
        page.locator("form[action='/logout'] button").click()
        page.goto(f"{base}/board")
        page.fill("#name", "petro")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        mine = page.locator(f"#col-open #req-{code}")
        expect(mine).to_be_visible()
        mine.locator("select[name=team]").select_option("team-east")
        mine.locator("button.assign").click()
        assigned = page.locator(f"#col-assigned #req-{code}")
        expect(assigned).to_contain_text("Виїзна група «Схід»")
        expect(page.locator(f"#col-open #req-{code}")).to_have_count(0)
        page.screenshot(path=ARTIFACTS / "board-assigned.png", full_page=True)

        # The map draws it (no tiles: the town's own layers) and the page fits the phone.
        page.goto(f"{base}/map")
        expect(page.locator("#map[data-ready]")).to_have_count(1)
        assert page.get_attribute("#map", "data-ready") not in ("error", "0")
        expect(page.locator(f"#map path.f-request.f-{code}")).to_have_count(1)
        expect(page.locator("#zone-east")).to_be_visible()  # the table under the map
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=ARTIFACTS / "map.png", full_page=True)
        page.locator(f"#map path.f-request.f-{code}").click(force=True)
        expect(page.locator(".leaflet-popup-content")).to_contain_text(code)
        page.screenshot(path=ARTIFACTS / "map-popup.png", full_page=True)

        page.click("#lang-en")
        expect(page.locator("main h1")).to_have_text("Map")
        expect(page.locator(f"#map path.f-request.f-{code}")).to_have_count(1)
        page.screenshot(path=ARTIFACTS / "map-english.png", full_page=True)
        page.goto(f"{base}/incidents")
        expect(page.locator("#harm-24h")).to_contain_text("Last 24 hours")
        page.screenshot(path=ARTIFACTS / "incidents-english.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.goto(f"{base}/desk")
        expect(page.locator("label[for=q]")).to_have_text("Card code or part of a name")
        page.screenshot(path=ARTIFACTS / "desk-english.png", full_page=True)
        browser.close()
    rows = town.rep.conn.execute(
        "SELECT override FROM handouts WHERE item = 'food-kit' ORDER BY \"on\"").fetchall()
    assert [r[0] for r in rows] == [None, "kit lost in shelling, agreed with coordinator"]
    assigned = town.rep.conn.execute(
        "SELECT need, urgency, status, team, household FROM requests WHERE reported_by = ?",
        ("сусідка з третього поверху",)).fetchall()
    assert assigned == [("medicine", "high", "assigned", "team-east", town.anna)]
