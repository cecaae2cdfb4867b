"""Fixtures of the import tests: a replica holding the shipped form's zones, and `frontaid` as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from frontaid.actions import registry
from frontaid.scenario.geography import ZONES
from frontaid.store.replica import Replica

DATA = Path(__file__).parent / "data"


def add_form_zones(rep: Replica) -> None:
    for z in ZONES:
        registry.add_zone(rep, "tester", z.slug, z.name, z.name_en, bank=z.bank)


@pytest.fixture
def zoned(make_replica: Callable[..., Replica]) -> Replica:
    rep = make_replica("zoned")
    add_form_zones(rep)
    return rep


def run_cli(db: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    """`frontaid --db DB ARGS` as a real process (it runs this tree's code: PYTHONPATH is inherited)."""
    env = {**os.environ, "FRONTAID_LANG": lang}
    exe = str(Path(sys.executable).parent / "frontaid")
    return subprocess.run([exe, "--db", str(db), *args], capture_output=True, text=True, env=env, timeout=300)
