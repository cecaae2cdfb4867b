"""The commands the guides show are commands frontaid has, with options it takes.

docs/guide.md, README.md and CONTRIBUTING.md show aid workers and newcomers command
lines to type. Each line is parsed here by the real command (no command is run):
a renamed option, a removed command or a missing required value fails the test,
so the guides cannot drift from the program.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from frontaid.cli import app
from frontaid.domain.codes import make_code

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("docs/guide.md", "README.md", "CONTRIBUTING.md")
GLOBAL_WITH_VALUE = {"--db", "--lang", "--actor"}
GLOBAL_FLAGS = {"--json"}


def command_lines() -> list[tuple[str, str]]:
    """(where, line) for every line of a ```sh block that runs frontaid."""
    out = []
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
            for line in block.splitlines():
                words = line.strip()
                for prefix in (".venv/bin/", "$(BIN)/"):
                    words = words.removeprefix(prefix)
                if words.startswith("frontaid "):
                    out.append((doc, words))
    return out


LINES = command_lines()


def resolve(words: list[str]) -> tuple[Any, list[str], list[str]]:
    """The click command a line reaches, the words that name it, and its own arguments."""
    cmd: Any = get_command(app)
    i = 0
    while i < len(words) and words[i] in GLOBAL_WITH_VALUE | GLOBAL_FLAGS:
        i += 2 if words[i] in GLOBAL_WITH_VALUE else 1
    path: list[str] = []
    while hasattr(cmd, "commands") and i < len(words):  # a group (typer ships its own click)
        name = words[i]
        if name.startswith(("http://", "https://")) and "with" in cmd.commands:
            name = "with"  # `frontaid sync URL` reaches the hidden `sync with`
            i -= 1
        if name not in cmd.commands:
            break
        cmd = cmd.commands[name]
        path.append(name)
        i += 1
    return cmd, path, words[i:]


def test_the_guides_show_commands() -> None:
    assert sum(doc == "docs/guide.md" for doc, _ in LINES) >= 25
    assert any(doc == "README.md" for doc, _ in LINES)


@pytest.mark.parametrize("doc,line", LINES, ids=[f"{d}:{line[:60]}" for d, line in LINES])
def test_each_command_line_parses(doc: str, line: str) -> None:
    words = shlex.split(line, comments=True)[1:]
    cmd, path, args = resolve(words)
    assert path, f"{doc}: `{line}` names no frontaid command"
    if hasattr(cmd, "commands"):  # a group runs alone only when it says so (`frontaid flags`)
        assert cmd.invoke_without_command, f"{doc}: `{line}` stops at the group `{' '.join(path)}`"
    try:
        cmd.make_context(" ".join(["frontaid", *path]), list(args), resilient_parsing=False)
    except Exception as exc:  # click's usage errors: an unknown option, a missing value
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        pytest.fail(f"{doc}: `{line}`: {message}")


def test_the_card_codes_the_guides_show_have_a_right_check_digit() -> None:
    """A reader copies the examples: a code with a wrong check digit would be refused."""
    shown = set()
    for doc in DOCS:
        shown |= set(re.findall(r"\b([A-Z]{3})-(\d{3,})-(\d)\b", (ROOT / doc).read_text(encoding="utf-8")))
    assert len(shown) >= 4
    wrong = [f"{p}-{n}-{d}" for p, n, d in sorted(shown) if make_code(p, int(n)) != f"{p}-{n}-{d}"]
    assert not wrong, f"card codes with a wrong check digit: {wrong}"
