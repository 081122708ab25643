"""Someone may be in danger: give the emergency numbers, stop the questions, tell a coordinator.

Run by the rules for the intent `disclosure`, at any point in the chat (bot/nlu/safeguarding.py
sets it). The questions start again only when the person asks (the "someone arrives or comes
back" rule); the database keeps their place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import interview, latest_turn, store
from actions.render import utter
from ras_core.casework import Case, Casework
from ras_core.council import load_council
from ras_core.interview import Interview, Say
from ras_core.notify import notify_team
from ras_core.review import Role
from ras_core.safeguarding import find_disclosure

log = logging.getLogger(__name__)

CONTACT_REASON = "safeguarding"
BY = "assistant"
MAX_QUOTE = 300  # characters of the person's words in the reason a coordinator reads
KIND_NAMES = {"self_harm": "self-harm"}
# Notifications still being sent, kept so they are not dropped before they finish.
_sending: set[asyncio.Future[Any]] = set()


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


def _notify(work: Casework, case: Case) -> None:
    try:
        notify_team(work, case, "urgent")
    except Exception:  # never let a notification problem reach the person
        log.exception("Could not notify the team about urgent case %s", case.reference)


def tell_team_soon(work: Casework, case: Case) -> None:
    """Email or message the case's team in a worker thread: the reply does not wait for it."""
    future = asyncio.get_running_loop().run_in_executor(None, _notify, work, case)
    _sending.add(future)
    future.add_done_callback(_sending.discard)


def flag_case(current: Interview, text: str, reason: str) -> Case:
    """Record the contact request, find or open the person's case, and flag it urgent."""
    person_id = current.person.id
    assessment_id = current.assessment.id if current.assessment else None
    store().request_contact(person_id, assessment_id, CONTACT_REASON, text)
    work = Casework(store().engine)
    case = work.latest_case(person_id) or work.open_case(person_id, assessment_id)
    return work.flag_urgent(case.id, by=BY, role=Role.SYSTEM, reason=reason)


class ActionSafeguarding(Action):
    def name(self) -> str:
        return "action_safeguarding"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = latest_turn(tracker).text
        found = (tracker.latest_message or {}).get("safeguarding") or {}
        reason = urgent_reason(found, text)
        who, in_questions = "self", False
        try:
            current = interview(tracker)
            who, in_questions = current.who, current.assessment is not None
            case = flag_case(current, text, reason)
            tell_team_soon(Casework(store().engine), case)
        except Exception:
            # The person must still get the emergency numbers, whatever went wrong here.
            log.exception("Could not flag a safeguarding concern for %s", tracker.sender_id)
        phone = load_council().safeguarding_phone
        closing = "safeguarding_questions_stopped" if in_questions else "safeguarding_no_questions"
        says = [Say("safeguarding", {"safeguarding_phone": phone}), Say(closing)]
        utter(dispatcher, domain, says, who)
        return [SlotSet("saq_answer", None)]
