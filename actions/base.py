"""The shape every action here shares: a name, and `act`, which says what ras_core asks for."""

from __future__ import annotations

import logging
import traceback
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.render import utter
from ras_core.conversation.say import Say

log = logging.getLogger(__name__)


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
        try:
            return self.act(Speaker(dispatcher, domain), tracker)
        except Exception as error:
            # Logged by name and place only: an exception's message may quote what the person
            # wrote, and letting it escape makes Rasa log the whole conversation it sent.
            where = "".join(traceback.format_tb(error.__traceback__))
            log.error("Action %s failed with %s at\n%s", self.NAME, type(error).__name__, where)
            return []

    @abstractmethod
    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]: ...
