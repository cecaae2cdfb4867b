"""Arrival slots at a distribution point, so that a crowd never forms (crowds are targets).

The model, in people:

- the opening hours are cut into slots of `slot_minutes`; everyone given a slot is
  assumed to arrive at its start (the worst case: people come early, not late);
- the point serves `rate` people a minute (a household's people leave together);
- people waiting when a slot starts = those still waiting from before + the slot's
  arrivals; this must never exceed `limit`. What a slot leaves behind is
  max(0, waiting - rate * slot_minutes).

Households come as groups: a zone, split into card-code ranges when a zone alone
would crowd the point. Groups are placed in order into the earliest slot with
room, a household at a time, so a zone's code range is cut exactly where a slot
fills. A household is never split. What does not fit before closing is returned
as unplaced, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Household:
    code: str
    people: float  # expected people arriving (size × the zone's turn-out)


@dataclass
class Group:
    zone: str
    households: list[Household]

    @property
    def people(self) -> float:
        return sum(h.people for h in self.households)


@dataclass
class Slot:
    zone: str
    start: int  # minutes after midnight
    end: int
    households: list[Household] = field(default_factory=list)

    @property
    def people(self) -> float:
        return sum(h.people for h in self.households)

    def as_row(self) -> dict[str, object]:
        return {
            "zone": self.zone,
            "start": _hhmm(self.start),
            "end": _hhmm(self.end),
            "codes_from": self.households[0].code,
            "codes_to": self.households[-1].code,
            "households": len(self.households),
            "people": round(self.people, 1),
        }


@dataclass
class Result:
    slots: list[Slot]
    unplaced: list[Household]
    peak: float  # the most people waiting at once


def _hhmm(m: int) -> str:
    return f"{m // 60 % 24:02d}:{m % 60:02d}"


def waiting_peak(arrivals: list[float], rate: float, slot_minutes: int) -> float:
    """The most people waiting at once, for the people arriving at the start of each slot."""
    backlog, peak = 0.0, 0.0
    for a in arrivals:
        present = backlog + a
        peak = max(peak, present)
        backlog = max(0.0, present - rate * slot_minutes)
    return peak


def spread(
    groups: list[Group], opening: tuple[int, int], limit: float, slot_minutes: int = 15, rate: float = 10.0
) -> Result:
    """Place every household in a slot so no more than `limit` people wait at once."""
    start, end = opening
    n_slots = max(0, (end - start) // slot_minutes)
    arrivals = [0.0] * n_slots
    backlog_in = [0.0] * (n_slots + 1)  # waiting from earlier slots when slot s starts
    slots: list[Slot] = []
    unplaced: list[Household] = []
    s = 0
    for g in groups:
        current: Slot | None = None
        for h in g.households:
            if h.people > limit:
                unplaced.append(h)
                continue
            while s < n_slots and backlog_in[s] + arrivals[s] + h.people > limit + 1e-9:
                s += 1
                current = None
                if s < n_slots:
                    backlog_in[s] = max(0.0, backlog_in[s - 1] + arrivals[s - 1] - rate * slot_minutes)
            if s >= n_slots:
                unplaced.append(h)
                continue
            if current is None:
                t = start + s * slot_minutes
                current = Slot(g.zone, t, t + slot_minutes)
                slots.append(current)
            current.households.append(h)
            arrivals[s] += h.people
    return Result(slots, unplaced, waiting_peak(arrivals, rate, slot_minutes))


def everyone_at_opening(groups: list[Group]) -> float:
    """Baseline: no slots, everyone comes when the point opens."""
    return sum(g.people for g in groups)


def by_zone_alphabetical(
    groups: list[Group], opening: tuple[int, int], rate: float, slot_minutes: int = 15
) -> float:
    """Baseline: each zone (in alphabetical order) gets an equal share of the day, arriving at its start."""
    zones: dict[str, float] = {}
    for g in groups:
        zones[g.zone] = zones.get(g.zone, 0.0) + g.people
    n_slots = max(1, (opening[1] - opening[0]) // slot_minutes)
    per = max(1, n_slots // max(1, len(zones)))
    arrivals = [0.0] * n_slots
    for i, z in enumerate(sorted(zones)):
        arrivals[min(n_slots - 1, i * per)] += zones[z]
    return waiting_peak(arrivals, rate, slot_minutes)
