"""Zones drawn as MultiPolygons (a town split by a river, islands) are placed like any other zone:
planning, the danger model and the arrival slots read their centres without failing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from frontaid.actions import incidents, shapes
from frontaid.actions.registry import add_zone
from frontaid.queries.places import centroid
from frontaid.queries.plan import incidents as danger_incidents
from frontaid.queries.plan import zone_centres
from frontaid.store.replica import Replica

SQUARE = [[[38.0, 48.6], [38.01, 48.6], [38.01, 48.61], [38.0, 48.61], [38.0, 48.6]]]
ISLANDS = {"type": "MultiPolygon", "coordinates": [
    [[[38.02, 48.58], [38.024, 48.58], [38.024, 48.584], [38.02, 48.584], [38.02, 48.58]]],
    [[[38.03, 48.57], [38.034, 48.57], [38.034, 48.574], [38.03, 48.574], [38.03, 48.57]]],
]}


@pytest.fixture
def town(rep: Replica, tmp_path: Path) -> Replica:
    add_zone(rep, "t", "centre", "Центр", "Centre", geometry={"type": "Polygon", "coordinates": SQUARE})
    add_zone(rep, "t", "islands", "Острови", "Islands")
    path = tmp_path / "islands.geojson"
    path.write_text(json.dumps(ISLANDS), encoding="utf-8")
    shapes.set_zone_shape(rep, "t", "islands", shapes.geometry_of(shapes.read(path)))
    return rep


def test_a_multipolygon_zone_has_a_centre_where_the_map_draws_it(town: Replica) -> None:
    centres = zone_centres(town)
    assert set(centres) == {"centre", "islands"}
    lat, lon = centres["islands"]
    assert (lon, lat) == pytest.approx(centroid(ISLANDS), abs=1e-6)  # the map's point for the zone
    assert centres["centre"] == pytest.approx((48.605, 38.005))


def test_an_incident_in_a_multipolygon_zone_reaches_the_danger_model(town: Replica) -> None:
    at = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    incidents.report_incident(town, "t", kind="shelling", zone="islands", at=at, wounded=1)
    found = danger_incidents(town, datetime.now(UTC))
    assert len(found) == 1
