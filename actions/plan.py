"""The support plan form, sending the plan, and passing on a coordinator's reply."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import casework, latest_turn, planning
from actions.render import utter
from ras_core.casework import Case
from ras_core.council import load_council
from ras_core.interview import Say
from ras_core.notify import notify_team
from ras_core.review import State
from ras_core.storage import Person

log = logging.getLogger(__name__)
FINISHED = "finished"


class ValidatePlanForm(FormValidationAction):
    def name(self) -> str:
        return "validate_plan_form"

    def validate_plan_answer(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if not isinstance(slot_value, str):
            return {"plan_answer": None}
        current = planning(tracker)
        outcome = current.handle(latest_turn(tracker))
        utter(dispatcher, domain, outcome.says, current.who)
        if outcome.submitted is not None:
            tell_coordinators_later(outcome.submitted)
        return {"plan_answer": FINISHED if outcome.finished else None}


class ActionAskPlanAnswer(Action):
    def name(self) -> str:
        return "action_ask_plan_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        current = planning(tracker)
        utter(dispatcher, domain, current.prompt(), current.who)
        return []


class ActionFinishPlan(Action):
    """After the form: the reference, and what happens next and by when."""

    def name(self) -> str:
        return "action_finish_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        current = planning(tracker)
        case = current.case
        if case is not None and case.state in (State.SUBMITTED, State.RESUBMITTED):
            key = "plan_sent" if case.state is State.SUBMITTED else "plan_resent"
            days = load_council().reply_working_days
            says = [Say(key, {"reference": case.reference, "days": days})]
            utter(dispatcher, domain, says, current.who)
        return [SlotSet("plan_answer", None), SlotSet("journey", "done")]


class ActionDeliverNews(Action):
    """Says a coordinator's reply, when a front end triggers EXTERNAL_review_news."""

    def name(self) -> str:
        return "action_deliver_news"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        current = planning(tracker)
        utter(dispatcher, domain, news_for(current.person), current.who)
        return []


def news_for(person: Person) -> list[Say]:
    """Coordinators' replies not yet passed on; each is marked so it is said only once."""
    work = casework()
    return [
        Say(message.key, message.params)
        for message in work.undelivered(person.id)
        if work.mark_delivered(message.id)
    ]


def tell_coordinators_later(case: Case) -> None:
    """Email and Telegram can be slow: the person's reply must not wait for them."""
    event = "submitted" if case.state is State.SUBMITTED else "resubmitted"
    loop = asyncio.get_running_loop()
    loop.run_in_executor(None, notify_team, casework(), case, event)
