"""The error tree drawn in errors.py's docstring is the class hierarchy, with its codes."""

from __future__ import annotations

import inspect
import re

import pytest

from frontaid import errors
from frontaid.errors import FrontaidError

LINE = re.compile(r"^(?P<indent>[│ ]*(?:[├└]── )?)(?P<name>[A-Z]\w+)\s*(?P<note>.*)$")


def drawn_tree(doc: str) -> dict[str, tuple[str | None, int | None, int | None]]:
    """name -> (parent, exit code, HTTP status) as the docstring draws them (codes None if not said)."""
    lines = [line[4:] for line in doc.splitlines() if line.startswith("    ") and line.strip()]
    out: dict[str, tuple[str | None, int | None, int | None]] = {}
    stack: list[str] = []
    for line in lines:
        m = LINE.match(line)
        assert m, f"not a line of the tree: {line!r}"
        depth = len(m["indent"]) // 4
        del stack[depth:]
        exit_code = re.search(r"\bexit (\d+)", m["note"])
        http = re.search(r"\bHTTP (\d+)", m["note"])
        out[m["name"]] = (stack[-1] if stack else None, int(exit_code[1]) if exit_code else None,
                          int(http[1]) if http else None)
        stack.append(m["name"])
    return out


def classes() -> dict[str, type[FrontaidError]]:
    return {name: cls for name, cls in inspect.getmembers(errors, inspect.isclass)
            if issubclass(cls, FrontaidError) and cls.__module__ == errors.__name__}


def test_the_docstring_tree_is_the_hierarchy_and_its_codes() -> None:
    tree = drawn_tree(errors.__doc__ or "")
    found = classes()
    assert set(tree) == set(found), "every error class drawn once, and nothing else"
    for name, (parent, exit_code, http) in tree.items():
        cls = found[name]
        if parent is None:
            assert cls is FrontaidError
        else:
            assert cls.__bases__ == (found[parent],), f"{name} is drawn under {parent}"
        if exit_code is not None:
            assert cls.exit_code == exit_code, name
        if http is not None:
            assert cls.http_status == http, name
        base = cls.__bases__[0]
        if cls is not FrontaidError and cls.http_status != base.http_status:
            assert http is not None, f"{name} answers HTTP {cls.http_status}: the tree must say so"
        if cls is not FrontaidError and cls.exit_code != base.exit_code:
            assert exit_code is not None, f"{name} exits {cls.exit_code}: the tree must say so"


def test_the_check_sees_a_tree_that_lies() -> None:
    lie = """
    FrontaidError                    exit 2 · HTTP 400
    ├── NotFound                     HTTP 410: wrong code
    └── Refused                      under the root
    """
    tree = drawn_tree(lie)
    assert tree["NotFound"] == ("FrontaidError", None, 410)
    assert tree["Refused"] == ("FrontaidError", None, None)
    assert errors.NotFound.http_status != tree["NotFound"][2]
    with pytest.raises(AssertionError):
        drawn_tree("    not a tree line at all")


def test_every_message_has_ukrainian() -> None:
    from frontaid.i18n import catalog

    uk = catalog("uk")
    missing = [name for name, cls in classes().items() if cls.msgid not in uk]
    assert missing == []
