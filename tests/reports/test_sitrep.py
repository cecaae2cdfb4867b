"""The sitrep: figures from the queries, small counts hidden, both languages, charts and map drawn."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from pdf_reading import latin_words, pages, png, slugs, text

from frontaid.actions import distribution, incidents, registry
from frontaid.queries.sitrep import reached, sitrep
from frontaid.reports.sitrep import sitrep_html, sitrep_pdf
from frontaid.store.replica import Replica

DAY = date(2026, 12, 4)
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
A = "tester"


def _harmed_town(rep: Replica) -> None:
    """Six incidents today in one zone: three killed in all, twelve wounded."""
    registry.add_zone(rep, A, "east", "Схід", "East bank", bank="east", population_estimate=900)
    registry.add_zone(rep, A, "west", "Захід", "West bank", bank="west", population_estimate=400)
    for i in range(6):
        incidents.report_incident(
            rep,
            A,
            kind="shelling",
            zone="east",
            at=f"2026-12-04 0{i}:15",
            killed=3 if i == 0 else 0,
            wounded=2,
        )


def test_a_count_of_three_is_printed_as_under_five(rep: Replica, tmp_path: Path) -> None:
    _harmed_town(rep)
    figures = sitrep(rep, DAY, NOW)
    assert figures["harm"]["day"] == {"incidents": 6, "killed": 3, "wounded": 12}  # exact in the query
    pdf = sitrep_pdf(rep, DAY, "en", NOW)
    lines = [" ".join(line.split()) for line in text(pdf, tmp_path, layout=True).splitlines()]
    assert "Last 24 hours 6 <5 12" in lines
    assert "The 7 days before 0 0 0" in lines
    assert "East bank 6 <5 12 0 0" in lines
    assert not any(line.startswith("Last 24 hours") and " 3 " in f" {line} " for line in lines)
    assert "Counts from 1 to 4 are shown as <5" in " ".join(lines)


def test_people_reached_count_each_household_once(town_on, rep: Replica) -> None:  # type: ignore[no-untyped-def]
    town = town_on(rep)
    distribution.hand_out(rep, A, household=town.anna, item="food-kit", at="point-1", on="2025-01-07")
    distribution.hand_out(
        rep,
        A,
        household=town.anna,
        item="food-kit",
        at="point-1",
        on="2025-01-08",
        override="second kit for the neighbour",
    )
    got = reached(rep, date(2025, 1, 6), date(2025, 1, 12))
    assert got["handouts"] == 2
    assert got["households"] == 1
    assert got["people"] == 2  # Anna and Mykola, once each
    assert got["by_zone"] == {"east": {"households": 1, "people": 2}}


def test_demo_sitrep_in_both_languages(demo: Replica, tmp_path: Path) -> None:
    uk = sitrep_pdf(demo, DAY, "uk")
    en = sitrep_pdf(demo, DAY, "en")
    assert 2 <= pages(uk, tmp_path) <= 6 and 2 <= pages(en, tmp_path) <= 6
    t_uk = " ".join(text(uk, tmp_path).split())
    for words in (
        "Зведення про ситуацію: Бахмут",
        "Період: з 28 листопада 2026 по 4 грудня 2026",
        "Інциденти і шкода цивільним",
        "Незадоволені потреби",
        "Запаси і на скільки днів",
        "Евакуація",
        "Загиблі та евакуація тіл",
        "За районами, останні 7 днів",
        "Східний берег, північ",
        "продуктовий набір",
    ):
        assert words in t_uk, words
    assert not latin_words(t_uk), latin_words(t_uk)
    assert not {s for s in slugs(demo) if s in t_uk.split()}
    t_en = " ".join(text(en, tmp_path).split())
    for words in (
        "Situation report: Bakhmut",
        "Period: 28 November 2026 to 4 December 2026",
        "Unmet needs",
        "Stock and days of cover",
        "Reasons for refusing",
        "East bank north",
        "food kit",
    ):
        assert words in t_en, words
    assert "east-north" not in t_en and "food-kit" not in t_en
    png(uk, tmp_path, first=1, last=2)


def test_the_html_has_the_charts_and_the_map_inline(demo: Replica) -> None:
    html = sitrep_html(demo, DAY, "uk")
    assert html.count('src="data:image/svg+xml;base64,') == 3  # incidents by day, needs, the map
    assert "http://" not in html and "https://" not in html
