"""The cyclic garbage collector, paused for work that allocates millions of objects.

A bulk job (building the demo town, applying a million synced ops) allocates
millions of small objects that form no cycles while it holds a large, stable graph
(every op of the batch, every record being folded). The collector's passes over
that graph find nothing to free and can cost a third of the job; inside this
context what exists now is frozen and passes are a hundred times rarer, or, for a
job that ends within a minute or two (a bulk apply), none at all. Reference
counting still frees everything as usual.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_paused = 0
_saved: tuple[int, ...] = ()


@contextmanager
def rare_collections(off: bool = False) -> Iterator[None]:
    """Freeze what exists and make passes rare (`off`: no passes at all), until the outermost
    such block ends (the settings are the process's: blocks nest and may overlap in threads)."""
    global _depth, _paused, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(50_000, 50, 100)
        if off:
            _paused += 1
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if off:
                _paused -= 1
                if _paused == 0:
                    gc.enable()
            if _depth == 0:
                gc.set_threshold(*_saved)
                gc.unfreeze()
