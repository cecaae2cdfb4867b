"""The hybrid logical clock: monotonic whatever the wall clock does, and not dragged far ahead."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from frontaid.oplog.hlc import COUNTER_BITS, DAY_MS, Clock, from_ms, physical, to_datetime


class FakeWall:
    """A wall clock the test moves by hand."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


T0 = 1_736_000_000_000  # 2025-01-04, in ms


def test_stamp_layout_round_trips() -> None:
    s = from_ms(T0, 7)
    assert physical(s) == T0
    assert s & ((1 << COUNTER_BITS) - 1) == 7
    assert to_datetime(s) == datetime.fromtimestamp(T0 / 1000, tz=UTC)


def test_now_follows_the_wall_clock_when_it_moves_forward() -> None:
    wall = FakeWall(T0)
    clock = Clock(wall=wall)
    assert clock.now() == from_ms(T0)
    wall.ms += 5
    assert clock.now() == from_ms(T0 + 5)


def test_now_is_monotonic_when_the_wall_clock_goes_backwards() -> None:
    wall = FakeWall(T0)
    clock = Clock(wall=wall)
    first = clock.now()
    wall.ms -= 3_600_000  # the laptop's clock is reset an hour back
    second, third = clock.now(), clock.now()
    assert first < second < third
    assert physical(third) == T0  # the counter moves, not the physical part


def test_now_in_the_same_millisecond_counts_up() -> None:
    clock = Clock(wall=FakeWall(T0))
    stamps = [clock.now() for _ in range(5)]
    assert stamps == [from_ms(T0, i) for i in range(5)]


def test_observe_moves_the_clock_past_a_remote_stamp() -> None:
    clock = Clock(wall=FakeWall(T0))
    remote = from_ms(T0 + 60_000, 3)
    assert clock.observe(remote) is True
    assert clock.now() > remote


def test_observe_of_an_older_stamp_does_not_move_the_clock_back() -> None:
    clock = Clock(wall=FakeWall(T0))
    mine = clock.now()
    assert clock.observe(from_ms(T0 - 1000)) is True
    assert clock.last == mine


def test_observe_refuses_a_stamp_more_than_a_day_ahead() -> None:
    clock = Clock(wall=FakeWall(T0))
    before = clock.now()
    assert clock.observe(from_ms(T0 + DAY_MS + 1)) is False
    assert clock.last == before
    assert physical(clock.now()) == T0
    # Exactly at the bound is still accepted.
    assert clock.observe(from_ms(T0 + DAY_MS)) is True
    assert clock.last == from_ms(T0 + DAY_MS)


steps = st.lists(
    st.one_of(
        st.tuples(st.just("wall"), st.integers(-3 * DAY_MS, 3 * DAY_MS)),
        st.tuples(st.just("now"), st.just(0)),
        st.tuples(st.just("observe"), st.integers(-3 * DAY_MS, 3 * DAY_MS), st.integers(0, 50)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(steps)
def test_clock_properties_over_any_sequence_of_now_and_observe(seq: list[tuple[int, ...]]) -> None:
    wall = FakeWall(T0)
    clock = Clock(wall=wall)
    issued: list[int] = []
    accepted: list[int] = []
    for step in seq:
        if step[0] == "wall":
            wall.ms = T0 + step[1]
        elif step[0] == "now":
            s = clock.now()
            # Greater than everything issued or accepted before; never behind the wall clock.
            assert all(s > x for x in issued + accepted)
            assert physical(s) >= wall.ms
            issued.append(s)
        else:
            stamp = from_ms(T0 + step[1], step[2])
            before = clock.last
            ok = clock.observe(stamp)
            assert ok == (physical(stamp) <= wall.ms + DAY_MS)
            if ok:
                accepted.append(stamp)
                assert clock.last == max(before, stamp)
            else:
                assert clock.last == before
