"""Zone outlines and a town's layout from GeoJSON (issue 12): `town import`, `zone add --geojson`,
`zone shape`; all or nothing, idempotent, and one clear refusal for a bad file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from frontaid.actions import shapes
from frontaid.cli import app
from frontaid.errors import BadFile, FrontaidError
from frontaid.queries import registry as regq
from frontaid.store.replica import Replica

A = "tester"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "town.geojson"


def _write(tmp: Path, doc: Any, name: str = "town.geojson") -> Path:
    path = tmp / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def test_the_example_town_imports_once_and_again_changes_nothing(make_replica: Callable[..., Replica],
                                                                 tmp_path: Path) -> None:
    rep = make_replica()
    assert shapes.import_town(rep, A, EXAMPLE) == {"added": 5, "changed": 0, "unchanged": 0}
    zones = {z["eid"]: z for z in regq.zone_shapes(rep)}
    assert set(zones) == {"east", "west"} and json.loads(zones["east"]["geometry"])["type"] == "Polygon"
    sites = {s["eid"]: s for s in regq.list_sites(rep)}
    assert sites["school-5"]["zone"] == "east"  # found by its point
    assert sites["ford"]["zone"] == "west"  # given in its properties
    ops = rep.op_count()
    assert shapes.import_town(rep, A, EXAMPLE) == {"added": 0, "changed": 0, "unchanged": 5}
    assert rep.op_count() == ops
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["population"] = 850
    doc["features"][2]["geometry"]["coordinates"] = [38.013, 48.596]
    assert shapes.import_town(rep, A, _write(tmp_path, doc)) == {"added": 0, "changed": 2, "unchanged": 3}
    assert {z["eid"]: z["population_estimate"] for z in regq.list_zones(rep)}["east"] == 850


RING = [[38.0, 48.58], [38.03, 48.58], [38.03, 48.61], [38.0, 48.61], [38.0, 48.58]]


def _zone(coords: Any, kind: str = "Polygon", **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"slug": "z", "name": "Зона", **props},
            "geometry": {"type": kind, "coordinates": coords}}


@pytest.mark.parametrize("doc, says", [
    ("not json at all", "не GeoJSON"),
    ({"type": "Feature"}, "FeatureCollection"),
    ({"type": "FeatureCollection", "features": [_zone([[[p[1], p[0]] for p in RING]])]}, "[широта, довгота]"),
    ({"type": "FeatureCollection", "features": [_zone([[RING[0], RING[2], RING[1], RING[3], RING[0]]])]},
     "перетинає сама себе"),
    ({"type": "FeatureCollection", "features": [_zone([[[200, 48], [38, 48], [38, 49], [200, 48]]])]},
     "поза межами"),
    ({"type": "FeatureCollection", "features": [_zone([RING]), {
        "type": "Feature", "properties": {"slug": "far", "name": "Далеко", "kind": "warehouse"},
        "geometry": {"type": "Point", "coordinates": [37.0, 48.0]}}]}, "не лежить у жодній зоні"),
    ({"type": "FeatureCollection", "features": [_zone([RING]), {
        "type": "Feature", "properties": {"slug": "s", "name": "С", "kind": "bakery"},
        "geometry": {"type": "Point", "coordinates": [38.01, 48.59]}}]}, "Рядок 2"),
    ({"type": "FeatureCollection", "features": [_zone([RING], slug="Not A Slug")]}, "Рядок 1"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                  "geometry": {"type": "LineString", "coordinates": RING}}]},
     "багатокутники"),
])
def test_a_bad_file_is_one_ukrainian_line_and_records_nothing(make_replica: Callable[..., Replica],
                                                               tmp_path: Path, doc: Any, says: str) -> None:
    rep = make_replica()
    before = rep.op_count()
    with pytest.raises(BadFile) as err:
        shapes.import_town(rep, A, _write(tmp_path, doc))
    text = err.value.text("uk")
    assert says in text and "Нічого не імпортовано" in text and "\n" not in text
    assert rep.op_count() == before


def test_a_file_too_large_is_refused_before_it_is_read(make_replica: Callable[..., Replica],
                                                       tmp_path: Path) -> None:
    path = tmp_path / "huge.geojson"
    with path.open("wb") as f:
        f.truncate(shapes.MAX_BYTES + 1)  # sparse: nothing is written, nothing is read
    with pytest.raises(BadFile) as err:
        shapes.import_town(make_replica(), A, path)
    assert "МБ" in err.value.text("uk")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
                        lambda kids: st.lists(kids, max_size=5) | st.dictionaries(
                            st.sampled_from(["type", "features", "geometry", "coordinates", "properties",
                                             "slug", "name", "kind"]), kids, max_size=5), max_leaves=30))
def test_anything_shaped_like_json_is_imported_or_refused_in_words(tmp_path: Path, doc: Any) -> None:
    try:
        shapes.geometry_of(doc)
    except FrontaidError as err:
        assert err.text("uk")


def test_a_zone_gets_its_outline_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    run = CliRunner().invoke
    base = ["--db", db, "--lang", "uk", "--actor", "tester"]
    assert run(app, [*base, "init", "--town", "Бахмут", "--no-encrypt"]).exit_code == 0
    shape = _write(tmp_path, _zone([RING]), "east.geojson")
    assert run(app, [*base, "zone", "add", "east", "--name", "Схід", "--name-en", "East",
                     "--geojson", str(shape)]).exit_code == 0
    bad = _write(tmp_path, _zone([[RING[0], RING[2], RING[1], RING[3], RING[0]]]), "bow.geojson")
    res = run(app, [*base, "zone", "shape", "Схід", str(bad)])
    assert res.exit_code == 2 and "перетинає сама себе" in res.stderr
    with Replica.open(Path(db)) as rep:
        [zone] = regq.zone_shapes(rep)
    assert json.loads(zone["geometry"])["coordinates"] == [RING]
