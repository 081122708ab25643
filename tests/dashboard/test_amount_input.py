"""The final budget a coordinator types: read plainly, and never slow or crashing on junk."""

from __future__ import annotations

import time

import pytest

from dashboard.cases import whole_pounds


@pytest.mark.parametrize(
    ("typed", "pounds"),
    [("12400", 12400), ("£12,400", 12400), (" 12,400.00 ", 12400), ("£1,000,000", 1000000),
     ("12,40", None), ("12.5", None), ("", None), ("-100", None), ("£", None)],
)  # fmt: skip
def test_amounts_as_coordinators_type_them(typed: str, pounds: int | None) -> None:
    assert whole_pounds(typed) == pounds


@pytest.mark.parametrize(
    "typed",
    ["1" * 40 + "x", "1," * 5000, "9" * 5000, "£" * 10_000, "1,000" * 2000, "0" * 10_000 + "1"],
    ids=["digits then x", "digit-comma run", "5,000 digits", "pound signs", "groups", "zeros"],
)
def test_junk_is_refused_at_once(typed: str) -> None:
    started = time.perf_counter()
    assert whole_pounds(typed) is None
    assert time.perf_counter() - started < 0.05
