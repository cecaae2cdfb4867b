"""Six weeks of operations in the demo town, simulated day by day through the actions.

Each day is a queue of events (a registration at the desk, a visit to the food
point, a delivery, a shell landing, an evacuation offer...) run in the order of
their minute, with the simulated clock moved to each one, so the op log reads
like the six weeks it describes. Every write goes through `frontaid.actions`.
"""

from __future__ import annotations

import functools
import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from frontaid.actions import (
    distribution,
    evacuation,
    referrals,
    registry,
    requests,
    stock,
    welfare,
)
from frontaid.domain import cycles
from frontaid.scenario import geography, people, weights
from frontaid.scenario.clock import SimClock
from frontaid.store.replica import Replica

DAYS = 42  # the six weeks before today; today is day 42
EVENTS_PER_COMMIT = 4000  # bounded transactions: memory stays flat at any size
DESK, HUB = "desk-1", "hub"
TEAM_OF_BANK = {"east": "team-east", "west": "team-west"}
TEAMS = (
    ("team-east", "Виїзна група «Схід»", "Олег, Світлана, Артем"),
    ("team-west", "Виїзна група «Захід»", "Ірина, Богдан"),
    ("team-evac", "Евакуаційна група", "Денис, Роман, Христина"),
    ("medics", "Медики стабпункту", "Лариса, Максим"),
    ("military", "Військові", ""),  # bodies under fire: the army recovers them, the hub records it
)
OPEN = 8 * 60, 12 * 60  # the food point, UTC (10:00–14:00 in Kyiv)
TODAY_CLOSE = 9 * 60 + 30  # today's events stop at mid-morning: the demo is opened "now"

@dataclass
class Home:
    """What the simulation remembers of one registered household."""

    code: str
    zone: str
    address: str
    lat: float
    lon: float
    members: list[str]
    names: list[str]
    reg_day: int
    home_bound: bool
    elderly: bool
    animals: int
    last: dict[str, int] = field(default_factory=dict)  # item → last round served
    gone: bool = False


class Sim:
    """The six weeks, run through the actions of one replica."""

    def __init__(
        self,
        rep: Replica,
        rng: random.Random,
        clock: SimClock,
        today: date,
        households: int,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        self.rep, self.rng, self.clock, self.today = rep, rng, clock, today
        self.epoch = today - timedelta(days=DAYS)
        self._dates: dict[int, date] = {}  # day number → date, asked for many times a day
        self._weekday0 = self.epoch.weekday()
        # The food-kit rounds of a household depend only on its registration day and on
        # whether it is served at home: computed once per pair, not once per household.
        self._windows_of: dict[tuple[int, bool], list[list[int]]] = {}
        self.year = today.year
        self.households = households
        self.progress = progress
        self.scale = max(1.0, households / 2500)
        self._queue: dict[int, list[tuple[int, int, Callable[[], None]]]] = {}
        self._order = 0
        self.day = 0
        self.homes: list[Home] = []
        self.by_zone: dict[str, list[Home]] = {z.slug: [] for z in geography.ZONES}
        self.stock: dict[tuple[str, str], int] = {}
        self.story: dict[str, Any] = {}

    # -- time ----------------------------------------------------------------------------

    def date_of(self, day: int) -> date:
        d = self._dates.get(day)
        if d is None:
            d = self._dates[day] = self.epoch + timedelta(days=day)
        return d

    def iso(self, day: int) -> str:
        return self.date_of(day).isoformat()

    def moment(self, day: int, minute: int) -> str:
        return f"{self.iso(day)}T{minute // 60:02d}:{minute % 60:02d}"

    def is_open(self, day: int) -> bool:
        return (self._weekday0 + day) % 7 != 6  # the food point rests on Sundays

    def open_day(self, day: int) -> int:
        """`day`, or the Saturday before it when it is a Sunday."""
        return day if self.is_open(day) else day - 1

    def at(self, day: int, minute: int, fn: Callable[[], None]) -> None:
        """Schedule `fn` on `day` (0 = the epoch, DAYS = today) at `minute` past midnight UTC."""
        if day > DAYS:
            return
        if day == DAYS:
            minute = min(minute, TODAY_CLOSE)
        self._order += 1
        heapq.heappush(self._queue.setdefault(day, []), (minute, self._order, fn))

    def now(self) -> str:
        return self.clock.minute_text()

    def run(self) -> None:
        """Run every scheduled day in order, committing in bounded chunks."""
        for day in range(DAYS + 1):
            self.day = day
            heap = self._queue.pop(day, [])
            while heap:
                with self.rep.transaction():
                    for _ in range(EVENTS_PER_COMMIT):
                        if not heap:
                            break
                        minute, _, fn = heapq.heappop(heap)
                        self.clock.set_day(self.date_of(day), minute)
                        fn()
            if self.progress:
                self.progress("days", day + 1, DAYS + 1)

    # -- the town before the six weeks ---------------------------------------------------

    def lay_out(self) -> None:
        """Zones, sites and teams, recorded on the morning of the first day."""
        rep = self.rep
        estimate = self.households * 4
        with rep.transaction():
            for z in geography.ZONES:
                registry.add_zone(
                    rep,
                    HUB,
                    z.slug,
                    z.name,
                    z.name_en,
                    bank=z.bank,
                    pcode=z.pcode,
                    geometry=z.geometry,
                    population_estimate=round(estimate * z.share),
                )
            for s in geography.SITES:
                registry.add_site(
                    rep,
                    HUB,
                    s.slug,
                    s.kind,
                    s.name,
                    s.name_en,
                    s.zone,
                    lat=s.lat,
                    lon=s.lon,
                    state=s.state,
                    schedule=s.schedule,
                    note=s.note,
                )
            for slug, name, members in TEAMS:
                registry.add_team(rep, HUB, slug, name, members)
            self.convoy(0)

    # -- stock ---------------------------------------------------------------------------

    def convoy(self, day: int) -> None:
        """Goods arrive at the warehouse: enough for about ten days at the town's rate."""
        for item, rate in weights.DAILY_RATE.items():
            want = math.ceil(rate * self.households * 10 / 10) * 10
            have = self.stock.get((item, "warehouse"), 0)
            if want > have:
                self.receive(item, want - have + (self.rng.randint(0, 4) * 10), day)

    def receive(self, item: str, qty: int, day: int, note: str | None = None) -> None:
        stock.receive(self.rep, HUB, item=item, location="warehouse", qty=qty, on=self.iso(day), note=note)
        self.stock[(item, "warehouse")] = self.stock.get((item, "warehouse"), 0) + qty

    def move(self, item: str, target: str, qty: int, day: int) -> None:
        have = self.stock.get((item, "warehouse"), 0)
        if have < qty:
            self.receive(item, qty - have + 50, day, note="позачерговий завіз")
        stock.move(self.rep, HUB, item=item, source="warehouse", target=target, qty=qty, on=self.iso(day))
        self.stock[(item, "warehouse")] -= qty
        self.stock[(item, target)] = self.stock.get((item, target), 0) + qty

    def hand_out(
        self,
        home: Home | str,
        item: str,
        site: str,
        *,
        on: str | None = None,
        home_delivery: bool = False,
        team: str | None = None,
        override: str | None = None,
        qty: int = 1,
    ) -> str:
        """A hand-out through the action, topping the site up from the warehouse if it ran short."""
        code = home if isinstance(home, str) else home.code
        have = self.stock.get((item, site), 0)
        if have < qty:
            day_of_use = math.ceil(weights.DAILY_RATE.get(item, 0.002) * self.households)
            self.move(item, site, max(qty, day_of_use + 5), self.day)
        eid = distribution.hand_out(
            self.rep,
            TEAM_OF_BANK["west"] if home_delivery else DESK,
            household=code,
            item=item,
            qty=qty,
            at=site,
            home=home_delivery,
            on=on or self.now(),
            override=override,
            team=team,
        )
        self.stock[(item, site)] -= qty
        return eid

    def round_of(self, item: str, day: int) -> int:
        return day // cycles.CYCLES[item]  # day 0 is the epoch: cycles.round_of without dates

    def due(self, home: Home, item: str, day: int) -> bool:
        return home.last.get(item, -1) < self.round_of(item, day)

    def serve(self, home: Home, item: str, site: str, day: int, **kw: Any) -> None:
        if self.due(home, item, day):
            self.hand_out(home, item, site, **kw)
            home.last[item] = self.round_of(item, day)

    # -- registering -----------------------------------------------------------------------

    def register(
        self, hh: people.Household, day: int, *, note: str | None = None, displaced: bool = False
    ) -> tuple[str, list[str]]:
        rep = self.rep
        code = registry.add_household(
            rep,
            DESK,
            zone=hh.zone,
            address=hh.address,
            shelter=hh.shelter,
            size=len(hh.members),
            animals=hh.animals,
            animal_kinds=hh.animal_kinds,
            utilities=hh.utilities,
            lat=hh.lat,
            lon=hh.lon,
            displaced=displaced,
            note=note or hh.note,
            registered_on=self.iso(day),
        )
        pcodes = [
            registry.add_person(
                rep,
                DESK,
                household=code,
                name=p.name,
                born=p.born,
                sex=p.sex,
                vulnerabilities=p.vulnerabilities,
            )
            for p in hh.members
        ]
        return code, pcodes

    def schedule_registrations(self, n: int) -> None:
        weights: list[float] = [
            0 if not self.is_open(d) else (4 if d < 7 else 2 if d < 21 else 1) for d in range(DAYS + 1)
        ]
        weights[DAYS] = 0.3 if self.is_open(DAYS) else 0
        days = self.rng.choices(range(DAYS + 1), weights=weights, k=n)
        zones = self.rng.choices(
            [z.slug for z in geography.ZONES], weights=[z.share for z in geography.ZONES], k=n
        )
        for day, zone in zip(days, zones, strict=True):
            top = TODAY_CLOSE if day == DAYS else OPEN[1]
            self.at(day, self.rng.randint(OPEN[0], top), functools.partial(self._register_random, day, zone))

    def _register_random(self, day: int, zone: str) -> None:
        rng = self.rng
        hh = people.household(rng, zone, self.year)
        code, pcodes = self.register(hh, day)
        vuln = [p.vulnerabilities for p in hh.members]
        home = Home(
            code,
            zone,
            hh.address,
            hh.lat,
            hh.lon,
            pcodes,
            [p.name for p in hh.members],
            day,
            home_bound=all("immobile" in v or "child" in v or "infant" in v for v in vuln),
            elderly=any("elderly" in v for v in vuln),
            animals=hh.animals,
        )
        self.homes.append(home)
        self.by_zone[zone].append(home)
        if home.home_bound:
            self._plan_deliveries(home)
        else:
            self._visit(home)  # the first kit is handed over at registration
            self._plan_visits(home)
        self._plan_the_rest(home)

    # -- the food point and the doorstep ---------------------------------------------------

    def _windows(self, home: Home) -> list[list[int]]:
        """Open days of each food-kit round from the one after registration to today (shared: read only)."""
        key = (home.reg_day, home.home_bound)
        found = self._windows_of.get(key)
        if found is None:
            found = self._windows_of[key] = self._windows_from(*key)
        return found

    def _windows_from(self, reg_day: int, home_bound: bool) -> list[list[int]]:
        first = self.round_of("food-kit", reg_day)
        out: list[list[int]] = []
        for rnd in range(first + (0 if home_bound else 1), self.round_of("food-kit", DAYS) + 1):
            start = max(reg_day + 1, rnd * cycles.CYCLES["food-kit"])
            days = [
                d
                for d in range(start, min(DAYS, (rnd + 1) * cycles.CYCLES["food-kit"] - 1) + 1)
                if self.is_open(d)
            ]
            if days:
                out.append(days)
        return out

    def _plan_visits(self, home: Home) -> None:
        east = home.zone in geography.EAST_ZONES
        for days in self._windows(home):
            # On the first morning of a new round only a few are already in line.
            odds = 0.12 if days == [DAYS] else 0.68 if east else 0.8
            if self.rng.random() < odds:
                day = self.rng.choice(days)
                top = TODAY_CLOSE if day == DAYS else OPEN[1]
                self.at(day, self.rng.randint(OPEN[0], top), functools.partial(self._visit, home))

    def _visit(self, home: Home) -> None:
        """A household at the food point: the kit if due, often water and a hygiene kit, rarely the rest."""
        if home.gone:
            return
        rng, day = self.rng, self.day
        self.serve(home, "food-kit", "food-point", day)
        if rng.random() < 0.5:
            self.serve(home, "water", "food-point", day)
        if rng.random() < 0.3:
            self.serve(home, "hygiene-kit", "food-point", day)
        east = home.zone in geography.EAST_ZONES
        if rng.random() < (0.08 if east else 0.03):
            self.serve(home, "candles", "food-point", day)
        if rng.random() < 0.02:
            self.serve(home, "blanket", "food-point", day)

    def _plan_deliveries(self, home: Home) -> None:
        """Nobody in the household can walk to the point: a team brings the kit each round."""
        team = TEAM_OF_BANK[geography.ZONE_BY_SLUG[home.zone].bank]
        first = True
        for days in self._windows(home):
            if days == [DAYS] or self.rng.random() > 0.8:
                continue
            day = self.rng.choice(days)
            self.at(
                day, self.rng.randint(9 * 60, 14 * 60), functools.partial(self._deliver, home, team, first)
            )
            first = False

    def _deliver(self, home: Home, team: str, first: bool) -> None:
        if home.gone:
            return
        rep, day = self.rep, self.day
        req = None
        if first:
            req = requests.open_request(
                rep,
                DESK,
                need="home-delivery",
                household=home.code,
                reported_by=self.rng.choice(("сусідка", "соцпрацівник", "")) or None,
                at=self.moment(day, 8 * 60 + self.rng.randint(0, 50)),
            )
            requests.assign(rep, HUB, req, team)
        self.serve(home, "food-kit", "van-1", day, home_delivery=True, team=team)
        if self.rng.random() < 0.6:
            self.serve(home, "water", "van-1", day, home_delivery=True, team=team)
        if req:
            requests.done(rep, team, req, at=self.now())

    # -- everything else a household meets -------------------------------------------------

    def _plan_the_rest(self, home: Home) -> None:
        rng = self.rng
        left = DAYS - home.reg_day
        if home.zone in geography.EAST_ZONES and rng.random() < 0.85:
            self.at(
                home.reg_day + rng.randint(0, min(10, left)),
                rng.randint(10 * 60, 16 * 60),
                lambda: self._offer(home, second=False),
            )
        if rng.random() < 0.16:
            self.at(
                home.reg_day + rng.randint(0, left), rng.randint(7 * 60, 15 * 60), lambda: self._request(home)
            )
        if home.elderly and rng.random() < 0.04:
            self.at(
                home.reg_day + rng.randint(0, left),
                rng.randint(8 * 60, 12 * 60),
                lambda: self._referral(home, "pension", "Пенсійний фонд України"),
            )
        elif rng.random() < 0.02:
            kind, to = rng.choice(
                (
                    ("medical", "Стабпункт / лікарня Краматорська"),
                    ("documents", "ЦНАП (виїзний)"),
                    ("psychosocial", "Психологиня МСФ"),
                )
            )
            self.at(
                home.reg_day + rng.randint(0, left),
                rng.randint(8 * 60, 12 * 60),
                lambda: self._referral(home, kind, to),
            )
        if rng.random() < 0.012:
            self.at(
                home.reg_day + rng.randint(0, left), rng.randint(7 * 60, 18 * 60), lambda: self._welfare(home)
            )

    def _offer(self, home: Home, second: bool) -> None:
        if home.gone:
            return
        rng, rep, day = self.rng, self.rep, self.day
        x = rng.random()
        answer = "accepted" if x < 0.08 else "undecided" if x < 0.22 else "refused"
        reason = None
        if answer == "refused":
            reason = str(people.pick(rng, weights.REFUSALS))
            if home.animals and rng.random() < 0.7:
                reason = "animals"
        evacuation.offer(
            rep,
            "team-evac",
            household=home.code,
            answer=answer,
            reason=reason,
            on=self.iso(day),
            seats=len(home.members) if answer == "accepted" else None,
            animals=home.animals or None,
        )
        if answer == "accepted":
            home.gone = True
            registry.set_household(rep, "team-evac", home.code, "status", "left")
            for pid in home.members:
                registry.set_person(rep, "team-evac", pid, "status", "evacuated")
        elif not second and day + 10 < DAYS and rng.random() < 0.25:
            self.at(
                day + rng.randint(10, DAYS - day),
                rng.randint(10 * 60, 16 * 60),
                lambda: self._offer(home, second=True),
            )

    def _request(self, home: Home) -> None:
        if home.gone:
            return
        rng, rep, day = self.rng, self.rep, self.day
        need = str(people.pick(rng, weights.NEEDS))
        if need == "animal-feed" and not home.animals:
            need = "food"
        code = requests.open_request(
            rep,
            DESK,
            need=need,
            urgency=str(people.pick(rng, weights.URGENCY)),
            household=home.code,
            reported_by=str(people.pick(rng, weights.REPORTERS)) or None,
            at=self.now(),
        )
        if rng.random() < 0.72:
            close = day + rng.randint(0, 6)
            team = TEAM_OF_BANK[geography.ZONE_BY_SLUG[home.zone].bank]
            self.at(close, rng.randint(12 * 60, 17 * 60), lambda: self.close_request(code, team))

    def close_request(self, code: str, team: str) -> None:
        requests.assign(self.rep, HUB, code, team)
        requests.done(self.rep, team, code, at=self.now())

    def _referral(self, home: Home, kind: str, to: str) -> None:
        if home.gone:
            return
        code = referrals.open_referral(
            self.rep,
            DESK,
            household=home.code,
            kind=kind,
            to=to,
            person=home.members[0],
            on=self.iso(self.day),
        )
        if self.rng.random() < 0.4:
            outcome = "resolved" if self.rng.random() < 0.6 else "in-progress"
            self.at(
                self.day + self.rng.randint(3, 12),
                11 * 60,
                lambda: referrals.close_referral(self.rep, HUB, code, outcome=outcome, on=self.iso(self.day)),
            )

    def _welfare(self, home: Home) -> None:
        rng = self.rng
        code = welfare.request_check(
            self.rep,
            HUB,
            sought=rng.choice(home.names),
            asked_by=rng.choice(weights.WELFARE_ASKERS),
            household=home.code,
            zone=home.zone,
            on=self.iso(self.day),
        )
        if rng.random() < 0.8:
            answer = "alive-well" if rng.random() < 0.75 else "alive-needs-help"
            if home.gone:
                answer = "evacuated"
            self.at(
                self.day + rng.randint(1, 4),
                rng.randint(13 * 60, 17 * 60),
                lambda: welfare.answer_check(
                    self.rep,
                    TEAM_OF_BANK[geography.ZONE_BY_SLUG[home.zone].bank],
                    code,
                    answer=answer,
                    on=self.iso(self.day),
                ),
            )
