"""The one place that decides what happens when a person asks for someone or may be in danger.

Both go on the person's current case (a new one when there is none, or the last was agreed),
with their own words, and the case's team is told. A possible disclosure also flags the case
urgent, with a reason a coordinator can read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ras_core.casework import ASSISTANT, Casework
from ras_core.domain.review import Role
from ras_core.domain.safeguarding import find_disclosure
from ras_core.notify import notify_soon
from ras_core.store import Store
from ras_core.store.cases import Case
from ras_core.store.people import Person

ASKED_FOR_PERSON = "asked_for_person"
SAFEGUARDING = "safeguarding"
MAX_QUOTE = 300  # characters of the person's words in the reason a coordinator reads
KIND_NAMES = {"self_harm": "self-harm"}


def ask_for_person(store: Store, person: Person, assessment_id: int | None, words: str) -> Case:
    """The person asked to talk to someone: record it on their case and tell the team."""
    case = Casework(store).record_contact(person, assessment_id, ASKED_FOR_PERSON, words)
    notify_soon(store, case, ASKED_FOR_PERSON)
    return case


def raise_concern(
    store: Store, person: Person, assessment_id: int | None, words: str, reason: str
) -> Case:
    """The person may be in danger: record it, flag their case urgent and tell the team."""
    work = Casework(store)
    case = work.record_contact(person, assessment_id, SAFEGUARDING, words)
    case = work.flag_urgent(case.id, by=ASSISTANT, role=Role.SYSTEM, reason=reason)
    notify_soon(store, case, "urgent")
    return case


def urgent_reason(found: Mapping[str, Any], text: str) -> str:
    """What a coordinator reads: "suicide: 'want to kill myself'", or how the model heard it."""
    kind = str(found.get("kind") or "")
    words = str(found.get("words") or "")
    if not kind:
        listed = find_disclosure(text)
        if listed is not None:
            kind, words = listed.kind, listed.words
    if kind:
        return f"{KIND_NAMES.get(kind, kind)}: '{_quote(words or text)}'"
    return f"heard by the language model: '{_quote(text)}'"


def _quote(words: str) -> str:
    words = " ".join(words.split())
    return words if len(words) <= MAX_QUOTE else words[: MAX_QUOTE - 1] + "…"
