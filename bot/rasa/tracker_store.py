"""Rasa's SQL tracker store, with three additions: a long session loads as a short one, a
conversation can be forgotten, and SQL errors never carry what people wrote into the logs.

- **Checkpoints** (bot/rasa/checkpoints.py): loading the current session reads the events
  after the conversation's latest checkpoint only, so a turn costs about the same at turn 500
  as at turn 5. Saving adds the new events as Rasa does (counting what was loaded, not the
  table's rows) and moves the checkpoint on when enough events follow it.
- **Forgetting**: when an action sets the `forget_conversation` slot (after a person's data
  is erased, or when they decline consent), saving deletes every stored event of that
  conversation, and its checkpoint, instead of adding the new ones.

Used from bot/rasa/endpoints.yml.
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session

from bot.rasa.checkpoints import Checkpoint, cut_at, make_checkpoint

FORGET_SLOT = "forget_conversation"
log = logging.getLogger(__name__)

_metadata = sa.MetaData()
CHECKPOINTS = sa.Table(
    "tracker_checkpoints",
    _metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("event_id", sa.Integer, nullable=False),  # the last stored event it covers
    sa.Column("session_id", sa.Integer),  # the id of its session's `session_started` event
    sa.Column("head", sa.Text, nullable=False),  # the made-up events, as JSON
)

# What a loaded tracker remembers about its rows (attributes set on the tracker object, which
# Rasa hands back to `save` at the end of the turn).
_IDS = "_stored_event_ids"  # one per event: its row id, or None for made-up head events


class PrivateSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A failed save must not put what people wrote into the log.
        self.engine.hide_parameters = True
        self._create_tables()

    def _create_tables(self) -> None:
        """The checkpoint table, and an index that finds a session's start without a scan.

        Several servers may start at once on one database: whichever loses the race finds
        the table or index there, which is all that matters."""
        index = sa.Index("ix_events_sender_type", self.SQLEvent.sender_id, self.SQLEvent.type_name)
        for create in (
            lambda: _metadata.create_all(self.engine),
            lambda: index.create(self.engine, checkfirst=True),
        ):
            try:
                create()
            except sa.exc.SQLAlchemyError:
                log.info("Another server made the tracker store's tables first.")

    # Loading

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The current session, from the latest checkpoint on."""
        if self.domain is None:
            return None
        with self.session_scope() as session:
            checkpoint = self._checkpoint(session, sender_id)
            if checkpoint is not None:
                rows = (
                    session.query(self.SQLEvent)
                    .filter(
                        self.SQLEvent.sender_id == sender_id,
                        self.SQLEvent.id > checkpoint.event_id,
                    )
                    .order_by(self.SQLEvent.id)
                    .all()
                )
                head = checkpoint.head
            else:
                rows = self._event_query(session, sender_id, False).all()
                head = []
        if not rows and not head:
            return None
        events = head + [json.loads(row.data) for row in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, _IDS, [None] * len(head) + [row.id for row in rows])
        return tracker

    def _session_id(self, session: Session, sender_id: str) -> int | None:
        """The row id of the conversation's latest `session_started` event."""
        found = (
            session.query(sa.func.max(self.SQLEvent.id))
            .filter(
                self.SQLEvent.sender_id == sender_id,
                self.SQLEvent.type_name == SessionStarted.type_name,
            )
            .scalar()
        )
        return int(found) if found is not None else None

    def _checkpoint(self, session: Session, sender_id: str) -> Checkpoint | None:
        """The conversation's checkpoint, if it belongs to the current session."""
        row = session.execute(
            sa.select(CHECKPOINTS).where(CHECKPOINTS.c.sender_id == sender_id)
        ).first()
        if row is None or row.session_id != self._session_id(session, sender_id):
            return None
        return Checkpoint(row.event_id, row.session_id, json.loads(row.head))

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

    def _stored_count(self, session: Session, tracker: DialogueStateTracker) -> int:
        """How many of a tracker's events are stored (or made up), for a tracker this store
        did not load (a new one, or one built by a caller)."""
        checkpoint = self._checkpoint(session, tracker.sender_id)
        if checkpoint is None:
            return int(self._event_query(session, tracker.sender_id, False).count())
        after = (
            session.query(self.SQLEvent)
            .filter(
                self.SQLEvent.sender_id == tracker.sender_id,
                self.SQLEvent.id > checkpoint.event_id,
            )
            .count()
        )
        return len(checkpoint.head) + int(after)

    def _move_checkpoint(
        self, session: Session, tracker: DialogueStateTracker, ids: list[int | None]
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
            session_id=self._session_id(session, tracker.sender_id),
            slots=list(self.domain.slots),
        )
        session.execute(CHECKPOINTS.delete().where(CHECKPOINTS.c.sender_id == tracker.sender_id))
        session.execute(
            CHECKPOINTS.insert().values(
                sender_id=tracker.sender_id,
                event_id=checkpoint.event_id,
                session_id=checkpoint.session_id,
                head=checkpoint.to_json(),
            )
        )

    def forget(self, sender_id: str) -> None:
        """Delete every stored event of one conversation, and its checkpoint."""
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.execute(CHECKPOINTS.delete().where(CHECKPOINTS.c.sender_id == sender_id))
            session.commit()
