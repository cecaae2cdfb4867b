"""The Ukrainian reads as a native speaker writes it: counted nouns agree with their number
(plural entries, three forms), and the words docs/glossary.md says we avoid never appear."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

import frontaid
from frontaid.i18n import ngettext, uk_plural_index

SRC = Path(frontaid.__file__).parent
ROOT = SRC.parent.parent
CATALOGS = sorted((SRC / "locale" / "uk" / "LC_MESSAGES").glob("*.po"))
TEMPLATES = sorted([*(SRC / "web" / "templates").rglob("*.html"),
                    *(SRC / "reports" / "templates").rglob("*.html")])

# Placeholders that always hold a bare count.
NUMBER = r"(?:\{(?:n|count|minutes|total)(?::[^}]*)?\}|%d)"
# Units written as abbreviations, which do not change with the number (5 хв, 21 год, 3 дн.).
ABBREVIATIONS = {"хв", "год", "дн", "км", "м", "л", "кг", "с"}
COUNTED_NOUN = re.compile(NUMBER + r"\s+([а-яіїєґʼ']+)", re.IGNORECASE)


def _entries() -> list[tuple[str, object]]:
    out = []
    for path in CATALOGS:
        with path.open("rb") as fh:
            out.extend((path.name, m) for m in read_po(fh, locale="uk") if m.id)
    return out


def test_every_counted_noun_is_a_plural_entry_with_three_forms() -> None:
    """`{n} символів` reads wrong for 21 and 3: a number followed by a word needs ngettext's forms.

    A count in label form (`Домогосподарств: {n}`) or before an abbreviation (`{n} хв`) reads
    right for every number and may stay singular.
    """
    wrong = []
    for name, m in _entries():
        if isinstance(m.id, tuple | list):  # type: ignore[attr-defined]
            forms = [f for f in m.string if f]  # type: ignore[attr-defined]
            if len(forms) != 3:
                wrong.append(f"{name}: {m.id[0]!r} has {len(forms)} forms, Ukrainian needs 3")  # type: ignore[attr-defined]
            continue
        for word in COUNTED_NOUN.findall(str(m.string)):  # type: ignore[attr-defined]
            if word.lower().rstrip(".") not in ABBREVIATIONS:
                wrong.append(f"{name}: {m.id!r} -> {m.string!r} counts '{word}' without plural forms")  # type: ignore[attr-defined]
    assert not wrong, "\n".join(wrong)


def test_the_plural_forms_follow_ukrainian_rules() -> None:
    assert [uk_plural_index(n) for n in (1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111)] == [
        0, 1, 1, 2, 2, 2, 2, 0, 1, 2, 0, 2]
    assert ngettext("{n} day", "{n} days", 21, "uk").format(n=21) == "21 день"
    assert ngettext("{n} day", "{n} days", 3, "uk").format(n=3) == "3 дні"
    assert ngettext("{n} day", "{n} days", 11, "uk").format(n=11) == "11 днів"
    harm = [ngettext(f"{{n}} {w}", f"{{n}} {w}", n, "uk").format(n=n)
            for w, n in (("killed", 3), ("wounded", 11))]
    assert harm == ["3 загиблі", "11 поранених"]  # not "3 загинули · 11 поранені"
    assert ngettext("{n} wounded", "{n} wounded", 21, "en").format(n=21) == "21 wounded"


def _avoided_words() -> list[str]:
    """The first column of the glossary's "Words we avoid" table."""
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    section = text.split("## Слова, яких уникаємо", 1)[1].split("\n## ", 1)[0]
    words = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] and not set(cells[0]) <= {"-", " "} and cells[0] != "не пишемо":
            words.extend(w.split("(")[0].strip() for w in cells[0].split(","))
    return [w for w in words if w]


def _stem(word: str) -> str:
    """Enough of a word to catch its other cases: репліка → реплік (реплікою, репліки)."""
    return word[:-1] if len(word) > 5 and word[-1] in "аяоеиіуюь" else word


def test_the_glossary_lists_the_words_we_avoid() -> None:
    words = _avoided_words()
    assert "репліка" in words and "злиття" in words, words


def test_no_avoided_word_in_ukrainian_strings_or_templates() -> None:
    stems = {w: re.compile(r"(?<![а-яіїєґ])" + re.escape(_stem(w.lower())), re.IGNORECASE)
             for w in _avoided_words()}
    found = []
    for name, m in _entries():
        strings = m.string if isinstance(m.string, tuple | list) else (m.string,)  # type: ignore[attr-defined]
        for s in strings:
            found.extend(f"{name}: {s!r} uses '{w}'" for w, rx in stems.items() if rx.search(str(s)))
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        found.extend(f"{path.name} uses '{w}'" for w, rx in stems.items() if rx.search(text))
    assert not found, "\n".join(found)
