"""Someone may be in danger: give the emergency numbers, stop the questions, tell a coordinator.

Run by the rules for the intent `disclosure`, at any point in the chat (bot/rasa/components/
safeguarding.py sets it). What happens to the case is decided in ras_core.conversation.attention.
The questions start again only when the person asks; the database keeps their place.
"""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.base import Speaker, ThinAction
from actions.context import interview, latest_turn, store
from ras_core import deployment
from ras_core.conversation.attention import raise_concern, urgent_reason
from ras_core.conversation.say import Say

log = logging.getLogger(__name__)


class ActionSafeguarding(ThinAction):
    NAME = "action_safeguarding"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        text = latest_turn(tracker).text
        found = (tracker.latest_message or {}).get("safeguarding") or {}
        who, in_questions = "self", False
        try:
            current = interview(tracker)
            who, in_questions = current.who, current.assessment is not None
            assessment_id = current.assessment.id if current.assessment else None
            raise_concern(store(), current.person, assessment_id, text, urgent_reason(found, text))
        except Exception:
            # The person must still get the emergency numbers, whatever went wrong here.
            log.exception("Could not flag a safeguarding concern for %s", tracker.sender_id)
        phone = deployment.council().safeguarding_phone
        closing = "safeguarding_questions_stopped" if in_questions else "safeguarding_no_questions"
        says = [Say("safeguarding", {"safeguarding_phone": phone}), Say(closing)]
        speaker.say(says, who)
        return [SlotSet("saq_answer", None)]
