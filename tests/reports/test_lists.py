"""Paper lists: the registry's filter and the requests board, with and without names."""

from __future__ import annotations

from pathlib import Path

from pdf_reading import latin_words, pages, text

from frontaid.actions import requests
from frontaid.queries.registry import households_page
from frontaid.reports.lists import board_pdf, registry_list_pdf
from frontaid.store.replica import Replica


def test_the_registry_filter_prints_exactly_its_households(demo: Replica, tmp_path: Path) -> None:
    f = {"zone": "east-south", "vulnerability": "elderly"}
    want = households_page(demo, zone=f["zone"], vulnerability=f["vulnerability"], per_page=500)
    assert 0 < want["total"] < 500
    pdf = registry_list_pdf(demo, "uk", **f)
    t = text(pdf, tmp_path)
    printed = {w for w in t.split() if w.startswith("BXM-")}
    assert printed == {r["eid"] for r in want["rows"]}
    assert "Відбір: Зона: Східний берег, південь; літня людина (65+)." in " ".join(t.split())
    assert not latin_words(t), latin_words(t)
    address = want["rows"][0]["address"]
    assert address in " ".join(t.split())
    hidden = text(registry_list_pdf(demo, "uk", names=False, **f), tmp_path)
    assert address not in " ".join(hidden.split())


def test_the_board_prints_the_active_requests_most_urgent_first(
    rep: Replica, town_on, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    town = town_on(rep)
    low = requests.open_request(rep, "t", need="water", urgency="low", household=town.ihor)
    crit = requests.open_request(
        rep,
        "t",
        need="medicine",
        urgency="critical",
        household=town.anna,
        reported_by="neighbour Olha",
        note="insulin, 2nd floor",
    )
    pdf = board_pdf(rep, "en")
    assert pages(pdf, tmp_path) == 1
    t = " ".join(text(pdf, tmp_path).split())
    assert t.index(crit) < t.index(low)
    assert "Chasiv Yar Rd 4" in t and "neighbour Olha" in t and "insulin" in t
    t_hidden = " ".join(text(board_pdf(rep, "en", names=False), tmp_path).split())
    assert crit in t_hidden and "neighbour Olha" not in t_hidden and "insulin" not in t_hidden
    assert "Chasiv Yar Rd 4" not in t_hidden
    t_uk = " ".join(text(board_pdf(rep, "uk", need="medicine"), tmp_path).split())
    assert crit in t_uk and low not in t_uk and "ліки" in t_uk
