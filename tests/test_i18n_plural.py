"""Ukrainian plurals: three forms chosen by the last digits, read from msgid_plural entries."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import frontaid
from frontaid.i18n import catalog, ngettext, plural_catalog, uk_plural_index

SRC = Path(frontaid.__file__).parent


def test_the_ukrainian_rule() -> None:
    forms = {
        n: uk_plural_index(n) for n in (0, 1, 2, 4, 5, 11, 12, 14, 15, 21, 22, 25, 101, 111, 112, 1000, 1001)
    }
    assert forms == {
        0: 2,
        1: 0,
        2: 1,
        4: 1,
        5: 2,
        11: 2,
        12: 2,
        14: 2,
        15: 2,
        21: 0,
        22: 1,
        25: 2,
        101: 0,
        111: 2,
        112: 2,
        1000: 2,
        1001: 0,
    }


def test_ngettext_picks_the_form_in_each_language() -> None:
    one, many = "{n} household", "{n} households"
    assert [ngettext(one, many, n, "uk").format(n=n) for n in (1, 3, 5, 21, 11)] == [
        "1 домогосподарство",
        "3 домогосподарства",
        "5 домогосподарств",
        "21 домогосподарство",
        "11 домогосподарств",
    ]
    assert ngettext(one, many, 1, "en") == one and ngettext(one, many, 2, "en") == many
    assert ngettext("no such {n} thing", "no such {n} things", 5, "uk") == "no such {n} things"


def test_every_plural_in_the_code_and_templates_has_three_ukrainian_forms() -> None:
    pattern = re.compile(r'(?<![\w.])(?:ngettext|n_)\(\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"')
    used = set()
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.html")]:
        used |= {m[0] for m in pattern.findall(path.read_text(encoding="utf-8"))}
    assert "{n} household" in used
    forms = plural_catalog("uk")
    missing = sorted(m for m in used if len(forms.get(m, ())) != 3)
    assert not missing, missing
    assert all(form.count("{") == forms[m][0].count("{") for m in used for form in forms[m])


def test_every_string_of_the_printout_templates_is_translated() -> None:
    uk = catalog("uk")
    found = set()
    for path in (SRC / "reports" / "templates").glob("*.html"):
        found |= set(re.findall(r'(?<![\w.])_\("((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")))
    assert "Where and when to get aid" in found
    missing = sorted(m for m in found if not uk.get(m, "").strip())
    assert not missing, missing


@given(st.integers(min_value=0, max_value=10**9))
def test_the_rule_agrees_with_the_cldr_rule_babel_ships(n: int) -> None:
    from babel import Locale

    assert uk_plural_index(n) == {"one": 0, "few": 1, "many": 2}[Locale("uk").plural_form(n)]
