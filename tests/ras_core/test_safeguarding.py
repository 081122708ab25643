"""Safeguarding: disclosures are recognised; everyday sayings that look like them are not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ras_core.domain import safeguarding
from ras_core.domain.datafile import DataFileError
from ras_core.domain.safeguarding import find_disclosure, harmless_saying, parse_patterns
from tests.support.safeguarding_corpus import load_corpus
from tests.support.safeguarding_examples import DISCLOSURES, LOOK_ALIKES


@pytest.mark.parametrize(("words", "kind"), DISCLOSURES)
def test_disclosures_are_recognised(words: str, kind: str) -> None:
    found = find_disclosure(words)
    assert found is not None, words
    assert found.kind == kind


@pytest.mark.parametrize("words", LOOK_ALIKES)
def test_everyday_sayings_are_not_disclosures(words: str) -> None:
    assert find_disclosure(words) is None


def test_there_are_enough_examples_both_ways() -> None:
    assert len(DISCLOSURES) >= 30 and len(LOOK_ALIKES) >= 30


def test_a_harmless_saying_does_not_hide_a_disclosure_in_the_same_message() -> None:
    found = find_disclosure("My back is killing me and I want to kill myself")
    assert found is not None and found.kind == "suicide"


def test_a_broken_pattern_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "safeguarding.yml"
    path.write_text("harmless: ['(']\ndisclosures: {danger: ['x']}\n")
    with pytest.raises(DataFileError) as caught:
        parse_patterns(path)
    assert str(path) in str(caught.value)


def test_harmless_sayings_are_named() -> None:
    assert harmless_saying("My back is KILLING me!") == "is killing me"
    assert harmless_saying("I'd die for a cup of tea") == "die for a"
    assert harmless_saying("I want to kill myself") is None


@pytest.mark.parametrize(
    "words", ["nobody helps me", "I'm not safe going out on my own", "no one comes any more"]
)
def test_words_that_are_also_ordinary_answers_are_only_possible(words: str) -> None:
    found = find_disclosure(words)
    assert found is not None and found.tier == "possible"


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("honestly I don't think I'll be around for the next visit", "suicide"),  # a hint
        ("sorry, I won't be here for the review, we're off to my sister's", "suicide"),  # a trip
        ("my chest feels so heavy this morning", "danger"),  # or asthma
        ("the carers haven't turned up since Friday", "neglect"),  # or cover on its way
        ("nobody came round yesterday", "neglect"),
        ("no carers for three days now", "neglect"),
        ("the night staff never turned up again", "neglect"),
        ("she's not had a shower for weeks, they say there's no time", "neglect"),
        ("my partner keeps my phone and checks it", "abuse"),
        ("he says if I talk to the social they'll take the kids", "abuse"),
        ("my son chooses who I can see", "abuse"),
        ("a fella rang from 'the bank' and I told him the pin off my card", "abuse"),
        ("gran's pension goes to an account she doesn't know", "abuse"),
        ("been stockpiling my meds, just in case", "suicide"),
        ("I'll not be around to need any plan", "suicide"),
    ],
)
def test_hints_that_may_be_ordinary_only_ask_gently(words: str, kind: str) -> None:
    found = find_disclosure(words)
    assert found is not None and (found.kind, found.tier) == (kind, "possible")


@pytest.mark.parametrize(
    "words",
    [
        "the carers never come on time, it's a nightmare",
        "my daughter has my phone number if anything happens",
        "I put her tablets by the kettle so she remembers",
        "nobody's taking my money, don't worry",
        "if I tell my son he'll come and fix the tap",
    ],
)
def test_everyday_words_near_the_new_hints_are_not_disclosures(words: str) -> None:
    assert find_disclosure(words) is None


def test_being_left_in_the_chair_or_the_same_pad_is_clear_neglect() -> None:
    for words in (
        "they left dad in his armchair the whole night",
        "she was in the same pad since tea",
    ):
        found = find_disclosure(words)
        assert found is not None and (found.kind, found.tier) == ("neglect", "clear"), words


def test_a_heart_attacks_signs_together_are_an_emergency() -> None:
    found = find_disclosure("pains in my chest going right down my left arm, sweating")
    assert found is not None and (found.kind, found.tier) == ("danger", "clear")
    assert find_disclosure("my left arm aches since the stroke") is None


@pytest.mark.parametrize(
    "words",
    [
        "I want to k\u200bill myself",  # a zero-width space inside a word
        "i w\u00e1nt to d\u00ede",  # accents
        "\uff49 want to die",  # a full-width letter
        "I WANT TO\u00a0DIE",  # capitals and a no-break space
        "i want to di\u00ade",  # a soft hyphen
    ],
)
def test_hidden_characters_and_accents_do_not_hide_a_disclosure(words: str) -> None:
    found = find_disclosure(words)
    assert found is not None and found.tier == "clear"


def test_an_everyday_answer_with_a_dangerous_word_is_not_a_clear_disclosure() -> None:
    for words in (
        "he nearly had a heart attack when he saw the bill",
        "I'm not being abused",
        "dad can't go on the train by himself any more",
    ):
        assert find_disclosure(words) is None, words
    found = find_disclosure("I can't go on, not like this")
    assert found is not None and (found.kind, found.tier) == ("suicide", "clear")


def test_the_quick_word_check_never_changes_what_is_found() -> None:
    """Skipping a pattern whose leading words are not in the text (`anchors`, for speed on long
    messages) finds exactly what searching every pattern finds, on every corpus sentence."""
    listed = safeguarding.patterns()
    assert len(listed.anchors) > 50  # most patterns start with plain words
    every_pattern = dataclasses.replace(listed, anchors={})
    texts = [s.text for s in load_corpus()] + [t for t, _ in DISCLOSURES] + list(LOOK_ALIKES)
    assert [listed.find(t) for t in texts] == [every_pattern.find(t) for t in texts]


@pytest.mark.parametrize(
    ("pattern", "words"),
    [(r"\b(hit|hits) me\b", ("hit", "hits")), (r"\b(do not|dont) (go|stay)\b", ("do not", "dont")),
     (r"\b(a|b) c|d", ()), (r"\b(a|b) x\(|y\)", ()), (r"\b(a|b)? c", ()),
     (r"\b(a|b)\w+", ()), (r"\bsmoke\b", ())],
)  # fmt: skip
def test_anchors_are_only_words_every_match_needs(pattern: str, words: tuple[str, ...]) -> None:
    assert safeguarding.anchors(pattern) == words


@pytest.mark.parametrize(
    ("words", "area", "an_answer"),
    [
        ("I'm not safe on my own", "keeping_safe", True),
        ("i feel not safe out alone", "keeping_safe", True),
        ("I'm not safe on my own", "getting_about", False),  # another question: ask
        ("I am not safe at home", "keeping_safe", False),  # a clear disclosure, at any question
        ("im not safe, he hits me", "keeping_safe", False),
        ("nobody helps me", "help_from_family_and_friends", True),
        ("no one visits me", "relationships", True),
        ("nobody helps me", "relationships", False),
        ("nobody helps me to the toilet so i wet myself", "help_from_family_and_friends", False),
        ("no one comes when i press my buzzer", "relationships", False),
    ],
)
def test_possible_words_answer_only_the_questions_they_are_listed_for(
    words: str, area: str, an_answer: bool
) -> None:
    assert safeguarding.answers_question(words, area) is an_answer


def test_answers_at_names_questions_of_the_questionnaire() -> None:
    from ras_core.domain.questionnaire import load_questionnaire

    areas = {area.id for area in load_questionnaire().areas}
    assert safeguarding.patterns().answers_at
    assert set(safeguarding.patterns().answers_at) <= areas


def test_no_disclosure_of_the_corpus_is_read_as_an_answer_at_any_question() -> None:
    """The worst case for context: each disclosure said at the question it might answer."""
    areas = list(safeguarding.patterns().answers_at)
    read_as_answers = [
        s.text
        for s in load_corpus()
        if s.disclosure and any(safeguarding.answers_question(s.text, a) for a in areas)
    ]
    assert read_as_answers == []


def test_everyday_answers_of_the_corpus_at_their_own_question_are_answers() -> None:
    """Dev look-alikes only: the held-out part is only measured (scripts/measure_safeguarding)."""
    dev_look_alikes = [s for s in load_corpus() if s.split == "dev" and not s.disclosure]
    answered = [s.text for s in dev_look_alikes if safeguarding.answers_question(s.text, s.context)]
    assert "no one helps me" in answered
    assert "Nobody visits me apart from the carers" not in answered
