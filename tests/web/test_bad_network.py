"""The desk on a phone and a bad network (issue 12): Debian's chromium at 360×740 against a real
`frontaid serve`. A hand-out that did not reach the hub says so and records nothing; a slow
one keeps its button disabled until the answer, and a second tap meanwhile sends nothing."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect, sync_playwright
from tests.conftest import EPOCH, build_town
from tests.serving import add_user, served
from tests.web.test_browser import ARGS, CHROMIUM, PASSWORD

from frontaid.store.replica import Replica

FRONTAID = Path(sys.executable).parent / "frontaid"


def handouts(db: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM ops WHERE entity = 'handout'").fetchone()[0])


@pytest.fixture(scope="module")
def phone_town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Any, Any]]:
    """One town, one `frontaid serve` and one chromium for the module: (base URL, db, town, browser)."""
    assert os.access(CHROMIUM, os.X_OK), "chromium missing: run `make test` (installs Debian's chromium)"
    rep = Replica.create(tmp_path_factory.mktemp("badnet") / "hub.db", "Testtown", epoch=EPOCH)
    town = build_town(rep)
    db = str(rep.path)
    rep.close()
    add_user(db, "olha", "desk", PASSWORD)
    add_user(db, "petro", "coordinator", PASSWORD)
    with served(db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield base, db, town, browser
        browser.close()


def log_in(page: Page, name: str) -> None:
    """Fill the login form the page is showing and send it."""
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


@contextmanager
def phone(browser: Any, base: str, path: str, name: str) -> Iterator[Page]:
    """A 360×740 phone with its own cookies, logged in as `name` at `path`."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}{path}")
    log_in(page, name)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def desk(phone_town: tuple[str, str, Any, Any]) -> Iterator[tuple[Page, str, Any]]:
    """A phone with its own cookies, logged in at the desk, Anna's household open."""
    base, db, town, browser = phone_town
    with phone(browser, base, "/desk", "olha") as page:
        page.locator("#q").press_sequentially("kovalen", delay=20)
        page.locator("#results a", has_text="Anna Kovalenko").click()
        expect(page.locator("#household button[data-item=food-kit]")).to_be_visible()
        yield page, db, town


def test_a_hand_out_cut_off_by_the_network_says_so_and_records_nothing(desk: tuple[Page, str, Any]) -> None:
    page, db, _town = desk
    before = handouts(db)
    page.route("**/desk/hand-out", lambda route: route.abort("internetdisconnected"))
    page.locator("#household button[data-item=food-kit]").click()
    alert = page.locator("#household .notice.failed[role=alert]")
    expect(alert).to_contain_text("НЕ підтверджено")
    expect(page.locator("#household .notice.ok")).to_have_count(0)  # no green "Видано"
    button = page.locator("#household button[data-item=food-kit]")
    expect(button).to_be_enabled()  # free to try again once the Wi-Fi is back
    assert handouts(db) == before
    # The Wi-Fi comes back: the same button records it, and the failure message goes.
    page.unroute("**/desk/hand-out")
    button.click()
    expect(page.locator("#household .notice.ok")).to_contain_text("Видано")
    expect(page.locator("#household .notice.failed")).to_have_count(0)
    assert handouts(db) == before + 1


def test_a_slow_answer_keeps_the_button_disabled_and_a_second_tap_sends_nothing(
        desk: tuple[Page, str, Any]) -> None:
    page, db, _town = desk
    before = handouts(db)
    held: list[Route] = []
    page.route("**/desk/hand-out", lambda route: held.append(route))  # answered when the test says
    button = page.locator("#household button[data-item=hygiene-kit]")
    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_attribute("aria-busy", "true")
    button.click(force=True, timeout=2000)  # an impatient second tap on the disabled button
    page.wait_for_timeout(300)
    assert len(held) == 1, "a second request left while the first was unanswered"
    held[0].continue_()
    expect(page.locator("#household .notice.ok")).to_contain_text("Видано")
    assert handouts(db) == before + 1


def test_a_failing_hub_says_nothing_was_recorded(desk: tuple[Page, str, Any]) -> None:
    page, db, _town = desk
    before = handouts(db)
    page.route("**/desk/hand-out", lambda route: route.fulfill(status=500, body="boom"))
    page.locator("#household button[data-item=food-kit]").click()
    expect(page.locator("#household .notice.failed")).to_contain_text("500")
    expect(page.locator("#household .notice.ok")).to_have_count(0)
    assert handouts(db) == before


def test_a_session_ended_mid_work_leads_to_login_and_back_to_the_desk(desk: tuple[Page, str, Any]) -> None:
    page, db, _town = desk
    before = handouts(db)
    page.context.clear_cookies()  # the session expired while the volunteer was serving
    page.locator("#household button[data-item=food-kit]").click()
    expect(page.locator("#name")).to_be_visible()  # the login page, not a blank one
    assert "/login" in page.url and "hand-out" not in page.url
    assert handouts(db) == before
    log_in(page, "olha")
    expect(page.locator("#q")).to_be_visible()
    assert page.url.split("?")[0].endswith("/desk")


def test_an_exact_code_opens_the_household_with_the_hand_out_in_view(desk: tuple[Page, str, Any]) -> None:
    page, _db, town = desk
    page.goto(page.url.split("?")[0])  # a fresh desk, nothing open
    page.fill("#q", "")
    typed = town.anna.lower().replace("-", " ")  # as a volunteer types it, no dashes
    page.locator("#q").press_sequentially(typed, delay=20)
    button = page.locator("#household button[data-item=food-kit]")
    expect(button).to_be_visible()
    expect(page.locator("#results li")).to_have_count(0)  # the card, not a list to tap through
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740, box  # no scrolling to hand out


def test_a_wrong_check_digit_says_so_and_offers_the_code_meant(desk: tuple[Page, str, Any]) -> None:
    page, _db, town = desk
    code = town.anna
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    page.fill("#q", wrong)
    alert = page.locator("#results [role=alert]")
    expect(alert).to_contain_text("контрольна")
    link = alert.locator("a", has_text=code)
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("#household button[data-item=food-kit]")).to_be_visible()


# Every element a finger can tap, as the page lays it out: its box (a checkbox's is its label's).
TAPPABLE = """() => {
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, summary')) {
    if (el.closest('.leaflet-container')) continue;  // the map's own controls are drawn by Leaflet
    const ticked = el.type === 'checkbox' || el.type === 'radio';
    const box = ticked && el.closest('label') ? el.closest('label') : el;
    const r = box.getBoundingClientRect();
    const st = getComputedStyle(el);
    if (r.width === 0 || st.visibility === 'hidden' || st.display === 'none') continue;
    const name = (el.textContent || el.name || '').trim().slice(0, 30);
    const small = r.height < 44 || r.width < 44;
    if (small) out.push([el.tagName, name, Math.round(r.width), Math.round(r.height)]);
  }
  return {width: document.documentElement.scrollWidth, small: out};
}"""


def test_every_page_fits_a_phone_and_every_target_is_44_px(phone_town: tuple[str, str, Any, Any]) -> None:
    base, _db, town, browser = phone_town
    pages = ["/desk", f"/desk?household={town.anna}", "/registry", f"/registry/household/{town.anna}",
             "/board", "/incidents", "/map", "/dashboard", "/flags", "/dedup", "/plan"]
    with phone(browser, base, "/login", "petro") as page:
        expect(page.locator("header nav")).to_be_visible()
        for path in pages:
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            found = page.evaluate(TAPPABLE)
            assert found["width"] <= 360, (path, found["width"])
            assert not found["small"], (path, found["small"])
