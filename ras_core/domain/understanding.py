"""Turning one message into what the person meant (a `Meaning`) in the conversation.

The NLU model gives an intent (and maybe a letter); this module adds the exact readings
that must never depend on a model: button payloads, letters, positions ("the second one"),
the button labels themselves, yes and no. Answers heard in the person's own words are
marked unsure, so the interview checks them back before saving.

Every reading starts from `tidy`: the text cleaned once (`text.clean`: NFKC, no hidden
characters) with each run of spaces made one space. On tidy text no pattern here can try more
than a few ways at any point, so a reading takes time in proportion to the message's length,
however long or strange the message is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ras_core.domain.letters import STATEMENT_LETTERS
from ras_core.domain.text import clean

# Intents that steer the conversation rather than answer it.
CONTROL_INTENTS = {
    "explain": "explain",
    "repeat": "repeat",
    "go_back": "go_back",
    "change_answer": "change",
    "start_again": "start_again",
    "ask_for_person": "ask_for_person",
    "help": "help",
}
# Own words mapped to the statement they most often mean, from most to least help.
DESCRIBE_INTENTS = {
    "describe_lot_of_help": "A",
    "describe_some_help": "B",
    "describe_little_help": "C",
    "describe_no_help": "D",
}
# Small talk and "who is it for" keep their intent name as the move.
INTENT_MOVES = {
    "greet", "goodbye", "thanks", "bot_challenge", "out_of_scope", "for_myself", "for_someone_else"
}  # fmt: skip
CONFIDENT = 0.6
EVERYDAY_ANSWER = "everyday_answer"
FALLBACK = "nlu_fallback"

_FILLER = r"(?:the|option|letter|answer|number|no\.?|its|it's|it is|i choose|i pick|pick|choose)"
_LETTER = re.compile(rf"^\s*(?:{_FILLER}\s+)*\(?([a-h])\)?\s*(?:please|pls|plz)?\s*[.!]*\s*$", re.I)
_POSITIONS = {
    "first": 0, "1st": 0, "one": 0, "1": 0, "top": 0,
    "second": 1, "2nd": 1, "two": 1, "2": 1,
    "third": 2, "3rd": 2, "three": 2, "3": 2,
    "fourth": 3, "4th": 3, "four": 3, "4": 3,
    "fifth": 4, "5th": 4, "five": 4, "5": 4,
    "sixth": 5, "6th": 5, "six": 5, "6": 5,
    "seventh": 6, "7th": 6, "seven": 6, "7": 6,
    "last": -1, "bottom": -1,
}  # fmt: skip
_POSITION = re.compile(
    rf"^\s*(?:{_FILLER}\s+)*({'|'.join(map(re.escape, _POSITIONS))})"
    r"(?:\s+(?:one|option|answer|statement))?\s*(?:please|pls)?\s*[.!]*\s*$",
    re.I,
)
# The one list of plain yes and no, used by the conversation and by the front ends.
_YES = {"yes", "y", "yeah", "yep", "yup", "ya", "yes please", "please", "that's right",
        "thats right", "correct", "right", "ok", "okay", "sure", "true"}  # fmt: skip
_NO = {"no", "n", "nope", "nah", "no thanks", "no thank you", "wrong", "not right",
       "that's wrong", "false"}  # fmt: skip
# A number of one or two digits, as a whole word: `\b(\d{1,2})\b`, written to begin with a
# digit so that a search skips everything else quickly (`(?<!\w\d)`: no letter or digit
# before the first digit).
_NUMBER = re.compile(r"(\d(?<!\w\d)\d?)\b")
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip


@dataclass(frozen=True)
class Turn:
    """One message as the action server sees it."""

    text: str
    intent: str | None = None
    confidence: float = 0.0
    option: str | None = None  # the letter the NLU model found, if any
    from_button: bool = False
    spoken: bool = False  # heard from a voice note (the front end checked the words first)
    # The model's other intents, best first: (name, confidence).
    alternatives: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Meaning:
    """What the person meant: answer, not_sure, yes, no, a control move, or unclear."""

    kind: str
    letter: str | None = None
    how: str = "words"  # button, letter, position, words (saved as "voice" when spoken)
    sure: bool = True


@lru_cache(maxsize=4)
def tidy(text: str) -> str:
    """The text cleaned (NFKC, no hidden characters), single spaces, none at either end.

    One `split()` and `join` instead of patterns over runs of spaces: the patterns below then
    never see two spaces in a row, so none of them can try a run of spaces many ways. The last
    few results are kept, so a message read several ways (an answer, then an amount, then
    "don't know") is cleaned once.
    """
    return " ".join(clean(text).split())


def words(text: str) -> str:
    """Lower case, single spaces, no surrounding punctuation."""
    return _words(tidy(text))


def read_letter(text: str) -> str | None:
    return _letter(tidy(text))


def read_position(text: str, letters: Sequence[str] = STATEMENT_LETTERS) -> str | None:
    """ "the second one" -> B; "the last one" is the last of the letters on offer."""
    return _position(tidy(text), letters)


def read_number(text: str) -> int | None:
    """A whole number said as digits or a word: "3", "question 3", "number three"."""
    said = tidy(text)
    found = _NUMBER.search(said)
    return int(found.group(1)) if found else number_word(_words(said))


def number_word(said: str) -> int | None:
    """The first whole number said as a word ("three") in `words` text, if any."""
    word = next(filter(_NUMBER_WORDS.__contains__, said.split()), None)
    return None if word is None else _NUMBER_WORDS[word]


def read_yes_no(text: str) -> str | None:
    return _yes_no(words(text))


def read_label(text: str, labels: Mapping[str, str]) -> str | None:
    """The letter whose button label (or "B: label") the person typed out."""
    return _label(words(text), labels)


# The readings of text that is already tidy (`tidy`) or already `words`: `understand` tidies
# a message once and reads it every way.
def _words(tidied: str) -> str:
    return tidied.lower().strip(" .!?,")


def _letter(tidied: str) -> str | None:
    match = _LETTER.match(tidied)
    return match.group(1).upper() if match else None


def _position(tidied: str, letters: Sequence[str]) -> str | None:
    match = _POSITION.match(tidied)
    if not match or not letters:
        return None
    index = _POSITIONS[match.group(1).lower()]
    return letters[index] if index < len(letters) else None


def _yes_no(said: str) -> str | None:
    if said in _YES:
        return "yes"
    if said in _NO:
        return "no"
    return None


def _label(said: str, labels: Mapping[str, str]) -> str | None:
    for letter, label in labels.items():
        if said in (words(label), words(f"{letter}: {label}"), words(f"{letter} {label}")):
            return letter
    return None


def understand(turn: Turn, labels: Mapping[str, str]) -> Meaning:
    """What one message means against the statements on offer (letter -> button label)."""
    if turn.from_button and turn.option in labels:
        return Meaning("answer", turn.option, how="button")
    if turn.from_button and turn.intent in ("affirm", "deny"):
        return Meaning("yes" if turn.intent == "affirm" else "no", how="button")
    if turn.from_button and turn.intent == "not_sure":
        return Meaning("not_sure", how="button")
    if turn.from_button and turn.intent in CONTROL_INTENTS:
        return Meaning(CONTROL_INTENTS[turn.intent], how="button")
    if turn.from_button and turn.intent in INTENT_MOVES:
        return Meaning(turn.intent, how="button")

    tidied = tidy(turn.text)  # the one clean-up of the message; each reading below is linear
    letter = _letter(tidied)
    if letter in labels:
        return Meaning("answer", letter, how="letter")
    position = _position(tidied, sorted(labels))
    if position in labels:
        return Meaning("answer", position, how="position")
    said = _words(tidied)
    label = _label(said, labels)
    if label:
        return Meaning("answer", label, how="words")
    yes_no = _yes_no(said)
    if yes_no:
        return Meaning(yes_no, how="words")

    confident = turn.confidence >= CONFIDENT
    intent = turn.intent or ""
    if intent == "not_sure" and confident:
        return Meaning("not_sure")
    if intent in CONTROL_INTENTS and confident:
        return Meaning(CONTROL_INTENTS[intent])
    if intent == "choose_option" and turn.option in labels:
        return Meaning("answer", turn.option, how="letter", sure=confident)
    if intent in DESCRIBE_INTENTS and DESCRIBE_INTENTS[intent] in labels:
        # Own words are a guess at a statement: always check it back.
        return Meaning("answer", DESCRIBE_INTENTS[intent], how="words", sure=False)
    if intent == EVERYDAY_ANSWER or (intent == FALLBACK and _answer_like(turn)):
        # An everyday answer (taught so the model knows it is not a disclosure), or a fallback
        # whose best two guesses are both answers ("describe_lot_of_help" 0.51, "everyday_answer"
        # 0.47): the model's best statement is still a guess worth checking back.
        guess = next(
            (DESCRIBE_INTENTS[n] for n, _ in turn.alternatives if n in DESCRIBE_INTENTS), None
        )
        if guess in labels:
            return Meaning("answer", guess, how="words", sure=False)
    if intent in INTENT_MOVES and confident:
        return Meaning(intent)
    if intent in ("affirm", "deny") and confident:
        return Meaning("yes" if intent == "affirm" else "no")
    return Meaning("unclear")


_ANSWER_INTENTS = frozenset({*DESCRIBE_INTENTS, EVERYDAY_ANSWER})


def _answer_like(turn: Turn) -> bool:
    """The model's two best guesses (after the fallback) are both answers to a question."""
    best_two = [name for name, _ in turn.alternatives[:2]]
    return len(best_two) == 2 and all(name in _ANSWER_INTENTS for name in best_two)
