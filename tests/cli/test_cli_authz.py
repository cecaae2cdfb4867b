"""Every CLI command × every role, allowed or refused as cli/roles.py COMMANDS says.

The commands are read from the app itself: a command added later without an entry in
COMMANDS fails here, so the policy is decided when the command is written.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from frontaid.cli import app
from frontaid.cli.roles import COMMANDS, allow, seat
from frontaid.domain.sensitive import ROLES
from frontaid.errors import NotAllowed

FRONTAID = Path(sys.executable).parent / "frontaid"


def command_paths(group: Any, prefix: str = "") -> list[str]:
    out: list[str] = []
    for name, cmd in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        if getattr(cmd, "commands", None):
            if getattr(cmd, "invoke_without_command", False):
                out.append(path)  # a group that is also a command (`frontaid flags`)
            out += command_paths(cmd, path + " ")
        else:
            out.append(path)
    return out


PATHS = command_paths(typer.main.get_command(app))


def test_every_command_has_a_policy_and_the_policy_names_only_commands() -> None:
    assert len(PATHS) > 60
    missing = [p for p in PATHS if p not in COMMANDS]
    assert not missing, f"commands with no entry in cli/roles.py COMMANDS: {missing}"
    stale = [c for c in COMMANDS if c not in PATHS]
    assert not stale, f"COMMANDS names commands that do not exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_exactly_its_commands(role: str) -> None:
    for path in PATHS:
        allowed = role in COMMANDS[path]
        try:
            allow(path, role)
            assert allowed, (path, role)
        except NotAllowed:
            assert not allowed, (path, role)
    # The analyst never runs a command that shows a person by name.
    if role == "analyst":
        assert not {"household show", "person show", "search", "audit", "deaths"} & {
            p for p in PATHS if role in COMMANDS[p]}


def test_a_device_cannot_raise_its_role() -> None:
    assert seat("hub", "coordinator") == "coordinator"
    assert seat("field", None) == "field" and seat("field", "analyst") == "analyst"
    for device, asked in (("field", "coordinator"), ("desk", "field"), ("analyst", "desk")):
        with pytest.raises(NotAllowed):
            seat(device, asked)


def run(db: Path, role: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_DB": str(db), "FRONTAID_LANG": "uk", "FRONTAID_ACTOR": "olena"}
    env.pop("FRONTAID_DEBUG", None)
    return subprocess.run([str(FRONTAID), "--role", role, *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_the_real_cli_refuses_in_one_ukrainian_line_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    assert run(db, "coordinator", "init", "--no-encrypt", "--town", "Бахмут").returncode == 0
    size = db.stat().st_size
    for role, args in (("desk", ("audit",)), ("field", ("purge", "--left-before", "2022-01-01")),
                       ("analyst", ("search", "Коваленко")), ("desk", ("zone", "add", "x", "--name", "Х",
                                                                          "--name-en", "X"))):
        res = run(db, role, *args)
        assert res.returncode == 2, (role, args, res.stderr)
        line = res.stderr.strip()
        assert len(line.splitlines()) == 1 and "не має" in line, line
    assert run(db, "coordinator", "audit").returncode == 0
    assert db.stat().st_size == size
