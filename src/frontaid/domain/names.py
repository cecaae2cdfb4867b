"""Name folding for search: case, apostrophes and spacing never stop a match."""

from __future__ import annotations

import functools
import re
import unicodedata

_APOSTROPHES = str.maketrans({"'": "", "’": "", "ʼ": "", "`": "", "´": "", "-": " "})
# Decomposed text made only of these ranges can carry no combining mark other than the
# Combining Diacritical Marks block (U+0300–U+036F): Latin, Greek, Cyrillic (less its own
# combining signs U+0483–U+0489). Such text, nearly every name, takes the regex path.
_PLAIN = re.compile("[\u0000-\u0482\u048a-\u052f]*")
# A mark is dropped unless it follows и or і: й and ї decompose to и/і + a mark and stay.
# (U+034F, the grapheme joiner, is in the block but is not a combining mark.)
_MARK = re.compile("(?<![иі])[\u0300-\u034e\u0350-\u036f]")


def fold(text: str) -> str:
    """A search key: casefolded, apostrophes and accents dropped, single spaces."""
    # Word by word (no step crosses a space), so the words a town shares are folded once.
    return " ".join([w for w in map(_fold_word, text.translate(_APOSTROPHES).casefold().split()) if w])


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    kept = _MARK.sub("", decomposed) if _PLAIN.fullmatch(decomposed) else _fold_marks(decomposed)
    return unicodedata.normalize("NFC", kept)


def _fold_marks(decomposed: str) -> str:
    """Any script: every combining mark dropped except one right after и or і."""
    return "".join(
        ch for i, ch in enumerate(decomposed)
        if not unicodedata.combining(ch) or (i and decomposed[i - 1] in "иі")
    )
