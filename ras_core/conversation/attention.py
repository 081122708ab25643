"""The one place that decides what happens when a person asks for someone or may be in danger.

Each goes on the person's current case (a new one when there is none, or the last was agreed),
with their own words:
- asking for a person: the case's team is told;
- a clear disclosure (or "I need help now"): the case is flagged urgent, with a reason a
  coordinator can read, and the team is told; if the database fails, this is tried again in
  the background until it is stored;
- a possible disclosure: the words are kept for a coordinator (the case shows in the queue),
  nothing is flagged until the person says they need help now.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ras_core import background
from ras_core.casework import ASSISTANT, Casework
from ras_core.domain.review import Role
from ras_core.domain.safeguarding import find_disclosure
from ras_core.notify import notify_soon
from ras_core.store import Store
from ras_core.store.cases import Case
from ras_core.store.people import Person

log = logging.getLogger(__name__)
ASKED_FOR_PERSON = "asked_for_person"
SAFEGUARDING = "safeguarding"
POSSIBLE_CONCERN = "possible_concern"
MAX_QUOTE = 300  # characters of the person's words in the reason a coordinator reads
KIND_NAMES = {"self_harm": "self-harm"}


def ask_for_person(store: Store, person: Person, assessment_id: int | None, words: str) -> Case:
    """The person asked to talk to someone: record it on their case and tell the team."""
    case = Casework(store).record_contact(person, assessment_id, ASKED_FOR_PERSON, words)
    notify_soon(store, case, ASKED_FOR_PERSON)
    return case


def raise_concern(
    store: Store, person: Person, assessment_id: int | None, words: str, reason: str
) -> Case | None:
    """The person may be in danger: record it, flag their case urgent and tell the team.

    None when the database failed: then it is tried again in the background until stored.
    """

    def flag() -> bool:
        work = Casework(store)
        case = work.record_contact(person, assessment_id, SAFEGUARDING, words)
        case = work.flag_urgent(case.id, by=ASSISTANT, role=Role.SYSTEM, reason=reason)
        notify_soon(store, case, "urgent")
        return True

    try:
        flag()
    except Exception:
        log.exception("Could not flag a safeguarding concern yet; trying again")
        background.keep_trying(flag, f"flag a safeguarding concern for person {person.id}")
        return None
    return store.cases.latest_for(person.id)


def note_possible_concern(
    store: Store, person: Person, assessment_id: int | None, words: str
) -> Case:
    """Words that may mean danger, while the person is asked whether they are safe."""
    return Casework(store).record_contact(person, assessment_id, POSSIBLE_CONCERN, words)


def concern_words(
    store: Store, person: Person, text: str, found: Mapping[str, Any]
) -> tuple[str, str]:
    """The words to keep and the urgent reason a coordinator reads. For "I need help now"
    (a button) they are the words that led to it, kept when the person was asked."""
    if text.startswith("/"):
        requests = store.people.contact_requests(person.id)
        earlier = [r.words for r in requests if r.reason == POSSIBLE_CONCERN]
        if earlier:
            return earlier[-1], f"asked for help now, after: '{_quote(earlier[-1])}'"
    return text, urgent_reason(found, text)


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
