"""Money helpers. Money is always a `decimal.Decimal` of pounds, never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_PENNY = Decimal("0.01")
_POUND = Decimal(1)
# The most that one piece of support could cost in a year. Round-the-clock care from two
# workers at once is a few hundred thousand pounds; a number above this is a slip of the
# keyboard or a test of the assistant, not a real amount.
LARGEST_YEARLY = Decimal(1_000_000)


def is_real_amount(amount: Decimal) -> bool:
    """A finite amount from £0 to `LARGEST_YEARLY` a year: anything else is not a real amount."""
    return amount.is_finite() and 0 <= amount <= LARGEST_YEARLY


def round_to(amount: Decimal, step: int) -> Decimal:
    """Round `amount` half-up (halves away from zero) to a whole multiple of `step` pounds."""
    if isinstance(step, bool) or not isinstance(step, int) or step < 1:
        raise ValueError(f"step must be a whole number of pounds, 1 or more, not {step!r}")
    units = (Decimal(amount) / step).quantize(_POUND, rounding=ROUND_HALF_UP)
    return units * step


def format_money(amount: Decimal | int) -> str:
    """Show an amount the way people read it: "£12,400", or "£82.91" when it has pence."""
    value = Decimal(amount).quantize(_PENNY, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value == value.to_integral_value():
        return f"{sign}£{int(value):,}"
    return f"{sign}£{value:,.2f}"
