"""Shared pieces for the protection tests: the real `frontaid` command with a passphrase file."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

FRONTAID = Path(sys.executable).parent / "frontaid"
PASSPHRASE = "тепле молоко 1941 kvas"
NAME = "Ігор Коваленко"
ADDRESS = "Сибірцева 12"


def run(db: Path, *args: str, passphrase: str | None = PASSPHRASE, stdin: str | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    """`frontaid --db DB args`, the passphrase (lines) given in FRONTAID_PASSPHRASE_FILE."""
    env = {**os.environ, "FRONTAID_LANG": "en", "FRONTAID_ACTOR": "tester"}
    env.pop("FRONTAID_DEBUG", None)
    env.pop("FRONTAID_PASSPHRASE_FD", None)
    env.pop("FRONTAID_PASSPHRASE_FILE", None)
    if passphrase is not None:
        secret = db.parent.parent / f"pass-{hashlib.sha256(passphrase.encode()).hexdigest()[:8]}.txt"
        secret.write_text(passphrase + "\n", encoding="utf-8")
        env["FRONTAID_PASSPHRASE_FILE"] = str(secret)
    res = subprocess.run([str(FRONTAID), "--db", str(db), *args], capture_output=True, text=True, env=env,
                         input=stdin, timeout=120)
    if check:
        assert res.returncode == 0, (args, res.stdout, res.stderr)
    return res


def run_json(db: Path, *args: str, **kw: Any) -> Any:
    return json.loads(run(db, "--json", *args, **kw).stdout)


def refused(res: subprocess.CompletedProcess[str]) -> str:
    """Exit 2, exactly one line on stderr, no traceback; returns the line."""
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    return lines[0]


def town(db: Path, encrypt: bool = True) -> dict[str, str]:
    """A replica with a zone, a food point with stock, one household of one named person, one hand-out."""
    run(db, "init", "--town", "Бахмут", *(() if encrypt else ("--no-encrypt",)))
    run(db, "zone", "add", "east", "--name", "Східний берег", "--name-en", "East bank")
    run(db, "site", "add", "pt", "--kind", "food-point", "--name", "Школа №5", "--name-en", "School 5",
        "--zone", "east")
    run(db, "stock", "receive", "--item", "food-kit", "--at", "pt", "--qty", "50")
    hh = run_json(db, "household", "add", "--zone", "east", "--address", ADDRESS,
                  "--shelter", "basement")["code"]
    person = run_json(db, "person", "add", "--household", hh, "--name", NAME, "--born", "1941")["code"]
    run(db, "distribute", "--household", hh, "--item", "food-kit", "--qty", "1", "--at", "pt")
    return {"hh": hh, "person": person}


def files_bytes(folder: Path, skip: tuple[str, ...] = ("pass-",)) -> dict[str, bytes]:
    """Every file under `folder` (recursively), by name, except the test's own passphrase files."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(skip)}


def needles(*secrets: bytes | str) -> list[bytes]:
    """What must not appear: each value as UTF-8 (and a key also as lower- and upper-case hex)."""
    out: list[bytes] = []
    for s in secrets:
        if isinstance(s, str):
            out.append(s.encode())
        else:
            out += [s, s.hex().encode(), s.hex().upper().encode()]
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: Path, log: Path, passphrase: str = PASSPHRASE, workers: int = 2) -> tuple[Any, str]:
    secret = db.parent.parent / "serve-pass.txt"
    secret.write_text(passphrase + "\n", encoding="utf-8")
    env = {**os.environ, "FRONTAID_LANG": "en", "FRONTAID_PASSPHRASE_FILE": str(secret)}
    port = free_port()
    with open(log, "wb") as fh:
        proc = subprocess.Popen([str(FRONTAID), "--db", str(db), "serve", "--host", "127.0.0.1", "--port",
                                 str(port), "--workers", str(workers)], stdout=fh, stderr=subprocess.STDOUT,
                                env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {log.read_text()}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("server never became healthy")


def stop(proc: Any) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def pk() -> ModuleType:
    """This module: the helpers above (conftest modules cannot be imported by name)."""
    return _THIS


_THIS = sys.modules[__name__]
