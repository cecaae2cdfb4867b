"""Household cards: the QR code read back off the printed page is the code the desk search finds."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from pdf_reading import latin_words, pages, png, text
from PIL import Image

from frontaid.domain.codes import is_canonical, make_code
from frontaid.errors import BadCode, NotFound
from frontaid.queries.registry import search
from frontaid.reports.cards import PER_PAGE, card_households, cards_pdf
from frontaid.store.replica import Replica


def test_qr_codes_on_the_page_decode_to_codes_the_desk_search_finds(demo: Replica, tmp_path: Path) -> None:
    rows, total = card_households(demo, zone="east-north", limit=PER_PAGE)
    assert len(rows) == PER_PAGE and total > PER_PAGE
    pdf = cards_pdf(demo, rows, "uk")
    assert pages(pdf, tmp_path) == 1
    t = text(pdf, tmp_path)
    codes = {r["eid"] for r in rows}
    assert all(code in t for code in codes)
    assert "Східний берег, північ" in t and not latin_words(t)
    [page] = png(pdf, tmp_path, dpi=150)
    found = zxingcpp.read_barcodes(Image.open(page))
    decoded = {b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode}
    assert decoded == codes  # a full QR per card (a Micro QR would not be read as QRCode)
    for payload in decoded:
        assert is_canonical(payload)
        first = search(demo, payload)[0]  # what the scanner types into the desk search
        assert first["kind"] == "household" and first["eid"] == payload


def test_a_zone_fills_pages_of_eight_and_the_english_card_reads_english(
    demo: Replica, tmp_path: Path
) -> None:
    rows, _total = card_households(demo, zone="centre", limit=PER_PAGE * 2 + 1)
    pdf = cards_pdf(demo, rows, "en")
    assert pages(pdf, tmp_path) == 3
    t = text(pdf, tmp_path)
    assert t.count("Household card") == PER_PAGE * 2 + 1 and "Centre" in t


def test_cards_by_code_keep_the_order_asked_and_refuse_a_wrong_code(demo: Replica) -> None:
    codes = [e for (e,) in demo.conn.execute("SELECT eid FROM households ORDER BY eid DESC LIMIT 2")]
    rows, total = card_households(demo, codes=[codes[0].lower(), codes[1].replace("-", "")])
    assert [r["eid"] for r in rows] == codes and total == 2
    wrong = codes[0][:-1] + str((int(codes[0][-1]) + 1) % 10)
    with pytest.raises(BadCode):
        card_households(demo, codes=[wrong])
    with pytest.raises(NotFound):
        card_households(demo, codes=[codes[0], make_code(codes[0][:3], 999_999)])  # well formed, unknown
