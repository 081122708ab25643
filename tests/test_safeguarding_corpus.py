"""The safeguarding corpus is big enough, split once, and its held-out part is never built from.

Figures on it come from scripts/measure_safeguarding.py (through the running Rasa server);
these checks keep the held-out part honest: no held-out sentence may turn up, as it is or
folded the same way the list folds text, in the NLU data or the pattern file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ras_core.domain.safeguarding import PATTERNS_FILE, normalise
from tests.support.nlu_examples import all_examples
from tests.support.safeguarding_corpus import SPLITS, load_corpus, part

REPO = Path(__file__).resolve().parents[1]
CATEGORIES = {
    "suicide", "self_harm", "physical", "domestic", "sexual", "psychological", "financial",
    "modern_slavery", "discriminatory", "organisational", "neglect", "self_neglect",
    "emergency_now",
}  # fmt: skip


def nlu_examples() -> set[str]:
    return {normalise(text) for text in all_examples()}


def test_the_corpus_has_600_of_each_kind_and_200_of_each_held_out() -> None:
    for disclosure in (True, False):
        assert sum(len(part(split, disclosure)) for split in SPLITS) >= 600
        assert len(part("held_out", disclosure)) >= 200


def test_every_care_act_category_is_in_both_parts() -> None:
    for split in SPLITS:
        assert {s.group for s in part(split, True)} == CATEGORIES


def test_no_sentence_is_in_the_corpus_twice() -> None:
    counts = Counter(s.text.strip().casefold() for s in load_corpus())
    assert [text for text, n in counts.items() if n > 1] == []


def test_no_held_out_sentence_was_built_into_the_nlu_data() -> None:
    held_out = {normalise(s.text) for s in load_corpus() if s.split == "held_out"}
    assert held_out & nlu_examples() == set()


def test_no_held_out_sentence_is_written_into_the_pattern_file() -> None:
    patterns = normalise(PATTERNS_FILE.read_text(encoding="utf-8"))
    copied = [s.text for s in load_corpus() if s.split == "held_out" and len(s.text) > 12
              and normalise(s.text) in patterns]  # fmt: skip
    assert copied == []


def test_the_fresh_part_is_held_out_only_and_big_enough_on_its_own() -> None:
    """The second held-out part (written after the first had been measured many times)."""
    fresh = [s for s in load_corpus() if s.source.endswith("_fresh.yml")]
    assert {s.split for s in fresh} == {"held_out"}
    for disclosure in (True, False):
        assert sum(s.disclosure is disclosure for s in fresh) >= 200
    assert {s.group for s in fresh if s.disclosure} == CATEGORIES
