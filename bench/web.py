"""The web app under load: p50/p95 per page, and for the desk's search and hand-out.

    .venv/bin/python bench/web.py                       # the issue's figures: 100k-household town
    .venv/bin/python bench/web.py --households 5000     # a quick run
    .venv/bin/python bench/web.py --think 0             # saturation: every client back-to-back

A real `frontaid serve` process on loopback serves a copy of the demo town
(`scenario.build_demo`, cached under --cache as bench/sync.py does). `--clients`
users (default 50), each an httpx client with its own session (one in five a
coordinator, the others the desk; logged in before the clock starts), work at the same
time: each does one request, then pauses a random `--think` seconds on average (a
volunteer reads the screen, types the next letters) and picks the next at random:
the desk's search as you type (prefixes of real names, and card codes), the
household panel, a hand-out (POST /api/handouts, each on a different household),
and every page. /health in the same run is the baseline: what the server, the
event loop and the client cost with no work behind them. A warm-up round (not
counted) lets every page compute its first snapshot and fill the caches.

Targets (issue #4): desk search p95 < 100 ms, hand-out p95 < 100 ms, every page p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

from _common import cached_demo, free_port  # noqa: E402  (bench/ is the script's own folder)

FRONTAID = str(Path(sys.executable).with_name("frontaid"))
PASSWORD = "bench-password-42"
PAGES = ["/desk", "/registry", "/board", "/incidents", "/map", "/dashboard", "/flags", "/dedup", "/docs"]
COORDINATOR_PAGES = ("/flags", "/dedup")  # every fifth client is a coordinator; the others are the desk
TARGETS = {"desk search": 100.0, "hand-out": 100.0}
PAGE_TARGET = 300.0


def wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 300) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"frontaid serve exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("frontaid serve did not start")


def town_facts(db: Path, seed: int) -> dict[str, Any]:
    """Search prefixes, card codes, households due a blanket and the food point, read from the town."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    names = [n for (n,) in conn.execute(
        "SELECT name FROM people WHERE created = 1 AND name IS NOT NULL ORDER BY random() LIMIT 2000")]
    codes = [c for (c,) in conn.execute(
        "SELECT eid FROM households WHERE created = 1 ORDER BY random() LIMIT 2000")]
    # Blankets come once in 90 days: households that never had one are due, so hand-outs are real (201).
    due = [c for (c,) in conn.execute(
        "SELECT eid FROM households WHERE created = 1 AND status = 'active' AND eid NOT IN "
        "(SELECT household FROM handouts WHERE item = 'blanket' AND created = 1) "
        "ORDER BY random() LIMIT 20000")]
    point = conn.execute("SELECT eid FROM sites WHERE created = 1 AND kind = 'food-point' ORDER BY eid"
                         ).fetchone()[0]
    conn.close()
    rnd.shuffle(due)
    # What a volunteer types: the first 3 to 7 letters of a surname or a given name, lower case.
    prefixes = []
    for name in names:
        part = rnd.choice(name.split())
        prefixes.append(part[: rnd.randint(3, min(7, max(3, len(part))))].lower())
    return {"prefixes": prefixes, "codes": codes, "due": due, "point": point}


class Load:
    """The clients, their mix of requests and the latencies measured."""

    def __init__(self, base: str, facts: dict[str, Any], pages: list[str], think: float, seed: int) -> None:
        self.base, self.facts, self.pages, self.think = base, facts, pages, think
        self.rnd = random.Random(seed)
        self.times: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.recording = False
        self.due = iter(facts["due"])
        self.server_cpu: float | None = None  # the server's CPU seconds per second measured

    async def login(self, client: httpx.AsyncClient, name: str) -> str:
        r = await client.post("/api/login", json={"name": name, "password": PASSWORD})
        r.raise_for_status()
        return str(r.json()["csrf"])

    def next_request(self, token: str, coordinator: bool) -> tuple[str, str, str, dict[str, Any]]:
        """(label, method, url, httpx kwargs): 40 % search, 10 % household panel, 15 % hand-out,
        30 % a page (the coordinator's pages for coordinators only), 5 % the baseline."""
        f, x = self.facts, self.rnd.random()
        if x < 0.40:
            q = self.rnd.choice(f["prefixes"]) if self.rnd.random() < 0.85 else self.rnd.choice(f["codes"])
            return "desk search", "GET", "/desk/search", {"params": {"q": q},
                                                          "headers": {"HX-Request": "true"}}
        if x < 0.50:
            code = self.rnd.choice(f["codes"])
            return "household panel", "GET", f"/desk/household/{code}", {"headers": {"HX-Request": "true"}}
        if x < 0.65:
            household = next(self.due, None) or self.rnd.choice(f["codes"])
            return "hand-out", "POST", "/api/handouts", {
                "json": {"household": household, "item": "blanket", "at": f["point"]},
                "headers": {"x-csrf-token": token}}
        if x < 0.95:
            pages = self.pages if coordinator else [p for p in self.pages if p not in COORDINATOR_PAGES]
            page = self.rnd.choice(pages)
            return page, "GET", page, {}
        return "/health (baseline)", "GET", "/health", {}

    async def client(self, client: httpx.AsyncClient, token: str, coordinator: bool, until: float) -> None:
        await asyncio.sleep(self.rnd.random() * max(self.think, 0.05))  # do not all start at once
        while time.monotonic() < until:
            label, method, url, kw = self.next_request(token, coordinator)
            t = time.perf_counter()
            r = await client.request(method, url, **kw)
            ms = (time.perf_counter() - t) * 1000
            if self.recording:
                self.times[label].append(ms)
                self.status[label][r.status_code] += 1
            if self.think:
                await asyncio.sleep(self.rnd.expovariate(1 / self.think))

    async def run(self, clients: int, warmup: float, seconds: float, server_pid: int) -> float:
        """Log every client in (Argon2: not timed), run them for warmup + seconds, measure after the
        warm-up. Returns the time measured."""
        roles = ["coordinator" if i % 5 == 0 else "desk" for i in range(clients)]
        sessions = [httpx.AsyncClient(base_url=self.base, timeout=60) for _ in roles]
        try:
            tokens = []
            for c, role in zip(sessions, roles, strict=True):
                tokens.append(await self.login(c, f"bench-{role}"))
            until = time.monotonic() + warmup + seconds
            tasks = [asyncio.create_task(self.client(c, tok, role == "coordinator", until))
                     for c, tok, role in zip(sessions, tokens, roles, strict=True)]
            await asyncio.sleep(warmup)
            self.recording = True
            t, cpu = time.monotonic(), cpu_seconds(server_pid)
            await asyncio.gather(*tasks)
            elapsed = time.monotonic() - t
            if cpu is not None and (after := cpu_seconds(server_pid)) is not None:
                self.server_cpu = (after - cpu) / elapsed
            return elapsed
        finally:
            for c in sessions:
                await c.aclose()


async def warm(base: str, pages: list[str]) -> list[str]:
    """Each page once as the coordinator (first snapshots, caches); the pages that exist."""
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        r = await client.post("/api/login", json={"name": "bench-coordinator", "password": PASSWORD})
        r.raise_for_status()
        present = []
        for page in pages:
            r = await client.get(page)
            if r.status_code == 200:
                present.append(page)
            else:
                print(f"  (skipping {page}: {r.status_code})", flush=True)
        return present


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time so far of process `pid` and its children (serve's worker
    processes), on Linux: to tell a busy server from a waiting one."""
    def own(p: int) -> float:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    try:
        total = own(pid)
        for task in Path(f"/proc/{pid}/task").iterdir():
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            for child in children:
                with contextlib.suppress(OSError):  # a worker that has just exited
                    total += own(int(child))
    except OSError:
        return None
    return total


def pct(values: list[float], p: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def print_table(load: Load, elapsed: float, pages: list[str]) -> bool:
    order = ["/health (baseline)", "desk search", "household panel", "hand-out", *pages]
    total = sum(len(v) for v in load.times.values())
    cpu = "" if load.server_cpu is None else f"; the server used {load.server_cpu:.2f} CPU-seconds a second"
    print(f"\n{total} requests in {elapsed:.1f} s ({total / elapsed:.0f} req/s){cpu}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    head = f"{'endpoint':<22}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  {'target':>7}  statuses"
    print(head)
    print("-" * len(head))
    met = True
    for label in order:
        values = load.times.get(label)
        if not values:
            continue
        is_page = label.startswith("/") and "baseline" not in label
        target = TARGETS.get(label, PAGE_TARGET if is_page else None)
        p95 = pct(values, 95)
        verdict = "" if target is None else ("ok" if p95 < target else "MISSED")
        met = met and verdict != "MISSED"
        statuses = " ".join(f"{k}×{n}" for k, n in sorted(load.status[label].items()))
        tgt = f"<{target:.0f}" if target else ""
        print(f"{label:<22}{len(values):>7}{pct(values, 50):>9.1f}{p95:>9.1f}{max(values):>9.1f}  {tgt:>7}  "
              f"{verdict:<6} {statuses}")
    return met


def serve_command(db: Path, port: int) -> list[str]:
    return [FRONTAID, "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--think", type=float, default=1.0, help="mean pause between a client's requests (s)")
    ap.add_argument("--seconds", type=float, default=60.0, help="measured time")
    ap.add_argument("--warmup", type=float, default=10.0, help="time before measuring (s)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/frontaid-bench"))
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"web under load: {args.households:,}-household town, {args.clients} clients, "
          f"think {args.think} s, {args.seconds:.0f} s measured", flush=True)
    with tempfile.TemporaryDirectory(dir=args.cache) as tmp:
        db = Path(tmp) / "hub.db"
        shutil.copy(cached_demo(args.cache, args.households), db)
        t = time.perf_counter()
        from frontaid.store.replica import Replica

        Replica.open(db).close()  # a cached town from an older schema is refolded here, not in the timing
        print(f"  (opened the town in {time.perf_counter() - t:.1f} s)", flush=True)
        for role in ("coordinator", "desk"):  # each client logs in with its own session
            subprocess.run([FRONTAID, "--db", str(db), "user", "add", f"bench-{role}", "--role", role,
                            "--password-stdin"], input=f"{PASSWORD}\n".encode(), check=True,
                           stdout=subprocess.DEVNULL)
        facts = town_facts(db, args.seed)
        port = free_port()
        serve = subprocess.Popen(serve_command(db, port), stdout=subprocess.DEVNULL)
        try:
            wait_port(port, serve)
            base = f"http://127.0.0.1:{port}"
            pages = asyncio.run(warm(base, PAGES))
            load = Load(base, facts, pages, args.think, args.seed)
            elapsed = asyncio.run(load.run(args.clients, args.warmup, args.seconds, serve.pid))
        finally:
            serve.terminate()
            serve.wait(30)
    met = print_table(load, elapsed, pages)
    print("\nall targets met" if met else "\nsome targets missed")


if __name__ == "__main__":
    main()
