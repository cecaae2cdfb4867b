"""The war over the six weeks: shelling every day, growing toward the end and heaviest on the
east bank; the crossings hit one by one; the dead among the registered, and where their bodies lie."""

from __future__ import annotations

import functools
import math

from frontaid.actions import incidents, registry, requests
from frontaid.scenario import geography, people, weights
from frontaid.scenario.history import DAYS, HUB, Sim


def schedule(sim: Sim) -> None:
    """Incidents every day, growing in the last weeks, most on the east bank; convoys twice a week."""
    rng = sim.rng
    for day in range(DAYS + 1):
        lam = math.sqrt(sim.scale) * (2.0 + 7.0 * (day / DAYS) ** 2)
        for _ in range(weights.poisson(rng, lam)):
            hour = rng.choices(range(24), weights=weights.FIRE_HOURS)[0]
            sim.at(day, hour * 60 + rng.randint(0, 59), functools.partial(_incident, sim))
        if day % 7 in (0, 3):
            sim.at(day, 6 * 60 + 30, functools.partial(sim.convoy, day))
    # The crossings go one by one.
    sim.at(9, 4 * 60 + 40, lambda: _hit_crossing(sim, "bridge-central", "damaged", "mortar"))
    sim.at(16, 15 * 60 + 10, lambda: _hit_crossing(sim, "bridge-central", "destroyed", "rocket"))
    sim.at(23, 5 * 60 + 5, lambda: _hit_crossing(sim, "bridge-north", "damaged", "shelling"))

def _hit_crossing(sim: Sim, site: str, state: str, kind: str) -> None:
    s = geography.SITE_BY_SLUG[site]
    incidents.report_incident(
        sim.rep,
        HUB,
        kind=kind,
        zone=s.zone,
        at=sim.now(),
        site=site,
        lat=s.lat,
        lon=s.lon,
        note=f"{s.name}: {'зруйновано' if state == 'destroyed' else 'пошкоджено'}",
    )
    registry.set_site_state(sim.rep, HUB, site, state)

def _incident(sim: Sim) -> None:
    rng, rep = sim.rng, sim.rep
    zone = str(people.pick(rng, weights.INCIDENT_ZONES))
    kind = str(people.pick(rng, weights.INCIDENT_KINDS))
    lat, lon = geography.ZONE_BY_SLUG[zone].random_point(rng)
    killed = rng.choice((1, 1, 1, 2)) if rng.random() < 0.07 else 0
    wounded = rng.randint(1, 3) if rng.random() < 0.28 else 0
    incidents.report_incident(
        rep, HUB, kind=kind, zone=zone, at=sim.now(), killed=killed, wounded=wounded, lat=lat, lon=lon
    )
    for _ in range(killed):
        _death(sim, zone, lat, lon)

def _death(sim: Sim, zone: str, lat: float, lon: float) -> None:
    """A registered person is among the killed: the death, and where the body lies."""
    rng, rep, day = sim.rng, sim.rep, sim.day
    homes = [h for h in sim.by_zone[zone][-400:] if not h.gone]
    if not homes:
        return
    home = rng.choice(homes)
    pid = home.members.pop(rng.randrange(len(home.members)))
    x = rng.random()
    burial = "burial-cemetery" if x < 0.5 else f"могила у дворі, {home.address}" if x < 0.8 else None
    registry.person_died(
        rep, HUB, pid, on=sim.iso(day), place=home.address, burial_place=burial, cause="обстріл"
    )
    if not home.members:
        home.gone = True
        registry.set_household(rep, HUB, home.code, "status", "closed")
    if burial is None:
        code = requests.open_request(
            rep,
            HUB,
            need="body-recovery",
            urgency="high",
            zone=zone,
            lat=lat,
            lon=lon,
            reported_by="сусіди",
            at=sim.now(),
            note=f"Тіло під завалами, {home.address}",
        )
        if rng.random() < 0.5:
            sim.at(
                day + rng.randint(1, 5),
                rng.randint(9 * 60, 13 * 60),
                lambda: sim.close_request(code, "medics"),
            )

