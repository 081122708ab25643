"""What the conversation asks the chat to say: a response name and its values, never words.

The words live in the domain's responses (bot/rasa/domain); actions/render.py looks them up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ras_core.store.cases import Case


@dataclass(frozen=True)
class Say:
    """One message: a response name, its parameters, and choice buttons (letter, label)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Outcome:
    says: list[Say]
    finished: bool = False  # the form is over: budget worked out, consent refused, plan sent
    submitted: Case | None = None  # a plan just sent, so the caller can tell coordinators


# Small talk is answered the same way wherever the person is.
SMALL_TALK = {
    "greet": "small_talk_greet",
    "goodbye": "small_talk_goodbye",
    "thanks": "small_talk_thanks",
    "bot_challenge": "iamabot",
    "out_of_scope": "small_talk_out_of_scope",
}
