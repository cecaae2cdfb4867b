"""The demo town: Bakhmut as the field report tells it, with six weeks of operations.

`build_demo` makes a new replica and fills it through the actions, as if a hub
had run the town's aid for six weeks: zones and sites, households registered at
the desk, hand-outs on the 14-day food-kit cycle, stock, incidents, evacuation
offers, requests, referrals, welfare checks, and the eleven situations of the
report (see `story.py`). The same seed and `today` give the same town.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from frontaid.collector import rare_collections
from frontaid.errors import AlreadyInitialised, BadInput
from frontaid.scenario import story, war
from frontaid.scenario.clock import SimClock
from frontaid.scenario.history import DAYS, Sim
from frontaid.store.replica import Replica

TOWN = "Бахмут"
TOWN_EN = "Bakhmut"
PREFIX = "BXM"  # card codes BXM-001-x: fixed, so the same seed gives the same codes
STORY_META = "demo_story"
__all__ = ["build_demo", "demo_story", "STORY_META", "TOWN"]


def build_demo(
    path: Path,
    *,
    households: int = 2500,
    seed: int = 7,
    progress: Callable[[str, int, int], None] | None = None,
    today: date | None = None,
    key: bytes | None = None,
) -> Replica:
    """Create the demo town in a new replica at `path` and return it open (encrypted with `key` if given).

    `households` registered households (about a quarter of the town's estimated
    people at the default 2,500); `today` is the last day of the six weeks.
    """
    if households < 50:
        raise BadInput("The demo town needs at least {n} households.", n=50)
    today = today or date.today()
    epoch = today - timedelta(days=DAYS)
    clock = SimClock(datetime.combine(epoch, time(6, 0), tzinfo=UTC))
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise AlreadyInitialised(path=str(path))
    # Built in a side file with no rollback journal and no fsyncs (a town half built is
    # worth nothing: on any error the side file is deleted and the town simply built
    # again; no ROLLBACK is ever needed, since a refused action writes nothing and inner
    # transactions only join the outer one), then made a normal durable WAL replica and
    # renamed into place: `path` holds the whole town or nothing.
    building = path.with_name(f".{path.name}.building")
    for leftover in (building, *(building.with_name(building.name + x) for x in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    rep = Replica.create(building, TOWN, "uk", device_name="hub", epoch=epoch, prefix=PREFIX,
                         wall=clock.now_ms, key=key)
    # The build allocates millions of short-lived objects while holding a large, stable
    # graph (every household, every scheduled event): see `rare_collections`.
    try:
        with rep.bulk_load(), rare_collections():
            sim = Sim(rep, random.Random(seed), clock, today, households, progress)
            if progress:
                progress("map", 0, 1)
            sim.lay_out()
            if progress:
                progress("map", 1, 1)
            story.schedule(sim)
            war.schedule(sim)
            sim.schedule_registrations(households - story.HOUSEHOLDS)
            sim.run()
            rep.set_meta(STORY_META, json.dumps(sim.story, ensure_ascii=False, sort_keys=True))
    except BaseException:
        rep.close()
        building.unlink(missing_ok=True)
        raise
    rep.close()
    with open(building, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(building, path)
    # From here on the replica lives in real time; the hybrid clock keeps every later
    # stamp above the simulated ones even if "today" ran ahead of the wall clock.
    rep = Replica.open(path, key=key)
    rep.story = sim.story  # type: ignore[attr-defined]
    return rep


def demo_story(rep: Replica) -> dict[str, Any]:
    """The codes of the report's situations in a demo replica (empty for any other replica)."""
    raw = rep.meta(STORY_META)
    return json.loads(raw) if raw else {}
