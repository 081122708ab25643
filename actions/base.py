"""The shape every action here shares: a name, and `act`, which says what ras_core asks for."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.render import utter
from ras_core.conversation.say import Say


@dataclass(frozen=True)
class Speaker:
    """Says `Say` items in the words of the domain's responses (carer wording for carers)."""

    dispatcher: CollectingDispatcher
    domain: dict[str, Any]

    def say(self, says: list[Say], who: str) -> None:
        utter(self.dispatcher, self.domain, says, who)


class ThinAction(Action, ABC):
    NAME: ClassVar[str]

    def name(self) -> str:
        return self.NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return self.act(Speaker(dispatcher, domain), tracker)

    @abstractmethod
    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]: ...
