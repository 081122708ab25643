"""The two forms, questions and plan, each one slot that every message goes to in ras_core.

`ConversationForm` does the work; each form names only its slot and the conversation it talks to.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar, Protocol

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import Speaker, ThinAction
from actions.context import interview, latest_turn, planning, store
from actions.render import utter
from ras_core.conversation.say import Outcome, Say
from ras_core.domain.understanding import Turn
from ras_core.notify import notify_soon

FINISHED = "finished"


class Conversation(Protocol):
    """What a form needs of the interview or the plan."""

    @property
    def who(self) -> str: ...

    def handle(self, turn: Turn) -> Outcome: ...

    def prompt(self) -> list[Say]: ...


class ConversationForm(FormValidationAction):
    """Hands each message to the conversation; the slot is filled only when it is over."""

    SLOT: ClassVar[str]
    FORM: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Rasa finds a slot's validation by name: validate_<slot>.
        setattr(cls, f"validate_{cls.SLOT}", cls._validate)

    @staticmethod
    @abstractmethod
    def conversation(tracker: Tracker) -> Conversation: ...

    def name(self) -> str:
        return f"validate_{self.FORM}"

    def _validate(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if not isinstance(slot_value, str):
            # Rasa also validates when the form starts; there is no new answer then.
            return {self.SLOT: None}
        current = self.conversation(tracker)
        outcome = current.handle(latest_turn(tracker))
        utter(dispatcher, domain, outcome.says, current.who)
        if outcome.submitted is not None:
            notify_soon(store(), outcome.submitted, outcome.submitted.state.value)
        return {self.SLOT: FINISHED if outcome.finished else None}


class AskNext(ThinAction):
    """Asks whatever comes next in a form, worked out from the database."""

    @property
    @abstractmethod
    def form(self) -> type[ConversationForm]:
        """The form whose slot this asks for (abstract, so Rasa SDK registers only subclasses)."""

    def name(self) -> str:
        return f"action_ask_{self.form.SLOT}"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        current = self.form.conversation(tracker)
        speaker.say(current.prompt(), current.who)
        return []


class ValidateAssessmentForm(ConversationForm):
    FORM, SLOT = "assessment_form", "saq_answer"
    conversation = staticmethod(interview)


class ValidatePlanForm(ConversationForm):
    FORM, SLOT = "plan_form", "plan_answer"
    conversation = staticmethod(planning)


class ActionAskSaqAnswer(AskNext):
    form = ValidateAssessmentForm


class ActionAskPlanAnswer(AskNext):
    form = ValidatePlanForm
