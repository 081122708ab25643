"""After the plan form: the reference and when to expect a reply; and coordinators' replies."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.base import Speaker, ThinAction
from actions.context import planning, store
from ras_core import deployment
from ras_core.conversation.say import Say
from ras_core.domain.progress import Journey
from ras_core.domain.review import State


class ActionFinishPlan(ThinAction):
    """After the form: the reference, and what happens next and by when."""

    NAME = "action_finish_plan"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        current = planning(tracker)
        case = current.case
        if case is not None and case.state in (State.SUBMITTED, State.RESUBMITTED):
            key = "plan_sent" if case.state is State.SUBMITTED else "plan_resent"
            days = deployment.council().reply_working_days
            says = [Say(key, {"reference": case.reference, "days": days})]
            speaker.say(says, current.who)
        return [SlotSet("plan_answer", None), SlotSet("journey", Journey.DONE.value)]


class ActionDeliverNews(ThinAction):
    """Says a coordinator's reply, when a front end triggers EXTERNAL_review_news."""

    NAME = "action_deliver_news"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        current = planning(tracker)
        speaker.say(news_for(current.person.id), current.who)
        return []


def news_for(person_id: int) -> list[Say]:
    """Coordinators' replies not yet passed on; each is marked so it is said only once."""
    outbox = store().outbox
    return [
        Say(message.key, message.params)
        for message in outbox.undelivered(person_id)
        if outbox.mark_delivered(message.id)
    ]
