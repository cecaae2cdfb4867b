"""The collector pause: nested and overlapping blocks leave the process as they found it."""

import gc
import threading

from frontaid.collector import rare_collections


def test_blocks_nest_and_the_outermost_restores_the_collector() -> None:
    before = gc.get_threshold()
    assert gc.isenabled()
    with rare_collections():
        assert gc.get_threshold() != before
        with rare_collections(off=True):
            assert not gc.isenabled()
            with rare_collections(off=True):
                pass
            assert not gc.isenabled()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_overlapping_blocks_in_threads_restore_the_collector() -> None:
    before = gc.get_threshold()
    inside = threading.Barrier(2)
    leave = threading.Event()

    def hold() -> None:
        with rare_collections(off=True):
            inside.wait()
            leave.wait()

    worker = threading.Thread(target=hold)
    worker.start()
    with rare_collections():
        inside.wait()
    # The other thread's block is still open: its pause holds after this one ended.
    assert not gc.isenabled()
    assert gc.get_threshold() != before
    leave.set()
    worker.join()
    assert gc.isenabled()
    assert gc.get_threshold() == before
