"""The demo town's map as pure data: zones, sites and a street network. No I/O.

The town sits where Bakhmut is (about 48.595 N, 38.000 E). A river runs north to
south at longitude 38.005; the east bank faces the front. The two banks meet only
at three crossings, so a route from one bank to the other must use one of them
(and a planner can refuse the destroyed one).

Coordinates are GeoJSON order ([lon, lat]) inside geometries and (lat, lon) elsewhere.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any, Final

CENTRE: Final = (48.595, 38.000)
RIVER_LON: Final = 38.005
PCODE_OBLAST: Final = "UA14"  # Donetsk oblast
PCODE_RAION: Final = "UA1402"  # Bakhmut raion

SOUTH, NORTH = 48.575, 48.615
WEST_EDGE, EAST_EDGE = 37.950, 38.035
EAST_BANK_WEST = 38.006  # first street east of the river
WEST_BANK_EAST = 38.004  # last street west of the river


@dataclass(frozen=True)
class Zone:
    slug: str
    name: str
    name_en: str
    bank: str
    # Share of the town's people estimated to live here (sums to 1).
    share: float
    ring: tuple[tuple[float, float], ...]  # (lon, lat) corners, not closed

    @property
    def geometry(self) -> dict[str, Any]:
        coords = [[lon, lat] for lon, lat in self.ring]
        return {"type": "Polygon", "coordinates": [coords + [coords[0]]]}

    @property
    def pcode(self) -> str:
        return PCODE_RAION

    def contains(self, lat: float, lon: float) -> bool:
        """Ray casting over the ring."""
        inside = False
        ring = self.ring
        j = len(ring) - 1
        for i in range(len(ring)):
            xi, yi = ring[i]
            xj, yj = ring[j]
            if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
                inside = not inside
            j = i
        return inside

    def bbox(self) -> tuple[float, float, float, float]:
        lons = [p[0] for p in self.ring]
        lats = [p[1] for p in self.ring]
        return min(lats), min(lons), max(lats), max(lons)

    def random_point(self, rng: random.Random) -> tuple[float, float]:
        """A point inside the zone, kept off its very edge; (lat, lon) rounded to ~1 m."""
        s, w, n, e = self.bbox()
        while True:
            lat = rng.uniform(s + 0.0004, n - 0.0004)
            lon = rng.uniform(w + 0.0004, e - 0.0004)
            if self.contains(lat, lon):
                return round(lat, 5), round(lon, 5)


# The centre is a block on the west bank by the central bridge; the west bank wraps it.
ZONES: Final[tuple[Zone, ...]] = (
    Zone(
        "east-north",
        "Східний берег, північ",
        "East bank north",
        "east",
        0.24,
        ((EAST_BANK_WEST, 48.595), (EAST_EDGE, 48.595), (EAST_EDGE, NORTH), (EAST_BANK_WEST, NORTH)),
    ),
    Zone(
        "east-south",
        "Східний берег, південь",
        "East bank south",
        "east",
        0.21,
        ((EAST_BANK_WEST, SOUTH), (EAST_EDGE, SOUTH), (EAST_EDGE, 48.595), (EAST_BANK_WEST, 48.595)),
    ),
    Zone(
        "centre",
        "Центр",
        "Centre",
        "west",
        0.22,
        ((37.988, 48.585), (WEST_BANK_EAST, 48.585), (WEST_BANK_EAST, 48.605), (37.988, 48.605)),
    ),
    Zone(
        "west",
        "Західний берег",
        "West bank",
        "west",
        0.23,
        (
            (37.970, SOUTH),
            (WEST_BANK_EAST, SOUTH),
            (WEST_BANK_EAST, 48.585),
            (37.988, 48.585),
            (37.988, 48.605),
            (WEST_BANK_EAST, 48.605),
            (WEST_BANK_EAST, NORTH),
            (37.970, NORTH),
        ),
    ),
    Zone(
        "outskirts-west",
        "Західна околиця",
        "Outskirts west",
        "west",
        0.10,
        ((WEST_EDGE, SOUTH), (37.970, SOUTH), (37.970, NORTH), (WEST_EDGE, NORTH)),
    ),
)
ZONE_BY_SLUG: Final = {z.slug: z for z in ZONES}
EAST_ZONES: Final = ("east-north", "east-south")


def zone_at(lat: float, lon: float) -> str | None:
    for z in ZONES:
        if z.contains(lat, lon):
            return z.slug
    return None


# Rows of the street grid (latitudes); the crossings sit on three of them.
GRID_ROWS: Final = tuple(round(SOUTH + 0.001 + 0.002 * i, 4) for i in range(20))
WEST_COLS: Final = tuple(round(WEST_EDGE + 0.001 + 0.002 * i, 4) for i in range(27))  # .951 ... .003
EAST_COLS: Final = tuple(round(38.007 + 0.002 * i, 4) for i in range(14))  # .007 ... .033

NORTH_BRIDGE_LAT: Final = GRID_ROWS[16]  # 48.608
CENTRAL_BRIDGE_LAT: Final = GRID_ROWS[10]  # 48.596
SOUTH_FORD_LAT: Final = GRID_ROWS[1]  # 48.578


@dataclass(frozen=True)
class Site:
    slug: str
    kind: str
    name: str
    name_en: str
    zone: str
    lat: float
    lon: float
    state: str | None = None
    schedule: dict[str, Any] | None = None
    note: str | None = None


FOOD_POINT_SCHEDULE: Final = {
    "days": ["mon", "tue", "wed", "thu", "fri", "sat"],
    "open": "10:00",
    "close": "14:00",
    "tz": "Europe/Kyiv",
    "note": "Видача за карткою домогосподарства; продуктовий набір раз на 14 днів.",
}

# Crossings start open; the six weeks of operations damage and destroy them (see history.py).
SITES: Final[tuple[Site, ...]] = (
    Site(
        "bridge-central",
        "crossing",
        "Центральний міст",
        "Central bridge",
        "centre",
        CENTRAL_BRIDGE_LAT,
        RIVER_LON,
        "open",
    ),
    Site(
        "bridge-north",
        "crossing",
        "Північний міст",
        "Northern bridge",
        "west",
        NORTH_BRIDGE_LAT,
        RIVER_LON,
        "open",
    ),
    Site(
        "ford-south", "crossing", "Південний брід", "Southern ford", "west", SOUTH_FORD_LAT, RIVER_LON, "open"
    ),
    Site(
        "food-point",
        "food-point",
        "Пункт видачі гуманітарної допомоги",
        "Food point",
        "centre",
        48.5948,
        37.9975,
        schedule=FOOD_POINT_SCHEDULE,
    ),
    Site(
        "heating-point",
        "heating-point",
        "Пункт незламності",
        "Point of invincibility (heating and charging)",
        "west",
        48.6002,
        37.9812,
        schedule={"days": ["daily"], "open": "08:00", "close": "20:00", "tz": "Europe/Kyiv"},
    ),
    Site(
        "stabilisation-point",
        "stabilisation-point",
        "Польовий стабілізаційний пункт",
        "Field stabilisation point",
        "west",
        48.5897,
        37.9780,
    ),
    Site("warehouse", "warehouse", "Склад гуманітарної допомоги", "Aid warehouse", "west", 48.5803, 37.9843),
    Site(
        "evac-pickup",
        "evac-pickup",
        "Пункт збору на евакуацію",
        "Evacuation pick-up point",
        "outskirts-west",
        48.5952,
        37.9555,
    ),
    Site(
        "shelter-school",
        "shelter",
        "Укриття в підвалі школи № 5",
        "Shelter, School No. 5 basement",
        "centre",
        48.5991,
        37.9930,
    ),
    Site(
        "shelter-palace",
        "shelter",
        "Укриття в підвалі Палацу культури",
        "Shelter, Palace of Culture basement",
        "east-north",
        48.6011,
        38.0141,
    ),
    Site(
        "shelter-plant",
        "shelter",
        "Укриття в підвалі заводоуправління",
        "Shelter, plant office basement",
        "east-south",
        48.5852,
        38.0203,
    ),
    Site(
        "burial-cemetery",
        "burial",
        "Тимчасові поховання, міське кладовище",
        "Temporary graves, town cemetery",
        "outskirts-west",
        48.6061,
        37.9563,
        note="Ряди позначені табличками з кодом запису.",
    ),
    Site("van-1", "vehicle", "Бус доставки № 1", "Delivery van 1", "west", 48.5806, 37.9846),
)
SITE_BY_SLUG: Final = {s.slug: s for s in SITES}
CROSSINGS: Final = {
    "bridge-north": NORTH_BRIDGE_LAT,
    "bridge-central": CENTRAL_BRIDGE_LAT,
    "ford-south": SOUTH_FORD_LAT,
}


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Node:
    id: str
    lat: float
    lon: float
    zone: str


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    length_m: float
    crossing: str | None  # the crossing site this edge runs over, else None


def street_network() -> tuple[list[Node], list[Edge]]:
    """A grid of streets on each bank, joined only through the three crossings.

    Deterministic: the same nodes and edges on every call. Junctions are nudged off
    the perfect grid (a fixed seed) so the town does not look drawn with a ruler.
    """
    jitter = random.Random(1402)
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for bank, cols in (("w", WEST_COLS), ("e", EAST_COLS)):
        for r, lat0 in enumerate(GRID_ROWS):
            for c, lon0 in enumerate(cols):
                edge_col = c in (0, len(cols) - 1) or (bank == "w" and c == len(cols) - 1)
                lat = lat0 if edge_col or lat0 in CROSSINGS.values() else lat0 + jitter.uniform(-2e-4, 2e-4)
                lon = lon0 if edge_col else lon0 + jitter.uniform(-2e-4, 2e-4)
                zone = zone_at(lat, lon) or zone_at(lat0, lon0)
                if zone is None:  # on a zone boundary: the zone just inside it
                    zone = zone_at(lat0 + 1e-5, lon0 + 1e-5) or ("east-north" if bank == "e" else "west")
                nid = f"{bank}{r:02d}-{c:02d}"
                nodes[nid] = Node(nid, round(lat, 6), round(lon, 6), zone)
        for r in range(len(GRID_ROWS)):
            for c in range(len(cols)):
                here = nodes[f"{bank}{r:02d}-{c:02d}"]
                for dr, dc in ((0, 1), (1, 0)):
                    if r + dr >= len(GRID_ROWS) or c + dc >= len(cols):
                        continue
                    there = nodes[f"{bank}{r + dr:02d}-{c + dc:02d}"]
                    edges.append(
                        Edge(
                            here.id,
                            there.id,
                            round(_metres(here.lat, here.lon, there.lat, there.lon), 1),
                            None,
                        )
                    )
    for site, lat in CROSSINGS.items():
        r = GRID_ROWS.index(lat)
        west = nodes[f"w{r:02d}-{len(WEST_COLS) - 1:02d}"]
        east = nodes[f"e{r:02d}-00"]
        edges.append(Edge(west.id, east.id, round(_metres(west.lat, west.lon, east.lat, east.lon), 1), site))
    return list(nodes.values()), edges
