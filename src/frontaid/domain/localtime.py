"""The town's clock: times people type and read are Kyiv's; times stored are UTC.

A coordinator types `--at 14:00` or `--start-at 08:00` and reads 10:15 on a run sheet
as the clock on the wall in Bakhmut shows it (Europe/Kyiv: UTC+2 in winter, UTC+3 in
summer); the log, the incidents and the stored plan keep UTC, so two devices in two
time zones (a hub abroad, a laptop with the wrong zone set) agree. The curfew is a
rule of the town, so it is checked on the town's clock too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

TOWN_TZ = ZoneInfo("Europe/Kyiv")


def to_utc(day: date, at: time) -> datetime:
    """A day and a time of day on the town's clock as a naive UTC datetime (the stored form)."""
    local = datetime.combine(day, at, tzinfo=TOWN_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def to_town(moment: datetime) -> datetime:
    """A stored moment (naive = UTC) as the town's clock shows it (aware, Europe/Kyiv)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TOWN_TZ)


def now_utc() -> datetime:
    """Now, naive UTC, to the minute."""
    return datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)


def today() -> date:
    """Today on the town's calendar, whatever the laptop's own zone."""
    return datetime.now(TOWN_TZ).date()


def town_hhmm(value: datetime | str) -> str:
    """HH:MM on the town's clock: a stored ISO moment (UTC) converted; a bare "HH:MM" as given."""
    if isinstance(value, str):
        text = value.strip()
        if "T" not in text and " " not in text:
            return text[:5]
        value = datetime.fromisoformat(text.replace(" ", "T"))
    return to_town(value).strftime("%H:%M")


def stored(moment: datetime) -> str:
    """A naive UTC datetime as the log stores it: YYYY-MM-DDTHH:MM."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def typed(text: str | None) -> str | None:
    """A moment a person typed, read on the town's clock, in the stored form (UTC, YYYY-MM-DDTHH:MM).

    "2026-12-05 14:05" and the browser's "2026-12-05T14:05" are Kyiv time; "14:05" is today
    in Kyiv; an explicit offset ("…+00:00", "…Z") is honoured; a date alone stays a date.
    What does not parse is returned as typed, for the action's check to refuse in words.
    """
    if text is None or not text.strip():
        return None
    s = text.strip().replace(" ", "T")
    if len(s) <= 10 and "T" not in s and ":" not in s:
        return s  # a day: no clock involved
    try:
        if "T" not in s:
            parsed = datetime.combine(today(), time.fromisoformat(s), tzinfo=TOWN_TZ)
        else:
            parsed = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return text
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=TOWN_TZ)
    return stored(parsed.astimezone(UTC).replace(tzinfo=None))


def shown(value: str | date | datetime | None, lang: str) -> str:
    """A stored day or moment as people read it, one form per language everywhere: a day as
    "4 грудня 2026" / "4 December 2026"; a moment (stored UTC) on the town's clock as
    "4 грудня 2026, 14:05"."""
    from babel.dates import format_date

    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= 10:
            return str(format_date(date.fromisoformat(text), "d MMMM y", locale=lang))
        value = datetime.fromisoformat(text.replace(" ", "T").replace("Z", "+00:00"))
    if isinstance(value, datetime):
        local = to_town(value)
        return f"{format_date(local.date(), 'd MMMM y', locale=lang)}, {local:%H:%M}"
    return str(format_date(value, "d MMMM y", locale=lang))
