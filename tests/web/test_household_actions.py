"""From a household's own page on a phone (issue 12), Debian's chromium at 360×740 against a real
`frontaid serve`: the old man who cannot cross gets his request in at most four taps, and a
refusal to evacuate ("I have animals") is recorded with its reason. Each tap is counted."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from tests.conftest import EPOCH, build_town
from tests.serving import add_user, served
from tests.web.test_browser import ARGS, CHROMIUM, PASSWORD

from frontaid.actions import incidents, shapes
from frontaid.store.replica import Replica


@pytest.fixture(scope="module")
def town_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Any, Any]]:
    assert os.access(CHROMIUM, os.X_OK), "chromium missing: run `make test` (installs Debian's chromium)"
    rep = Replica.create(tmp_path_factory.mktemp("household") / "hub.db", "Testtown", epoch=EPOCH)
    town = build_town(rep)
    shapes.set_zone_shape(rep, "tester", "east", {"type": "Polygon", "coordinates": [[
        [38.0, 48.59], [38.01, 48.59], [38.01, 48.6], [38.0, 48.6], [38.0, 48.59]]]})
    incidents.report_incident(rep, "tester", kind="shelling", zone="east", lat=48.597, lon=38.004, wounded=1)
    db = str(rep.path)
    rep.close()
    add_user(db, "olha", "desk", PASSWORD)
    with served(db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield base, db, town, browser
        browser.close()


class Taps:
    """A phone's page whose every tap is counted (a choice in a list is two: open it, pick one)."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def tap(self, selector: str) -> None:
        self.page.locator(selector).click()
        self.count += 1

    def choose(self, selector: str, value: str) -> None:
        self.page.locator(selector).select_option(value)
        self.count += 2


@contextmanager
def phone_at(town_served: tuple[str, str, Any, Any], path: str) -> Iterator[Taps]:
    base, _db, _town, browser = town_served
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}{path}")
    page.fill("#name", "olha")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    try:
        yield Taps(page)
    finally:
        context.close()


def rows(db: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_the_old_mans_request_from_his_household_page_in_four_taps(
        town_served: tuple[str, str, Any, Any]) -> None:
    _base, db, town, _browser = town_served
    with phone_at(town_served, f"/registry/household/{town.ihor}") as phone:
        page = phone.page
        expect(page.locator("#open-request summary")).to_be_in_viewport()  # no scrolling to find it
        phone.tap("#open-request summary")
        phone.choose("#rq-need", "crossing-help")
        page.fill("#rq-reported-by", "сусідка з мосту")  # typed, not tapped: optional
        phone.tap("#rq-open")
        expect(page.locator("#request-opened")).to_contain_text("відкрито")
        assert phone.count <= 4, phone.count
        assert page.url.split("?")[0].endswith(f"/registry/household/{town.ihor}")
        expect(page.locator("#requests")).to_contain_text("допомога з переправою")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert rows(db, "SELECT need, reported_by, status FROM requests WHERE household = ?", town.ihor) == [
        ("crossing-help", "сусідка з мосту", "open")]


def test_a_refusal_to_evacuate_is_recorded_from_the_web_with_its_reason(
        town_served: tuple[str, str, Any, Any]) -> None:
    _base, db, town, _browser = town_served
    with phone_at(town_served, f"/registry/household/{town.anna}") as phone:
        page = phone.page
        phone.tap("#evac-form summary")
        phone.choose("#evac-answer", "refused")
        phone.choose("#evac-reason", "animals")
        phone.tap("#evac-save")
        expect(page.locator("#evac-saved")).to_be_visible()
        expect(page.locator("main")).to_contain_text("тварин")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert rows(db, "SELECT answer, reason FROM evac_offers WHERE household = ?", town.anna) == [
        ("refused", "animals")]


def test_a_refusal_without_a_reason_is_refused_in_words_and_records_nothing(
        town_served: tuple[str, str, Any, Any]) -> None:
    _base, db, town, _browser = town_served
    before = rows(db, "SELECT COUNT(*) FROM ops")
    with phone_at(town_served, f"/registry/household/{town.olena}") as phone:
        page = phone.page
        phone.tap("#evac-form summary")
        phone.choose("#evac-answer", "refused")
        phone.tap("#evac-save")
        expect(page.locator("#evac-form [role=alert]")).to_be_visible()
    assert rows(db, "SELECT COUNT(*) FROM ops") == before


def test_the_on_the_map_link_of_an_incident_opens_the_map_at_its_point(
        town_served: tuple[str, str, Any, Any]) -> None:
    with phone_at(town_served, "/incidents") as phone:
        page = phone.page
        phone.tap("#incidents-table a.on-map, table a.on-map")
        page.wait_for_url("**/map?focus=incident:*")
        page.locator("#map[data-ready]").wait_for(state="attached")
        expect(page.locator(".leaflet-popup-content")).to_contain_text("обстріл")
        centre = page.locator("#map").get_attribute("data-focus")
        assert centre == "48.597,38.004"
