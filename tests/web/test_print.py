"""Every list printed from the browser (issue 12): what it lists, on paper, and none of its controls.

Debian's chromium prints each page with the print stylesheet (`emulate_media("print")` then
`page.pdf()`, as Ctrl+P does); poppler's pdftotext reads the PDF back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import sync_playwright
from tests.conftest import EPOCH, build_town
from tests.reports.pdf_reading import text
from tests.serving import add_user, served
from tests.web.test_browser import ARGS, CHROMIUM, PASSWORD

from frontaid.actions import incidents, registry, requests
from frontaid.store.replica import Replica

A = "tester"
# Words on the pages' menus, buttons and filters: none may reach the paper.
CONTROLS = ("Вийти", "Показати", "Доручити", "Розпочати", "Скасувати", "Видати",
            "English", "Надрукувати")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str], Any]]:
    """A served town with a request, an incident and a team, in a 1366×768 laptop's chromium;
    yields (print(path) → its text, the codes, (page, base URL))."""
    assert os.access(CHROMIUM, os.X_OK), "chromium missing: run `make test` (installs Debian's chromium)"
    tmp = tmp_path_factory.mktemp("print")
    rep = Replica.create(tmp / "hub.db", "Testtown", epoch=EPOCH)
    town = build_town(rep)
    registry.add_team(rep, A, "east-1", "Схід-1")
    req = requests.open_request(rep, A, need="water", household=town.ihor, reported_by="сусідка")
    incidents.report_incident(rep, A, kind="shelling", zone="east", killed=1, wounded=2)
    db = str(rep.path)
    rep.close()
    add_user(db, "petro", "coordinator", PASSWORD)
    codes = {"request": req, "anna": town.anna, "ihor": town.ihor}
    with served(db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{base}/desk")
        page.fill("#name", "petro")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/desk")

        def printout(path: str) -> str:
            page.emulate_media(media="screen")
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            page.emulate_media(media="print")
            return text(page.pdf(format="A4"), tmp)

        yield printout, codes, (page, base)
        browser.close()


@pytest.mark.parametrize("path, shows", [
    ("/board", ["request", "ihor", "вода", "сусідка"]),
    ("/registry", ["anna", "ihor"]),
    ("/incidents", ["обстріл", "Схід"]),
    ("/desk?household={anna}", ["anna", "Anna Kovalenko"]),
    ("/dashboard", []),
    ("/flags", []),
    ("/dedup", []),
])
def test_a_printed_list_has_its_contents_and_no_controls(printed: Any, path: str, shows: list[str]) -> None:
    printout, codes, _tmp = printed
    paper = printout(path.format(**codes))
    assert paper.strip(), f"{path} printed an empty page"
    flat = "".join(ch for ch in paper if ch.isalnum())  # a code may wrap or keep only non-breaking dashes
    for want in shows:
        assert "".join(ch for ch in codes.get(want, want) if ch.isalnum()) in flat, (path, want)
    left = [word for word in CONTROLS if word in paper]
    assert not left, (path, left)


def test_the_board_on_a_laptop_uses_the_width_and_confirms_an_assignment(printed: Any) -> None:
    _printout, codes, (page, base) = printed
    page.emulate_media(media="screen")
    page.goto(f"{base}/board")
    width = page.evaluate("document.querySelector('.board').getBoundingClientRect().width")
    assert width > 1000, width  # not simple.css's 720-px column
    tops = page.evaluate("[...document.querySelectorAll('.board .column')]"
                         ".map(c => Math.round(c.getBoundingClientRect().top))")
    assert len(tops) == 5 and len(set(tops)) == 1, tops  # the five columns side by side
    card = page.locator(f"#req-{codes['request']}")
    card.locator("select[name=team]").select_option("east-1")
    card.locator("button.assign").click()
    page.wait_for_url("**/board?changed=*")
    assert "доручено команді «Схід-1»" in page.locator("main .notice.ok").inner_text()
    assert page.locator(f"#col-assigned #req-{codes['request']}.opened").count() == 1
