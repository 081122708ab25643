"""Rasa's SQL tracker store, with two additions: a conversation can be forgotten, and SQL
errors never carry what people wrote into the logs.

When an action sets the `forget_conversation` slot (after a person's data is erased, or when
they decline consent), saving the tracker deletes every stored event of that conversation
instead of adding the new ones. The SQL store saves only the events it has not stored yet
(by count), so deleting the rows from an action would not be enough: the store would write
the whole conversation back at the end of the turn. Used from bot/rasa/endpoints.yml.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

FORGET_SLOT = "forget_conversation"


class PrivateSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A failed save must not put what people wrote into the log.
        self.engine.hide_parameters = True

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(FORGET_SLOT):
            self.forget(tracker.sender_id)
            return
        await super().save(tracker)

    def forget(self, sender_id: str) -> None:
        """Delete every stored event of one conversation."""
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
