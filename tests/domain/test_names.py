"""Name folding: case, apostrophes, accents and spacing never stop a match."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontaid.domain.names import fold


@pytest.mark.parametrize(("a", "b"), [
    ("Ковальчук", "КОВАЛЬЧУК"),
    ("Мар'яна", "Марʼяна"),
    ("Мар’яна", "маряна"),
    ("  Anna   Kovalenko ", "anna kovalenko"),
    ("Jean-Luc", "jean luc"),
    ("José", "jose"),
])
def test_these_fold_together(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_short_i_and_yi_survive() -> None:
    assert fold("Андрій") == "андрій"
    assert fold("Їжак") == "їжак"
    assert fold("Андрій") != fold("Андрии")
    # Decomposed input folds like composed input.
    assert fold(unicodedata.normalize("NFD", "Андрій Їжак")) == "андрій їжак"


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_fold_is_idempotent_and_tidy(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert once == once.strip()
    assert "  " not in once


def _reference_fold(text: str) -> str:
    """The first, character-by-character fold: the fast paths must agree with it."""
    text = text.translate(str.maketrans({"'": "", "’": "", "ʼ": "", "`": "", "´": "", "-": " "})).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for i, ch in enumerate(decomposed)
                   if not unicodedata.combining(ch) or (i and decomposed[i - 1] in "иіиИІ"))
    return " ".join(unicodedata.normalize("NFC", kept).split())


NAMEISH = st.text(alphabet=st.sampled_from(
    list("abcdeéèñöüAZ -'’ʼ`´") + list("АаБбИиЙйІіЇїЄєҐґЁёЩщЬьъ")
    + ["\u0301", "\u0306", "\u0308", "\u0483", "\u034f", "ά", "Ω", "ẞ", "ﬁ", "ǅ", "\u05b8", "א"]),
    max_size=24)


@settings(max_examples=400)
@given(st.one_of(NAMEISH, st.text(max_size=24)))
def test_fold_fast_paths_agree_with_the_reference(text: str) -> None:
    assert fold(text) == _reference_fold(text)
