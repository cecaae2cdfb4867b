"""Encryption at rest, side by side: the same demo town plain and encrypted (SQLCipher), in one run.

    python bench/protect.py --households 20000

Prints: the demo build (plain vs encrypted), open + first query, `status`, 1,000 hand-outs
and the desk search on each copy with the ratio (goal ≤ 1.3×); unlocking (Argon2id) and
the panic wipe (goal < 1 s). The plain copy is the baseline, measured in the same run; a
third copy read through Python's own sqlite3 shows that the plain path did not get slower
with the sqlcipher3 driver.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from frontaid.actions import distribution, stock
from frontaid.domain import cycles
from frontaid.oplog.hlc import wall_ms
from frontaid.queries import registry, status
from frontaid.scenario import build_demo
from frontaid.store import database, keyfile
from frontaid.store.protect import wipe
from frontaid.store.replica import Replica

PASSPHRASE = "bench passphrase 2022"
HANDOUTS = 1000
SEARCHES = ("Коваленко", "Шевчук", "Ihor", "Ганна Бондаренко", "BXM-001")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def best_of(n: int, fn: Callable[[], Any]) -> float:
    return min(timed(fn)[0] for _ in range(n))


def unserved(rep: Replica, today: date, n: int) -> list[str]:
    rnd = cycles.round_of("food-kit", today, rep.epoch)
    return [r[0] for r in rep.conn.execute(
        "SELECT eid FROM households h WHERE created = 1 AND merged_into IS NULL AND status = 'active' "
        "AND NOT EXISTS (SELECT 1 FROM handouts d WHERE d.household = h.eid "
        "AND d.entitlement = 'food-kit' AND d.round = ?) ORDER BY eid LIMIT ?", (rnd, n))]


def stdlib_replica(db: Path) -> Replica:
    """The plain replica through Python's own sqlite3 (the driver before sqlcipher3), same pragmas."""
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False, timeout=30,
                           cached_statements=1024)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = OFF", "cache_size = -65536",
                   "wal_autocheckpoint = 16000"):
        conn.execute(f"PRAGMA {pragma}")
    return Replica(db, conn, wall_ms)


def measure(db: Path, opener: Callable[[], Replica], today: date) -> dict[str, float]:
    out: dict[str, float] = {}

    def open_first() -> None:
        rep = opener()
        rep.conn.execute("SELECT count(*) FROM people").fetchone()
        rep.close()
    out["open + first query"] = best_of(7, open_first)
    rep = opener()
    now = datetime.now(UTC)
    out["status"] = best_of(5, lambda: status.status(rep, now=now))
    out["desk search (5 queries)"] = best_of(7, lambda: [registry.search(rep, q) for q in SEARCHES])
    targets = unserved(rep, today, HANDOUTS)
    stock.move(rep, "bench", item="food-kit", source="warehouse", target="food-point", qty=len(targets))

    def desk() -> None:
        for code in targets:
            distribution.hand_out(rep, "desk-bench", household=code, item="food-kit", at="food-point")
    out[f"{len(targets):,} hand-outs"] = timed(desk)[0]
    rep.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="frontaid-bench-protect-"))
    today = date.today()
    plain, sealed = work / "plain" / "town.db", work / "sealed" / "town.db"
    plain.parent.mkdir()
    sealed.parent.mkdir()
    print(f"building the demo town twice ({args.households:,} households) in {work} ...", file=sys.stderr)
    build_plain, rep = timed(lambda: build_demo(plain, households=args.households, seed=args.seed,
                                                today=today))
    rep.close()
    unlock_s, key = timed(lambda: keyfile.create(sealed, PASSPHRASE))
    build_sealed, rep = timed(lambda: build_demo(sealed, households=args.households, seed=args.seed,
                                                 today=today, key=key))
    rep.close()
    database.forget_all()
    unlock_s, got = timed(lambda: keyfile.unlock(sealed, PASSPHRASE))
    size = plain.stat().st_size / 1e6
    base = plain.with_name("stdlib.db")
    shutil.copy(plain, base)
    c = measure(base, lambda: stdlib_replica(base), today)
    a = measure(plain, lambda: Replica.open(plain), today)
    b = measure(sealed, lambda: Replica.open(sealed, key=got.key), today)
    # The wipe of the encrypted copy, as `frontaid wipe --now` does it.
    wiped = wipe(sealed)

    rows: list[tuple[str, float | None, float, float]] = [("demo build", None, build_plain, build_sealed)]
    rows += [(name, c[name], a[name], b[name]) for name in a]
    print(f"\nfrontaid encryption at rest · {args.households:,} households · {size:,.0f} MB database")
    print(f"{'measure':<28}{'stdlib sqlite3 s':>17}{'plain s':>10}{'encrypted s':>13}{'enc/plain':>10}")
    for name, z, x, y in rows:
        zs = "-" if z is None else f"{z:.3f}"
        print(f"{name:<28}{zs:>17}{x:>10.3f}{y:>13.3f}{y / x:>9.2f}×")
    print(f"{'unlock (Argon2id, t=4, 128 MiB, p=2)':<40}{unlock_s:>10.3f} s")
    print(f"{'wipe --now: key destroyed after':<40}{wiped['key_seconds']:>10.4f} s")
    print(f"{'wipe --now: whole (goal < 1 s)':<40}{wiped['seconds']:>10.3f} s "
          f"({wiped['overwritten_bytes'] / 1e6:,.0f} of {wiped['total_bytes'] / 1e6:,.0f} MB overwritten)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
