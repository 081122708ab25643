"""The letters that choices are given by, in one place.

Every question has four statements, A to D; the plan's lists of choices go up to H.
"""

from __future__ import annotations

LETTERS: tuple[str, ...] = ("A", "B", "C", "D", "E", "F", "G", "H")
STATEMENT_LETTERS: tuple[str, ...] = LETTERS[:4]
