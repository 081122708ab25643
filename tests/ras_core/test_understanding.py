"""Reading one message: buttons, letters, positions, labels, yes/no and own words."""

import pytest

from ras_core.domain.understanding import Meaning, Turn, read_number, understand

LABELS = {"A": "A lot of help", "B": "Some help", "C": "A little help", "D": "No help"}


def said(text: str, intent: str | None = None, confidence: float = 0.9, **kw: object) -> Meaning:
    return understand(Turn(text=text, intent=intent, confidence=confidence, **kw), LABELS)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "letter"),
    [("B", "B"), ("b", "B"), ("c.", "C"), ("option d", "D"), ("its a", "A"), ("(B)", "B"),
     ("letter c please", "C"), ("I choose b", "B")],
)  # fmt: skip
def test_letters_are_read_exactly(text: str, letter: str) -> None:
    assert said(text, "nlu_fallback", 0.1) == Meaning("answer", letter, how="letter")


@pytest.mark.parametrize(
    ("text", "letter"),
    [("the second one", "B"), ("first", "A"), ("last one", "D"), ("number 3", "C"),
     ("the third option", "C"), ("2", "B"), ("top one", "A")],
)  # fmt: skip
def test_positions_are_read_exactly(text: str, letter: str) -> None:
    assert said(text, "choose_option", 0.3) == Meaning("answer", letter, how="position")


def test_typed_button_label_is_an_answer() -> None:
    assert said("some help", "describe_some_help").letter == "B"
    assert said("B: Some help").letter == "B"


def test_button_payload_is_sure() -> None:
    move = said('/choose_option{"option":"C"}', "choose_option", 1.0, option="C", from_button=True)
    assert move == Meaning("answer", "C", how="button")


def test_own_words_are_a_guess_to_check() -> None:
    move = said("I can't wash without help", "describe_lot_of_help", 0.95)
    assert move == Meaning("answer", "A", how="words", sure=False)


def test_letter_found_by_the_model_with_low_confidence_is_checked() -> None:
    move = said("i think its probably bee", "choose_option", 0.4, option="B")
    assert move.letter == "B" and not move.sure


@pytest.mark.parametrize(
    ("text", "intent", "kind"),
    [("yes", None, "yes"), ("yep", "affirm", "yes"), ("nah", "deny", "no"),
     ("what does that mean", "explain", "explain"), ("go back", "go_back", "go_back"),
     ("not sure", "not_sure", "not_sure"), ("get me a person", "ask_for_person", "ask_for_person"),
     ("start again", "start_again", "start_again"), ("say it again", "repeat", "repeat"),
     ("hello", "greet", "greet"), ("my mum", "for_someone_else", "for_someone_else")],
)  # fmt: skip
def test_other_moves(text: str, intent: str | None, kind: str) -> None:
    assert said(text, intent).kind == kind


def test_control_moves_need_confidence() -> None:
    assert said("bananas", "go_back", 0.3).kind == "unclear"


def test_gibberish_is_unclear() -> None:
    assert said("asdfgh", "nlu_fallback", 0.2).kind == "unclear"


def test_letters_not_on_offer_are_not_answers() -> None:
    assert understand(Turn(text="b"), {}).kind == "unclear"


@pytest.mark.parametrize(
    ("text", "number"),
    [("3", 3), ("question 10", 10), ("number five", 5), ("the eleventh", None), ("none", None)],
)
def test_read_number(text: str, number: int | None) -> None:
    assert read_number(text) == number


def test_an_everyday_answer_is_checked_against_the_models_best_statement() -> None:
    labels = {"A": "A lot of help", "B": "Some help", "C": "A little help", "D": "No help"}
    turn = Turn(
        "I can't go out on my own at all",
        "everyday_answer",
        0.7,
        alternatives=(("out_of_scope", 0.1), ("describe_lot_of_help", 0.08)),
    )
    assert understand(turn, labels) == Meaning("answer", "A", how="words", sure=False)
    alone = Turn("we have a cat", "everyday_answer", 0.9, alternatives=(("greet", 0.05),))
    assert understand(alone, labels) == Meaning("unclear")


def test_a_fallback_between_two_answers_is_checked_against_the_best_statement() -> None:
    """Rasa falls back when its best two intents are close; if both are answers, the better
    statement is offered back to be checked, never taken."""
    between = (("describe_lot_of_help", 0.51), ("everyday_answer", 0.47), ("greet", 0.01))
    turn = Turn("I can't go out alone at all", "nlu_fallback", 0.4, alternatives=between)
    assert understand(turn, LABELS) == Meaning("answer", "A", how="words", sure=False)
    unsure = (("describe_lot_of_help", 0.3), ("forget_me", 0.28))
    turn = Turn("can you sort it", "nlu_fallback", 0.4, alternatives=unsure)
    assert understand(turn, LABELS) == Meaning("unclear")
