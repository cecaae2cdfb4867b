"""The town's street network as arrays, and the shortest paths each kind of team may take.

A network is junctions (nodes) and street segments (edges, both ways). An edge
over a river names the crossing site it runs over; the crossing's state (a site
field, changed by an op) decides who may use it:

    open        everyone
    damaged     on foot only (a van would fall through)
    destroyed   nobody

Paths are computed with scipy's Dijkstra over a sparse matrix: one call gives the
distances from many sources at once, so a plan's distance matrix over a few
hundred visits on a 20,000-edge town takes well under a second.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

# Who may use a crossing in each state: vehicle class -> the states it may cross.
PASSABLE: dict[str, frozenset[str]] = {
    "van": frozenset({"open"}),
    "foot": frozenset({"open", "damaged"}),
}
# Crossing states as people say them (en and uk), to the stored word.
STATE_WORDS: dict[str, str] = {
    "open": "open",
    "відкрито": "open",
    "відкритий": "open",
    "відкрита": "open",
    "foot-only": "damaged",
    "foot": "damaged",
    "damaged": "damaged",
    "лише пішки": "damaged",
    "тільки пішки": "damaged",
    "пошкоджено": "damaged",
    "пошкоджений": "damaged",
    "closed": "destroyed",
    "destroyed": "destroyed",
    "зруйновано": "destroyed",
    "зруйнований": "destroyed",
    "закрито": "destroyed",
}


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


@dataclass
class Network:
    """Junctions and street segments as parallel arrays (index = position)."""

    ids: list[str]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    a: NDArray[np.int64]
    b: NDArray[np.int64]
    length: NDArray[np.float64]
    crossing: list[str | None]
    name: list[str]
    states: dict[str, str] = field(default_factory=dict)  # crossing site -> state
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {nid: i for i, nid in enumerate(self.ids)}

    @classmethod
    def from_rows(
        cls,
        nodes: Iterable[Sequence[Any]],
        edges: Iterable[Sequence[Any]],
        states: Mapping[str, str] | None = None,
    ) -> Network:
        """From [id, lat, lon] nodes and [a, b, length_m, crossing, name] edges (ids, not indexes)."""
        node_rows = list(nodes)
        ids = [str(n[0]) for n in node_rows]
        index = {nid: i for i, nid in enumerate(ids)}
        edge_rows = [e for e in edges if str(e[0]) in index and str(e[1]) in index and e[0] != e[1]]
        return cls(
            ids=ids,
            lat=np.array([float(n[1]) for n in node_rows], dtype=np.float64),
            lon=np.array([float(n[2]) for n in node_rows], dtype=np.float64),
            a=np.array([index[str(e[0])] for e in edge_rows], dtype=np.int64),
            b=np.array([index[str(e[1])] for e in edge_rows], dtype=np.int64),
            length=np.array([max(float(e[2]), 0.1) for e in edge_rows], dtype=np.float64),
            crossing=[(str(e[3]) if len(e) > 3 and e[3] else None) for e in edge_rows],
            name=[(str(e[4]) if len(e) > 4 and e[4] else "") for e in edge_rows],
            states=dict(states or {}),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def index(self, node_id: str) -> int:
        return self._index[node_id]

    def allowed(self, vehicle: str) -> NDArray[np.bool_]:
        """Which edges a team of this class may use, given the crossings' states now."""
        ok = PASSABLE[vehicle]
        return np.array([c is None or self.states.get(c, "open") in ok for c in self.crossing], dtype=bool)

    def nearest(self, lat: float, lon: float) -> int:
        """The junction nearest a point (equirectangular: exact enough inside one town)."""
        k = math.cos(math.radians(lat))
        d = (self.lat - lat) ** 2 + ((self.lon - lon) * k) ** 2
        return int(np.argmin(d))

    def nearest_many(self, lats: Sequence[float], lons: Sequence[float]) -> list[int]:
        """`nearest` for many points, by a grid of cells so 10,000 homes take milliseconds."""
        if not len(lats):
            return []
        cell = 0.002
        buckets: dict[tuple[int, int], list[int]] = {}
        for i, (la, lo) in enumerate(zip(self.lat, self.lon, strict=True)):
            buckets.setdefault((int(la // cell), int(lo // cell)), []).append(i)
        out = []
        for la, lo in zip(lats, lons, strict=True):
            ci, cj = int(la // cell), int(lo // cell)
            best, best_d = -1, math.inf
            for ring in range(0, 6):
                for di in range(-ring, ring + 1):
                    for dj in range(-ring, ring + 1):
                        if max(abs(di), abs(dj)) != ring:
                            continue
                        for n in buckets.get((ci + di, cj + dj), ()):
                            d = (self.lat[n] - la) ** 2 + ((self.lon[n] - lo) * 0.66) ** 2
                            if d < best_d:
                                best, best_d = n, d
                if best >= 0 and ring >= 1:
                    break
            out.append(best if best >= 0 else self.nearest(la, lo))
        return out

    def graph(self, weights: NDArray[np.float64], vehicle: str) -> csr_matrix:
        """A symmetric sparse graph of the edges this class may use, weighted by `weights`."""
        # scipy loads only when a plan is made, so every other command starts faster.
        from scipy.sparse import csr_matrix

        ok = self.allowed(vehicle)
        a, b, w = self.a[ok], self.b[ok], weights[ok]
        n = len(self.ids)
        rows = np.concatenate([a, b])
        cols = np.concatenate([b, a])
        vals = np.concatenate([w, w])
        m = csr_matrix((vals, (rows, cols)), shape=(n, n))
        # Parallel segments are summed by csr_matrix; keep the cheaper one instead.
        if m.nnz != len(vals):
            order = np.lexsort((vals, cols, rows))
            rows, cols, vals = rows[order], cols[order], vals[order]
            first = np.ones(len(rows), dtype=bool)
            first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
            m = csr_matrix((vals[first], (rows[first], cols[first])), shape=(n, n))
        return m

    def paths(
        self, sources: Sequence[int], weights: NDArray[np.float64], vehicle: str
    ) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        """(cost, predecessor) from each source to every junction; unreachable = inf."""
        from scipy.sparse.csgraph import dijkstra

        g = self.graph(weights, vehicle)
        # The matrix holds both directions already: directed search on it is the same and twice as fast.
        dist, pred = dijkstra(g, directed=True, indices=list(sources), return_predecessors=True)
        return np.atleast_2d(dist), np.atleast_2d(pred)

    def edge_lookup(self) -> dict[tuple[int, int], int]:
        """(node, node) -> the edge between them (the shortest when there are several)."""
        out: dict[tuple[int, int], int] = {}
        for i, (x, y) in enumerate(zip(self.a.tolist(), self.b.tolist(), strict=True)):
            for key in ((x, y), (y, x)):
                j = out.get(key)
                if j is None or self.length[i] < self.length[j]:
                    out[key] = i
        return out


def walk(pred_row: NDArray[np.int32], source: int, target: int) -> list[int]:
    """The junctions from `source` to `target` along a predecessor row ([] when unreachable)."""
    if source == target:
        return [source]
    out = [target]
    node = target
    while node != source:
        node = int(pred_row[node])
        if node < 0:
            return []
        out.append(node)
    out.reverse()
    return out


def demo_network(states: Mapping[str, str] | None = None) -> Network:
    """The demo town's own streets (scenario/geography.py)."""
    from frontaid.scenario.geography import street_network

    nodes, edges = street_network()
    return Network.from_rows(
        ((n.id, n.lat, n.lon) for n in nodes), ((e.a, e.b, e.length_m, e.crossing, "") for e in edges), states
    )
