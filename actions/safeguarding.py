"""Someone may be in danger: after Rasa has given the emergency numbers itself (the rules say
utter_safeguarding_now or utter_safeguarding_check first, so they come even if this server is
down), these actions record it and say what happens next. In the questions, words that may mean
danger but simply answer the question asked are read as an answer (action_possible_at_question).

What happens to the case is decided in ras_core.conversation.attention. The questions start
again only when the person asks (or says they are safe); the database keeps their place.
"""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.base import Speaker, ThinAction
from actions.context import interview, latest_turn, store
from ras_core import deployment
from ras_core.conversation.attention import concern_words, note_possible_concern, raise_concern
from ras_core.conversation.interview import Interview
from ras_core.conversation.say import Say

log = logging.getLogger(__name__)
CLOSE_FORMS = [SlotSet("saq_answer", None), SlotSet("plan_answer", None)]
HEARD_AS_ANSWER = "heard_as_answer"


class ActionSafeguarding(ThinAction):
    """A clear disclosure, or "I need help now": flag the case urgent and tell a coordinator."""

    NAME = "action_safeguarding"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        text = latest_turn(tracker).text
        found = (tracker.latest_message or {}).get("safeguarding") or {}
        who, in_questions = "self", False
        try:
            current = interview(tracker)
            who, in_questions = current.who, current.assessment is not None
            assessment_id = current.assessment.id if current.assessment else None
            words, reason = concern_words(store(), current.person, text, found)
            raise_concern(store(), current.person, assessment_id, words, reason)
        except Exception:
            # The person must still hear the rest, whatever went wrong here.
            log.exception("Could not flag a safeguarding concern for %s", tracker.sender_id)
        phone = deployment.council().safeguarding_phone
        closing = "safeguarding_questions_stopped" if in_questions else "safeguarding_no_questions"
        speaker.say([Say("safeguarding", {"safeguarding_phone": phone}), Say(closing)], who)
        return CLOSE_FORMS


class ActionPossibleConcern(ThinAction):
    """Words that may mean danger: Rasa has asked whether the person is safe; keep the words."""

    NAME = "action_possible_concern"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        return keep_possible_concern(speaker, tracker, None)


def keep_possible_concern(
    speaker: Speaker, tracker: Tracker, current: Interview | None
) -> list[EventType]:
    """Keep the words for a coordinator and give the council's number (`current`: the
    interview, if the caller has read it already)."""
    who = "self"
    try:
        current = current if current is not None else interview(tracker)
        who = current.who
        assessment_id = current.assessment.id if current.assessment else None
        note_possible_concern(store(), current.person, assessment_id, latest_turn(tracker).text)
    except Exception:
        log.exception("Could not keep a possible concern for %s", tracker.sender_id)
    phone = deployment.council().safeguarding_phone
    speaker.say([Say("safeguarding_check_council", {"safeguarding_phone": phone})], who)
    return CLOSE_FORMS


class ActionPossibleAtQuestion(ThinAction):
    """Words that may mean danger, in the questions. If they answer the question asked ("I'm not
    safe on my own" at keeping safe), they are read as an answer: the rule then runs the form
    again, which asks the question once more. Otherwise the person is asked whether they are
    safe, as anywhere else."""

    NAME = "action_possible_at_question"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        current = None
        try:
            current = interview(tracker)
            outcome = current.safety_words_as_answer(latest_turn(tracker))
            if outcome is not None:
                speaker.say(outcome.says, current.who)
                return [SlotSet(HEARD_AS_ANSWER, True)]
        except Exception:
            # Unsure whether it was an answer: ask whether they are safe, as for any other words.
            log.exception("Could not read possible danger as an answer for %s", tracker.sender_id)
        speaker.say([Say("safeguarding_check")], "self")
        return [SlotSet(HEARD_AS_ANSWER, False), *keep_possible_concern(speaker, tracker, current)]


class ActionSafeNow(ThinAction):
    """ "I am safe": thank them; the rules then carry on where they were (action_begin)."""

    NAME = "action_safe_now"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        speaker.say([Say("glad_you_are_safe")], interview(tracker).who)
        return []
