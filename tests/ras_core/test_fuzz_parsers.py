"""Fuzzing the readings of a person's words: any text at all is read without an error, into
the documented types, and a few things that should not matter do not.

Arbitrary Unicode (controls, hidden characters, accents, emoji, other scripts' digits) and
text built from the words the parsers look for. Kept to a few seconds: each property runs a
few hundred examples, with a deadline far above the milliseconds a reading takes, so that
only a reading gone slow fails it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ras_core.domain import safeguarding, text, understanding
from ras_core.domain.amounts import NOT_REAL, read_amount, read_yearly_amount
from ras_core.domain.letters import LETTERS
from ras_core.domain.money import LARGEST_YEARLY
from ras_core.domain.understanding import (
    CONTROL_INTENTS,
    DESCRIBE_INTENTS,
    INTENT_MOVES,
    Meaning,
    Turn,
    understand,
)

RATE = 24  # pounds an hour
LABELS = {"A": "A lot of help", "B": "Some help", "C": "A little help", "D": "No help"}
KINDS = {"answer", "not_sure", "yes", "no", "unclear", *CONTROL_INTENTS.values(), *INTENT_MOVES}
HOWS = {"button", "letter", "position", "words"}
INTENTS = [
    None, "affirm", "deny", "not_sure", "choose_option", "everyday_answer", "nlu_fallback",
    *CONTROL_INTENTS, *DESCRIBE_INTENTS, *INTENT_MOVES,
]  # fmt: skip

QUICK = settings(max_examples=300, deadline=timedelta(seconds=1))
FEWER = settings(max_examples=150, deadline=timedelta(seconds=1))

# Any text: every code point but surrogates (which cannot be sent as UTF-8).
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=200)
# Text a parser may recognise part of: its words, digits, money and marks, in any order.
PIECES = st.sampled_from(
    [
        "a", "b", "c", "h", "z", "the", "option", "letter", "it is", "i choose", "no.", "(", ")",
        "first", "second", "last", "one", "3", "3rd", "please", "yes", "no", "nope", "ok",
        "some help", "a lot of help", "B:", "£", "pound", "pounds", "1,200", "12.50", "7",
        "hours", "hrs", "h", "a week", "a month", "a year", "three", "twelve", "999999999",
        ".", "!", "?", ",", "kill", "myself", "my", "is killing me", "not safe", "\u200b",
        "e\u0301", "\uff42", "\u0663", "\u00a0", "\x00", "\U0001f600", "\u202e",
    ]
)  # fmt: skip
SPACES = st.text(st.sampled_from([" ", "\t", "\n", "\u00a0", "\u3000"]), min_size=1, max_size=3)


@st.composite
def pieced(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(PIECES, max_size=8))
    gaps = draw(st.lists(SPACES, min_size=len(pieces), max_size=len(pieces)))
    return "".join(piece + gap for piece, gap in zip(pieces, gaps, strict=True))


TEXT = st.one_of(ANY_TEXT, pieced())


@st.composite
def turns(draw: st.DrawFn) -> Turn:
    return Turn(
        text=draw(TEXT),
        intent=draw(st.sampled_from(INTENTS)),
        confidence=draw(st.floats(0, 1)),
        option=draw(st.sampled_from([None, *LETTERS, "Z", ""])),
        from_button=draw(st.booleans()),
        alternatives=tuple(
            draw(st.lists(st.tuples(st.sampled_from(INTENTS[1:]), st.floats(0, 1)), max_size=3))
        ),
    )


def valid(meaning: Meaning, labels: dict[str, str]) -> bool:
    letter_ok = meaning.letter in labels if meaning.kind == "answer" else meaning.letter is None
    return meaning.kind in KINDS and meaning.how in HOWS and letter_ok


# Understanding a message
@QUICK
@given(turns())
def test_understanding_any_turn_gives_a_valid_meaning(turn: Turn) -> None:
    assert valid(understand(turn, LABELS), LABELS)


@QUICK
@given(TEXT, st.lists(st.sampled_from(LETTERS), unique=True, max_size=8))
def test_each_reading_gives_its_documented_type(said: str, offered: list[str]) -> None:
    letters = sorted(offered)
    assert understanding.read_letter(said) in (None, *LETTERS)
    assert understanding.read_position(said, letters) in (None, *letters)
    number = understanding.read_number(said)
    assert number is None or (isinstance(number, int) and 0 <= number <= 99)
    assert understanding.read_yes_no(said) in (None, "yes", "no")
    assert understanding.read_label(said, LABELS) in (None, *LABELS)
    words = understanding.words(said)
    assert isinstance(words, str) and "  " not in words and words == words.strip()


@QUICK
@given(pieced(), SPACES, SPACES, st.booleans())
def test_surrounding_spaces_and_case_do_not_change_understanding(
    said: str, before: str, after: str, shout: bool
) -> None:
    ascii_said = said.encode("ascii", "ignore").decode()  # so upper and lower case round-trip
    changed = before + (ascii_said.upper() if shout else ascii_said.lower()) + after
    assert understand(Turn(changed), LABELS) == understand(Turn(ascii_said), LABELS)


@QUICK
@given(st.lists(st.sampled_from(["the", "option", "it is", "c", "second", "one", "please", "."])))
def test_any_run_of_spaces_reads_as_one_space(pieces: list[str]) -> None:
    one = " ".join(pieces)
    many = " \t \n ".join(pieces)
    assert understand(Turn(many), LABELS) == understand(Turn(one), LABELS)


# Amounts
@QUICK
@given(TEXT)
def test_any_amount_is_none_not_real_or_whole_pounds_in_range(said: str) -> None:
    amount = read_amount(said, RATE)
    if amount is None or amount is NOT_REAL:
        assert read_yearly_amount(said, RATE) is None
        return
    assert isinstance(amount, Decimal) and amount.is_finite()
    assert 0 <= amount <= LARGEST_YEARLY and amount == amount.to_integral_value()
    assert read_yearly_amount(said, RATE) == int(amount)


@QUICK
@given(
    st.integers(0, 10**9),
    st.sampled_from(["£", ""]),
    st.sampled_from(["", " a week", " a month", " a year", " pounds", " pounds a month"]),
)
def test_a_number_with_commas_reads_the_same_as_without(pounds: int, sign: str, per: str) -> None:
    assert read_amount(f"{sign}{pounds:,}{per}", RATE) == read_amount(f"{sign}{pounds}{per}", RATE)


@QUICK
@given(st.integers(0, 10**8), st.sampled_from([("a week", 52), ("a month", 12), ("a year", 1)]))
def test_money_each_week_month_or_year_is_counted_up_to_a_year(
    pounds: int, per: tuple[str, int]
) -> None:
    word, times = per
    expected = pounds * times
    amount = read_amount(f"£{pounds} {word}", RATE)
    assert amount == (Decimal(expected) if expected <= LARGEST_YEARLY else NOT_REAL)


@FEWER
@given(st.integers(1, 400), st.sampled_from(["£{}", "{} pounds", "£{} a week", "{} hours"]))
def test_very_long_numbers_are_not_real_amounts(digits: int, form: str) -> None:
    number = "9" * (digits + 7)  # over a million
    assert read_amount(form.format(number), RATE) is NOT_REAL
    assert read_yearly_amount(form.format(number), RATE) is None


@FEWER
@given(st.decimals(0, 100, places=1, allow_nan=False, allow_infinity=False))
def test_hours_a_week_are_priced_at_the_hourly_rate(hours: Decimal) -> None:
    expected = round(float(hours) * RATE * 52)
    assert read_amount(f"{hours} hours", RATE) == Decimal(expected)


# Text and safeguarding
@QUICK
@given(TEXT)
def test_cleaning_is_done_once_and_tidy_text_has_single_spaces(said: str) -> None:
    cleaned = text.clean(said)
    assert text.clean(cleaned) == cleaned
    assert not set(cleaned) & set(text.INVISIBLE + text.CONTROLS)
    tidied = understanding.tidy(said)
    assert understanding.tidy(tidied) == tidied and "  " not in tidied


@QUICK
@given(TEXT)
def test_safeguarding_reads_any_text_as_plain_ascii(said: str) -> None:
    """The patterns are compiled for ASCII because they only ever see this text."""
    assert re.fullmatch(r"[a-z0-9 -]*", safeguarding.normalise(said))
    found = safeguarding.find_disclosure(said)
    kinds = {"suicide", "self_harm", "abuse", "neglect", "danger"}
    assert found is None or (found.kind in kinds and found.tier in ("clear", "possible"))
    assert safeguarding.harmless_saying(said) is None or isinstance(
        safeguarding.harmless_saying(said), str
    )
    assert isinstance(safeguarding.has_words(said), bool)
