"""Reading a rough amount of support from the person's words, as pounds a year.

"6 hours", "6" (a bare small number is hours a week), "£50 a week", "£200 a month",
"£1,200 a year", "three" (hours). None when no amount can be read.
"""

from __future__ import annotations

import re

from ras_core.domain.support_plan import yearly_from_hours
from ras_core.domain.understanding import read_number, words

BARE_HOURS = 100  # a bare number up to this answers "how many hours a week"; above, it is money
_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b")
_MONEY = re.compile(r"£?\s*(\d[\d,]*(?:\.\d\d)?)")
_PER = (("week", 52), ("wk", 52), ("month", 12), ("year", 1), ("annual", 1))


def read_yearly_amount(text: str, hourly_rate: int) -> int | None:
    said = words(text)
    hours = _HOURS.search(said)
    if hours:
        return yearly_from_hours(float(hours.group(1)), hourly_rate)
    money = _MONEY.search(said)
    if money is None:
        number = read_number(said)
        return None if number is None else yearly_from_hours(number, hourly_rate)
    amount = float(money.group(1).replace(",", ""))
    if "£" not in said and "pound" not in said and amount <= BARE_HOURS:
        return yearly_from_hours(amount, hourly_rate)
    times = next((n for word, n in _PER if word in said), 1)
    return round(amount * times)
