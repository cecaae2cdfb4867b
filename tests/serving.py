"""A real `frontaid serve` on loopback for the tests that need one (browser and HTTP tests)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

FRONTAID = Path(sys.executable).parent / "frontaid"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def add_user(db: str | Path, name: str, role: str, password: str) -> None:
    subprocess.run([str(FRONTAID), "--db", str(db), "user", "add", name, "--role", role, "--password-stdin"],
                   input=password + "\n", text=True, capture_output=True, check=True, timeout=60)


@contextmanager
def served(db: str | Path) -> Iterator[str]:
    """`frontaid serve` on a free loopback port until the block ends; yields its base URL once
    /health answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(FRONTAID), "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError("frontaid serve did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
