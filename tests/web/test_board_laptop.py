"""The requests board on a laptop and on paper (issue 12): Debian's chromium at 1366×768 against a
real `frontaid serve` of the demo town. The board uses the screen's width, its page stays short, a
card says where the need is, assigning says so (or that it did not go through), and the printed
board has the addresses and none of the buttons."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from tests.serving import add_user, served
from tests.web.test_browser import ARGS, CHROMIUM, PASSWORD

from frontaid.scenario import build_demo

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Any, Any]]:
    """The demo town, one `frontaid serve` of it, one chromium and one coordinator's login for the
    module: (base URL, db, browser, the login's cookies)."""
    assert os.access(CHROMIUM, os.X_OK), "chromium missing: run `make test` (installs Debian's chromium)"
    db = tmp_path_factory.mktemp("board") / "demo.db"
    build_demo(db, households=2500, seed=7).close()
    add_user(db, "petro", "coordinator", PASSWORD)
    with served(db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport=LAPTOP)
        page = context.new_page()
        page.goto(f"{base}/board")
        page.fill("#name", "petro")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("#col-open")).to_be_visible()
        login = context.storage_state()
        context.close()
        yield base, str(db), browser, login
        browser.close()


@pytest.fixture
def board(demo: tuple[str, str, Any, Any]) -> Iterator[tuple[Page, str, str]]:
    """A laptop logged in as the coordinator, on the board: (page, base URL, db)."""
    base, db, browser, login = demo
    context = browser.new_context(viewport=LAPTOP, storage_state=login)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/board")
    expect(page.locator("#col-open")).to_be_visible()
    try:
        yield page, base, db
    finally:
        context.close()


def query(db: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def open_card(page: Page, db: str, index: int = 0) -> tuple[Any, str]:
    """The `index`-th card of the open column with a household, and its request code."""
    card = page.locator("#col-open article.card", has=page.locator("a.code")).nth(index)
    code = card.get_attribute("id").removeprefix("req-")
    assert query(db, "SELECT status FROM requests WHERE eid = ?", code) == [("open",)]
    return card, code


def test_the_board_uses_a_laptops_width_and_stays_short(board: tuple[Page, str, str]) -> None:
    page, _base, db = board
    open_now = query(db, "SELECT COUNT(*) FROM requests WHERE status = 'open' AND merged_into IS NULL")[0][0]
    assert open_now > 100  # a real board: far more than one screen of cards
    size = page.evaluate("() => [document.querySelector('.board').getBoundingClientRect().width,"
                         " document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    width, scroll_width, height = size
    assert width > 1000 and scroll_width <= LAPTOP["width"], size
    assert height < 6000, size  # the demo town's board was 45,000 px tall, then 10,800
    tops = {round(b["y"]) for b in (page.locator(f"#col-{s}").bounding_box()
                                    for s in ("open", "assigned", "in-progress", "done", "cancelled"))}
    assert len(tops) == 1  # the five states side by side
    expect(page.locator("#col-open > .more").first).to_contain_text(f"10 з {open_now}")
    page.set_viewport_size({"width": 360, "height": 740})  # a phone: one column, nothing wider
    xs = {round(b["x"]) for b in (page.locator(f"#col-{s}").bounding_box() for s in ("open", "done"))}
    assert len(xs) == 1 and page.evaluate("document.documentElement.scrollWidth") <= 360


def test_each_card_shows_the_home_address_and_the_zone_by_name(board: tuple[Page, str, str]) -> None:
    page, _base, db = board
    card, code = open_card(page, db)
    address, zone_uk = query(db, "SELECT h.address, z.name FROM requests r JOIN households h ON h.eid = "
                                 "r.household JOIN zones z ON z.eid = r.zone WHERE r.eid = ?", code)[0]
    expect(card.locator(".where")).to_contain_text(f"{address} · {zone_uk}")
    slugs = {z for (z,) in query(db, "SELECT eid FROM zones")}
    wheres = page.locator(".board .where").all_inner_texts()
    assert len(wheres) >= 20 and all(w.strip() for w in wheres)
    assert not [w for w in wheres if set(re.findall(r"[a-z][a-z-]+", w)) & slugs]


def test_assigning_says_so_and_the_card_shows_the_team(board: tuple[Page, str, str]) -> None:
    page, _base, db = board
    card, code = open_card(page, db)
    card.locator("select[name=team]").select_option("team-west")
    card.locator("button.assign").click()
    page.wait_for_url("**/board?changed=*")
    expect(page.locator("main .notice.ok")).to_contain_text(f"{code} доручено команді «Виїзна група «Захід»»")
    moved = page.locator(f"#col-assigned #req-{code}.opened")
    expect(moved.locator(".team")).to_have_text("Команда: Виїзна група «Захід»")
    assert query(db, "SELECT status, team FROM requests WHERE eid = ?", code) == [("assigned", "team-west")]


def test_an_assignment_cut_off_by_the_network_says_it_did_not_go_through(
        board: tuple[Page, str, str]) -> None:
    page, _base, db = board
    card, code = open_card(page, db, 1)
    ops = query(db, "SELECT COUNT(*) FROM ops")[0][0]
    page.route("**/board/*/assign", lambda route: route.abort("internetdisconnected"))
    card.locator("button.assign").click()
    expect(card.locator(".notice.failed[role=alert]")).to_contain_text("НЕ підтверджено")
    expect(page.locator("main .notice.ok")).to_have_count(0)
    expect(card.locator("button.assign")).to_be_enabled()  # free to try again
    assert query(db, "SELECT status, team FROM requests WHERE eid = ?", code) == [("open", None)]
    assert query(db, "SELECT COUNT(*) FROM ops")[0][0] == ops


def test_show_more_adds_the_next_cards_once(board: tuple[Page, str, str]) -> None:
    page, _base, _db = board
    cards = page.locator("#col-open article.card")
    expect(cards).to_have_count(10)
    page.locator("#col-open a.show-more").click()
    expect(cards).to_have_count(20)
    ids = [c.get_attribute("id") for c in cards.all()]
    assert len(set(ids)) == 20


def test_the_printed_board_has_the_addresses_and_none_of_the_buttons(
        board: tuple[Page, str, str], tmp_path: Any) -> None:
    page, _base, db = board
    codes = [c.get_attribute("id").removeprefix("req-") for c in page.locator("#col-open article.card").all()]
    marks = ",".join("?" * len(codes))
    addresses = [a for (a,) in query(db, "SELECT h.address FROM requests r JOIN households h ON h.eid = "
                                         f"r.household WHERE r.eid IN ({marks})", *codes)]
    assert addresses
    page.emulate_media(media="print")
    pdf = tmp_path / "board.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert "Дошка заявок" in flat and "Відкрито (" in flat
    for address in addresses:
        assert " ".join(address.split()) in flat, address
    for control in ("Доручити", "Почати", "Скасувати", "Показати", "Видача", "Вийти", "Надрукувати", "http"):
        assert control not in flat, control


# Under print media: every control, menu and form that is still drawn; and how the page is painted.
PRINTED = """() => {
  const drawn = [];
  const controls = 'nav, form, button, select, input:not([type=hidden]), textarea';
  for (const el of document.querySelectorAll(controls)) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && getComputedStyle(el).display !== 'none') drawn.push(el.tagName);
  }
  const heads = [...document.querySelectorAll('main thead')].map(t => getComputedStyle(t).display);
  const painted = [...document.querySelectorAll('main *')].filter(el => el.getClientRects().length &&
    getComputedStyle(el).backgroundColor !== 'rgba(0, 0, 0, 0)' && !el.classList.contains('swatch')).length;
  return {drawn, heads, painted, body: getComputedStyle(document.body).backgroundColor,
          width: document.querySelector('main').getBoundingClientRect().width};
}"""


def test_every_list_page_prints_without_controls(board: tuple[Page, str, str]) -> None:
    page, base, db = board
    household = query(db, "SELECT eid FROM households LIMIT 1")[0][0]
    page.emulate_media(media="print")
    for path in ("/board", "/registry", "/incidents", "/flags", "/dedup",
                 "/dashboard", f"/desk?household={household}"):
        page.goto(f"{base}{path}")
        got = page.evaluate(PRINTED)
        assert not got["drawn"], (path, got["drawn"])
        assert got["body"] in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)") and not got["painted"], (path, got)
        assert all(d == "table-header-group" for d in got["heads"]), (path, got["heads"])
        assert got["width"] > 600, (path, got["width"])  # the whole width of the paper, not a phone's column
