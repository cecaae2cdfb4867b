"""A river town as a real replica: two banks, a bridge, five households, a shelling yesterday."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from frontaid.actions import incidents, registry, requests, welfare
from frontaid.actions import plan as planning
from frontaid.store.replica import Replica

TODAY = date.today()
A = "tester"


def build_river_town(db: Path) -> dict[str, Any]:
    """The river town of test_routes.py: two zones, a warehouse, a bridge, five households; closed after."""
    rep = Replica.create(db, "Річкове", epoch=TODAY - timedelta(days=60))
    ring = {
        "west": [[37.995, 48.598], [38.005, 48.598], [38.005, 48.610], [37.995, 48.610], [37.995, 48.598]],
        "east": [[38.005, 48.598], [38.015, 48.598], [38.015, 48.610], [38.005, 48.610], [38.005, 48.598]],
    }
    for slug, r in ring.items():
        registry.add_zone(
            rep, A, slug, f"Берег {slug}", f"{slug} bank", geometry={"type": "Polygon", "coordinates": [r]}
        )
    registry.add_zone(rep, A, "north", "Північ", "North")  # no outline drawn yet
    registry.add_site(rep, A, "warehouse", "warehouse", "Склад", "Warehouse", "west", lat=48.604, lon=38.000)
    registry.add_site(
        rep, A, "bridge-mid", "crossing", "Міст", "Bridge", "west", lat=48.604, lon=38.005, state="open"
    )
    nodes = [[f"W{i}", 48.600 + 0.002 * i, 38.000] for i in range(5)]
    nodes += [[f"E{i}", 48.600 + 0.002 * i, 38.010] for i in range(5)]
    edges = [[f"W{i}", f"W{i + 1}", 222.0, None, "West St"] for i in range(4)]
    edges += [[f"E{i}", f"E{i + 1}", 222.0, None, "East St"] for i in range(4)]
    edges += [["W2", "E2", 740.0, "bridge-mid", "Mid bridge"]]
    planning.record_network(rep, A, nodes, edges)
    reg = (TODAY - timedelta(days=30)).isoformat()
    hh = {}
    for name, zone, lat, lon, vulns in (
        ("old", "east", 48.604, 38.010, "very-old,immobile,alone"),
        ("child", "west", 48.600, 38.000, "child"),
        ("wounded", "east", 48.608, 38.010, "wounded"),
        ("plain", "west", 48.608, 38.000, ""),
        ("nowhere", "north", None, None, "alone"),
    ):
        code = registry.add_household(
            rep, A, zone=zone, address=f"{name} 1", size=2, lat=lat, lon=lon, registered_on=reg
        )
        registry.add_person(rep, A, household=code, name=f"Test {name}", born=1950, vulnerabilities=vulns)
        hh[name] = code
    requests.open_request(rep, A, need="home-delivery", urgency="high", household=hh["old"])
    welfare.request_check(
        rep, A, sought="Test wounded", asked_by="daughter in Dnipro", household=hh["wounded"]
    )
    incidents.report_incident(
        rep,
        A,
        kind="shelling",
        zone="east",
        lat=48.608,
        lon=38.010,
        wounded=1,
        at=f"{(TODAY - timedelta(days=1)).isoformat()} 10:00",
    )
    rep.close()
    return {"db": db, **hh}


@pytest.fixture
def town(tmp_path: Path) -> dict[str, Any]:
    return build_river_town(tmp_path / "town.db")
