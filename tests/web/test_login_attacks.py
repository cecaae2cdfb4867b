"""Guessing passwords against a real `frontaid serve` on loopback, in parallel, from two addresses.

The hub is started with one worker, so one process holds the Argon2 slots
(`users.HASHING`) and its peak memory (VmHWM) can be read.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from frontaid.web.users import LIMITS, Users, check_password, users_path

FRONTAID = Path(sys.executable).parent / "frontaid"
PASSWORD = "amber lantern 1987"
MB = 1024 * 1024


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_LANG": "en"}
    return subprocess.run([str(FRONTAID), "--db", str(db), *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)


def vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


@pytest.fixture
def hub(tmp_path: Path, sk_web: Any) -> Iterator[dict[str, Any]]:
    db = tmp_path / "hub.db"
    assert run(db, "init", "--no-encrypt", "--town", "Testtown", "--device", "hub").returncode == 0
    added = run(db, "user", "add", "olha", "--role", "desk", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    port = sk_web.free_port()
    with open(tmp_path / "serve.log", "wb") as fh:
        proc = subprocess.Popen([str(FRONTAID), "--db", str(db), "serve", "--host", "127.0.0.1", "--port",
                                 str(port), "--workers", "1"], stdout=fh, stderr=subprocess.STDOUT,
                                env={**os.environ, "FRONTAID_LANG": "en"})
    url = f"http://127.0.0.1:{port}"
    try:
        sk_web.wait_health(url, proc)
        yield {"db": db, "url": url, "proc": proc, "port": port}
    finally:
        sk_web.stop(proc)


class _Helpers:
    """free_port / wait_health / stop, as tests/sync/conftest.py has them (not importable by name)."""

    @staticmethod
    def free_port() -> int:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])

    @staticmethod
    def wait_health(url: str, proc: subprocess.Popen[bytes]) -> None:
        import time

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert proc.poll() is None, "server exited early"
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not start")

    @staticmethod
    def stop(proc: subprocess.Popen[bytes]) -> None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def sk_web() -> Any:
    return _Helpers


def client(url: str, source: str = "127.0.0.1") -> httpx.Client:
    """A client whose requests come from `source` (any 127.x.y.z is this machine)."""
    return httpx.Client(base_url=url, transport=httpx.HTTPTransport(local_address=source), timeout=120)


def guess(url: str, password: str, source: str = "127.0.0.1", name: str = "olha") -> int:
    with client(url, source) as c:
        return c.post("/api/login", json={"name": name, "password": password}).status_code


def parallel(url: str, passwords: list[str], source: str = "127.0.0.1") -> Counter[int]:
    with ThreadPoolExecutor(len(passwords)) as pool:
        return Counter(pool.map(lambda p: guess(url, p, source), passwords))


def test_sixty_parallel_guesses_get_exactly_the_limit_checked(hub: dict[str, Any]) -> None:
    url, limit = hub["url"], LIMITS["pair"]
    before = vm_hwm(hub["proc"].pid)
    got = parallel(url, [f"wrong guess {i:02d}" for i in range(60)])
    # 401: the password was checked (and was wrong); 429: refused unchecked. Never more checks.
    assert got == Counter({401: limit, 429: 60 - limit}), got
    # The right password hidden among 30 parallel guesses after the lock: refused like the rest.
    got = parallel(url, [f"another guess {i:02d}" for i in range(29)] + [PASSWORD])
    assert got == Counter({429: 30}), got
    grown = vm_hwm(hub["proc"].pid) - before
    print(f"\n90 parallel logins: server peak +{grown / MB:.0f} MB")
    assert grown < 4 * 64 * MB  # two Argon2 checks at a time (64 MiB each), not sixty
    # A coordinator lets the real user in at once.
    res = run(hub["db"], "user", "unlock", "olha")
    assert res.returncode == 0 and "olha" in res.stdout
    assert guess(url, PASSWORD) == 200


def test_a_stranger_s_guesses_do_not_lock_the_real_user_out(hub: dict[str, Any]) -> None:
    url = hub["url"]
    got = parallel(url, [f"stranger {i:02d}" for i in range(12)], source="127.0.0.2")
    assert got[401] == LIMITS["pair"] and got[429] == 12 - LIMITS["pair"]
    assert guess(url, "stranger again", source="127.0.0.2") == 429
    # Olha at the desk, from her own address: let in.
    assert guess(url, PASSWORD, source="127.0.0.1") == 200
    # One address guessing many names is stopped too, at the address's limit.
    codes = [guess(url, "x" * 12, source="127.0.0.3", name=f"user{i}") for i in range(LIMITS["addr"] + 3)]
    assert codes[:LIMITS["addr"]] == [401] * LIMITS["addr"] and codes[LIMITS["addr"]:] == [429] * 3


def test_disabled_and_removed_users_cannot_log_in(hub: dict[str, Any]) -> None:
    url, db = hub["url"], hub["db"]
    with client(url) as c:
        assert c.post("/api/login", json={"name": "olha", "password": PASSWORD}).status_code == 200
        assert run(db, "user", "disable", "olha").returncode == 0
        assert c.get("/api/search", params={"q": "x"}).status_code == 401  # her session ended
    assert guess(url, PASSWORD) == 401
    assert run(db, "user", "enable", "olha").returncode == 0
    assert guess(url, PASSWORD) == 200
    res = run(db, "user", "passwd", "olha", "--password-stdin", stdin="quiet river at dawn\n")
    assert res.returncode == 0
    assert guess(url, PASSWORD) == 401 and guess(url, "quiet river at dawn") == 200
    assert run(db, "user", "remove", "olha").returncode == 0
    assert guess(url, "quiet river at dawn") == 401


@pytest.mark.parametrize("password", ["short", "123456789", "password123", "qwertyuiop", "slavaukraini1",
                                      "Password2024!", "aaaaaaaaaaaa", "ЙЦУКЕНГШЩЗ"])
def test_short_and_common_passwords_are_refused(tmp_path: Path, password: str) -> None:
    from frontaid.errors import BadInput

    with pytest.raises(BadInput):
        check_password(password)
    users = Users(users_path(tmp_path / "x.db"))
    with pytest.raises(BadInput):
        users.add("olha", "desk", password)
    assert users.all_users() == []


def test_the_cli_refuses_a_common_password_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    assert run(db, "init", "--no-encrypt", "--town", "Testtown", "--device", "hub").returncode == 0
    res = run(db, "user", "add", "olha", "--role", "desk", "--password-stdin", stdin="password1234\n")
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert "common" in res.stderr and "password1234" not in res.stderr
