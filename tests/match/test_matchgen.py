"""The benchmark's generator (bench/matchgen.py): same seed same set, labels hold, shares as configured."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from frontaid.domain import name_keys as names  # noqa: E402
from matchgen import ADDRESS, BORN, SCRIPTS, Config, Dataset, generate  # noqa: E402

N = 20_000


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return generate(Config(records=N, seed=11))


def test_same_seed_same_rows_other_seed_other_rows(ds: Dataset) -> None:
    again = generate(Config(records=N, seed=11))
    assert again.rows == ds.rows and again.entity == ds.entity and again.kinds == ds.kinds
    assert again.hard == ds.hard
    assert generate(Config(records=N, seed=12)).rows != ds.rows


def test_size_ids_and_labels(ds: Dataset) -> None:
    assert N <= len(ds.rows) < N + 20  # stops within one household of the target
    assert len({r.id for r in ds.rows}) == len(ds.rows)
    assert len(ds.entity) == len(ds.kinds) == len(ds.rows)
    groups = ds.groups()
    # Each person has exactly one first record (no tags) and the rest are second records.
    firsts = Counter(e for e, k in zip(ds.entity, ds.kinds, strict=True) if not k)
    assert set(firsts) == set(groups) and set(firsts.values()) == {1}
    assert len(ds.true_pairs()) == sum(len(v) * (len(v) - 1) // 2 for v in groups.values())
    assert len(ds.true_pairs()) > 0.1 * N


def test_a_person_keeps_sex_and_document_across_records(ds: Dataset) -> None:
    sex: dict[int, set[str]] = {}
    doc: dict[int, set[str]] = {}
    for r, e in zip(ds.rows, ds.entity, strict=True):
        if r.sex:
            sex.setdefault(e, set()).add(r.sex)
        if r.doc:
            doc.setdefault(e, set()).add(r.doc)
    assert all(len(v) == 1 for v in sex.values())
    assert all(len(v) == 1 for v in doc.values())


def test_shares_of_each_rendering_as_configured(ds: Dataset) -> None:
    cfg, shares = ds.config, ds.kind_shares()
    expected = dict(zip(SCRIPTS, cfg.script, strict=True)) | dict(zip(BORN, cfg.born, strict=True)) \
        | dict(zip(ADDRESS, cfg.address, strict=True))
    expected |= {"swapped": cfg.swapped, "typo": cfg.typo, "upper": cfg.upper,
                 "patronymic": cfg.patronymic_toggle}
    total = sum(cfg.script)
    for tag, share in expected.items():
        if tag in SCRIPTS:
            share /= total
        assert shares.get(tag, 0.0) == pytest.approx(share, abs=0.025), tag
    # Dial one knob and its share follows.
    more = generate(Config(records=N, seed=11, typo=0.6, swapped=0.0))
    assert more.kind_shares()["typo"] == pytest.approx(0.6, abs=0.03)
    assert "swapped" not in more.kind_shares()


def test_renderings_say_what_they_did(ds: Dataset) -> None:
    first = {e: r for r, e, k in zip(ds.rows, ds.entity, ds.kinds, strict=True) if not k}
    for r, e, k in zip(ds.rows, ds.entity, ds.kinds, strict=True):
        if not k:
            assert names.script(r.name) in ("uk", "cyrillic") and r.name.split()[0][0].isupper()
            continue
        base = first[e]
        if "kmu" in k or "latin" in k or "english" in k:
            assert names.script(r.name) == "latin", r
        if "uk" in k and "typo" not in k and "upper" not in k and "patronymic" not in k:
            assert sorted(r.name.split()) == sorted(base.name.split())
        if "born-missing" in k:
            assert r.born == ""
        if "born-year" in k:
            assert r.born == base.born[:4] or not base.born
        if "addr-missing" in k:
            assert r.address == ""
        if "other-household" in k:
            assert r.household != base.household
        else:
            assert r.household == base.household


def test_hard_negatives_are_different_people_who_look_alike(ds: Dataset) -> None:
    kinds = Counter(ds.hard.values())
    assert kinds["father-son"] > 10 and kinds["paired-siblings"] > 10 and kinds["paired-couple"] > 5
    first = {e: r for r, e, k in zip(ds.rows, ds.entity, ds.kinds, strict=True) if not k}
    twins = 0
    for (a, b), kind in ds.hard.items():
        ra, rb = first[a], first[b]
        assert a != b and ra.household == rb.household
        if kind == "father-son":
            assert ra.sex in ("m", "") and rb.sex in ("m", "")
            assert names.given_groups(ra.name.split()[1]) == names.given_groups(rb.name.split()[1])
        else:  # Олександр and Олександра: one letter apart, not one name
            ga, gb = ra.name.split()[1], rb.name.split()[1]
            assert ga != gb and (ga.startswith(gb) or gb.startswith(ga) or ga[:4] == gb[:4])
            twins += kind == "paired-siblings" and ra.born == rb.born != ""
    assert twins > 0


def test_households_are_registered_again_together(ds: Dataset) -> None:
    home = {e: r.household for r, e, k in zip(ds.rows, ds.entity, ds.kinds, strict=True) if not k}
    # A second card holding second records of two or more people of one family: the
    # household registered again at another desk.
    cards: dict[str, set[str]] = {}
    size: Counter[str] = Counter()
    for r, e, k in zip(ds.rows, ds.entity, ds.kinds, strict=True):
        if k and "other-household" in k:
            cards.setdefault(r.household, set()).add(home[e])
            size[r.household] += 1
    again = [c for c in cards if size[c] > 1]
    assert len(again) > 0.03 * ds.households
    assert all(len(homes) == 1 for homes in cards.values())  # a card is one family's


def test_forked_blocking_and_scoring_find_what_one_process_finds(ds: Dataset,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The parallel path (key partitions, EM sample and scoring in forked workers) is exact:
    the same pairs, scores and fields as one process, on a set small enough to fork early."""
    from frontaid.match import dedup, parallel

    records = [dedup.Record(r.id, r.name, r.born, r.sex, r.address, r.zone, r.household, r.doc)
               for r in ds.rows]
    one = dedup.find_pairs(records, parallel=False)
    monkeypatch.setattr(parallel, "PARALLEL_KEYS_FROM", 10)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 3)  # three key partitions, whatever the machine
    forks: list[int] = []
    real = parallel.pool

    def counted(workers: int, job: tuple[object, ...]) -> object:
        forks.append(workers)
        return real(workers, job)

    monkeypatch.setattr(parallel, "pool", counted)
    timings: dict[str, float] = {}
    many = dedup.find_pairs(records, timings=timings)
    assert forks == [3, 3, 3], "blocking, the EM sample and scoring each ran in three processes"
    assert len(one) > 50, "the set must hold duplicates to find"
    assert many == one
    assert timings["candidates"] > len(one)
