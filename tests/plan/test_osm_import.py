"""A real OpenStreetMap file written in the test (.osm XML, .osm.pbf by osmium's writer) imports right."""

from __future__ import annotations

from pathlib import Path

import osmium
import pytest

from frontaid.actions import plan as planning
from frontaid.actions import registry
from frontaid.errors import BadMapFile
from frontaid.queries import plan as pq
from frontaid.store.replica import Replica

# West bank x < 38.004, east bank x > 38.006; the river between.
ZONES = {
    "west": [[37.990, 48.590], [38.005, 48.590], [38.005, 48.610], [37.990, 48.610], [37.990, 48.590]],
    "east": [[38.005, 48.590], [38.020, 48.590], [38.020, 48.610], [38.005, 48.610], [38.005, 48.590]],
}
NODES = {  # id: (lat, lon)
    1: (48.600, 37.995),
    2: (48.600, 38.003),
    3: (48.600, 38.007),
    4: (48.600, 38.015),  # Myru St + bridge
    5: (48.595, 38.003),
    6: (48.595, 38.007),  # the ford road (ford on node 7 between them)
    7: (48.595, 38.005),
    8: (48.605, 37.995),  # Shevchenka St north from 1
    9: (48.700, 37.995),  # far outside the town: clipped
    10: (48.601, 38.010),  # a building corner (not a street)
}
WAYS = [  # id, nodes, tags
    (100, [1, 2], {"highway": "residential", "name": "Myru St"}),
    (101, [2, 3], {"highway": "residential", "bridge": "yes", "name": "Central bridge"}),
    (102, [3, 4], {"highway": "residential", "name": "Myru St"}),
    (103, [2, 5], {"highway": "service"}),
    (104, [5, 7, 6], {"highway": "track"}),
    (105, [6, 3], {"highway": "service"}),
    (106, [1, 8, 9], {"highway": "tertiary", "name": "Shevchenka St"}),
    (107, [3, 10, 4], {"building": "yes"}),
]


def write_osm(path: Path) -> None:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, (lat, lon) in NODES.items():
        if nid == 7:
            lines.append(
                f'<node id="{nid}" version="1" lat="{lat}" lon="{lon}"><tag k="ford" v="yes"/></node>'
            )
        else:
            lines.append(f'<node id="{nid}" version="1" lat="{lat}" lon="{lon}"/>')
    for wid, refs, tags in WAYS:
        lines.append(f'<way id="{wid}" version="1">')
        lines += [f'<nd ref="{r}"/>' for r in refs]
        lines += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("</way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")


def write_pbf(path: Path) -> None:
    writer = osmium.SimpleWriter(str(path))
    try:
        for nid, (lat, lon) in NODES.items():
            tags = {"ford": "yes"} if nid == 7 else {}
            writer.add_node(osmium.osm.mutable.Node(id=nid, version=1, location=(lon, lat), tags=tags))
        for wid, refs, tags in WAYS:
            writer.add_way(osmium.osm.mutable.Way(id=wid, version=1, nodes=refs, tags=tags))
    finally:
        writer.close()


def town(rep: Replica) -> None:
    for slug, ring in ZONES.items():
        registry.add_zone(
            rep, "t", slug, slug.title(), slug.title(), geometry={"type": "Polygon", "coordinates": [ring]}
        )


@pytest.mark.parametrize("suffix", [".osm", ".osm.pbf"])
def test_an_osm_file_imports_into_the_right_edges(make_replica: object, tmp_path: Path, suffix: str) -> None:
    rep = make_replica()  # type: ignore[operator]
    town(rep)
    path = tmp_path / f"town{suffix}"
    (write_osm if suffix == ".osm" else write_pbf)(path)
    info = planning.import_map(rep, "t", str(path))
    net = pq.network(rep)
    assert net is not None
    edges = {
        frozenset((net.ids[a], net.ids[b])): (net.crossing[i], net.name[i])
        for i, (a, b) in enumerate(zip(net.a.tolist(), net.b.tolist(), strict=True))
    }
    # Streets between consecutive nodes; 8-9 leaves the town (9 is outside every zone) but 8 is inside,
    # so the segment 8-9 is kept only if one end is inside: it is. The building is not a street.
    assert set(edges) == {
        frozenset(p)
        for p in [
            ("1", "2"),
            ("2", "3"),
            ("3", "4"),
            ("2", "5"),
            ("5", "7"),
            ("7", "6"),
            ("6", "3"),
            ("1", "8"),
            ("8", "9"),
        ]
    }
    assert edges[frozenset(("2", "3"))] == ("osm-bridge-101", "Central bridge")
    assert edges[frozenset(("5", "7"))][0] == edges[frozenset(("7", "6"))][0] == "osm-ford-n7"
    assert edges[frozenset(("1", "2"))] == (None, "Myru St")
    assert info["crossings"] == 2 and info["crossing_sites_added"] == 2
    sites = dict(rep.conn.execute("SELECT eid, state FROM sites WHERE kind = 'crossing'"))
    assert sites == {"osm-bridge-101": "open", "osm-ford-n7": "open"}
    # The bridge's state is an op like any other: a van loses it, a team on foot keeps it.
    planning.set_site(rep, "t", "osm-bridge-101", "state", "лише пішки")
    net = pq.network(rep)
    assert net is not None
    bridge = next(i for i, c in enumerate(net.crossing) if c == "osm-bridge-101")
    assert not net.allowed("van")[bridge] and net.allowed("foot")[bridge]


def test_a_second_import_replaces_the_first(make_replica: object, tmp_path: Path) -> None:
    rep = make_replica()  # type: ignore[operator]
    town(rep)
    write_osm(tmp_path / "a.osm")
    planning.import_map(rep, "t", str(tmp_path / "a.osm"))
    NODES_BEFORE = len(pq.network(rep) or [])  # noqa: N806
    write_pbf(tmp_path / "b.osm.pbf")
    planning.import_map(rep, "t", str(tmp_path / "b.osm.pbf"))
    net = pq.network(rep)
    assert net is not None and len(net) == NODES_BEFORE
    assert rep.conn.execute("SELECT COUNT(DISTINCT source) FROM streets").fetchone()[0] == 2


def test_not_a_map_is_refused_and_changes_nothing(
    make_replica: object, tmp_path: Path, refused: object
) -> None:
    rep = make_replica()  # type: ignore[operator]
    town(rep)
    junk = tmp_path / "town.osm.pbf"
    junk.write_bytes(b"\x00\x01 not a pbf at all" * 50)
    with refused(rep, BadMapFile):  # type: ignore[operator]
        planning.import_map(rep, "t", str(junk))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with refused(rep, BadMapFile):  # type: ignore[operator]
        planning.import_map(rep, "t", str(text))
