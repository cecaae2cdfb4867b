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
