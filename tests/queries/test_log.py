"""The op log as people read it: filters by record and by time."""

from __future__ import annotations

from typing import Any

from frontaid.actions import registry
from frontaid.queries import log


def test_since_keeps_the_ops_at_or_after_a_stamp_on_every_path(town: Any) -> None:
    rep = town.rep
    everything = log.entries(rep, limit=1000)
    assert len(everything) == rep.op_count()
    cut = sorted(e["hlc"] for e in everything)[len(everything) // 2]
    later = log.entries(rep, limit=1000, since_hlc=cut)
    assert {e["id"] for e in later} == {e["id"] for e in everything if e["hlc"] >= cut}
    assert 0 < len(later) < len(everything)
    before = [e["what"] for e in log.entries(rep, entity="household", eid=town.anna, since_hlc=cut)]
    assert before == [e["what"] for e in everything
                      if e["entity"] == "household" and e["eid"] == town.anna and e["hlc"] >= cut]
    registry.set_household(rep, "t", town.anna, "note", "after the cut")
    anna = log.entries(rep, entity="household", eid=town.anna, since_hlc=cut)
    assert [e["what"] for e in anna] == ["set note", *before]
    # A stamp of 0 is a stamp: everything is at or after it.
    assert len(log.entries(rep, limit=1000, since_hlc=0)) == rep.op_count()
