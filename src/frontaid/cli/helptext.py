"""`--help` in the user's language (issue 12): every command's and option's help, and click's own
words ("Usage:", "Options", "[required]"), translated when the command tree is built for a run.

Help texts stay English in the code (docs/cli.md is generated from them); their Ukrainian is in
locale/uk/LC_MESSAGES/help.po, one msgid per paragraph (a paragraph's line breaks are not part of
it: click wraps paragraphs again) and one per line of a `\\b` block. An "Example:" line keeps its
command and translates its label.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from frontaid.i18n import gettext as tr  # not `gettext`: its msgids are help texts, not literals

NO_WRAP = "\b"
EXAMPLE = "Example:"


def paragraphs(text: str) -> Iterator[tuple[str, str]]:
    """(kind, msgid) of each part of a help text: 'text' paragraphs, 'line's of \\b blocks, 'example's."""
    for para in text.split("\n\n"):
        if para.startswith(NO_WRAP):
            for line in para.split("\n")[1:]:
                if line.strip().startswith(EXAMPLE):
                    yield "example", line
                elif line.strip():
                    yield "line", line.strip()
        elif para.strip():
            yield "text", " ".join(para.split())


def translated(text: str | None, lang: str) -> str | None:
    """`text` in `lang`: each paragraph and line by its own msgid; what has none stays as it is."""
    if not text or lang == "en":
        return text
    out = []
    for para in text.split("\n\n"):
        if para.startswith(NO_WRAP):
            lines = []
            for line in para.split("\n")[1:]:
                indent = line[:len(line) - len(line.lstrip())]
                body = line.strip()
                if body.startswith(EXAMPLE):
                    lines.append(indent + tr(EXAMPLE, lang) + body[len(EXAMPLE):])
                else:
                    lines.append(indent + tr(body, lang) if body else line)
            out.append("\n".join([NO_WRAP, *lines]))
        elif para.strip():
            out.append(tr(" ".join(para.split()), lang))
    return "\n\n".join(out)


def _walk(command: Any) -> Iterator[Any]:
    yield command
    for sub in (getattr(command, "commands", None) or {}).values():
        yield from _walk(sub)


# The language typer's own words are shown in, for this run (the patches below read it).
_WORDS_IN = ["en"]


def translate(command: Any, lang: str) -> Any:
    """The command tree with its help in `lang`, and typer's own words (typer vendors click: its
    "Usage:", "Options", "[required]", the help option's text), for this run (in place)."""
    _typer_words()
    _WORDS_IN[0] = lang
    if lang == "en":
        return command
    for c in _walk(command):
        c.help = translated(c.help, lang)
        c.short_help = translated(c.short_help, lang)
        for p in c.params:
            if getattr(p, "help", None):
                p.help = translated(p.help, lang)
    return command


def _typer_words() -> None:
    """Route typer's own words through our catalog, in the language of `_WORDS_IN` (once)."""
    import typer.core
    from typer._click import core, formatting

    if getattr(formatting.HelpFormatter.write_usage, "translated", False):
        return
    typer.core._ = lambda msgid: tr(msgid, _WORDS_IN[0])  # type: ignore[attr-defined,assignment]
    write_usage = formatting.HelpFormatter.write_usage

    def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, tr("Usage:", _WORDS_IN[0]) + " " if prefix is None else prefix)

    usage.translated = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = usage  # type: ignore[method-assign]
    help_option = core.Command.get_help_option

    def translated_help_option(self: Any, ctx: Any) -> Any:
        option = help_option(self, ctx)
        if option is not None and option.help:
            option.help = tr(option.help, _WORDS_IN[0])
        return option

    core.Command.get_help_option = translated_help_option  # type: ignore[method-assign]
