"""The terminal chat's pure parts: how messages are shown and what a typed line sends."""

from __future__ import annotations

from typing import Any

from bot.terminal.chat import payload_for, render_message

BUTTONS: list[dict[str, Any]] = [
    {"title": "A: A lot of help", "payload": '/choose_option{"option":"A"}'},
    {"title": "B: Some help", "payload": '/choose_option{"option":"B"}'},
]


def test_text_is_wrapped_at_70_columns() -> None:
    text = "Now and then I need support to look after myself. " * 5
    lines = render_message({"text": text})
    assert len(lines) > 1
    assert all(len(line) <= 70 for line in lines)
    assert " ".join(lines).split() == text.split()


def test_paragraphs_and_blank_lines_are_kept() -> None:
    assert render_message({"text": "Hello.\n\nQuestion 1 of 11"}) == [
        "Hello.",
        "",
        "Question 1 of 11",
    ]


def test_buttons_are_numbered_after_the_text() -> None:
    lines = render_message({"text": "How much help?", "buttons": BUTTONS})
    assert lines == ["How much help?", "1) A: A lot of help", "2) B: Some help"]


def test_numbering_can_go_on_from_an_earlier_message() -> None:
    assert render_message({"buttons": BUTTONS}, first_number=3) == [
        "3) A: A lot of help",
        "4) B: Some help",
    ]


def test_long_button_titles_wrap_under_their_text() -> None:
    title = "C: " + "I need someone with me for most of the day and night " * 2
    lines = render_message({"buttons": [{"title": title, "payload": "/x"}]})
    assert lines[0].startswith("1) C: ")
    assert all(line.startswith("   ") for line in lines[1:])
    assert all(len(line) <= 70 for line in lines)


def test_a_message_with_nothing_to_show_has_no_lines() -> None:
    assert render_message({"recipient_id": "terminal:sam"}) == []


def test_an_image_is_named() -> None:
    assert render_message({"image": "https://example.org/a.png"}) == [
        "[Picture: https://example.org/a.png]"
    ]


def test_a_number_sends_that_buttons_payload() -> None:
    assert payload_for("1", BUTTONS) == '/choose_option{"option":"A"}'
    assert payload_for(" 2 ", BUTTONS) == '/choose_option{"option":"B"}'


def test_other_text_is_sent_as_typed() -> None:
    assert payload_for("I need help to wash", BUTTONS) == "I need help to wash"
    assert payload_for("  b ", BUTTONS) == "b"


def test_a_number_without_such_a_button_is_sent_as_text() -> None:
    assert payload_for("3", BUTTONS) == "3"
    assert payload_for("0", BUTTONS) == "0"
    assert payload_for("1", []) == "1"
    assert payload_for("²", BUTTONS) == "²"


def test_a_button_without_a_payload_sends_its_title() -> None:
    assert payload_for("1", [{"title": "Yes"}]) == "Yes"
