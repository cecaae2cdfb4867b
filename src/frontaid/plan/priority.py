"""Who needs a visit most: a score per household with its reasons in words.

The score adds up, each part capped so that no single kind of need drowns the rest:

    vulnerabilities   the household's people: 80+ 12, cannot walk 15, wounded 15,
                      disability 10, pregnant 10, infant 8, alone 8, 65+ 5,
                      chronic illness 5, child 3, caregiver 3             (at most 40)
    open requests     critical 30, high 18, normal 8, low 3, plus 1 a day open
                      (at most 10 a request)                               (at most 60)
    food kit          1.5 a day past the entitlement cycle since the last
                      kit (or since registration when none yet)            (at most 30)
    welfare check     asked by a relative: 25, plus 1 a day it waited      (at most 40)
    body              a body awaiting recovery at the household: 40

What a visit needs follows from the same facts: what to bring, how long it takes,
whether it needs a van (a body, an evacuation) and how many seats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from frontaid.domain import vocab
from frontaid.i18n import gettext, ngettext

VULNERABILITY_POINTS: dict[str, float] = {
    "very-old": 12,
    "immobile": 15,
    "wounded": 15,
    "disabled": 10,
    "pregnant": 10,
    "infant": 8,
    "alone": 8,
    "elderly": 5,
    "chronic-illness": 5,
    "child": 3,
    "caregiver": 3,
}
URGENCY_POINTS: dict[str, float] = {"critical": 30, "high": 18, "normal": 8, "low": 3}
FOOD_CYCLE_DAYS = 14
# Minutes on the ground per kind of visit.
MINUTES: dict[str, int] = {"delivery": 15, "request": 20, "welfare": 20, "evacuation": 30, "body": 60}
# Needs met by what a team carries, and what it carries for them.
BRING: dict[str, str] = {
    "food": "food-kit",
    "home-delivery": "food-kit",
    "water": "water",
    "medicine": "medicine-kit",
    "hygiene": "hygiene-kit",
    "heating": "stove-fuel",
    "burial-support": "burial-kit",
    "animal-feed": "animal-feed",
    "household-items": "blanket",
}


def N_(msgid: str) -> str:
    return msgid


@dataclass
class Facts:
    """What the registry knows about one household that bears on a visit."""

    household: str
    zone: str | None
    address: str | None
    lat: float | None
    lon: float | None
    size: int = 1
    vulnerabilities: set[str] = field(default_factory=set)
    requests: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # (eid, need, urgency, opened day)
    last_food_kit: str | None = None
    registered_on: str | None = None
    welfare: list[tuple[str, str]] = field(default_factory=list)  # (eid, opened day)
    bodies: int = 0


@dataclass
class Priority:
    household: str
    score: float
    reasons: dict[str, list[str]]  # lang -> reasons in words
    kind: str
    minutes: int
    bring: dict[str, int]
    needs_van: bool
    seats: int
    facts: Facts

    def why(self, lang: str) -> str:
        return "; ".join(self.reasons.get(lang, []))


def _days(since: str | None, today: date) -> int | None:
    if not since:
        return None
    try:
        return (today - date.fromisoformat(since[:10])).days
    except ValueError:
        return None


def _days_text(n: int, lang: str) -> str:
    return ngettext("{n} day", "{n} days", n, lang).format(n=n)


def score(f: Facts, today: date) -> Priority:
    """The household's score, its reasons in Ukrainian and English, and what its visit takes."""
    parts: list[tuple[str, dict[str, str]]] = []  # (why key, lang -> words)
    total = 0.0

    def say(build: Callable[[str], str]) -> dict[str, str]:
        return {lang: build(lang) for lang in ("uk", "en")}

    vuln = sorted(v for v in f.vulnerabilities if v in VULNERABILITY_POINTS)
    if "very-old" in vuln and "elderly" in vuln:  # 80+ says 65+ already
        vuln.remove("elderly")
    if vuln:
        total += min(40.0, sum(VULNERABILITY_POINTS[v] for v in vuln))
        parts.append(
            (
                "vuln",
                say(lambda lang: ", ".join(gettext(vocab.VULNERABILITIES.get(v, v), lang) for v in vuln)),
            )
        )
    req_points = 0.0
    kind = "delivery"
    bring: dict[str, int] = {}
    needs_van, seats, minutes = False, 0, 0
    for _eid, need, urgency, opened in sorted(f.requests, key=lambda r: (r[3], r[0])):
        age = max(0, _days(opened, today) or 0)
        req_points += URGENCY_POINTS.get(urgency, 8) + min(10, age)

        def req_words(lang: str, need: str = need, urgency: str = urgency, age: int = age) -> str:
            return gettext("{need} ({urgency}) open {days}", lang).format(
                need=gettext(vocab.NEEDS.get(need, need), lang),
                urgency=gettext(vocab.URGENCIES.get(urgency, urgency), lang),
                days=_days_text(age, lang),
            )

        parts.append(("req", say(req_words)))
        if need in BRING:
            bring[BRING[need]] = bring.get(BRING[need], 0) + 1
        if need in ("evacuation", "medevac"):
            kind, needs_van, seats = "evacuation", True, max(seats, f.size)
        elif need == "body-recovery":
            kind, needs_van = "body", True
        elif kind == "delivery" and need not in BRING:
            kind = "request"
    total += min(60.0, req_points)
    since = _days(f.last_food_kit, today)
    never = since is None
    if never:
        since = _days(f.registered_on, today)
    if since is not None and since > FOOD_CYCLE_DAYS:
        total += min(30.0, 1.5 * (since - FOOD_CYCLE_DAYS))
        bring["food-kit"] = max(bring.get("food-kit", 0), 1)
        parts.append(
            (
                "food",
                say(
                    lambda lang: (
                        gettext("no food kit yet, registered {days} ago", lang)
                        if never
                        else gettext("no food kit for {days}, cycle {cycle}", lang)
                    ).format(days=_days_text(since or 0, lang), cycle=FOOD_CYCLE_DAYS)
                ),
            )
        )
    for _eid, opened in f.welfare:
        age = max(0, _days(opened, today) or 0)
        total += min(40.0, 25 + age)
        if kind == "delivery" and not bring:
            kind = "welfare"

        def welfare_words(lang: str, age: int = age) -> str:
            return gettext("welfare check asked by a relative {days} ago", lang).format(
                days=_days_text(age, lang)
            )

        parts.append(("welfare", say(welfare_words)))
    if f.bodies:
        total += 40.0
        kind, needs_van = "body", True
        bring["burial-kit"] = max(bring.get("burial-kit", 0), f.bodies)
        parts.append(
            (
                "body",
                say(
                    lambda lang: ngettext(
                        "{n} body awaiting recovery", "{n} bodies awaiting recovery", f.bodies, lang
                    ).format(n=f.bodies)
                ),
            )
        )
    minutes = MINUTES[kind] + 5 * max(0, len(f.requests) + len(f.welfare) - 1)
    reasons = {lang: [p[1][lang] for p in parts] for lang in ("uk", "en")}
    return Priority(f.household, round(total, 1), reasons, kind, minutes, bring, needs_van, seats, f)


def kits(p: Priority) -> int:
    """Items a visit takes out of a vehicle's load."""
    return sum(p.bring.values())
