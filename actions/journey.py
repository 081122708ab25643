"""Actions outside the forms: arriving, finishing, pausing and asking for a person."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.base import Speaker, ThinAction
from actions.context import interview, latest_turn, planning, store
from actions.plan import news_for
from actions.privacy import forget
from ras_core.conversation.attention import ask_for_person
from ras_core.conversation.say import Say
from ras_core.domain.progress import Journey

START_INTENTS = {"start_assessment", "start_again"}


class ActionBegin(ThinAction):
    """Greets the person and decides whether there are questions to ask."""

    NAME = "action_begin"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        current = interview(tracker)
        speaker.say(news_for(current.person.id), current.who)
        fresh = latest_turn(tracker).intent in START_INTENTS
        journey, says = current.begin(fresh=fresh)
        if journey is Journey.DONE and not fresh:
            # The questions are finished: the plan comes next, or where it stands is said.
            plan_journey, plan_says = planning(tracker).begin()
            if plan_journey is Journey.PLAN or plan_says:
                journey, says = plan_journey, [*says[:1], *plan_says]
        speaker.say(says, current.who)
        return [SlotSet("journey", journey.value)]


class ActionFinishAssessment(ThinAction):
    """After the form: the early budget, or a kind goodbye if the person chose not to go on."""

    NAME = "action_finish_assessment"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        current = interview(tracker)
        if not current.person.consented:
            # Declined: nothing about them is kept, not even this conversation.
            speaker.say([Say("declined")], current.who)
            return forget(speaker, tracker, reason="declined consent")
        says = current.budget_says()
        if current.finished is not None:
            says.append(Say("plan_offer"))
        speaker.say(says, current.who)
        return [SlotSet("saq_answer", None), SlotSet("journey", Journey.DONE.value)]


class ActionPause(ThinAction):
    NAME = "action_pause"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        # Everything is already in the database; pausing only closes the form.
        speaker.say([Say("paused")], interview(tracker).who)
        return [SlotSet("saq_answer", None)]


class ActionAskForPerson(ThinAction):
    """The person asked for a person: it goes on their case, and their team is told."""

    NAME = "action_ask_for_person"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        current = interview(tracker)
        assessment_id = current.assessment.id if current.assessment else None
        ask_for_person(store(), current.person, assessment_id, latest_turn(tracker).text)
        speaker.say([Say("asked_for_person")], current.who)
        return []
