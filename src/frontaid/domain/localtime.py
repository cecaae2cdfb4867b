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


# -- one written form of a date and a moment per language ---------------------------------------
# "5 груд. 2026, 14:05" / "5 Dec 2026, 14:05": the day first as both languages say it, the month
# as a word so 05.12 and 12/05 are never confused, the time on the town's clock.
MONTHS = {
    "uk": ("січ.", "лют.", "бер.", "квіт.", "трав.", "черв.", "лип.", "серп.", "вер.", "жовт.", "лист.",
           "груд."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def _parse_stored(value: object) -> datetime | date | None:
    """A stored moment (ISO, UTC; "T" or a space; seconds and "Z" allowed) or a bare day."""
    if isinstance(value, datetime | date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace(" ", "T").removesuffix("Z"))
    except ValueError:
        return None


def day_text(day: date, lang: str) -> str:
    """A calendar day: "5 груд. 2026" / "5 Dec 2026"."""
    months = MONTHS.get(lang, MONTHS["en"])
    return f"{day.day} {months[day.month - 1]} {day.year}"


def shown(value: object, lang: str) -> str:
    """A stored moment on the town's clock ("5 груд. 2026, 14:05"), a stored day as a day
    ("5 груд. 2026"); anything else as given, and nothing as ""."""
    parsed = _parse_stored(value)
    if parsed is None:
        return "" if value is None else str(value)
    if not isinstance(parsed, datetime):
        return day_text(parsed, lang)
    local = to_town(parsed)
    return f"{day_text(local.date(), lang)}, {local:%H:%M}"


def typed_moment(text: str, day: date | None = None) -> str | None:
    """What a person typed for a moment, on the town's clock, as the stored UTC form; None if it is
    not one. "14:05" is today (the town's); "2026-12-05 14:05", "2026-12-05T14:05" and
    "05.12.2026 14:05" are that day; a bare day ("2026-12-05") is returned as it is (a day, no hour)."""
    t = " ".join(text.strip().replace("T", " ").split())
    try:
        if len(t) <= 5 and ":" in t:
            return stored(to_utc(day or today(), time.fromisoformat(t.zfill(5))))
        if len(t) == 10 and "." not in t:
            return date.fromisoformat(t).isoformat()
        if "." in t.split(" ")[0]:
            d, _sep, hm = t.partition(" ")
            dd, mm, yyyy = d.split(".")
            day_ = date(int(yyyy), int(mm), int(dd))
            if not hm:
                return day_.isoformat()
            t = f"{day_.isoformat()} {hm}"
        local = datetime.fromisoformat(t)
    except ValueError:
        return None
    if local.tzinfo is not None:  # typed with its own offset: honoured
        return stored(local.astimezone(UTC).replace(tzinfo=None))
    return stored(to_utc(local.date(), local.time()))
