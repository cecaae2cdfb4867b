"""The sync figures: apply rate against plain SQLite, initial sync over HTTP, bundle size.

    .venv/bin/python bench/sync.py                      # full size: 1M ops, 100k-household town
    .venv/bin/python bench/sync.py --ops 100000 --households 5000   # a quick run
    .venv/bin/python bench/sync.py --only apply         # one figure (apply, http, bundle)

1. Apply N ops into an empty joined replica (`apply.apply_payload` of one huge batch,
   the verified door: chain hashes, signature, devices, then the bulk fold), against a
   plain `executemany` of the same op rows into a fresh table with the same columns and
   primary key, same pragmas, one transaction, in the same run. And the floor: every
   row the apply wrote (log and projections), already built, written again into the
   same schema; the ratio it gives is the best this store allows with free Python. The ops are recorded
   with `Replica.record` in big transactions: households (with utilities), 2 people
   each (some vulnerable), hand-outs drawing from stock, field sets, and add/remove on
   vulnerabilities (see `_generate`).
2. Initial sync of the demo town (`scenario.build_demo`) from a real `frontaid serve`
   over loopback HTTP into a fresh `init --join` replica, with the real CLI.
   With --pouch (needs node and npm; `npm ci` in bench/pouch on first use): PouchDB
   replicating the same records, one document per op with its data decoded to JSON,
   from a loaded source database into an empty one (memory and leveldb adapters),
   the replication the Community Health Toolkit is built on, timed in the same run.
3. Bytes per op of a sealed bundle: a team's day (~500 ops made on a field device) and
   the whole town.

Generated databases are cached under --cache (default /tmp/frontaid-bench) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import msgpack

from _common import cached, cached_demo, free_port  # noqa: E402  (bench/ is the script's own folder)
from frontaid.domain import vocab
from frontaid.store import database
from frontaid.store.replica import Change, Replica
from frontaid.sync import apply, batch, bundle, devices

ROOT = Path(__file__).resolve().parent.parent
FRONTAID = str(Path(sys.executable).with_name("frontaid"))
ROWS: list[tuple[str, str, str]] = []


def row(figure: str, value: str, note: str = "") -> None:
    ROWS.append((figure, value, note))
    print(f"  {figure}: {value}  {note}", flush=True)


# -- 1M realistic ops ----------------------------------------------------------------------

def _generate(path: Path, n_ops: int) -> None:
    """Record about `n_ops` ops: per household ~1 create, 2 people, 3 hand-outs, 1-2 sets,
    an add or a remove on a vulnerability now and then (~8 ops a household)."""
    rnd = random.Random(11)
    rep = Replica.create(path, "Бахмут", "uk", device_name="hub", prefix="BHM")
    zones = [f"z{i:02d}" for i in range(24)]
    shelters, utilities = list(vocab.SHELTERS), list(vocab.UTILITIES)
    vulns, items = list(vocab.VULNERABILITIES), list(vocab.ITEMS)
    points = ["point-centre", "point-east", "point-north"]
    with rep.transaction():
        rep.record([Change("zone", z, "create", {"name": f"Зона {z}", "bank": rnd.choice("ew")})
                    for z in zones], "bench")
    hh = 0
    changes: list[Change] = []
    day = 0
    while rep.op_count() < n_ops:
        changes.clear()
        for _ in range(2500):
            hh += 1
            eid = f"BHM-{hh:06d}"
            size = rnd.randint(1, 6)
            changes.append(Change("household", eid, "create", {
                "zone": rnd.choice(zones), "address": f"вул. Миру, {rnd.randint(1, 200)}, кв. {hh % 90}",
                "shelter": rnd.choice(shelters), "size": size, "animals": rnd.randint(0, 3),
                "utilities": rnd.sample(utilities, rnd.randint(0, 3)), "status": "active",
                "lat": 48.59 + rnd.random() / 50, "lon": 37.99 + rnd.random() / 50,
                "registered_on": f"2023-01-{1 + hh % 28:02d}"}))
            people = []
            for k in range(2):
                pid = f"{eid}-{k + 1}"
                people.append(pid)
                v = rnd.sample(vulns, 1) if rnd.random() < 0.4 else []
                changes.append(Change("person", pid, "create", {
                    "household": eid, "name": f"Іваненко Марія {hh} {k}", "born": rnd.randint(1930, 2020),
                    "sex": rnd.choice("fm"), "vulnerabilities": v, "status": "present"}))
            for r in range(3):
                changes.append(Change("handout", f"{eid}-h{r}", "create", {
                    "household": eid, "item": rnd.choice(items[:4]), "qty": 1, "entitlement": "food",
                    "round": r + 1, "at": rnd.choice(points), "on": f"2023-02-{1 + (day + r) % 28:02d}",
                    "team": "desk-1"}))
            changes.append(Change("household", eid, "set", {"f": "status", "v": rnd.choice(
                ["active", "active", "left", "unreachable"])}))
            if rnd.random() < 0.5:
                changes.append(Change("household", eid, "set", {"f": "note", "v": "Потрібні ліки"}))
            if rnd.random() < 0.3:
                changes.append(Change("person", people[0], "add", {"f": "vulnerabilities",
                                                                   "v": [rnd.choice(vulns)]}))
            elif rnd.random() < 0.2:
                tags = [[rnd.choice(vulns), f"x:{hh}"]]
                changes.append(Change("person", people[1], "remove", {"f": "vulnerabilities", "tags": tags}))
        day += 1
        rep.record(list(changes), "bench")
    rep.close()


def _cached_ops_db(cache: Path, n_ops: int) -> Path:
    return cached(cache / f"ops-{n_ops}.db", lambda tmp: _generate(tmp, n_ops), "generated")


def _baseline(rows: list[tuple[Any, ...]], where: Path) -> float:
    """Seconds for a plain executemany of `rows` into a fresh op-shaped table (the store's own
    SQLite build, as the apply writes with: sqlcipher3's is ~35% slower than Python's sqlite3)."""
    conn = database.connect(where, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE ops (origin TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, "
                 "actor TEXT NOT NULL, entity TEXT NOT NULL, eid TEXT NOT NULL, verb TEXT NOT NULL, "
                 "data BLOB NOT NULL, seen BLOB, hash BLOB NOT NULL, PRIMARY KEY (origin, seq)) "
                 "WITHOUT ROWID")
    t = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO ops VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    conn.execute("COMMIT")
    dt = time.perf_counter() - t
    conn.close()
    return dt


def _writes_alone(applied: Path, where: Path) -> tuple[float, int]:
    """Seconds to write, from rows already built, everything the apply wrote: every row of
    every table of `applied` inserted into the same schema (secondary indexes after, as the
    bulk apply builds them), same pragmas, one transaction. What the apply would take if
    decoding, hashing, verifying and folding cost nothing: the floor of this store."""
    src = sqlite3.connect(applied)
    master = src.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                         "AND name NOT LIKE 'sqlite_%'").fetchall()
    tables = {name: src.execute(f'SELECT * FROM "{name}"').fetchall()
              for kind, name, _ in master if kind == "table"}
    src.close()
    conn = database.connect(where, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA cache_size = -65536")
    for kind, _, sql in master:
        if kind == "table":
            conn.execute(sql)
    t = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for name, rows in tables.items():
        if rows:
            conn.executemany(f'INSERT INTO "{name}" VALUES ({",".join("?" * len(rows[0]))})', rows)
    for kind, _, sql in master:
        if kind in ("index", "view"):
            conn.execute(sql)
    conn.execute("COMMIT")
    dt = time.perf_counter() - t
    conn.close()
    return dt, sum(len(rows) for rows in tables.values())


POUCH = Path(__file__).resolve().parent / "pouch"


def _pouch(ops_db: Path, work: Path) -> dict[str, float]:
    """Seconds PouchDB takes to replicate the ops of `ops_db` as documents, per adapter."""
    if not (POUCH / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=POUCH, check=True)
    docs = work / "docs.jsonl"
    conn = sqlite3.connect(ops_db)
    with docs.open("w") as out:
        for origin, seq, hlc, actor, entity, eid, verb, data, seen in conn.execute(
                "SELECT origin, seq, hlc, actor, entity, eid, verb, data, seen FROM ops "
                "ORDER BY origin, seq"):
            doc = {"_id": f"{origin}:{seq:012d}", "hlc": hlc, "actor": actor, "entity": entity, "eid": eid,
                   "verb": verb, "data": msgpack.unpackb(data), "seen": seen.hex() if seen else None}
            out.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
    conn.close()
    seconds = {}
    for adapter in ("memory", "leveldb"):
        done = subprocess.run(["node", "--max-old-space-size=16000", str(POUCH / "replicate.js"), str(docs),
                               adapter, str(work)], capture_output=True, text=True, check=True)
        seconds[adapter] = float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])
        shutil.rmtree(work / "target", ignore_errors=True)
    docs.unlink()
    return seconds


def figure_apply(cache: Path, n_ops: int, work: Path, pouch_too: bool = False) -> None:
    print(f"1. apply {n_ops:,} ops into an empty replica", flush=True)
    src = _cached_ops_db(cache, n_ops)
    hub_path = work / "hub-ops.db"
    shutil.copy(src, hub_path)
    hub = Replica.open(hub_path)
    code = devices.enroll(hub, "bench", f"bench-{os.getpid()}")
    t = time.perf_counter()
    payload = batch.make_batch(hub, {}, limit=bundle.NO_LIMIT)
    t_make = time.perf_counter() - t
    n = sum(len(r[3]) for r in payload["runs"])
    rows = hub.conn.execute("SELECT * FROM ops").fetchall()
    hub.close()
    fresh = devices.join(work / "fresh.db", code)
    t = time.perf_counter()
    report = apply.apply_payload(fresh, payload)
    t_apply = time.perf_counter() - t
    assert report.applied == n, (report.applied, n)
    fresh.close()
    t_base = _baseline(rows, work / "baseline.db")
    n_base = len(rows)
    del rows
    t_floor, n_rows = _writes_alone(work / "fresh.db", work / "floor.db")
    rate, base = n / t_apply, n_base / t_base
    pouch = _pouch(src, work) if pouch_too else {}
    row("ops generated", f"{n:,}", "Replica.record, ~8 ops/household: create, 2 people, 3 hand-outs, "
        "sets, vulnerability add/remove")
    row("make_batch (hub side)", f"{t_make:.1f} s", f"{n / t_make:,.0f} ops/s")
    row("apply_payload into empty replica", f"{t_apply:.1f} s", f"{rate:,.0f} ops/s")
    row("baseline: plain executemany", f"{t_base:.1f} s", f"{base:,.0f} ops/s (same rows, same columns + PK)")
    row("ratio apply / baseline", f"{rate / base:.2f}", "target >= 0.3")
    row("floor: the apply's writes alone", f"{t_floor:.1f} s",
        f"{n_rows:,} rows (log + projections) from rows already built, same schema and pragmas; "
        f"ratio if nothing else cost time: {t_base / t_floor:.2f}")
    row("ratio floor / apply", f"{t_floor / t_apply:.2f}", "the share of the apply's time that is writing; "
        "goal >= 0.6")
    for adapter, secs in pouch.items():
        row(f"PouchDB 9 replicate, {adapter} adapter", f"{secs:.1f} s",
            f"{n / secs:,.0f} docs/s, the same {n:,} records as documents; frontaid apply / PouchDB: "
            f"{(n / t_apply) / (n / secs):.2f}")


# -- the demo town over HTTP -------------------------------------------------------------

def _wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError("frontaid serve exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("frontaid serve did not start")


def figure_http(cache: Path, households: int, work: Path, pull_batch: int | None) -> Path:
    print(f"2. initial sync of the {households:,}-household demo town over loopback HTTP", flush=True)
    hub_path = work / "hub-demo.db"
    shutil.copy(cached_demo(cache, households), hub_path)
    hub = Replica.open(hub_path)
    code = devices.enroll(hub, "bench", "bench-team")
    n_hub = hub.op_count()
    hub.close()
    port = free_port()
    serve = subprocess.Popen([FRONTAID, "--db", str(hub_path), "serve", "--host", "127.0.0.1",
                              "--port", str(port)], stdout=subprocess.DEVNULL)
    new = work / "new.db"
    try:
        _wait_port(port, serve)
        subprocess.run([FRONTAID, "--db", str(new), "init", "--join", code], check=True,
                       stdout=subprocess.DEVNULL)
        cmd = [FRONTAID, "--db", str(new), "sync", f"http://127.0.0.1:{port}"]
        if pull_batch:
            cmd += ["--batch", str(pull_batch)]
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        dt = time.perf_counter() - t
    finally:
        serve.terminate()
        serve.wait(10)
    rep = Replica.open(new)
    got = rep.op_count()
    rep.close()
    row(f"initial sync, demo town {households:,} households", f"{dt:.1f} s",
        f"{n_hub:,} ops, {n_hub / dt:,.0f} ops/s; target < 60 s; {got:,} ops held after"
        + (f"; --batch {pull_batch}" if pull_batch else "; default --batch"))
    return new


# -- bundle sizes -------------------------------------------------------------------------

def figure_bundle(cache: Path, households: int, work: Path) -> None:
    print("3. bytes per op in a sealed bundle", flush=True)
    field, hub_path = work / "new.db", work / "hub-demo.db"
    if field.exists() and hub_path.exists():
        hub, rep = Replica.open(hub_path), Replica.open(field)  # left by figure 2
    else:
        # A field device that has synced the town: join and take the whole town in one batch.
        shutil.copy(cached_demo(cache, households), hub_path)
        hub = Replica.open(hub_path)
        code = devices.enroll(hub, "bench", "bench-bundle")
        rep = devices.join(work / "field.db", code)
        apply.apply_payload(rep, batch.make_batch(hub, {}, limit=bundle.NO_LIMIT))
        apply.apply_payload(hub, batch.make_batch(rep, hub.vector(), limit=bundle.NO_LIMIT))
    hub_vector = hub.vector()
    # A team's day: ~500 ops made on the field device against the town it holds.
    rnd = random.Random(5)
    hh = [e for (e,) in rep.conn.execute("SELECT eid FROM households WHERE created = 1 LIMIT 2000")]
    people = [e for (e,) in rep.conn.execute("SELECT eid FROM people WHERE created = 1 LIMIT 2000")]
    codes = rep.next_codes(200)
    day: list[Change] = []
    for i in range(120):
        h = rnd.choice(hh)
        day.append(Change("handout", codes[i], "create", {
            "household": h, "item": "food_kit", "qty": 1, "entitlement": "food", "round": 7,
            "at": "vehicle-2", "home": 1, "on": "2023-03-14", "team": "team-2"}))
    for i in range(60):
        day.append(Change("welfare", codes[120 + i], "create", {
            "asked_by": "сестра", "contact": f"+38050{rnd.randint(1000000, 9999999)}",
            "household": rnd.choice(hh), "status": "open", "opened_on": "2023-03-14"}))
    while len(day) < 500:
        r = rnd.random()
        if r < 0.5:
            day.append(Change("household", rnd.choice(hh), "set", {"f": "status", "v": "active"}))
        elif r < 0.7:
            day.append(Change("household", rnd.choice(hh), "set", {"f": "note",
                                                                  "v": "Немає води, потрібен генератор"}))
        elif r < 0.85:
            day.append(Change("person", rnd.choice(people), "add",
                              {"f": "vulnerabilities", "v": ["immobile"]}))
        else:
            day.append(Change("person", rnd.choice(people), "set", {"f": "status", "v": "present"}))
    for i in range(0, len(day), 25):  # a visit at a time
        rep.record(day[i:i + 25], "team-2")
    info = bundle.export_bundle(rep, work / "day.bundle", since=hub_vector)
    row("bundle: a team's day", f"{info['bytes']:,} B", f"{info['ops']} ops, {info['bytes_per_op']} B/op; "
        "target < 50 KB")
    rep.close()
    t = time.perf_counter()
    info = bundle.export_bundle(hub, work / "town.bundle")
    t_export = time.perf_counter() - t
    row(f"bundle: whole town ({households:,} households)", f"{info['bytes'] / 1e6:.1f} MB",
        f"{info['ops']:,} ops, {info['bytes_per_op']} B/op; export {t_export:.0f} s (zstd 19)")
    hub.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ops", type=int, default=1_000_000)
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/frontaid-bench"))
    ap.add_argument("--only", choices=["apply", "http", "bundle"], action="append")
    ap.add_argument("--batch", type=int, default=None, help="--batch for `frontaid sync`")
    ap.add_argument("--pouch", action="store_true", help="also time PouchDB replicating the same records")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    only = set(args.only or ["apply", "http", "bundle"])
    with tempfile.TemporaryDirectory(dir=args.cache) as tmp:
        work = Path(tmp)
        if "apply" in only:
            figure_apply(args.cache, args.ops, work, args.pouch)
        if "http" in only:
            figure_http(args.cache, args.households, work, args.batch)
        if "bundle" in only:
            figure_bundle(args.cache, args.households, work)
    print()
    print("| figure | value | notes |")
    print("| --- | --- | --- |")
    for fig, value, note in ROWS:
        print(f"| {fig} | {value} | {note} |")


if __name__ == "__main__":
    main()
