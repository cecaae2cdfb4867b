"""What only the printouts ask: the households to print cards for, the addresses a paper board needs."""

from __future__ import annotations

from typing import Any

from frontaid.domain.codes import looks_like_code, normalise_code
from frontaid.errors import BadCode, NotFound
from frontaid.queries import LIVE
from frontaid.store.replica import Replica

DEFAULT_CARDS = 800  # 100 pages: a zone of the 100k town is 20,000 cards, printed in batches


def card_households(rep: Replica, *, zone: str | None = None, codes: list[str] | None = None,
                    limit: int = DEFAULT_CARDS, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """The households to print cards for, in code order, and how many matched in all."""
    if codes:
        wanted = []
        for raw in codes:
            code = normalise_code(raw)
            if code is None:
                if looks_like_code(raw):
                    raise BadCode(code=raw)
                raise NotFound(what="household", code=raw)
            wanted.append(code)
        found = {r["eid"]: r for r in rep.rows(f"SELECT eid, zone, address FROM households "
                                                f"WHERE eid IN ({','.join('?' * len(wanted))}) AND {LIVE}",
                                           wanted)}
        missing = [c for c in wanted if c not in found]
        if missing:
            raise NotFound(what="household", code=missing[0])
        return [found[c] for c in wanted], len(wanted)
    where, params = [LIVE, "status = 'active'"], []
    if zone:
        where.append("zone = ?")
        params.append(zone)
    cond = " AND ".join(where)
    total = rep.conn.execute(f"SELECT COUNT(*) FROM households WHERE {cond}", params).fetchone()[0]
    rows = rep.rows(f"SELECT eid, zone, address FROM households WHERE {cond} "
                      "ORDER BY length(eid), eid LIMIT ? OFFSET ?",
                 [*params, limit, offset])
    return rows, total


def household_addresses(rep: Replica, codes: list[str]) -> dict[str, str]:
    """Code → address of these households (for paper lists a field team carries)."""
    out: dict[str, str] = {}
    for i in range(0, len(codes), 500):
        chunk = codes[i:i + 500]
        out.update(rep.conn.execute(f"SELECT eid, address FROM households WHERE eid IN "
                                    f"({','.join('?' * len(chunk))}) AND created = 1", chunk).fetchall())
    return out
