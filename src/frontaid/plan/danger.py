"""The danger model: how dangerous each street segment is to pass at a given hour.

One function, `edge_danger`, serves both the router (the cost is added to each
segment's length) and the map's danger layer. The model, for each incident i and
segment e at departure hour h:

    danger(e, h) = sum_i  severity(i) * recency(i) * nearness(i, e) * hour_match(i, h)

    severity(i)   = KIND_WEIGHT[kind] + 3 * killed + 1.5 * wounded
                    (an airstrike or rocket counts more than mortar fire; a death more than a wound)
    recency(i)    = 0.5 ** (age_hours / HALF_LIFE_HOURS)         fresh shelling counts most;
                    incidents older than MAX_AGE_HOURS are ignored
    nearness(i,e) = exp(-distance_m / REACH_M), 0 beyond CUTOFF_M (distance to the segment itself)
    hour_match    = FLOOR + (1 - FLOOR) * exp(-dh^2 / (2 * HOUR_SPREAD^2)),
                    dh = hours between h and the incident's hour of day (on a 24-hour circle):
                    guns that fire at 14:00 tend to fire at 14:00 again.

A danger of 1 is about one fresh mortar round on the street at this hour. The router
adds `METRES_PER_DANGER` (15 km) of route per unit of danger on a segment: a team
goes a long way round rather than pass where shells fell at this hour yesterday,
and a visit whose only ways in are that dangerous is left out, with that reason,
unless its priority (100 m a point, routes.PENALTY_PER_POINT) outweighs it.
Guns that fired at 14:00 weigh about 2% as much at 08:00 (FLOOR, HOUR_SPREAD).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from frontaid.plan.network import Network

HALF_LIFE_HOURS = 48.0
MAX_AGE_HOURS = 14 * 24.0
REACH_M = 120.0
CUTOFF_M = 500.0
HOUR_SPREAD = 2.0
FLOOR = 0.01
METRES_PER_DANGER = 15000.0
KIND_WEIGHT: dict[str, float] = {
    "airstrike": 3.0,
    "rocket": 2.5,
    "shelling": 2.0,
    "mortar": 1.0,
    "mine": 1.5,
    "fire": 0.5,
    "crossing-damage": 1.0,
    "other": 0.5,
}


@dataclass(frozen=True)
class Incident:
    """What the model needs of an incident."""

    eid: str
    kind: str
    at: datetime
    lat: float
    lon: float
    killed: int = 0
    wounded: int = 0

    @property
    def severity(self) -> float:
        return KIND_WEIGHT.get(self.kind, 0.5) + 3.0 * self.killed + 1.5 * self.wounded


def hour_match(incident_hour: float, hour: float) -> float:
    dh = abs(incident_hour - hour) % 24.0
    dh = min(dh, 24.0 - dh)
    return FLOOR + (1.0 - FLOOR) * math.exp(-(dh * dh) / (2 * HOUR_SPREAD * HOUR_SPREAD))


def _segment_distances(net: Network, lat: float, lon: float) -> NDArray[np.float64]:
    """Metres from a point to every segment (equirectangular projection around the point)."""
    ky = 111_320.0
    kx = 111_320.0 * math.cos(math.radians(lat))
    ax = (net.lon[net.a] - lon) * kx
    ay = (net.lat[net.a] - lat) * ky
    bx = (net.lon[net.b] - lon) * kx
    by = (net.lat[net.b] - lat) * ky
    dx, dy = bx - ax, by - ay
    seg2 = dx * dx + dy * dy
    t = np.clip(-(ax * dx + ay * dy) / np.where(seg2 > 0, seg2, 1.0), 0.0, 1.0)
    px, py = ax + t * dx, ay + t * dy
    return np.asarray(np.sqrt(px * px + py * py), dtype=np.float64)


@dataclass
class DangerField:
    """Each incident's reach over the segments, computed once and reweighted per hour."""

    net: Network
    incidents: list[Incident]
    now: datetime
    near: list[tuple[NDArray[np.int64], NDArray[np.float64]]]  # per incident: segments, nearness

    @classmethod
    def build(cls, net: Network, incidents: list[Incident], now: datetime) -> DangerField:
        kept = [i for i in incidents if 0 <= (now - i.at).total_seconds() / 3600 <= MAX_AGE_HOURS]
        near = []
        for inc in kept:
            d = _segment_distances(net, inc.lat, inc.lon)
            idx = np.nonzero(d <= CUTOFF_M)[0]
            near.append((idx.astype(np.int64), np.exp(-d[idx] / REACH_M)))
        return cls(net, kept, now, near)

    def weight(self, inc: Incident, hour: float) -> float:
        age = (self.now - inc.at).total_seconds() / 3600
        return float(
            inc.severity * 0.5 ** (age / HALF_LIFE_HOURS) * hour_match(inc.at.hour + inc.at.minute / 60, hour)
        )

    def edge_danger(self, hour: float) -> NDArray[np.float64]:
        """The danger of passing each segment at `hour` (0-24, local to the incidents' clock)."""
        out = np.zeros(len(self.net.a), dtype=np.float64)
        for inc, (idx, nearness) in zip(self.incidents, self.near, strict=True):
            out[idx] += self.weight(inc, hour) * nearness
        return out

    def reasons(self, edge: int, hour: float, limit: int = 3) -> list[tuple[Incident, float]]:
        """The incidents that make one segment dangerous at `hour`, worst first."""
        found = []
        for inc, (idx, nearness) in zip(self.incidents, self.near, strict=True):
            pos = np.searchsorted(idx, edge)
            if pos < len(idx) and idx[pos] == edge:
                found.append((inc, self.weight(inc, hour) * float(nearness[pos])))
        found.sort(key=lambda p: (-p[1], p[0].eid))
        return found[:limit]


def edge_danger(net: Network, incidents: list[Incident], now: datetime, hour: float) -> NDArray[np.float64]:
    """The model's danger per segment for a departure at `hour`: the one function router and map share."""
    return DangerField.build(net, incidents, now).edge_danger(hour)


def arc_weights(net: Network, danger: NDArray[np.float64]) -> NDArray[np.float64]:
    """What the router minimises on each segment: its length plus the detour its danger is worth."""
    return np.asarray(net.length + METRES_PER_DANGER * danger, dtype=np.float64)


def incident_from_row(row: dict[str, Any], fallback: tuple[float, float] | None) -> Incident | None:
    """An Incident from a projection row; at the zone's centre when it has no position."""
    lat, lon = row.get("lat"), row.get("lon")
    if lat is None or lon is None:
        if fallback is None:
            return None
        lat, lon = fallback
    try:
        at = datetime.fromisoformat(str(row["at"]))
    except (TypeError, ValueError):
        return None
    return Incident(
        str(row["eid"]),
        str(row.get("kind") or "other"),
        at.replace(tzinfo=None),
        float(lat),
        float(lon),
        int(row.get("killed") or 0),
        int(row.get("wounded") or 0),
    )
