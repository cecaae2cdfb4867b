"""The replica itself on both backends (issue 16): the same code, a file or a PostgreSQL database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from frontaid.errors import AlreadyInitialised
from frontaid.store.replica import Replica


def test_town_builds_reopens_and_refolds_the_same(
        db_target: str, town_on: Callable[[Replica], object], meaning_of: Callable[[Replica], str]) -> None:
    rep = Replica.create(db_target, "Testtown", epoch=date(2022, 5, 1))
    try:
        town = town_on(rep)
        ops, state, projection = rep.op_count(), rep.state_digest(), rep.projection_hash()
        meant = meaning_of(rep)
        assert ops > 10 and town
    finally:
        rep.close()
    with pytest.raises(AlreadyInitialised):
        Replica.create(db_target, "Testtown")
    again = Replica.open(db_target)
    try:
        assert (again.op_count(), again.state_digest(), again.projection_hash()) == (ops, state, projection)
        again.rebuild()  # every projection dropped and folded again from the log
        assert (again.projection_hash(), meaning_of(again)) == (projection, meant)
    finally:
        again.close()
