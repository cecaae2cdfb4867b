"""What the benchmarks share: the cached demo town and a free loopback port."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path


def cached_demo(cache: Path, households: int) -> Path:
    """The demo town of that size, built once and kept (the same file bench/sync.py uses)."""
    size = f"{households // 1000}k" if households % 1000 == 0 else str(households)
    path = cache / f"demo-{size}.db"
    if not path.exists():
        from frontaid.scenario import build_demo

        t = time.perf_counter()
        tmp = path.with_suffix(".part")
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        build_demo(tmp, households=households).close()
        os.replace(tmp, path)
        print(f"  (built {path} in {time.perf_counter() - t:.0f} s)", flush=True)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
