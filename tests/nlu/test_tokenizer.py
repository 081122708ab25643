"""The tokenizer keeps a word whole at an apostrophe inside it, and every token's place."""

from __future__ import annotations

import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.components.tokenizer import ApostropheTokenizer


def tokens(text: str) -> list[tuple[str, str]]:
    """(token, the part of the original text it stands for)."""
    tokenizer = ApostropheTokenizer(ApostropheTokenizer.get_default_config())
    return [(t.text, text[t.start : t.end]) for t in tokenizer.tokenize(Message.build(text), TEXT)]


def test_a_negation_is_one_word_not_can_and_t() -> None:
    assert tokens("I can't go out on my own") == [
        ("I", "I"),
        ("cant", "can't"),
        ("go", "go"),
        ("out", "out"),
        ("on", "on"),
        ("my", "my"),
        ("own", "own"),
    ]


def test_a_curly_apostrophe_and_several_in_one_message() -> None:
    assert tokens("I’m fine, don't worry") == [
        ("Im", "I’m"),
        ("fine", "fine"),
        ("dont", "don't"),
        ("worry", "worry"),
    ]


@pytest.mark.parametrize(
    "text",
    ["i cant go out", "'quoted' words", "the 90's", "rock 'n' roll", "", "😀", "a-b c.d 10'000"],
)
def test_without_an_apostrophe_inside_a_word_it_is_rasas_own(text: str) -> None:
    ours = ApostropheTokenizer(ApostropheTokenizer.get_default_config())
    rasas = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    message = Message.build(text)
    expected = [(t.text, t.start, t.end) for t in rasas.tokenize(message, TEXT)]
    assert [(t.text, t.start, t.end) for t in ours.tokenize(message, TEXT)] == expected
