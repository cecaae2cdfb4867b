"""Name folding for search: case, apostrophes and spacing never stop a match."""

from __future__ import annotations

import unicodedata

_APOSTROPHES = str.maketrans({"'": "", "’": "", "ʼ": "", "`": "", "´": "", "-": " "})


def fold(text: str) -> str:
    """A search key: casefolded, apostrophes and accents dropped, single spaces."""
    text = text.translate(_APOSTROPHES).casefold()
    # Drop combining marks but keep й/ї (they decompose to и/і + a mark in NFD).
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(
        ch for i, ch in enumerate(decomposed)
        if not unicodedata.combining(ch) or (i and decomposed[i - 1] in "иіиИІ")
    )
    return " ".join(unicodedata.normalize("NFC", kept).split())
