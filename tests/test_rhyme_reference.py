"""The rhyme checker against a hand-labelled reference list (tests/data/rhyme_reference.tsv).

403 pairs labelled by judgement from the definitions in the file's header (Pattison's
perfect / family / assonance / none / identical, primary stress only), with traps:
function words, reduced vowels, unstressed endings, eye rhymes. The labels were made
with CMUdict phones at hand, so agreement measures the checker's reading of the
definition on that dictionary, not the dictionary's accuracy (accent-dependent pairs
such as falling/calling follow CMU and are counted as misses where they differ).
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from copilot import prosody

REFERENCE = Path(__file__).parent / "data" / "rhyme_reference.tsv"


def _rows() -> list[tuple[str, str, str, str]]:
    out = []
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("a\tb"):
            continue
        a, b, kind, *note = line.split("\t")
        out.append((a, b, kind, note[0] if note else ""))
    return out


ROWS = _rows()


def test_reference_list_is_large_and_covers_every_kind() -> None:
    counts = collections.Counter(k for _, _, k, _ in ROWS)
    assert len(ROWS) >= 300
    assert set(counts) == {"perfect", "family", "assonance", "none", "identical"}
    assert min(counts.values()) >= 20
    assert sum("trap" in n for *_, n in ROWS) >= 30


def test_scheme_rhyme_precision_and_recall() -> None:
    """A claimed rhyme (perfect or family) must hold: precision >= 0.99, recall >= 0.97."""
    gold = {(a, b) for a, b, k, _ in ROWS if k in ("perfect", "family")}
    got = {(a, b) for a, b, _, _ in ROWS if prosody.rhymes(a, b)}
    precision = len(gold & got) / len(got)
    recall = len(gold & got) / len(gold)
    assert precision >= 0.99, sorted(got - gold)
    assert recall >= 0.97, sorted(gold - got)


@pytest.mark.parametrize("kind", ["perfect", "family", "assonance", "none", "identical"])
def test_each_kind_is_told_apart(kind: str) -> None:
    rows = [(a, b) for a, b, k, _ in ROWS if k == kind]
    wrong = [(a, b, prosody.rhyme_kind(a, b)) for a, b in rows if prosody.rhyme_kind(a, b) != kind]
    assert len(wrong) / len(rows) <= 0.03, wrong


def test_no_trap_is_ever_claimed_as_a_rhyme() -> None:
    traps = [(a, b) for a, b, k, n in ROWS if "trap" in n and k not in ("perfect", "family")]
    claimed = [(a, b) for a, b in traps if prosody.rhymes(a, b)]
    assert not claimed
