"""`--help` in the user's language, translated when it is rendered.

Help texts stay English in the code (docstrings and `help=`), so docs/cli.md, generated from
them, stays English. When `frontaid` starts, the language is known from the command line
(`--lang uk` before the command) or the environment (FRONTAID_LANG, LC_ALL, LC_MESSAGES, LANG);
when one of them names a language, every command's help, short help and option help in the
freshly built command tree is replaced by its translation before click parses anything, and
the headings click writes (Usage, Options, Commands, Arguments, [default: …], [required]) are
translated by the formatter. When nothing names a language, help stays English, as it was.

Msgids: each paragraph of a help text with its whitespace folded to single spaces, and each
option's help the same way; the `Example:` line keeps its command and translates its first
word. They live in locale/uk/LC_MESSAGES/help.po (`python scripts/help_po.py` adds new ones).
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Iterator, Sequence
from typing import Any

from typer._click.core import Context
from typer._click.formatting import HelpFormatter

from frontaid.i18n import LANGUAGES, gettext


def N_(msgid: str) -> str:
    return msgid


# What click and typer write around the help texts (their own English).
USAGE = N_("Usage: ")
HEADINGS = {"Options": N_("Options"), "Commands": N_("Commands"), "Arguments": N_("Arguments")}
EXTRAS = {"default: ": N_("default: "), "required": N_("required"), "env var: ": N_("env var: ")}
EXAMPLE = N_("Example:")
_EXTRA = re.compile(r"^(?P<text>.*?)(?P<extra>\s*\[(?:default: |required|env var: )[^\]]*\])?$", re.S)


def help_language(argv: Sequence[str]) -> str | None:
    """The language --help should speak: `--lang X` before the command, else the environment's
    when it names one of ours; None (English, the help as written) when nothing names one."""
    for i, word in enumerate(argv):
        if word == "--lang" and i + 1 < len(argv):
            value = argv[i + 1].lower()
            return value if value in LANGUAGES else None
        if word.startswith("--lang="):
            value = word.split("=", 1)[1].lower()
            return value if value in LANGUAGES else None
        if not word.startswith("-") and (i == 0 or argv[i - 1] not in ("--db", "--actor", "--role")):
            break  # the command: options after it are its own (init --lang is the deployment's)
    for var in ("FRONTAID_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        code = os.environ.get(var, "").split(".")[0].split("_")[0].lower()
        if code in LANGUAGES:
            return code
    return None


def msgid(text: str) -> str:
    return " ".join(text.split())


def translate_help(text: str | None, lang: str) -> str | None:
    """A command's help, paragraph by paragraph; untranslated paragraphs stay as written."""
    if not text:
        return text
    out = []
    for para in inspect.cleandoc(text).split("\n\n"):
        if para.startswith("\b"):
            lines = [_example(line, lang) for line in para.split("\n")]
            out.append("\n".join(lines))
            continue
        key = msgid(para)
        done = gettext(key, lang)
        out.append(done if done != key else para)
    return "\n\n".join(out)


def _example(line: str, lang: str) -> str:
    if line.lstrip().startswith("Example:"):
        return line.replace("Example:", gettext(EXAMPLE, lang), 1)
    key = msgid(line)
    done = gettext(key, lang) if key else key
    return line if done == key else line[: len(line) - len(line.lstrip())] + done


def translate_option(text: str | None, lang: str) -> str | None:
    if not text:
        return text
    key = msgid(text)
    done = gettext(key, lang)
    return done if done != key else text


def walk(cmd: Any) -> Iterator[Any]:
    yield cmd
    for sub in getattr(cmd, "commands", {}).values():
        yield from walk(sub)


def translate_tree(root: Any, lang: str) -> None:
    """Every help text of the command tree in `lang`, and its headings through `HelpContext`."""
    for cmd in walk(root):
        cmd.help = translate_help(cmd.help, lang)
        if cmd.short_help:
            cmd.short_help = translate_option(cmd.short_help, lang)
        for p in cmd.params:
            if getattr(p, "help", None):
                p.help = translate_option(p.help, lang)
        cmd.context_class = _context_for(lang)


class TranslatedFormatter(HelpFormatter):
    """Click's formatter, writing its own words (headings, usage, [default: …]) in `lang`."""

    lang = "en"

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, gettext(USAGE, self.lang) if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(gettext(HEADINGS.get(heading, heading), self.lang))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, self._row(text)) for term, text in rows], col_max, col_spacing)

    def _row(self, text: str) -> str:
        m = _EXTRA.match(text)
        if m is None:
            return text
        body, extra = m["text"], m["extra"] or ""
        key = msgid(body)
        done = gettext(key, self.lang) if key else key
        body = done if done != key else body
        for english, mid in EXTRAS.items():
            extra = extra.replace(english, gettext(mid, self.lang))
        return body + extra


_CONTEXTS: dict[str, type[Context]] = {}


def _context_for(lang: str) -> type[Context]:
    if lang not in _CONTEXTS:
        formatter = type(f"Formatter_{lang}", (TranslatedFormatter,), {"lang": lang})
        _CONTEXTS[lang] = type(f"HelpContext_{lang}", (Context,), {"formatter_class": formatter})
    return _CONTEXTS[lang]
