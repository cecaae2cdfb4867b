"""Every English msgid in frontaid has a Ukrainian translation, and the catalog is clean."""

from __future__ import annotations

import ast
import inspect
from collections import Counter
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import frontaid
from frontaid import errors
from frontaid.actions import registry as registry_actions
from frontaid.actions.validate import WHAT
from frontaid.domain import vocab
from frontaid.i18n import catalog, gettext

SRC = Path(frontaid.__file__).parent
CATALOGS = sorted((SRC / "locale" / "uk" / "LC_MESSAGES").glob("*.po"))

# Functions of actions/validate.py whose second argument names the value (`what`) in a message.
WHAT_ARG_FUNCTIONS = {"count", "text", "choice", "choices", "coordinate"}
ERROR_NAMES = {name for name, obj in vars(errors).items()
               if inspect.isclass(obj) and issubclass(obj, errors.FrontaidError)}


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _call_name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def gettext_msgids() -> set[str]:
    """Literal strings passed to `_`, `gettext` and `N_` anywhere in the package."""
    found = extract_from_dir(
        str(SRC), method_map=[("**.py", "python")],
        keywords={"_": None, "gettext": None, "N_": None},
    )
    out = set()
    for _file, _line, message, _comments, _ctx in found:
        ids = message if isinstance(message, tuple) else (message,)
        out.update(m for m in ids if m)
    return out


def error_msgids() -> set[str]:
    """Class-level `msgid = ...` in errors.py."""
    return {cls.msgid for name, cls in vars(errors).items() if name in ERROR_NAMES}


def raised_msgids() -> set[str]:
    """Literal messages and `what` nouns given to our errors and to the input checks."""
    out: set[str] = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            if name in ERROR_NAMES:
                if node.args and (text := _literal(node.args[0])):
                    out.add(text)
                for kw in node.keywords:
                    if kw.arg in ("msgid", "what") and (text := _literal(kw.value)):
                        out.add(text)
            if name in WHAT_ARG_FUNCTIONS and len(node.args) >= 2 and (text := _literal(node.args[1])):
                out.add(text)
            for kw in node.keywords:
                if kw.arg == "what" and (text := _literal(kw.value)):
                    out.add(text)
    return out


def vocab_msgids() -> set[str]:
    out: set[str] = set()
    for name, value in vars(vocab).items():
        if name.isupper() and isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            out.update(value.values())
    return out


def field_msgids() -> set[str]:
    """Field names an action uses as the `what` of a message (household set, person set)."""
    return set(WHAT.values()) | registry_actions.HOUSEHOLD_FIELDS | registry_actions.PERSON_FIELDS


def all_msgids() -> set[str]:
    return gettext_msgids() | error_msgids() | raised_msgids() | vocab_msgids() | field_msgids()


def test_every_msgid_has_a_ukrainian_translation() -> None:
    uk = catalog("uk")
    missing = sorted(m for m in all_msgids() if not uk.get(m, "").strip())
    assert not missing, "untranslated msgids:\n" + "\n".join(missing)


def test_extraction_finds_each_source() -> None:
    # Guards against an extractor that silently finds nothing.
    assert "food kit" in vocab_msgids()
    assert errors.AlreadyHandedOut.msgid in error_msgids()
    assert "Say where: a household, a zone or a location." in raised_msgids()
    assert "household size" in raised_msgids()
    assert "Household registered. Write this code on the card:" in gettext_msgids()


def test_po_parses_without_fuzzy_or_duplicate_entries() -> None:
    assert any(p.name == "frontaid.po" for p in CATALOGS)
    ids: Counter[str] = Counter()
    for po in CATALOGS:
        with po.open("rb") as fh:
            cat = read_po(fh, locale="uk")
        fuzzy = [m.id for m in cat if m.id and m.fuzzy]
        assert not fuzzy, f"fuzzy entries in {po.name}: {fuzzy}"
        # babel merges duplicates silently, so count msgid lines in the files themselves,
        # across catalogs too (a msgid belongs to one part of the app).
        with po.open("rb") as fh:
            for _lineno, message in _raw_msgids(fh.read().decode("utf-8")):
                ids[message] += 1
    dupes = [m for m, n in ids.items() if n > 1]
    assert not dupes, f"duplicate msgids: {dupes}"


def _raw_msgids(text: str) -> list[tuple[int, str]]:
    """(line, msgid) for each entry, joining continued string lines."""
    out: list[tuple[int, str]] = []
    current: list[str] | None = None
    start = 0
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if s.startswith("msgid "):
            current, start = [ast.literal_eval(s[6:])], i
        elif s.startswith('"') and current is not None:
            current.append(ast.literal_eval(s))
        else:
            if current is not None and "".join(current):
                out.append((start, "".join(current)))
            current = None
    return out


def test_placeholders_match() -> None:
    """A translation keeps every {placeholder} of its msgid, so .format never fails."""
    import string

    def names(s: str) -> set[str]:
        return {f for _lit, f, _spec, _conv in string.Formatter().parse(s) if f}

    bad = [m for m, t in catalog("uk").items() if names(m) != names(t)]
    assert not bad, f"placeholders differ: {bad}"


def test_english_is_the_msgid_and_ukrainian_differs() -> None:
    assert gettext("food kit", "en") == "food kit"
    assert gettext("food kit", "uk") == "продуктовий набір"
