"""What the benchmarks share: the cached demo town and a free loopback port."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from pathlib import Path


def cached(path: Path, make: Callable[[Path], object], verb: str = "built") -> Path:
    """`path`, made once by `make(tmp)` into a side file renamed into place, then kept."""
    if not path.exists():
        t = time.perf_counter()
        tmp = path.with_suffix(".part")
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        make(tmp)
        os.replace(tmp, path)
        print(f"  ({verb} {path} in {time.perf_counter() - t:.0f} s)", flush=True)
    return path


def cached_demo(cache: Path, households: int) -> Path:
    """The demo town of that size, built once and kept (bench/sync.py and bench/web.py share it)."""
    from frontaid.scenario import build_demo

    size = f"{households // 1000}k" if households % 1000 == 0 else str(households)
    return cached(cache / f"demo-{size}.db", lambda tmp: build_demo(tmp, households=households).close())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
