"""Vocabulary values in Ukrainian and Russian beside the English slugs (`--shelter підвал`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontaid.actions.validate import accepted_words, choice
from frontaid.cli import app
from frontaid.domain import vocab
from frontaid.errors import UnknownChoice

runner = CliRunner()


@pytest.mark.parametrize(("typed", "table", "slug"), [
    ("підвал", vocab.SHELTERS, "basement"), ("Подвал", vocab.SHELTERS, "basement"),
    ("BASEMENT", vocab.SHELTERS, "basement"), ("обстріл", vocab.INCIDENT_KINDS, "shelling"),
    ("обстрел", vocab.INCIDENT_KINDS, "shelling"), ("тварини", vocab.EVAC_REASONS, "animals"),
    ("має тварин", vocab.EVAC_REASONS, "animals"), ("животные", vocab.EVAC_REASONS, "animals"),
    ("ж", vocab.SEXES, "f"), ("критична", vocab.URGENCIES, "critical"),
])
def test_a_word_in_any_of_the_three_languages_gives_the_slug(typed: str, table: dict[str, str],
                                                              slug: str) -> None:
    assert choice(typed, table, "shelter") == slug


def test_no_word_means_two_slugs_in_one_vocabulary() -> None:
    for name, others in vocab.OTHER_WORDS.items():
        table = getattr(vocab, name)
        assert set(others) <= set(table), name
        seen: dict[str, str] = {}
        for slug, words in others.items():
            for w in words:
                assert seen.setdefault(w.lower(), slug) == slug, (name, w)
        assert all(accepted_words(table)[w.lower()] == s for w, s in seen.items()), name


def test_a_wrong_word_lists_the_accepted_words_in_the_users_language() -> None:
    with pytest.raises(UnknownChoice) as err:
        choice("бункер", vocab.SHELTERS, "shelter")
    uk, en = err.value.text("uk"), err.value.text("en")
    assert "підвал (basement)" in uk and "квартира (flat)" in uk
    assert "basement, flat" in en and "підвал" not in en


def test_the_cli_takes_ukrainian_words(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")

    def go(*args: str) -> dict[str, object]:
        res = runner.invoke(app, ["--db", db, "--lang", "uk", "--json", *args])
        assert res.exit_code == 0, res.stderr
        return json.loads(res.stdout)  # type: ignore[no-any-return]

    go("init", "--no-encrypt", "--town", "Бахмут")
    go("zone", "add", "east", "--name", "Східний берег", "--name-en", "East bank")
    go("household", "add", "--zone", "east", "--address", "Сибірцева 12", "--shelter", "підвал")
    go("incident", "add", "--kind", "обстріл", "--zone", "east", "--at", "2026-11-02 14:30")
    bad = runner.invoke(app, ["--db", db, "--lang", "uk", "household", "add", "--zone", "east",
                              "--address", "Б 1", "--shelter", "бункер"])
    assert bad.exit_code == 2 and "підвал (basement)" in bad.stderr
