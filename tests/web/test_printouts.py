"""The printouts as downloads: each role gets what it may print, the PDF is real, names stay hidden."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any


def _text(pdf: bytes, tmp: Path) -> str:
    f = tmp / "d.pdf"
    f.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(f), "-"], check=True, capture_output=True).stdout
    return " ".join(out.decode("utf-8").split())


def test_every_role_prints_the_bulletin_and_sitrep_and_the_dashboard_links_them(
    web: Any, tmp_path: Path
) -> None:
    for role in ("coordinator", "desk", "field", "analyst"):
        c, _csrf = web.login(role)
        page = c.get("/dashboard").text
        assert 'href="/reports/bulletin.pdf"' in page and 'href="/reports/sitrep.pdf"' in page
        r = c.get("/reports/bulletin.pdf?date=2025-01-08")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        assert "bulletin-2025-01-08-uk.pdf" in r.headers["content-disposition"]
        assert "Де і коли отримати допомогу" in _text(r.content, tmp_path)
    c.cookies.set("frontaid_lang", "en")
    r = c.get("/reports/sitrep.pdf?date=2025-01-08")
    assert r.status_code == 200 and "Situation report: Testtown" in _text(r.content, tmp_path)


def test_cards_only_for_roles_that_see_households_by_name(web: Any, tmp_path: Path) -> None:
    town = web.town
    desk, _ = web.login("desk")
    r = desk.get(f"/reports/cards.pdf?household={town.anna}&household={town.ihor}")
    assert r.status_code == 200
    t = _text(r.content, tmp_path)
    assert town.anna in t and town.ihor in t and "Chasiv Yar Rd 4" in t
    assert 'id="print-cards" href="/reports/cards.pdf?zone=east"' in desk.get("/registry?zone=east").text
    household_page = desk.get(f"/registry/household/{town.anna}").text
    assert f'id="print-card" href="/reports/cards.pdf?household={town.anna}"' in household_page
    analyst, _ = web.login("analyst")
    assert analyst.get(f"/reports/cards.pdf?household={town.anna}").status_code == 403
    assert 'id="print-card"' not in analyst.get(f"/registry/household/{town.anna}").text
    assert 'id="print-cards"' not in analyst.get("/registry?zone=east").text
    r = desk.get("/reports/cards.pdf?household=nobody")
    assert r.status_code == 404, (r.headers, r.text[:300])
    assert desk.get("/reports/cards.pdf").status_code == 400


def test_the_registry_list_and_board_leave_names_out_for_the_analyst(web: Any, tmp_path: Path) -> None:
    town = web.town
    coord, _ = web.login("coordinator")
    page = coord.get("/registry?zone=east").text
    assert 'href="/reports/households.pdf?zone=east&amp;vulnerability=&amp;not_reached="' in page
    full = _text(coord.get("/reports/households.pdf?zone=east").content, tmp_path)
    assert town.anna in full and "Chasiv Yar Rd 4" in full and town.ihor not in full
    analyst, _ = web.login("analyst")
    # Analysts get aggregates only: no list of households (a card code singles a family out).
    assert analyst.get("/reports/households.pdf?zone=east").status_code == 403
    assert 'id="print-board"' in analyst.get("/board").text
    r = analyst.get("/reports/board.pdf?need=food")
    assert r.status_code == 200 and "Дошка заявок" in _text(r.content, tmp_path)
    assert town.anna not in _text(r.content, tmp_path) and town.ihor not in _text(r.content, tmp_path)
    assert analyst.get("/reports/board.pdf?need=cake").status_code == 400


def test_printouts_need_a_login(web: Any) -> None:
    c = web.client()
    for path in (
        "/reports/bulletin.pdf",
        "/reports/sitrep.pdf",
        "/reports/cards.pdf",
        "/reports/households.pdf",
        "/reports/board.pdf",
    ):
        r = c.get(path, follow_redirects=False)
        assert r.status_code in (303, 401), path
