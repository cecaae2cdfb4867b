"""Keep locale/uk/LC_MESSAGES/help.po, the Ukrainian of every command's --help, in step with the code.

    python scripts/help_po.py          # add new help texts (empty translations), drop ones gone
    python scripts/help_po.py --check  # exit 1 if a help text has no translation

The msgids are what frontaid/cli/helptext.py looks up: each paragraph of a command's help and each
option's help, whitespace folded. Texts already translated in another catalog are left there.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from typer.main import get_command

from frontaid.cli import app, helptext

LOCALE = Path(helptext.__file__).resolve().parent.parent / "locale" / "uk" / "LC_MESSAGES"
PO = LOCALE / "help.po"


def help_msgids() -> list[str]:
    """Every help msgid of the command tree, in --help order, then click's own words."""
    out: list[str] = []

    def add(text: str) -> None:
        key = helptext.msgid(text)
        if key and key not in out:
            out.append(key)

    for cmd in helptext.walk(get_command(app)):
        for para in inspect.cleandoc(cmd.help or "").split("\n\n"):
            if not para.startswith("\b"):
                add(para)
        for p in cmd.params:
            if getattr(p, "help", None):
                add(p.help)
    out += [helptext.USAGE, *helptext.HEADINGS.values(), *helptext.EXTRAS.values(), helptext.EXAMPLE,
            "Show this message and exit."]
    return out


def elsewhere() -> set[str]:
    """Msgids held by the other catalogs."""
    ids: set[str] = set()
    for po in LOCALE.glob("*.po"):
        if po.name != PO.name:
            with po.open("rb") as fh:
                ids.update(str(m.id) for m in read_po(fh, locale="uk") if m.id and isinstance(m.id, str))
    return ids


def current() -> dict[str, str]:
    if not PO.exists():
        return {}
    with PO.open("rb") as fh:
        return {str(m.id): str(m.string or "") for m in read_po(fh, locale="uk") if m.id}


def write(translations: dict[str, str]) -> None:
    cat = Catalog(locale="uk", project="frontaid", domain="help",
                  header_comment="# Ukrainian of `frontaid --help`: see scripts/help_po.py.")
    for key in help_msgids():
        if key not in elsewhere_ids:
            cat.add(key, translations.get(key, ""))
    with PO.open("wb") as fh:
        write_po(fh, cat, width=100, omit_header=False, no_location=True)


elsewhere_ids: set[str] = set()


def main(argv: list[str]) -> int:
    elsewhere_ids.update(elsewhere())
    have = current()
    if "--check" in argv:
        missing = [k for k in help_msgids() if k not in elsewhere_ids and not have.get(k)]
        for k in missing:
            print(f"untranslated: {k}", file=sys.stderr)
        return 1 if missing else 0
    write(have)
    print(f"wrote {PO}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
