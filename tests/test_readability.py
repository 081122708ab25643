"""The plain-language check: calibration, sentence length, short labels and words to avoid."""

from __future__ import annotations

import pytest

from accessibility.readability import (
    MAX_GRADE,
    MAX_SENTENCE_WORDS,
    check_text,
    grade,
    sentences,
    words_to_avoid,
)

PLAIN = "Now and then I need support to look after myself."
OFFICIAL = (
    "Please indicate the extent to which you require assistance with activities of daily living."
)


def test_limits() -> None:
    assert MAX_GRADE == 6
    assert MAX_SENTENCE_WORDS == 20


def test_plain_seed_sentence_passes_at_about_grade_4() -> None:
    assert grade(PLAIN) == pytest.approx(3.7, abs=0.1)
    assert check_text(PLAIN) == []


def test_official_wording_fails_on_grade_and_names_help_for_assistance() -> None:
    problems = check_text(OFFICIAL)
    assert any("grade" in p.lower() for p in problems), problems
    assert any('"help"' in p and '"assistance"' in p for p in problems), problems


def test_21_word_sentence_fails_and_20_passes() -> None:
    twenty = " ".join(["I go to the shop"] * 4) + "."
    assert len(twenty.split()) == 20
    assert not [p for p in check_text(twenty) if "sentence" in p]
    problems = check_text(twenty[:-1] + " now.")
    assert any("21 words" in p and "sentence" in p for p in problems), problems


def test_new_lines_split_sentences_and_bullets_are_ignored() -> None:
    text = "\n".join(f"- I need help with job {n}" for n in range(1, 6))
    assert len(text.split()) > MAX_SENTENCE_WORDS
    assert len(sentences(text)) == 5
    assert check_text(text) == []


@pytest.mark.parametrize("label", ["A lot of help", "B: some help", "Not sure", "Yes", "Carry on"])
def test_short_label_passes(label: str) -> None:
    assert check_text(label) == []


def test_money_does_not_break_sentences() -> None:
    text = "Your early budget is about £12,400 a year. That is about £238.46 a week."
    assert sentences(text) == [
        "Your early budget is about £12,400 a year.",
        "That is about £238.46 a week.",
    ]
    assert check_text(text) == []
    assert sentences("It costs £12,400.") == ["It costs £12,400."]


def test_file_has_about_40_entries_and_keeps_explained_words() -> None:
    words = words_to_avoid()
    assert len(words) >= 40
    for kept in ("budget", "support plan", "coordinator", "questionnaire"):
        assert kept not in words
    assert words["assistance"] == "help"
    assert words["in order to"] == "to"


@pytest.mark.parametrize(("word", "alternative"), sorted(words_to_avoid().items()))
def test_each_avoided_word_is_reported_with_its_alternative(word: str, alternative: str) -> None:
    problems = check_text(f"We said {word.upper()} today.")
    plain = alternative.strip("()")
    assert any(f'"{word}"' in p and plain in p for p in problems), problems


def test_avoided_words_are_matched_whole() -> None:
    assert check_text("I take the errors seriously.") == []  # "error" only as a whole word
    assert check_text("Please be in\norder to go.") != []  # phrases may cross a line break
    assert check_text("They fund it.") == []
