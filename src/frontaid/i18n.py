"""Ukrainian-first translation: gettext catalogs (.po) read with babel at run time.

English strings are the msgids; `locale/uk/LC_MESSAGES/*.po` hold the Ukrainian,
one catalog per part of the app (frontaid.po for the core, web.po, match.po, ...),
merged into one table; a msgid may appear in only one of them. Reading the .po
directly (no compiled .mo) keeps a fresh clone working with no build step.

Numbers in a sentence go through `ngettext(singular, plural, n)`: the .po entry has
`msgid_plural` and `msgstr[0..2]`, chosen by Ukrainian's rule (1, 21 домогосподарство;
2-4, 22 домогосподарства; 5-20, 11-14 домогосподарств), `uk_plural_index`.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGUAGES = ("uk", "en")
DEFAULT_LANGUAGE = "uk"
_LOCALE_DIR = Path(__file__).parent / "locale"
_current: ContextVar[str] = ContextVar("frontaid_language", default=DEFAULT_LANGUAGE)


def language_from_env() -> str:
    """The language the environment asks for: FRONTAID_LANG, then LANG, else Ukrainian."""
    for var in ("FRONTAID_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        code = value.split(".")[0].split("_")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Make `lang` the language of every string rendered in this context."""
    _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current.get()


@cache
def catalog(lang: str) -> dict[str, str]:
    """The msgid → translation table of one language (empty for English)."""
    return _catalogs(lang)[0]


@cache
def plural_catalog(lang: str) -> dict[str, tuple[str, ...]]:
    """The singular msgid → plural forms table of one language (empty for English)."""
    return _catalogs(lang)[1]


@cache
def _catalogs(lang: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    if lang == "en":
        return {}, {}
    from babel.messages.pofile import read_po

    table: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for path in sorted((_LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        for m in cat:
            if not m.id or m.fuzzy:
                continue
            if isinstance(m.id, tuple | list):  # msgid + msgid_plural
                forms = tuple(str(f) for f in (m.string or ()))
                if all(forms):
                    plurals[str(m.id[0])] = forms
            elif m.string:
                table[str(m.id)] = str(m.string)
    return table, plurals


def add_names(names: dict[str, str], lang: str = "uk") -> None:
    """Names that live in the data, not in a catalog (a deployment's own items): each English name
    → its `lang` name, for every screen and printout of this process."""
    table = catalog(lang)
    for english, local in names.items():
        if english and local:
            table.setdefault(english, local)


def uk_plural_index(n: int) -> int:
    """Which of Ukrainian's three plural forms a count takes (the .po's Plural-Forms rule)."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


class Label(str):
    """A vocabulary label inside a message: translated along with the message."""


def gettext(msgid: str, lang: str | None = None) -> str:
    """`msgid` in `lang` (default: the current language); the msgid itself if untranslated."""
    return catalog(lang or _current.get()).get(msgid, msgid)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """The form of a sentence with a number that fits `n`, in `lang` (default: the current language).

    Not formatted: callers fill `{n}` (and their other placeholders) with `.format`.
    """
    lang = lang or _current.get()
    forms = plural_catalog(lang).get(singular)
    if forms:
        return forms[min(uk_plural_index(n), len(forms) - 1)]
    return singular if abs(int(n)) == 1 else plural


_ = gettext
