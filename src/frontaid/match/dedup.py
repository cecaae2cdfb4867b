"""Finding people registered twice: blocking, Fellegi–Sunter scoring, three bands.

`find_pairs(records)` returns the pairs worth a look, each with a match weight and the
fields that agreed or disagreed; `rank_candidates(me, pool, ...)` asks the same of
one new name against the registry (the warning on registration).

Blocking (which pairs are compared at all). Each record gets a handful of keys; two
records are compared when they share one (the union of the blocks):

- every unordered pair of its name words, each word as its phonetic key or given-name
  group (`names.skeleton`, `names.given_groups`): word order does not matter, so
  "Коваленко Ігор" meets "Ihor Kovalenko", and a missing patronymic still leaves a pair;
- each name word with the birth year and the first two letters of another word (a typo in
  the rest of that word);
- each name word with the household (registered twice at one door, year unknown), and
  with the street and house number;
- the document number, and its first and last four characters (one typo leaves one);
- the full birth date with the first letter of the rarest name word.

A block bigger than `BLOCK_CAP` is not compared all against all: its members are sorted
(by birth year, document or spelling) and each meets the next `WINDOW` ones (sorted
neighbourhood), so candidate pairs grow linearly with the records, however common a name.

Scoring (Fellegi–Sunter). The match weight is the sum over fields of log2(m/u) for the
level each field reached (m: how often one person's two records reach it; u: how often
two different people do). A field missing on either side weighs nothing.

- name (the patronymic set apart): words aligned in any order; agree (every word of the
  shorter name is a word of the other, across scripts and transliterations), close
  (typos: a word one or two letters off), variant (a surname's stem with another ending:
  Бондарчук/Бондарська), short (one name is a single word of the other), partial (a word
  differs), disagree, and gender (Олександр/Олександра, Ковальський/Ковальська): a fixed near-veto.
  Its weight is capped at `_MAX_NAME_WEIGHT` (13): namesakes cluster in families and
  villages, which word frequencies do not see;
- patronymic (Іванович, Петрівна, Николаевна; only in names of three words or more):
  the same father's name or another;
- born: same full date; same year; close (one typo, swapped digits, day and month
  swapped, a year apart); typo (the year one digit off beyond that: 1952/1962); near
  (other, within 5 years); far (father and son): a near-veto unless the data show that
  their birth dates are often wrong;
- sex; document (equal, one typo, different); address (equal, close, partial: another
  door on the street, different); zone; household. One household or one address implies
  one zone (and one address), so these are not counted twice.

u: fixed priors per level (`_WEIGHTS`), except names, zone and sex. u of a name word is
its frequency among the records, smoothed toward 1 in 500 (term-frequency adjustment), so
two Коваленко agree for less than two Хмельницький; u of zone and sex is Σp² over their
values (`Model.fit_u`). m starts from the priors in `_WEIGHTS` and is refined on the
candidate pairs (`Model.refine`): a field's levels are counted among the pairs the other
fields alone make very sure of (weight ≥ `_SURE`, 24), blended with the prior as
`_PSEUDO` pairs, and only once at least `_SURE_ENOUGH` such pairs exist (a small registry
keeps the priors). Soft EM was tried and drifted into clusters of look-alikes on FEBRL.

The score is that sum less `scale_odds(N)`, log2(N / 100,000) for a registry of N > 100,000
records: a record meets more namesakes in a bigger town, so the prior odds of a match fall
as 1/N (the bands were set on registries up to that size).

Bands: link at score ≥ `LINK` (14, a Bayes factor of 16,000 to 1), review at
`REVIEW` ≤ score < `LINK` (12), distinct below (dropped). Whatever the score, the rule in
`scoring._capped` sends to review every pair a namesake could also make: a link needs the
whole name and the birth year (or a document under that name), and a name common in this
registry needs more (docs/matching.md has the rule and its figures). On FEBRL 1-4 the link
band's precision is 1.0 and link + review finds 0.986-0.994 of the true pairs
(tests/match/test_febrl.py); on a real town's names the link band's precision is 0.9987 at
30,000 records, 0.9975 at 150,000 and 0.9963 at 1,000,000.
Nothing is merged automatically: `frontaid dedup run` queues every pair for review, and
merges the link band only when given `--merge-links`.

Speed: keys and blocks are linear in the records; scoring skips the slow comparisons of
a pair that cannot reach review (the name's, when even an equal name could not), memoises
name comparisons; a big run blocks, fits and scores on every core (forked workers, the
keys partitioned by hash). On two cores: 200,000 records in about 16 s (splink 5 on the
same records: 18-22 s), 1,000,000 in about 2 minutes (10.6 million candidate pairs).
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterable

from frontaid.match import parallel as runner
from frontaid.match.blocking import _candidates, _key_hashes
from frontaid.match.records import LINK, REVIEW, Pair, Record, _features, band
from frontaid.match.scoring import (
    _EM_SAMPLE,
    FIELDS,
    Model,
    _levels_slice,
    _score_slice,
    _shown,
    _tf_table,
    compare,
    household_mates,
    rank_candidates,
    scale_odds,
    word_keys,
)

__all__ = ["FIELDS", "LINK", "REVIEW", "Pair", "Record", "band", "compare", "find_pairs", "rank_candidates",
           "scale_odds", "word_keys"]


def find_pairs(records: Iterable[Record], *, timings: dict[str, float] | None = None,
               parallel: bool = True) -> list[Pair]:
    """Link and review pairs (distinct ones dropped); fills timings with seconds per phase
    ("features", "block": keys and blocks, "em": the model's fit, "score") when given. A big run
    blocks and scores on every core (forked processes) unless `parallel` is false or the
    caller runs threads."""
    t0 = time.perf_counter()
    by_id = {r.id: r for r in records}
    recs = [_features(by_id[k]) for k in sorted(by_id)]
    tf = _tf_table(recs)
    rare = [""] * len(recs)
    for i, x in enumerate(recs):
        if x.date and x.words:
            w = min(x.words, key=lambda w: (tf[w.tf], w.loose))
            rare[i] = (w.skel or w.loose)[:1]
    t1 = time.perf_counter()
    n = len(recs)
    workers = runner.workers(n, runner.PARALLEL_KEYS_FROM) if parallel else 1
    with runner.pool(workers, (recs, rare, workers)) as mapper:
        hashed = mapper(_key_hashes, runner.slices(n, workers))
        parts = mapper(_candidates, [[h[p] for h in hashed] for p in range(workers)])
        del hashed
    seen: set[int] = set()
    for part in parts:
        seen.update(array("q", part))
    del parts
    t2 = time.perf_counter()
    model = Model()
    model.fit_u(recs)
    if seen:
        # EM on a sample of the candidates; which ones depends only on the pair, not on order.
        cut = min(1.0, _EM_SAMPLE / len(seen)) * 1_000_003
        sample = sorted(c for c in seen if (c * 2654435761) % 1_000_003 < cut)
        workers = runner.workers(len(seen)) if parallel else 1
        model.refine([lv for part in runner.forked(workers, (recs, tf, sample, n), _levels_slice,
                                             runner.slices(len(sample), workers)) for lv in part])
    codes = list(seen)
    seen.clear()
    t_em = time.perf_counter()
    workers = runner.workers(len(codes)) if parallel else 1
    job = (recs, tf, codes, n, scale_odds(n), model, household_mates(recs, tf))
    scored = [hit for part in runner.forked(workers, job, _score_slice, runner.slices(len(codes), workers))
              for hit in part]
    pairs = []
    for code, score, levels in scored:
        i, j = divmod(code, n)
        pairs.append(Pair(recs[i].rec.id, recs[j].rec.id, round(score, 2), band(score),
                          _shown(recs[i], recs[j], levels)))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    t3 = time.perf_counter()
    if timings is not None:
        timings.update({"features": t1 - t0, "block": t2 - t1, "em": t_em - t2, "score": t3 - t_em,
                        "candidates": float(len(codes))})
    return pairs
