"""The questionnaire form: every message goes to the interview in ras_core."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import interview, latest_turn
from actions.render import utter

FINISHED = "finished"


class ValidateAssessmentForm(FormValidationAction):
    def name(self) -> str:
        return "validate_assessment_form"

    def validate_saq_answer(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Hand the message to the interview; the slot is filled only when it is over."""
        if not isinstance(slot_value, str):
            # Rasa also validates when the form starts; there is no new answer then.
            return {"saq_answer": None}
        current = interview(tracker)
        outcome = current.handle(latest_turn(tracker))
        utter(dispatcher, domain, outcome.says, current.who)
        return {"saq_answer": FINISHED if outcome.finished else None}


class ActionAskSaqAnswer(Action):
    """Asks whatever comes next, worked out from the database."""

    def name(self) -> str:
        return "action_ask_saq_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        current = interview(tracker)
        utter(dispatcher, domain, current.prompt(), current.who)
        return []
