"""Towns of a regional hub, and the cut of the data one town is (issue 16)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from frontaid.store.replica import Replica


def list_towns(rep: Replica) -> list[dict[str, Any]]:
    """Every town with its zones, active households and people present."""
    return rep.rows(
        """SELECT t.eid, t.name, t.name_en, t.pcode,
                  (SELECT COUNT(*) FROM zones z WHERE z.created = 1 AND z.town = t.eid) AS zones,
                  (SELECT COUNT(*) FROM households h JOIN zones z ON z.eid = h.zone
                    WHERE z.town = t.eid AND h.created = 1 AND h.merged_into IS NULL
                      AND h.status = 'active') AS households,
                  (SELECT COUNT(*) FROM people p JOIN households h ON h.eid = p.household
                     JOIN zones z ON z.eid = h.zone
                    WHERE z.town = t.eid AND p.created = 1 AND p.merged_into IS NULL
                      AND p.status = 'present') AS people
             FROM towns t WHERE t.created = 1 ORDER BY t.eid""")


def zones_of(rep: Replica, town: str) -> list[str]:
    return [z for (z,) in rep.conn.execute(
        "SELECT eid FROM zones WHERE created = 1 AND town = ? ORDER BY eid", (town,))]


@dataclass(frozen=True)
class Cut:
    """The part of the data a town is: its zones. `Cut.all()` is the whole region (no filter)."""

    zones: tuple[str, ...] | None = None

    @classmethod
    def all(cls) -> Cut:
        return cls(None)

    @classmethod
    def town(cls, rep: Replica, town: str) -> Cut:
        return cls(tuple(zones_of(rep, town)))

    def where(self, column: str) -> tuple[str, list[Any]]:
        """' AND column IN (...)' and its parameters; nothing for the whole region."""
        if self.zones is None:
            return "", []
        return f" AND {column} IN ({','.join('?' * len(self.zones))})", list(self.zones)

    def households(self, column: str) -> tuple[str, list[Any]]:
        """' AND column IN (the cut's households)'; nothing for the whole region."""
        if self.zones is None:
            return "", []
        marks = ",".join("?" * len(self.zones))
        return f" AND {column} IN (SELECT eid FROM households WHERE zone IN ({marks}))", list(self.zones)


ALL = Cut.all()


def town_name(rep: Replica, town: str) -> str:
    """The town's Ukrainian name (its id when it has none)."""
    row = rep.conn.execute("SELECT name FROM towns WHERE eid = ?", (town,)).fetchone()
    return str(row[0]) if row and row[0] else town


def sites_of(rep: Replica, cut: Cut) -> set[str] | None:
    """The sites in the cut's zones; None for the whole region."""
    if cut.zones is None:
        return None
    in_zone, params = cut.where("zone")
    return {s for (s,) in rep.conn.execute(f"SELECT eid FROM sites WHERE created = 1{in_zone}", params)}
