"""`--help` in Ukrainian: with --lang uk or FRONTAID_LANG=uk no English sentence is left; English stays the
default when nothing names a language, and docs/cli.md (English) does not change."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from frontaid.cli import app
from frontaid.cli.helptext import help_language, msgid, walk

# The root, every group, and the commands a new team types first.
MAIN = [[], ["init"], ["search"], ["distribute"], ["status"], ["serve"], ["cards"], ["export"], ["import"],
        ["household", "add"], ["household", "show"], ["person", "add"], ["zone", "add"], ["zone", "set"],
        ["town", "import"], ["site", "add"], ["request", "open"], ["stock", "receive"], ["incident", "add"],
        ["evac", "offer"], ["device", "enroll"], ["user", "add"], ["sync", "export"], ["plan", "day"],
        ["report", "bulletin"]]
MAIN += [[name] for name, cmd in get_command(app).commands.items()  # type: ignore[attr-defined]
         if getattr(cmd, "commands", None) and [name] not in MAIN]

# Three English words in a row (not a command, option or value list): a sentence left untranslated.
ENGLISH = re.compile(r"\b[A-Za-z][a-z]+ [a-z]{2,} [a-z]{2,}\b")


# What a translation keeps as written: options, `commands`, environment variables, metavars.
KEPT = re.compile(r"--[\w-]+|`[^`]+`|\b[A-Z]+_[A-Z_]+\b|\b(?:DAYS|DUPLICATE|INTO)\b")


def command(path: list[str]) -> Any:
    cmd = get_command(app)
    for word in path:
        cmd = cmd.commands[word]  # type: ignore[attr-defined]
    return cmd


def english_texts(cmd: Any) -> list[str]:
    texts = [msgid(p) for p in inspect.cleandoc(cmd.help or "").split("\n\n") if not p.startswith("\b")]
    return texts + [msgid(p.help) for p in cmd.params if getattr(p, "help", None)]


def prose(out: str) -> str:
    """The help without what stays as typed: usage, examples, `commands`, --options and paths."""
    lines = [ln for ln in out.splitlines() if not ln.strip().startswith(("Використання:", "Приклад:"))]
    text = " ".join(lines)
    text = re.sub(r"`[^`]*`|--[\w-]+|\S+\.(?:pdf|geojson|csv|md|db)\b|frontaid(?: [a-z-]+)*", " ", text)
    return text


def run(args: list[str], **env: str) -> str:
    res = CliRunner().invoke(app, args, prog_name="frontaid", env={"COLUMNS": "100", **env})
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.mark.parametrize("path", MAIN, ids=[" ".join(p) or "frontaid" for p in MAIN])
def test_main_commands_have_no_english_sentence_left_in_ukrainian(path: list[str]) -> None:
    out = run(["--lang", "uk", *path, "--help"], FRONTAID_LANG="en")
    left = [t for t in english_texts(command(path)) if t in " ".join(out.split())]
    assert not left, f"untranslated: {left}"
    assert not ENGLISH.findall(prose(out)), ENGLISH.findall(prose(out))
    assert "Параметри:" in out and "Використання:" in out and "Приклад: frontaid" in out


def test_the_environment_decides_as_for_every_other_message(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "Зареєструвати домогосподарство" in run(["household", "add", "--help"], FRONTAID_LANG="uk")
    assert "Зареєструвати домогосподарство" in run(["household", "add", "--help"], FRONTAID_LANG="",
                                                    LC_ALL="uk_UA.UTF-8")
    # --lang before the command wins over the environment; init's own --lang is its printouts' language.
    assert "Register a household" in run(["--lang", "en", "household", "add", "--help"], FRONTAID_LANG="uk")
    for var in ("FRONTAID_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert help_language(["init", "--lang", "uk", "--help"]) is None
    assert help_language(["--db", "x.db", "--lang=uk", "init", "--help"]) == "uk"
    assert help_language(["--lang", "fr", "--help"]) is None


def test_english_stays_the_default_when_nothing_names_a_language() -> None:
    out = run(["--help"], FRONTAID_LANG="", LC_ALL="", LC_MESSAGES="", LANG="C.UTF-8")
    assert "Humanitarian operations" in out and "Options:" in out


def test_every_translated_text_keeps_its_commands_and_options() -> None:
    """A translation may reword, never drop or change an option, a command or a value list."""
    from frontaid.i18n import catalog

    uk = catalog("uk")
    bad = []
    for cmd in walk(get_command(app)):
        for text in english_texts(cmd):
            done = uk.get(text)
            if done is None:
                continue
            if not set(KEPT.findall(text)) <= set(KEPT.findall(done)):
                bad.append(text)
    assert not bad, bad
