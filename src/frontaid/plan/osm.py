"""A real town's streets from an OpenStreetMap extract (.osm or .osm.pbf), read with pyosmium.

Ways tagged `highway=*` (roads and paths people can use) become segments between
consecutive nodes. A way tagged `bridge=*` (not `no`) or `ford=yes`, and the
segments touching a node tagged `ford=yes`, are crossings: each becomes a crossing
site whose state (open, foot-only, closed) decides who may pass. The network is
clipped to the town: a segment is kept when one of its ends lies in a zone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import osmium
from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

from frontaid.errors import BadMapFile
from frontaid.plan.network import metres

# Highways nobody on foot or in a van may use are left out.
SKIP_HIGHWAYS = frozenset(
    {"proposed", "construction", "abandoned", "razed", "bus_guideway", "raceway", "elevator", "platform"}
)


@dataclass
class Crossing:
    key: str  # "bridge-<way>" or "ford-<way>" / "ford-n<node>"
    kind: str  # bridge or ford
    name: str
    lat: float
    lon: float


@dataclass
class Streets:
    nodes: list[list[Any]] = field(default_factory=list)  # [id, lat, lon]
    edges: list[list[Any]] = field(default_factory=list)  # [a, b, length_m, crossing key, name]
    crossings: list[Crossing] = field(default_factory=list)


class _Reader(osmium.SimpleHandler):
    def __init__(self) -> None:
        super().__init__()
        self.ways: list[tuple[int, list[tuple[int, float, float]], str, str | None]] = []
        self.ford_nodes: dict[int, tuple[float, float]] = {}

    def node(self, n: Any) -> None:
        if n.tags.get("ford") == "yes" and n.location.valid():
            self.ford_nodes[n.id] = (n.location.lat, n.location.lon)

    def way(self, w: Any) -> None:
        hw = w.tags.get("highway")
        if not hw or hw in SKIP_HIGHWAYS:
            return
        pts = [(nd.ref, nd.lat, nd.lon) for nd in w.nodes if nd.location.valid()]
        if len(pts) < 2:
            return
        bridge = w.tags.get("bridge")
        kind = "bridge" if bridge and bridge != "no" else "ford" if w.tags.get("ford") == "yes" else None
        self.ways.append((w.id, pts, w.tags.get("name") or "", kind))


def read(path: Path, zones: list[dict[str, Any]]) -> Streets:
    """The streets of `path` inside the zones (GeoJSON geometries)."""
    p = Path(path)
    name = p.name.lower()
    if not (name.endswith(".osm") or name.endswith(".osm.pbf") or name.endswith(".pbf")) or not p.is_file():
        raise BadMapFile(path=p.name)
    reader = _Reader()
    try:
        reader.apply_file(str(p), locations=True)
    except RuntimeError:
        raise BadMapFile(path=p.name) from None
    polys = [shape(z) for z in zones if z]
    town = prep(unary_union(polys)) if polys else None

    def inside(lat: float, lon: float) -> bool:
        return town is None or bool(town.contains(Point(lon, lat)))

    out = Streets()
    seen: dict[int, tuple[float, float]] = {}
    crossings: dict[str, Crossing] = {}
    for wid, pts, street, kind in sorted(reader.ways):
        key = f"{kind}-{wid}" if kind else None
        for (a, alat, alon), (b, blat, blon) in zip(pts, pts[1:], strict=False):
            if a == b or not (inside(alat, alon) or inside(blat, blon)):
                continue
            ckey = key
            if ckey is None and (a in reader.ford_nodes or b in reader.ford_nodes):
                ford = a if a in reader.ford_nodes else b
                ckey = f"ford-n{ford}"
                if ckey not in crossings:
                    flat, flon = reader.ford_nodes[ford]
                    crossings[ckey] = Crossing(ckey, "ford", street, flat, flon)
            if key and key not in crossings:
                mid = pts[len(pts) // 2]
                crossings[key] = Crossing(key, kind or "bridge", street, mid[1], mid[2])
            seen[a] = (alat, alon)
            seen[b] = (blat, blon)
            out.edges.append([str(a), str(b), round(metres(alat, alon, blat, blon), 1), ckey, street])
    if not out.edges:
        raise BadMapFile(path=p.name)
    out.nodes = [[str(n), round(lat, 7), round(lon, 7)] for n, (lat, lon) in sorted(seen.items())]
    out.crossings = sorted(crossings.values(), key=lambda c: c.key)
    return out


def near(lat1: float, lon1: float, lat2: float, lon2: float, within_m: float) -> bool:
    if abs(lat1 - lat2) > within_m / 100_000 or abs(lon1 - lon2) > within_m / (
        100_000 * math.cos(math.radians(lat1))
    ):
        return False
    return metres(lat1, lon1, lat2, lon2) <= within_m
