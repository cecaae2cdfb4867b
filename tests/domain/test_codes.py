"""Human codes: Damm check digits catch every single typo and every neighbour swap."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from frontaid.domain.codes import (
    _DAMM,
    PREFIX_LETTERS,
    damm,
    is_canonical,
    looks_like_code,
    make_code,
    new_prefix,
    normalise_code,
)

prefixes = st.text(alphabet=PREFIX_LETTERS, min_size=3, max_size=3)
counters = st.integers(0, 999_999)
LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMPTX", "АВСЕНКМРТХ")




def test_damm_table_is_a_totally_anti_symmetric_quasigroup() -> None:
    rows = [list(r) for r in _DAMM]
    assert all(sorted(r) == list(range(10)) for r in rows)
    assert all(sorted(r[j] for r in rows) == list(range(10)) for j in range(10))
    assert all(rows[i][i] == 0 for i in range(10))
    assert all(rows[rows[c][x]][y] != rows[rows[c][y]][x]
               for c in range(10) for x in range(10) for y in range(10) if x != y)


def test_damm_textbook_example() -> None:
    assert damm("572") == 4
    assert damm("5724") == 0


def test_known_code() -> None:
    code = make_code("KMT", 42)
    assert code.startswith("KMT-042-")
    assert normalise_code(code) == code


@settings(max_examples=300)
@given(prefixes, counters)
def test_every_code_normalises_to_itself(prefix: str, counter: int) -> None:
    code = make_code(prefix, counter)
    assert normalise_code(code) == code
    assert looks_like_code(code)


@settings(max_examples=300)
@given(prefixes, counters)
def test_lower_case_cyrillic_and_no_dashes_are_accepted(prefix: str, counter: int) -> None:
    code = make_code(prefix, counter)
    assert normalise_code(code.lower()) == code
    assert normalise_code(code.translate(LATIN_TO_CYRILLIC)) == code
    assert normalise_code(code.translate(LATIN_TO_CYRILLIC).lower()) == code
    assert normalise_code(code.replace("-", "")) == code
    assert normalise_code(code.replace("-", " ")) == code


def _digit_positions(code: str) -> list[int]:
    return [i for i, ch in enumerate(code) if ch.isdigit()]


@pytest.mark.parametrize(("prefix", "counter", "typo"), [
    ("BKX", 0, lambda c: c[:4] + "1" + c[5:]),         # a slip in a padding zero
    ("HAK", 800, lambda c: c[:4] + "08" + c[6:]),       # a swap with a padding zero
])
def test_typos_in_the_zero_padding_are_rejected(prefix: str, counter: int, typo: Any) -> None:
    card = make_code(prefix, counter)
    assert normalise_code(card) == card
    assert normalise_code(typo(card)) is None


def test_a_leading_zero_typed_into_a_long_counter_is_rejected() -> None:
    card = make_code("KMT", 6000)
    assert normalise_code(card) == card
    assert normalise_code(card[:4] + "0" + card[5:]) is None


@settings(max_examples=500, derandomize=True)
@given(prefixes, counters, st.data())
def test_any_single_changed_digit_is_rejected(prefix: str, counter: int, data: st.DataObject) -> None:
    code = make_code(prefix, counter)
    i = data.draw(st.sampled_from(_digit_positions(code)))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != code[i]]))
    typo = code[:i] + new + code[i + 1:]
    assert normalise_code(typo) is None


@settings(max_examples=500, derandomize=True)
@given(prefixes, counters, st.data())
def test_any_swap_of_adjacent_digits_is_rejected(prefix: str, counter: int, data: st.DataObject) -> None:
    digits = make_code(prefix, counter).replace("-", "")[3:]
    i = data.draw(st.integers(0, len(digits) - 2))
    assume(digits[i] != digits[i + 1])
    swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
    assert normalise_code(prefix + swapped) is None


@settings(max_examples=300)
@given(prefixes, counters, st.data())
def test_a_changed_prefix_letter_is_rejected(prefix: str, counter: int, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, 2))
    other = data.draw(st.sampled_from([c for c in PREFIX_LETTERS if c != prefix[i]]))
    code = make_code(prefix, counter)
    assert normalise_code(other.join([code[:i], code[i + 1:]])) is None
    if prefix[i] != prefix[(i + 1) % 3] and i < 2:
        swapped = prefix[:i] + prefix[i + 1] + prefix[i] + prefix[i + 2:]
        assert normalise_code(swapped + code[3:]) is None


@settings(max_examples=500)
@given(prefixes, st.integers(1000, 999_999), st.data())
def test_any_single_changed_digit_of_a_long_counter_is_rejected(prefix: str, counter: int,
                                                                  data: st.DataObject) -> None:
    # Counters of four digits or more carry no padding: here the check digit covers every digit.
    code = make_code(prefix, counter)
    i = data.draw(st.sampled_from(_digit_positions(code)[1:]))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != code[i]]))
    assert normalise_code(code[:i] + new + code[i + 1:]) is None


def test_a_wrong_check_digit_is_rejected() -> None:
    code = make_code("KMT", 42)
    for d in "0123456789":
        typo = code[:-1] + d
        assert (normalise_code(typo) is None) == (typo != code)


@pytest.mark.parametrize("text", ["", "KMT", "KM-042-6", "ZZZ-042-6", "KMT-04A-6", "hello", "1234567"])
def test_garbage_is_not_a_code(text: str) -> None:
    assert normalise_code(text) is None


def test_looks_like_code_is_about_shape_only() -> None:
    good = make_code("KMT", 42)
    bad_check = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert looks_like_code(bad_check) and normalise_code(bad_check) is None
    assert not looks_like_code("Kovalenko")


def test_new_prefix_uses_look_alike_letters() -> None:
    for _ in range(50):
        p = new_prefix()
        assert len(p) == 3 and set(p) <= set(PREFIX_LETTERS)


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["KMT", "BXM", "ACE"]),
       st.text(alphabet="ABCEHKMPTX0123456789-кмт ", max_size=12))
def test_is_canonical_agrees_with_normalising(counter: int, prefix: str, noise: str) -> None:
    code = make_code(prefix, counter)
    assert is_canonical(code)
    for text in (code, code.lower(), code.replace("-", ""), f"{prefix}-0{code[4:]}", code[:-1] + "0",
                 code[:-1] + "1", noise, code + noise):
        assert is_canonical(text) == (normalise_code(text) == text), text
