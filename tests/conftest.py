"""Shared fixtures: real replicas in tmp_path, a small town built through the actions.

Test modules are found by pytest's rootdir-based discovery (no `__init__.py`), so
every test file name under tests/ must be unique.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pytest
from tests.pgtools import NOBODY, PG_BIN, as_cluster_user

from frontaid.actions import registry, stock
from frontaid.errors import FrontaidError
from frontaid.store.replica import Replica

# A fixed epoch keeps entitlement rounds independent of the day the tests run.
EPOCH = date(2025, 1, 6)
ACTOR = "tester"


# FRONTAID_TEST_BACKEND=pg puts every replica the tests make with `make_replica`/`rep` on PostgreSQL
# (a whole directory's run on the other backend, issue 16); the default stays SQLite files.
ON_PG = os.environ.get("FRONTAID_TEST_BACKEND") == "pg"


@pytest.fixture
def make_replica(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., Replica]]:
    """A factory for fresh replicas in tmp_path (or PostgreSQL databases), closed after the test."""
    made: list[Replica] = []
    cluster: PgCluster | None = request.getfixturevalue("pg_cluster") if ON_PG else None

    def where(name: str) -> str | Path:
        if cluster is None:
            return tmp_path / f"{name}.db"
        db = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {db} TEMPLATE frontaid_template")
        return cluster.url(db)

    def make(name: str = "hub", **kw: object) -> Replica:
        kw.setdefault("epoch", EPOCH)
        rep = Replica.create(where(name), "Testtown", **kw)  # type: ignore[arg-type]
        made.append(rep)
        return rep

    yield make
    for rep in made:
        rep.close()


@pytest.fixture
def rep(make_replica: Callable[..., Replica]) -> Replica:
    return make_replica()


@dataclass
class Town:
    """A small town: two zones, a food point, a warehouse, a pick-up point, three households."""

    rep: Replica
    anna: str        # household on the east bank, two people
    ihor: str        # household on the west bank, one person
    olena: str       # third household, no members
    anna_p: str      # person
    mykola_p: str    # person in Anna's household
    ihor_p: str      # person


def build_town(rep: Replica) -> Town:
    a = ACTOR
    registry.add_zone(rep, a, "east", "Схід", "East bank", bank="east", population_estimate=900)
    registry.add_zone(rep, a, "west", "Захід", "West bank", bank="west", population_estimate=400)
    registry.add_site(rep, a, "point-1", "food-point", "Пункт 1", "Point 1", "east")
    registry.add_site(rep, a, "wh-1", "warehouse", "Склад", "Warehouse", "west")
    registry.add_site(rep, a, "pickup-1", "evac-pickup", "Зупинка", "Pick-up", "west")
    registry.add_site(rep, a, "bridge", "crossing", "Міст", "Bridge", "east", state="open")
    for slug, name in (("team-1", "Команда 1"), ("t1", "Т1"), ("t2", "Т2")):
        registry.add_team(rep, a, slug, name)
    anna = registry.add_household(rep, a, zone="east", address="Chasiv Yar Rd 4", shelter="basement",
                                  size=2, utilities="gas,water")
    ihor = registry.add_household(rep, a, zone="west", address="Myru 12", size=1)
    olena = registry.add_household(rep, a, zone="West bank", address="Myru 14")
    anna_p = registry.add_person(rep, a, household=anna, name="Anna Kovalenko", born=1941, sex="f",
                                 vulnerabilities="very-old,immobile")
    mykola_p = registry.add_person(rep, a, household=anna, name="Mykola Kovalenko", born=1939, sex="m")
    ihor_p = registry.add_person(rep, a, household=ihor, name="Ihor Shevchuk", born=1960, sex="m",
                                 vulnerabilities="alone")
    stock.receive(rep, a, item="food-kit", location="wh-1", qty=100, on="2025-01-06")
    stock.move(rep, a, item="food-kit", source="wh-1", target="point-1", qty=40, on="2025-01-06")
    return Town(rep, anna, ihor, olena, anna_p, mykola_p, ihor_p)


@pytest.fixture
def town(rep: Replica) -> Town:
    return build_town(rep)


@dataclass(frozen=True)
class Snapshot:
    ops: int
    digest: str
    state: str
    projection: str


def snapshot(rep: Replica) -> Snapshot:
    return Snapshot(rep.op_count(), rep.digest(), rep.state_digest(), rep.projection_hash())


@pytest.fixture
def refused() -> Callable[..., object]:
    """`with refused(rep, SomeError): action(...)`: the action raises it and changes nothing."""

    @contextmanager
    def check(rep: Replica, error: type[FrontaidError]) -> Iterator[pytest.ExceptionInfo[BaseException]]:
        before = snapshot(rep)
        with pytest.raises(error) as info:
            yield info
        assert snapshot(rep) == before

    return check


@pytest.fixture
def town_on() -> Callable[[Replica], Town]:
    """`town_on(rep)` builds the small town on any replica."""
    return build_town


def meaning(rep: Replica) -> str:
    """The projections' meaning, hashed independently of `projection_hash()`.

    A second implementation, so that a slip in the core's hash cannot hide a divergence:
    row values, the stamps of scalar fields (create stamp or `_v`), elements, the
    ledger, conflicts and retractions. Set-valued, count and derived columns carry no
    stamp of their own here (their values follow from elements, ledger and source).
    """
    import hashlib
    import json

    from frontaid.domain.entities import ENTITIES
    from frontaid.oplog.op import pack
    from frontaid.store import schema

    h = hashlib.blake2b(digest_size=16)
    for entity in ENTITIES.values():
        scalar = [f.name for f in entity.fields if f.kind not in ("set", "count")]
        names = [f.name for f in entity.fields] + [c for c, _ in entity.derived]
        cols = ", ".join(f'"{c}"' for c in names)
        for row in rep.conn.execute(f'SELECT eid, created, c_hlc, c_origin, _v, merged_into, {cols} '
                                    f'FROM "{entity.table}" ORDER BY eid'):
            eid, created, c_hlc, c_origin, v_json, merged_into, *values = row
            stamps = json.loads(v_json)
            current = dict(zip(names, values, strict=True))
            eff = {}
            for name in ["merged_into", *scalar]:
                value = merged_into if name == "merged_into" else current[name]
                if name in stamps:
                    eff[name] = stamps[name]
                elif created and value is not None:
                    eff[name] = [c_hlc, c_origin]
            h.update(pack([entity.name, eid, created, merged_into, values, sorted(eff.items())]))
    for table in sorted(schema.AUX_TABLES):
        h.update(table.encode())
        cols = [r[1] for r in rep.conn.execute(f"PRAGMA table_info({table})")]
        listed = ", ".join(f'"{c}"' for c in cols)
        for row in rep.conn.execute(f"SELECT {listed} FROM {table} ORDER BY {listed}"):
            h.update(pack(list(row)))
    return h.hexdigest()


@pytest.fixture
def meaning_of() -> Callable[[Replica], str]:
    return meaning


# --- PostgreSQL: one throwaway cluster per test session (issue 16) ---------------------------------
# Debian's server binaries (tests/pgtools.py); `make test` installs the `postgresql` package when missing.


@dataclass
class PgCluster:
    """A running throwaway cluster on a unix socket in a temp dir; `url(db)` connects to one database."""

    sockdir: Path
    user: str = "frontaid"

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@/{dbname}?host={self.sockdir}"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """initdb once per session (each xdist worker its own), trust auth on a socket only, no fsync."""
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL server binaries missing in {PG_BIN}: run `make test` (installs postgresql)")
    top = Path(tempfile.mkdtemp(prefix="frontaid-pg-"))
    if os.geteuid() == 0:
        os.chown(top, NOBODY, NOBODY)
    data = top / "data"
    run = functools.partial(subprocess.run, check=True, cwd=top, capture_output=True)
    run(as_cluster_user([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "frontaid",
                          "-E", "UTF8", "--no-locale", "--no-sync"]))
    opts = f"-k {top} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    run(as_cluster_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(top / "log"), "-o", opts,
                          "-w", "start"]))
    cluster = PgCluster(top)
    try:
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE frontaid_template")
        yield cluster
    finally:
        subprocess.run(as_cluster_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                         "stop"]), cwd=top, capture_output=True)
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh database for one test, copied from the session's template (fast: no initdb per test)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE frontaid_template")
    yield pg_cluster.url(name)
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A `--db` value on each backend: a fresh file path, or a fresh PostgreSQL database's URL."""
    if request.param == "pg":
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "hub.db")
