"""Values typed in Ukrainian or Russian, beside the English slugs (`--shelter підвал`)."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontaid.actions.validate import choice
from frontaid.domain import vocab
from frontaid.errors import UnknownChoice
from frontaid.i18n import gettext, set_language

ALL_VOCABS = [getattr(vocab, name) for name in dir(vocab)
              if name.isupper() and isinstance(getattr(vocab, name), dict)
              and all(isinstance(v, str) for v in getattr(vocab, name).values())]


@pytest.mark.parametrize("typed, vocab_, slug", [
    ("підвал", vocab.SHELTERS, "basement"), ("Подвал", vocab.SHELTERS, "basement"),
    ("обстріл", vocab.INCIDENT_KINDS, "shelling"), ("обстрел", vocab.INCIDENT_KINDS, "shelling"),
    ("тварини", vocab.EVAC_REASONS, "animals"), ("животные", vocab.EVAC_REASONS, "animals"),
    ("відмова", vocab.EVAC_ANSWERS, "refused"), ("ж", vocab.SEXES, "f"), ("м", vocab.SEXES, "m"),
    ("  Ліки ", vocab.NEEDS, "medicine"), ("здоровʼя", vocab.EVAC_REASONS, "health"),
    ("basement", vocab.SHELTERS, "basement"), ("BASEMENT", vocab.SHELTERS, "basement"),
])
def test_ukrainian_russian_and_english_words_give_the_slug(typed: str, vocab_: dict[str, str],
                                                          slug: str) -> None:
    assert choice(typed, vocab_, "x") == slug


@pytest.mark.parametrize("vocab_", ALL_VOCABS)
def test_every_slug_and_its_labels_in_both_languages_are_accepted(vocab_: dict[str, str]) -> None:
    for slug, label in vocab_.items():
        assert choice(slug, vocab_, "x") == slug
        assert choice(label, vocab_, "x") == slug
        assert choice(gettext(label, "uk"), vocab_, "x") == slug


def test_no_extra_word_names_two_slugs_of_one_vocabulary() -> None:
    for name, words in vocab.ALSO.items():
        table = getattr(vocab, name)
        assert set(words) <= set(table), name
        seen: dict[str, str] = {}
        for slug, typed in words.items():
            for w in typed:
                assert seen.setdefault(w, slug) == slug, (name, w)


def test_a_wrong_word_lists_the_choices_in_the_users_language() -> None:
    set_language("uk")
    try:
        with pytest.raises(UnknownChoice) as err:
            choice("бункер", vocab.SHELTERS, "shelter")
        text = err.value.text("uk")
        assert "підвал" in text and "basement" not in text
    finally:
        set_language("en")
    with pytest.raises(UnknownChoice) as err:
        choice("bunker", vocab.SHELTERS, "shelter")
    assert "basement" in err.value.text("en")


@given(st.text(max_size=30))
def test_anything_typed_is_a_slug_or_one_clear_refusal(typed: str) -> None:
    with contextlib.suppress(UnknownChoice):
        assert choice(typed, vocab.SHELTERS, "shelter") in vocab.SHELTERS


def test_a_town_with_no_zones_or_sites_says_which_command_adds_one(tmp_path: Any) -> None:
    from frontaid.actions import validate
    from frontaid.errors import NoneYet
    from frontaid.store.replica import Replica

    rep = Replica.create(tmp_path / "new.db", "Бахмут")
    try:
        with pytest.raises(NoneYet) as err:
            validate.zone(rep, "east")
        assert "frontaid zone add" in err.value.text("en") and "Спершу додайте" in err.value.text("uk")
        with pytest.raises(NoneYet) as err:
            validate.site(rep, "school", kinds=["food-point"])
        assert "frontaid site add" in err.value.text("uk") and "--kind food-point" in err.value.text("uk")
    finally:
        rep.close()
