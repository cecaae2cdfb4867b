"""Retention: a purge on the hub reaches every replica at its next sync, and leaves no trace of the
name in any projection, the search index or the log's payloads; counts and chains stay whole."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from frontaid.actions import purge, registry
from frontaid.actions.corrections import retract
from frontaid.errors import FrontaidError
from frontaid.queries.registry import search
from frontaid.store.replica import Replica

ACTOR = "tester"
SECRETS = ("Kovalenko", "Koval", "Bakhmutska 7", "shrapnel", "garden of Myru 12", "supports the army")
TOMORROW = date.today() + timedelta(days=1)


def _traces(rep: Replica) -> list[str]:
    """Every table's rows, as text, that still hold one of SECRETS (ops' payloads included)."""
    found = []
    tables = [r[0] for r in rep.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for t in tables:
        for row in rep.conn.execute(f'SELECT * FROM "{t}"'):
            text = " ".join(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row)
            found += [f"{t}: {s}" for s in SECRETS if s.lower() in text.lower()]
    return found


def _counts(rep: Replica) -> dict[str, Any]:
    q = rep.conn.execute
    return {"households": q("SELECT status, COUNT(*), SUM(size) FROM households GROUP BY 1").fetchall(),
            "people": q("SELECT status, sex, born, COUNT(*) FROM people GROUP BY 1, 2, 3").fetchall()}


@pytest.fixture
def purged(deployment: Any) -> Any:
    """A hub and a field laptop; a household that left, with a wounded man who died, synced; then the
    laptop adds a note the hub has not seen, the hub purges, and they sync."""
    d = deployment
    hub = d.hub
    field = d.join("team-east")
    hh = registry.add_household(hub, ACTOR, zone="east", address="Bakhmutska 7", size=2,
                                note="son supports the army")
    ihor = registry.add_person(hub, ACTOR, household=hh, name="Ihor Kovalenko", born=1950, sex="m",
                               vulnerabilities=["wounded"], note="shrapnel in the leg")
    registry.add_person(hub, ACTOR, household=hh, name="Anna Kovalenko", born=1952, sex="f")
    registry.person_died(hub, ACTOR, ihor, on="2025-01-07", place="Bakhmutska 7",
                         burial_place="garden of Myru 12", cause="shrapnel")
    registry.set_household(hub, ACTOR, hh, "status", "left")
    d.sync_all()
    assert search(field, "Kovalenko"), "the laptop held the name before the purge"
    registry.set_person(field, ACTOR, ihor, "note", "Koval brother asked after him")  # not yet at the hub
    counts = _counts(hub)
    digest = hub.digest()
    found = purge.purge(hub, "coordinator", left_before=TOMORROW)
    assert (len(found.households), len(found.people)) == (1, 2)
    d.sync_all()
    d.counts, d.digest_before, d.hh, d.ihor = counts, digest, hh, ihor
    return d


def test_a_purge_on_the_hub_clears_every_replica(purged: Any) -> None:
    d = purged
    for rep in d.everyone:
        assert _traces(rep) == [], rep.path
        assert search(rep, "Kovalenko") == [] and search(rep, "Ihor") == []
        assert rep.conn.execute("SELECT COUNT(*) FROM name_keys WHERE eid = ?", (d.ihor,)).fetchone()[0] == 0
    d.assert_converged()
    assert _counts(d.hub) == d.counts, "the counts stay"
    # The laptop's late note is in the log (its op is kept, and counted), without its words.
    assert d.hub.conn.execute("SELECT COUNT(*) FROM ops WHERE entity = 'person' AND eid = ? AND verb = 'set'",
                              (d.ihor,)).fetchone()[0] >= 2


def test_the_chains_still_verify_for_a_device_that_joins_after_the_purge(purged: Any) -> None:
    d = purged
    late = d.join("team-west")  # receives the redacted ops: hashes from their markers, heads verify
    d.sync_all()
    assert _traces(late) == []
    d.assert_converged()
    assert late.conn.execute("SELECT COUNT(*) FROM people WHERE household = ?", (d.hh,)).fetchone()[0] == 2


def test_a_refold_gives_the_same_projection_and_the_purge_cannot_be_retracted(purged: Any) -> None:
    hub = purged.hub
    before = hub.projection_hash()
    hub.rebuild()
    assert hub.projection_hash() == before and _traces(hub) == []
    op = hub.conn.execute("SELECT origin, seq FROM ops WHERE entity = 'purge'").fetchone()
    with pytest.raises(FrontaidError):
        retract(hub, ACTOR, f"{op[0]}:{op[1]}")


def test_the_plan_is_empty_when_nobody_left_before_the_date(deployment: Any) -> None:
    hub = deployment.hub
    hh = registry.add_household(hub, ACTOR, zone="east", address="Bakhmutska 7", size=1)
    registry.set_household(hub, ACTOR, hh, "status", "left")
    ops = hub.op_count()
    assert purge.purge(hub, ACTOR, left_before=date(2020, 1, 1)).records == []
    assert hub.op_count() == ops, "nothing recorded"
