"""The notice-board bulletin: one A4 page, Ukrainian by default, readable, nothing fetched."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from pdf_reading import fonts, latin_words, pages, png, slugs, text

from frontaid.reports.bulletin import bulletin_pdf, opening_days
from frontaid.store.replica import Replica

DAY = date(2026, 12, 4)
NOW = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)


def test_ukrainian_bulletin_is_one_page_with_the_hours_and_no_slug(demo: Replica, tmp_path: Path) -> None:
    pdf = bulletin_pdf(demo, DAY, "uk", now=NOW)
    assert pages(pdf, tmp_path) == 1
    t = " ".join(text(pdf, tmp_path).split())
    for words in (
        "Де і коли отримати допомогу",
        "Пункт видачі гуманітарної допомоги",
        "пн–сб, 10:00–14:00",
        "Привеземо додому",
        "сусід чи родич може попросити",
        "Евакуація",
        "Рідні за межами міста",
        "натовп — це ціль",
        "Укриття в підвалі школи № 5",
        "ятниця, 4 грудня 2026",
        "Надруковано 4 грудня 2026, 10:30",
        "Центральний міст: зруйновано, не пройти",  # a word that agrees with міст and брід alike
    ):  # 08:30 UTC is 10:30 in Kyiv in December
        assert words in t, words
    assert not latin_words(t), latin_words(t)
    assert not {s for s in slugs(demo) if s in t.split()}
    embedded = fonts(pdf, tmp_path)
    assert "DejaVu" in embedded and " no " not in embedded.split("\n", 2)[2]  # every font embedded
    png(pdf, tmp_path)


def test_english_bulletin_is_one_page(demo: Replica, tmp_path: Path) -> None:
    pdf = bulletin_pdf(demo, DAY, "en", now=NOW)
    assert pages(pdf, tmp_path) == 1
    t = " ".join(text(pdf, tmp_path).split())
    for words in (
        "Aid for residents of Bakhmut",
        "Where and when to get aid",
        "Mon–Sat, 10:00–14:00",
        "Friday, 4 December 2026",
        "Evacuation pick-up point",
        "a crowd is a target",
    ):
        assert words in t, words


def test_slots_by_zone_replace_the_hours_and_many_still_fit_one_page(demo: Replica, tmp_path: Path) -> None:
    zones = ["east-north", "east-south", "centre", "west", "outskirts-west"]
    slots = [
        {
            "zone": z,
            "start": f"{8 + i // 5:02d}:{(i % 5) * 10:02d}",
            "end": f"{8 + i // 5:02d}:{(i % 5) * 10 + 9:02d}",
            "codes_from": f"BXM-{100 * i + 1:03d}-0",
            "codes_to": f"BXM-{100 * i + 99:03d}-0",
        }
        for i, z in enumerate(zones * 6)
    ]
    pdf = bulletin_pdf(demo, DAY, "uk", slots=slots, now=NOW)
    assert pages(pdf, tmp_path) == 1
    t = " ".join(text(pdf, tmp_path).split())
    assert "Приходьте лише в час свого району" in t
    assert "Східний берег, північ" in t and "08:00–08:09" in t and "13:40–13:49" in t
    assert "BXM-2901-0" in t
    assert "пн–сб, 10:00–14:00" not in t  # the slots say when, not the opening hours


def test_a_slot_given_as_a_utc_moment_is_printed_in_kyiv_time(demo: Replica, tmp_path: Path) -> None:
    slots = [
        {
            "zone": "centre",
            "start": "2026-12-04T08:00:00+00:00",
            "end": "2026-12-04T08:30:00+00:00",
            "codes_from": None,
            "codes_to": None,
        }
    ]
    t = " ".join(text(bulletin_pdf(demo, DAY, "en", slots=slots, now=NOW), tmp_path).split())
    assert "10:00–10:30" in t and "Centre" in t


def test_opening_days_in_words() -> None:
    assert opening_days(["mon", "tue", "wed", "thu", "fri", "sat"], "uk") == "пн–сб"
    assert opening_days(["daily"], "uk") == "щодня"
    assert opening_days(["mon", "wed"], "en") == "Mon, Wed"
