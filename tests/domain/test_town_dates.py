"""Dates in one form per language, on the town's clock (Kyiv); typed times are Kyiv's, stored as UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from frontaid.domain.localtime import TOWN_TZ, day_text, shown, stored, to_town, typed_moment


def test_a_winter_moment_at_22_30_utc_is_the_next_day_in_kyiv() -> None:
    assert shown("2026-12-04T22:30", "uk") == "5 груд. 2026, 00:30"
    assert shown("2026-12-04T22:30", "en") == "5 Dec 2026, 00:30"
    # The log's form (a space, seconds) and an aware ISO moment read the same.
    assert shown("2026-12-04 22:30:59", "uk") == "5 груд. 2026, 00:30"
    assert shown("2026-12-04T22:30:00+00:00", "uk") == "5 груд. 2026, 00:30"


def test_summer_is_three_hours_ahead_and_a_day_is_not_moved() -> None:
    assert shown("2026-07-04T21:30", "uk") == "5 лип. 2026, 00:30"
    assert shown("2026-07-04", "uk") == "4 лип. 2026"  # a calendar day has no hour to move
    assert shown(None, "uk") == "" and shown("", "en") == ""
    assert shown("not a date", "uk") == "not a date"


def test_every_month_has_one_word_in_each_language() -> None:
    uk = {day_text(date(2026, m, 1), "uk").split()[1] for m in range(1, 13)}
    en = {day_text(date(2026, m, 1), "en").split()[1] for m in range(1, 13)}
    assert len(uk) == 12 and len(en) == 12
    assert day_text(date(2026, 11, 30), "uk") == "30 лист. 2026"


def test_times_typed_on_the_town_clock_are_stored_as_utc() -> None:
    assert typed_moment("00:30", date(2026, 12, 5)) == "2026-12-04T22:30"
    assert typed_moment("9:05", date(2026, 7, 1)) == "2026-07-01T06:05"
    assert typed_moment("2026-12-05 14:05") == "2026-12-05T12:05"
    assert typed_moment("05.12.2026 14:05") == "2026-12-05T12:05"
    assert typed_moment("2026-12-05T14:05+00:00") == "2026-12-05T14:05"  # its own offset honoured
    assert typed_moment("2026-12-05") == "2026-12-05" and typed_moment("05.12.2026") == "2026-12-05"
    for bad in ("yesterday", "25:00", "2026-13-01 10:00", "", "32.01.2026"):
        assert typed_moment(bad) is None, bad


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1)))
def test_what_is_shown_is_what_typing_it_back_stores(moment: datetime) -> None:
    utc = moment.replace(second=0, microsecond=0)
    local = to_town(utc)
    typed = typed_moment(local.strftime("%Y-%m-%d %H:%M"))
    # The hour repeated when clocks go back is read as its first pass (fold=0): an hour apart at most.
    back = datetime.fromisoformat(str(typed))
    assert abs(back - utc) <= timedelta(hours=1)
    if not _ambiguous(local):
        assert typed == stored(utc)
    assert shown(stored(utc), "uk").endswith(local.strftime("%H:%M"))


def _ambiguous(local: datetime) -> bool:
    naive = local.replace(tzinfo=None)
    first, second = naive.replace(tzinfo=TOWN_TZ, fold=0), naive.replace(tzinfo=TOWN_TZ, fold=1)
    return first.utcoffset() != second.utcoffset()


def test_now_shows_today_on_the_town_calendar() -> None:
    now = datetime.now(UTC)
    today = day_text(now.astimezone(TOWN_TZ).date(), "en")
    assert shown(stored(now.replace(tzinfo=None)), "en").startswith(today)
