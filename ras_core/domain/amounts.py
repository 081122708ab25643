"""Reading a rough amount of support from the person's words, as pounds a year.

"6 hours", "6" (a bare small number is hours a week), "£50 a week", "£200 a month",
"£1,200 a year", "three" (hours). None when no amount can be read, and `NOT_REAL` when the
words hold a number but not a real amount: more than `money.LARGEST_YEARLY` a year, such as
400 nines. Numbers are read as `Decimal`, never as floats, so no number is too long to read.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from enum import Enum

from ras_core.domain.money import LARGEST_YEARLY, is_real_amount
from ras_core.domain.support_plan import WEEKS_A_YEAR, yearly_from_hours
from ras_core.domain.understanding import number_word, words

BARE_HOURS = 100  # a bare number up to this answers "how many hours a week"; above, it is money
# Both are searched in `words`, which has single spaces only, and both begin with a digit, so
# a search skips everything else at C speed. A number of hours starts where a run of digits
# starts, never inside one (`(?<!\d\d)` just after its first digit): the same first match as
# trying every digit of a run, without trying every digit of a long run. Money is the first
# run of digits: a "£" before it only matters to `read_amount`'s "£" in the words.
_HOURS = re.compile(r"(\d(?<!\d\d)\d*(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b")
_MONEY = re.compile(r"\d[\d,]*(?:\.\d\d)?")
_PER = (("week", 52), ("wk", 52), ("month", 12), ("year", 1), ("annual", 1))
_POUND = Decimal(1)


class Unreal(Enum):
    """The words hold a number, but not a real amount of support (far too big to be true)."""

    NOT_REAL = "not a real amount"


NOT_REAL = Unreal.NOT_REAL


def read_amount(text: str, hourly_rate: int) -> Decimal | Unreal | None:
    """Whole pounds a year, from £0 to `LARGEST_YEARLY`; `NOT_REAL`; or None (no amount)."""
    said = words(text)
    hours = _HOURS.search(said)
    if hours:
        return _from_hours(_decimal(hours.group(1)), hourly_rate)
    money = _MONEY.search(said)
    if money is None:  # no digits at all: a number may still be said as a word ("three")
        number = number_word(said)
        return None if number is None else _from_hours(Decimal(number), hourly_rate)
    amount = _decimal(money.group(0).replace(",", ""))
    if amount is None:
        return None
    if "£" not in said and "pound" not in said and amount <= BARE_HOURS:
        return _from_hours(amount, hourly_rate)
    if amount > LARGEST_YEARLY:  # checked first, so the sum below stays small
        return NOT_REAL
    times = next((n for word, n in _PER if word in said), 1)
    yearly = (amount * times).quantize(_POUND, rounding=ROUND_HALF_EVEN)
    return yearly if is_real_amount(yearly) else NOT_REAL


def read_yearly_amount(text: str, hourly_rate: int) -> int | None:
    """`read_amount` as whole pounds; None when there is no amount or it is not real."""
    amount = read_amount(text, hourly_rate)
    return None if amount is None or amount is NOT_REAL else int(amount)


def _decimal(digits: str) -> Decimal | None:
    """The number these digits spell (any script's digits), exactly; None if they spell none."""
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _from_hours(hours: Decimal | None, hourly_rate: int) -> Decimal | Unreal | None:
    if hours is None:
        return None
    # The first test keeps the sum small: Decimal arithmetic on a huge number could overflow.
    if hours > LARGEST_YEARLY or hours * hourly_rate * WEEKS_A_YEAR > LARGEST_YEARLY:
        return NOT_REAL
    # Small enough now to be exact as a float, so rounded exactly as it always was.
    return Decimal(yearly_from_hours(float(hours), hourly_rate))
