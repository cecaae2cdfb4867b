"""Docs that cannot drift: every command has help ending in an example, and docs/cli.md is generated."""

from __future__ import annotations

import importlib.util
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from frontaid.cli import app

ROOT = Path(__file__).resolve().parent.parent
GLOBAL_WITH_VALUE = {"--db", "--lang", "--actor"}
GLOBAL_FLAGS = {"--json"}


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def commands() -> Iterator[tuple[list[str], Any]]:
    def walk(cmd: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, [*path, name])
    yield from walk(get_command(app), [])


ALL = list(commands())


def _id(item: tuple[list[str], Any]) -> str:
    return " ".join(["frontaid", *item[0]])


def example_of(help_text: str) -> str:
    """The last paragraph of a help text, without click's no-rewrap marker."""
    last = help_text.strip().split("\n\n")[-1]
    return last.replace("\b", "").strip()


def words_after_globals(example: str) -> list[str]:
    words = shlex.split(example.removeprefix("Example:").strip())
    assert words[0] == "frontaid"
    out, i = [], 1
    while i < len(words):
        if words[i] in GLOBAL_WITH_VALUE:
            i += 2
            continue
        if words[i] in GLOBAL_FLAGS:
            i += 1
            continue
        out = words[i:]
        break
    return out


@pytest.mark.parametrize("item", ALL, ids=[_id(i) for i in ALL])
def test_every_command_has_help_ending_in_an_example_of_itself(item: tuple[list[str], Any]) -> None:
    path, cmd = item
    assert cmd.help and cmd.help.strip(), f"{_id(item)} has no help"
    example = example_of(cmd.help)
    assert example.startswith("Example: frontaid"), f"{_id(item)}: last paragraph is not an example"
    assert "\n" not in example, f"{_id(item)}: the example must be one line"
    # The example runs the command it documents. `frontaid sync URL` reaches the hidden
    # `sync with` command: its group dispatches a URL there.
    words = words_after_globals(example)
    if getattr(cmd, "hidden", False):
        words = [path[-1] if w.startswith(("http://", "https://")) else w for w in words]
    assert words[: len(path)] == path, f"{_id(item)}: example is of another command"


@pytest.mark.parametrize("item", ALL, ids=[_id(i) for i in ALL])
def test_every_parameter_has_help(item: tuple[list[str], Any]) -> None:
    _path, cmd = item
    for param in cmd.params:
        if param.name in ("help",):
            continue
        assert getattr(param, "help", None), f"{_id(item)}: {param.name} has no help"


def test_there_is_a_command_for_each_verb_family() -> None:
    paths = {" ".join(p) for p, _ in ALL}
    for expected in ("init", "household add", "person died", "search", "request open", "distribute",
                     "entitlements", "stock list", "incident add", "evac offer", "referral close",
                     "welfare answer", "zone add", "site state", "deaths", "retract", "status", "log",
                     "rebuild", "demo"):
        assert expected in paths


def test_docs_cli_md_is_generated_from_help() -> None:
    script = _load_script()
    expected = script.render()
    actual = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is out of date: run .venv/bin/python scripts/cli_docs.py"
    for path, _cmd in ALL:
        assert f"## {' '.join(['frontaid', *path])}\n" in actual
