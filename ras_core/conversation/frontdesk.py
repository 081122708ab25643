"""What a front end may ask and change, without touching the store or the conversation.

Front ends (Telegram, the terminal) talk to Rasa for the conversation itself. For the rest
they use this narrow desk: what can be said now (for hearing voice notes), the person's voice
choices, and who has a coordinator's reply waiting. Queries never add anyone.
"""

from __future__ import annotations

from ras_core import deployment
from ras_core.conversation.interview import Interview
from ras_core.domain.progress import InterviewStage
from ras_core.store import Store, open_store
from ras_core.store.people import NOT_ASKED, VoicePreferences

__all__ = ["FrontDesk", "VoicePreferences"]


class FrontDesk:
    def __init__(self, store: Store, channel: str) -> None:
        self.store = store
        self.channel = channel

    @classmethod
    def open(cls, channel: str) -> FrontDesk:
        """The desk over the database in the settings (migrated first)."""
        return cls(open_store(), channel)

    def what_can_be_said(self, user_id: str) -> list[str]:
        """The statements (and their labels) of the question the person is on; none elsewhere."""
        person = self.store.people.find(self.channel, user_id)
        if person is None:
            return []
        interview = Interview(self.store, deployment.questionnaire(), deployment.scheme(), person)
        if interview.stage not in (InterviewStage.QUESTION, InterviewStage.CONFIRM_ANSWER):
            return []
        statements = interview.area.statements
        return [s.text(interview.who) for s in statements] + [s.label for s in statements]

    def voice_preferences(self, user_id: str) -> VoicePreferences:
        person = self.store.people.find(self.channel, user_id)
        return NOT_ASKED if person is None else self.store.people.voice_preferences(person.id)

    def set_voice_preferences(
        self, user_id: str, *, reads_aloud: bool | None = None, slow: bool | None = None
    ) -> VoicePreferences:
        """The person's own choice: this is the one change a front end makes."""
        person = self.store.people.person(self.channel, user_id)
        return self.store.people.set_voice_preferences(
            person.id, reads_aloud=reads_aloud, slow=slow
        )

    def news_waiting(self) -> list[str]:
        """User ids on this channel with a coordinator's reply not yet passed on."""
        return self.store.outbox.waiting_in(self.channel)
