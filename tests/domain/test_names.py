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
