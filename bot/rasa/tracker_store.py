"""Rasa's SQL tracker store, with three additions: a long session loads as a short one, a
conversation can be forgotten, and SQL errors never carry what people wrote into the logs.

- **Checkpoints** (bot/rasa/checkpoints.py): loading the current session reads the events
  after the conversation's latest checkpoint only, so a turn costs about the same at turn 500
  as at turn 5. Saving adds the new events as Rasa does (counting what was loaded, not the
  table's rows) and moves the checkpoint on when enough events follow it.
- **Forgetting**: when an action sets the `forget_conversation` slot (after a person's data
  is erased, or when they decline consent), saving deletes every stored event of that
  conversation, and its checkpoint, instead of adding the new ones.
- **SQLite** is opened as our own tables open it (pooled connections, WAL, synchronous=NORMAL).

The SQL of our own lives in ras_core/store/tracker_checkpoints.py. Used from bot/rasa/endpoints.yml.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa.checkpoints import cut_at, make_checkpoint
from ras_core.store import tracker_checkpoints as checkpoints
from ras_core.store.transcripts import delete_events

FORGET_SLOT = "forget_conversation"
CHECKPOINTS = checkpoints.CHECKPOINTS

# What a loaded tracker remembers about its rows (an attribute set on the tracker object, which
# Rasa hands back to `save` at the end of the turn).
_IDS = "_stored_event_ids"  # one per event: its row id, or None for made-up head events


class PrivateSQLTrackerStore(SQLTrackerStore):
    engine: Any  # Rasa's, or ours on SQLite

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # The file our own tables use, set up the same way: pooled connections, WAL with
            # synchronous=NORMAL (no sync to disk on every turn's commit), wait for locks.
            url = self.engine.url.render_as_string(hide_password=False)
            self.engine.dispose()
            self.engine, self.sessionmaker = checkpoints.tracker_engine(url)
        # A failed save must not put what people wrote into the log.
        self.engine.hide_parameters = True
        checkpoints.create_tables(self.engine)

    # Loading

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The current session, from the latest checkpoint on."""
        if self.domain is None:
            return None
        with self.session_scope() as session:
            checkpoint = checkpoints.read_checkpoint(session.connection(), sender_id)
            if checkpoint is not None:
                rows = checkpoints.events_after(
                    session.connection(), sender_id, checkpoint.event_id
                )
                head = checkpoint.head
            else:
                found = self._event_query(session, sender_id, False).all()
                rows = [(row.id, row.data) for row in found]
                head = []
        if not rows and not head:
            return None
        events = head + [json.loads(data) for _, data in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, _IDS, [None] * len(head) + [row_id for row_id, _ in rows])
        return tracker

    # Saving

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(FORGET_SLOT):
            self.forget(tracker.sender_id)
            return
        await self.stream_events(tracker)
        with self.session_scope() as session:
            ids = getattr(tracker, _IDS, None)
            stored = len(ids) if ids is not None else self._stored_count(session, tracker)
            new_rows = [
                self._row(tracker.sender_id, event)
                for event in itertools.islice(tracker.events, stored, None)
            ]
            session.add_all(new_rows)
            session.flush()  # gives the new rows their ids
            if ids is not None:
                ids = ids + [row.id for row in new_rows]
                self._move_checkpoint(session, tracker, ids)
                setattr(tracker, _IDS, ids)
            session.commit()

    def _row(self, sender_id: str, event: Event) -> Any:
        """The table row of one event, as Rasa's own store writes it."""
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    def _stored_count(self, session: Any, tracker: DialogueStateTracker) -> int:
        """How many of a tracker's events are stored (or made up), for a tracker this store
        did not load (a new one, or one built by a caller)."""
        checkpoint = checkpoints.read_checkpoint(session.connection(), tracker.sender_id)
        if checkpoint is None:
            return int(self._event_query(session, tracker.sender_id, False).count())
        after = checkpoints.count_events_after(
            session.connection(), tracker.sender_id, checkpoint.event_id
        )
        return len(checkpoint.head) + after

    def _move_checkpoint(
        self, session: Any, tracker: DialogueStateTracker, ids: list[int | None]
    ) -> None:
        """A new checkpoint, when enough events follow the current one."""
        events = list(tracker.events)
        starts = [i for i, event in enumerate(events) if isinstance(event, SessionStarted)]
        cut = cut_at(events, starts[-1] + 1 if starts else 0)
        if cut is None or ids[cut - 1] is None or self.domain is None:
            return
        checkpoint = make_checkpoint(
            tracker.sender_id,
            events,
            cut,
            event_id=int(ids[cut - 1] or 0),
            session_id=checkpoints.session_start_id(session.connection(), tracker.sender_id),
            slots=list(self.domain.slots),
        )
        checkpoints.write_checkpoint(session.connection(), tracker.sender_id, checkpoint)

    def forget(self, sender_id: str) -> None:
        """Delete every stored event of one conversation, and its checkpoint."""
        with self.session_scope() as session:
            delete_events(session.connection(), [sender_id])
            session.commit()
