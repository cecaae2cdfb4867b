"""`--help` in Ukrainian (issue 12): every command's and option's help, and the words around them
("Використання:", "Параметри", "[обов'язково]"), with no English sentence left; English unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from frontaid.cli import command
from frontaid.cli.helptext import _walk, paragraphs

FRONTAID = Path(sys.executable).parent / "frontaid"


def _paths(tree: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield prefix, tree
    for name, sub in (getattr(tree, "commands", None) or {}).items():
        yield from _paths(sub, (*prefix, name))


@pytest.fixture
def trees() -> Iterator[tuple[Any, Any]]:
    english = command("en")
    ukrainian = command("uk")
    yield english, ukrainian
    command("en")  # typer's own words back to English for the rest of the run


def help_of(tree: Any, path: tuple[str, ...]) -> str:
    """What `frontaid PATH --help` prints, run in this process on a built command tree."""
    runner = CliRunner()
    with runner.isolation() as streams:
        try:
            tree.main(args=[*path, "--help"], prog_name="frontaid")
        except SystemExit as done:
            assert done.code in (0, None), path
        return streams[0].getvalue().decode()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_every_help_screen_is_ukrainian_with_no_english_sentence_left(trees: tuple[Any, Any]) -> None:
    english, ukrainian = trees
    left: list[str] = []
    paths = dict(_paths(english))
    for path, _sub in _paths(ukrainian):
        out = _flat(help_of(ukrainian, path))
        assert out.startswith("Використання: frontaid") and "Параметри" in out, path
        assert "Show this message" not in out and "[required]" not in out
        en = paths[path]
        texts = [en.help, *(getattr(p, "help", None) for p in en.params)]
        for text in filter(None, texts):
            for kind, msgid in paragraphs(text):
                if kind != "example" and len(msgid) > 12 and _flat(msgid) in out:
                    left.append(f"{' '.join(path)}: {msgid}")
    assert not left, "English left in --lang uk --help:\n" + "\n".join(left)


def test_english_help_is_what_docs_cli_md_is_made_of(trees: tuple[Any, Any]) -> None:
    command("en")
    out = help_of(command("en"), ("household", "add"))
    assert out.startswith("Usage: frontaid household add") and "Register a household" in out


def test_the_real_command_helps_in_the_language_asked_for() -> None:
    env = {**os.environ, "FRONTAID_LANG": "uk"}
    out = subprocess.run([str(FRONTAID), "household", "add", "--help"], env=env, capture_output=True,
                         text=True, timeout=60).stdout
    assert "Зареєструвати домогосподарство" in out and "[обов'язково]" in out
    out = subprocess.run([str(FRONTAID), "--lang", "en", "household", "add", "--help"], env=env,
                         capture_output=True, text=True, timeout=60).stdout
    assert "Register a household" in out and "[required]" in out


def test_a_walk_finds_every_command() -> None:
    assert sum(1 for _ in _walk(command("en"))) > 80
