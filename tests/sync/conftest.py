"""Shared pieces for the sync tests: a deployment of real replicas, bundles, servers, the CLI.

Every test here works on real SQLite files through the public sync functions
(`devices.enroll/join/revoke`, `bundle.export_bundle/import_bundle`,
`apply.apply_payload`, `SyncClient`, `frontaid serve`), never on a batch's inner
layout, so the tests survive a change of the wire format.

Test files cannot import this module by name (tests/conftest.py is a `conftest`
too), so the helpers are reached through the `sk` fixture, which is this module.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from frontaid.actions import registry, stock
from frontaid.queries.flags import list_flags
from frontaid.store.replica import Replica
from frontaid.sync import devices
from frontaid.sync.apply import Report
from frontaid.sync.bundle import export_bundle, import_bundle

EPOCH = date(2025, 1, 6)
ACTOR = "tester"
FRONTAID = Path(sys.executable).parent / "frontaid"
# Many replicas per test, each commit an fsync: a RAM-backed directory (still real SQLite
# files, WAL and all) keeps the runs short. Falls back to the default temp dir.
FAST_TMP = "/dev/shm" if Path("/dev/shm").is_dir() else None


def fast_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir=FAST_TMP))


def build_town(rep: Replica) -> None:
    """Two zones, a warehouse and a food point with stock; two households."""
    registry.add_zone(rep, ACTOR, "east", "Схід", "East bank", bank="east")
    registry.add_zone(rep, ACTOR, "west", "Захід", "West bank", bank="west")
    registry.add_site(rep, ACTOR, "wh-1", "warehouse", "Склад", "Warehouse", "west")
    registry.add_site(rep, ACTOR, "point-1", "food-point", "Пункт 1", "Point 1", "east")
    registry.add_household(rep, ACTOR, zone="east", address="Chasiv Yar Rd 4", size=2)
    registry.add_household(rep, ACTOR, zone="west", address="Myru 12", size=1)
    stock.receive(rep, ACTOR, item="food-kit", location="wh-1", qty=20, on="2025-01-06")
    stock.move(rep, ACTOR, item="food-kit", source="wh-1", target="point-1", qty=5, on="2025-01-06")


@dataclass(frozen=True)
class Snap:
    ops: int
    digest: str
    state: str
    vector: tuple[tuple[str, int], ...]
    projection: str


def snap(rep: Replica) -> Snap:
    return Snap(rep.op_count(), rep.digest(), rep.state_digest(), tuple(sorted(rep.vector().items())),
                rep.projection_hash())


class Deployment:
    """A hub (made with `Replica.create`) and devices joined with one-time codes, in one directory."""

    def __init__(self, root: Path | None = None, town: bool = True) -> None:
        self.own_root = root is None
        self.root = root if root is not None else fast_dir("frontaid-sync-")
        self.n_bundles = 0
        self.hub = Replica.create(self.root / "hub.db", "Testtown", epoch=EPOCH)
        self.devices: list[Replica] = []
        if town:
            build_town(self.hub)

    @property
    def everyone(self) -> list[Replica]:
        return [self.hub, *self.devices]

    def bundle_path(self, tag: str = "b") -> Path:
        self.n_bundles += 1
        return self.root / f"{tag}{self.n_bundles:04d}.fab"

    def export(self, src: Replica, since: dict[str, int] | None = None) -> Path:
        path = self.bundle_path()
        export_bundle(src, path, since)
        return path

    def ship(self, src: Replica, dst: Replica) -> Report:
        """What `dst` lacks of `src`, by bundle file."""
        return import_bundle(dst, self.export(src, dst.vector()))

    def join(self, name: str, role: str = "field", introduce: bool = True) -> Replica:
        code = devices.enroll(self.hub, ACTOR, name, role)
        rep = devices.join(self.root / f"{name}.db", code)
        self.devices.append(rep)
        if introduce:
            self.ship(rep, self.hub)
            self.ship(self.hub, rep)
        return rep

    def sync_all(self, rounds: int = 2) -> None:
        for _ in range(rounds):
            for d in self.devices:
                self.ship(d, self.hub)
            for d in self.devices:
                self.ship(self.hub, d)

    def assert_converged(self) -> None:
        assert_converged(self.everyone)

    def close(self) -> None:
        for r in self.everyone:
            r.close()
        if self.own_root:
            shutil.rmtree(self.root, ignore_errors=True)


def assert_converged(reps: list[Replica]) -> None:
    digests = {r.digest() for r in reps}
    assert len(digests) == 1, "replicas hold different ops"
    assert all(r.state_digest() == r.digest() for r in reps)
    assert len({tuple(sorted(r.vector().items())) for r in reps}) == 1
    assert len({r.projection_hash() for r in reps}) == 1, "same ops, different projections"
    flags = [json.dumps(list_flags(r, include_resolved=True), sort_keys=True, default=str) for r in reps]
    assert len(set(flags)) == 1, "same ops, different flags"


@pytest.fixture
def deployment() -> Iterator[Deployment]:
    d = Deployment()
    yield d
    d.close()


# -- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_health(url: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"server exited early with {proc.returncode}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{url} never became healthy")


class ThreadServer:
    """A real uvicorn server on 127.0.0.1 in a thread, serving whichever app is current.

    One server for many examples: `serve(app)` switches the ASGI app it hands requests to.
    """

    def __init__(self) -> None:
        import uvicorn

        self.app: Any = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self._asgi, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, lifespan="off", interface="asgi3")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise AssertionError("uvicorn did not start")
            time.sleep(0.01)

    async def _asgi(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def serve(self, app: Any) -> None:
        self.app = app

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


# -- the command, as a real process -------------------------------------------------------


def cli(db: Path, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_LANG": "en", "FRONTAID_ACTOR": "tester"}
    env.pop("FRONTAID_DEBUG", None)
    res = subprocess.run([str(FRONTAID), "--db", str(db), *args], capture_output=True, text=True,
                         env=env, timeout=timeout)
    if check:
        assert res.returncode == 0, (args, res.stdout, res.stderr)
    return res


def cli_json(db: Path, *args: str) -> Any:
    return json.loads(cli(db, "--json", *args).stdout)


def assert_cli_refused(res: subprocess.CompletedProcess[str]) -> str:
    """Exit 2, one line on stderr, no traceback. Returns the line."""
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    assert lines[0].strip()
    return lines[0]


def start_serve(db: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`frontaid --db DB serve` on a free loopback port; returns the process and its URL."""
    port = free_port()
    env = {**os.environ, "FRONTAID_LANG": "en"}
    with open(log, "wb") as fh:
        proc = subprocess.Popen([str(FRONTAID), "--db", str(db), "serve", "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=fh, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_health(url, proc)
    except BaseException:
        stop(proc)
        raise
    return proc, url


def stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def sk() -> ModuleType:
    """This module: the helpers above."""
    return _THIS


# Taken at import: every directory's conftest is a module named `conftest`, so by the time a
# test runs, sys.modules["conftest"] may be another directory's (tests/web has one too).
_THIS = sys.modules[__name__]

