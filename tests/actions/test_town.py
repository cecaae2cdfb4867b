"""Zone outlines and whole towns from GeoJSON: checked before anything is recorded, idempotent."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontaid.actions import town
from frontaid.domain.shapes import outer_rings, ring_mean
from frontaid.errors import BadFile, BadInput, TooLarge
from frontaid.queries.plan import zone_centres
from frontaid.store.replica import Replica

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "town.geojson"


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, data: Any, name: str = "town.geojson") -> Path:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return p


def op_count(rep: Replica) -> int:
    return int(rep.conn.execute("SELECT count(*) FROM ops").fetchone()[0])


def test_the_example_town_imports_once_and_again_records_nothing(rep: Replica, tmp_path: Path) -> None:
    counts = town.import_town(rep, "t", EXAMPLE)
    assert counts == {"zones_added": 4, "zones_changed": 0, "sites_added": 5, "sites_changed": 0,
                      "unchanged": 0}
    shapes = {r["eid"]: json.loads(r["geometry"]) for r in rep.rows("SELECT eid, geometry FROM zones")}
    assert shapes["islands"]["type"] == "MultiPolygon" and shapes["west"]["type"] == "Polygon"
    sites = {r["eid"]: r for r in rep.rows("SELECT eid, kind, zone, lat, lon FROM sites")}
    # A site without a zone property lands in the zone whose outline holds it.
    assert sites["culture-house"]["zone"] == "east-north"
    assert sites["well-sadova"]["kind"] == "water-point" and sites["well-sadova"]["zone"] == "east-south"
    assert sites["old-bridge"]["zone"] == "west"  # said in the file
    before = op_count(rep)
    again = town.import_town(rep, "t", EXAMPLE)
    assert again["unchanged"] == 9 and op_count(rep) == before


def test_a_changed_outline_and_a_moved_site_are_recorded_as_changes(rep: Replica, tmp_path: Path) -> None:
    town.import_town(rep, "t", EXAMPLE)
    data = example()
    data["features"][0]["geometry"]["coordinates"][0][2] = [36.121, 48.931]
    data["features"][4]["geometry"]["coordinates"] = [36.111, 48.916]
    before = op_count(rep)
    counts = town.import_town(rep, "t", write(tmp_path, data))
    assert counts["zones_changed"] == 1 and counts["sites_changed"] == 1 and counts["unchanged"] == 7
    assert op_count(rep) == before + 3  # one outline, a site's lat and lon
    lat, lon = rep.conn.execute("SELECT lat, lon FROM sites WHERE eid = 'school-2'").fetchone()
    assert (lat, lon) == (48.916, 36.111)


def bad(tmp_path: Path, data: Any) -> Path:
    return write(tmp_path, data, "bad.geojson")


def _swap(coords: Any) -> Any:
    if isinstance(coords[0], int | float):
        return [coords[1], coords[0]]
    return [_swap(c) for c in coords]


def mutations() -> dict[str, tuple[Callable[[dict[str, Any]], Any], str]]:
    """name -> (make a broken town from the example, words its message must hold)."""
    def crossing(d: dict[str, Any]) -> Any:
        d["features"][1]["geometry"]["coordinates"] = [[[36.121, 48.915], [36.14, 48.93], [36.14, 48.915],
                                                        [36.121, 48.93], [36.121, 48.915]]]
        return d

    def out_of_range(d: dict[str, Any]) -> Any:
        d["features"][2]["geometry"]["coordinates"][0][1] = [186.0, 48.9]
        return d

    def lat_lon(d: dict[str, Any]) -> Any:
        for f in d["features"]:
            f["geometry"]["coordinates"] = _swap(f["geometry"]["coordinates"])
        return d

    def not_closed(d: dict[str, Any]) -> Any:
        d["features"][0]["geometry"]["coordinates"][0].pop()
        return d

    def site_kind(d: dict[str, Any]) -> Any:
        d["features"][5]["properties"]["site_kind"] = "casino"
        return d

    def twice(d: dict[str, Any]) -> Any:
        d["features"][1]["properties"]["slug"] = "west"
        return d

    def line_zone(d: dict[str, Any]) -> Any:
        d["features"][0]["geometry"] = {"type": "LineString", "coordinates": [[36.1, 48.9], [36.2, 48.9]]}
        return d

    return {
        "not json": (lambda d: "{\"type\": \"FeatureCollection\", ", "not a JSON file"),
        "not geojson": (lambda d: {"zones": []}, "FeatureCollection"),
        "self-crossing": (crossing, "crosses itself"),
        "out of range": (out_of_range, "outside the Earth's range"),
        "lat,lon": (lat_lon, "latitude, longitude"),
        "not closed": (not_closed, "not closed"),
        "unknown site kind": (site_kind, "casino"),
        "same id twice": (twice, "used twice"),
        "a line as a zone": (line_zone, "Polygon or MultiPolygon"),
    }


@pytest.mark.parametrize("name", list(mutations()))
def test_bad_town_files_are_refused_whole_with_one_line(rep: Replica, tmp_path: Path, name: str) -> None:
    make, words = mutations()[name]
    town.import_town(rep, "t", EXAMPLE) if name == "lat,lon" else None  # the town's places exist
    before = op_count(rep)
    with pytest.raises(BadInput) as err:
        town.import_town(rep, "t", bad(tmp_path, make(copy.deepcopy(example()))))
    text = err.value.text("en")
    assert words in text and "\n" not in text and "Nothing was imported" in text
    assert op_count(rep) == before


def test_lat_lon_order_is_seen_in_a_new_town_by_where_ukraine_is(rep: Replica, tmp_path: Path) -> None:
    data = mutations()["lat,lon"][0](copy.deepcopy(example()))
    before = op_count(rep)
    with pytest.raises(BadFile, match="latitude, longitude"):
        town.import_town(rep, "t", bad(tmp_path, data))
    assert op_count(rep) == before


def test_a_huge_file_is_refused_unread(rep: Replica, tmp_path: Path) -> None:
    p = tmp_path / "huge.geojson"
    with p.open("wb") as fh:
        fh.truncate(town.MAX_BYTES + 1)
    with pytest.raises(TooLarge):
        town.import_town(rep, "t", p)


def test_too_many_points_are_refused(rep: Replica, tmp_path: Path) -> None:
    ring = [[36.1 + i * 1e-7, 48.9] for i in range(town.MAX_POINTS)] + [[36.2, 48.95], [36.1, 48.9]]
    data = {"type": "Polygon", "coordinates": [ring]}
    with pytest.raises(BadFile, match="more than"):
        town.shape_from_file(rep, write(tmp_path, data))


def test_a_failure_mid_file_leaves_nothing_recorded(rep: Replica, tmp_path: Path) -> None:
    # Every feature parses, but the last site names a zone that does not exist: found while recording.
    data = example()
    data["features"][-1]["properties"]["zone"] = "nowhere"
    before = op_count(rep)
    with pytest.raises(BadInput):
        town.import_town(rep, "t", bad(tmp_path, data))
    assert op_count(rep) == before
    assert rep.conn.execute("SELECT count(*) FROM zones").fetchone()[0] == 0


def test_zone_set_changes_only_what_differs(rep: Replica, tmp_path: Path) -> None:
    town.import_town(rep, "t", EXAMPLE)
    shape = {"type": "Polygon", "coordinates": [[[36.1, 48.9], [36.12, 48.9], [36.12, 48.92], [36.1, 48.9]]]}
    feature = {"type": "Feature", "properties": {}, "geometry": shape}
    geom = town.shape_from_file(rep, write(tmp_path, feature))
    assert town.set_zone(rep, "t", "Захід", geometry=geom, name="Захід") == ["geometry"]
    assert town.set_zone(rep, "t", "west", geometry=geom) == []


def test_multipolygon_zones_are_placed_for_planning_and_the_map() -> None:
    multi = example()["features"][3]["geometry"]
    assert len(outer_rings(multi)) == 2
    lon, lat = ring_mean(multi) or (0.0, 0.0)
    assert 36.11 < lon < 36.126 and 48.89 < lat < 48.9
    assert ring_mean({"type": "Point", "coordinates": [1, 2]}) is None


def test_zone_centres_read_multipolygons(rep: Replica) -> None:
    town.import_town(rep, "t", EXAMPLE)
    centres = zone_centres(rep)
    assert set(centres) == {"west", "east-north", "east-south", "islands"}
    assert 48.89 < centres["islands"][0] < 48.9


coordinate = st.floats(allow_nan=True, allow_infinity=True, width=32) | st.integers(-1000, 1000) | st.text(
    max_size=3) | st.none() | st.booleans()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(coordinate, min_size=0, max_size=3), min_size=0, max_size=7))
def test_any_ring_is_a_shape_or_one_bad_file_line(tmp_path: Path, ring: list[list[Any]]) -> None:
    geom = {"type": "Polygon", "coordinates": [ring]}
    try:
        out = town.polygon(geom, "x")
    except BadFile as err:
        assert "\n" not in err.text("uk")
    else:
        assert out["type"] == "Polygon" and out["coordinates"][0][0] == out["coordinates"][0][-1]
