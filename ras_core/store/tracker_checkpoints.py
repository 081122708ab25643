"""SQL for the tracker store's checkpoints (bot/rasa/tracker_store.py), beside Rasa's `events`.

A checkpoint is the state of one conversation at a turn some way back, so that Rasa loads only
the events after it. This module only reads and writes rows; what a checkpoint holds and when
one is made is the tracker store's business. Every function runs in the caller's transaction.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ras_core.store.engine import make_engine
from ras_core.store.transcripts import CHECKPOINTS_TABLE

log = logging.getLogger(__name__)

_metadata = MetaData()
CHECKPOINTS = Table(
    CHECKPOINTS_TABLE,
    _metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("event_id", Integer, nullable=False),  # the last stored event it covers
    Column("session_id", Integer),  # the id of its session's `session_started` event
    Column("head", Text, nullable=False),  # the made-up events, as JSON
)
# Rasa's own table, as far as these queries need it.
_EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("data", Text),
)


@dataclass(frozen=True)
class Checkpoint:
    """The state of a conversation after one stored event (`event_id`)."""

    event_id: int
    session_id: int | None  # the row id of its session's `session_started` event
    head: list[dict[str, Any]]  # the made-up events that recreate the state


def tracker_engine(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """An engine for Rasa's tracker store set up as ours is (make_engine), and its sessions."""
    engine = make_engine(url)
    return engine, sessionmaker(bind=engine)


def create_tables(engine: Engine) -> None:
    """The checkpoint table, and an index that finds a session's start without a scan.

    Several servers may start at once on one database: whichever loses the race finds the
    table or index there, which is all that matters."""
    index = Index("ix_events_sender_type", _EVENTS.c.sender_id, _EVENTS.c.type_name)
    try:
        _metadata.create_all(engine)
        index.create(engine, checkfirst=True)
    except SQLAlchemyError:
        log.info("Another server made the tracker store's tables first.")


def session_start_id(conn: Connection, sender_id: str) -> int | None:
    """The row id of the conversation's latest `session_started` event."""
    found = conn.execute(
        select(func.max(_EVENTS.c.id)).where(
            _EVENTS.c.sender_id == sender_id, _EVENTS.c.type_name == "session_started"
        )
    ).scalar()
    return int(found) if found is not None else None


def read_checkpoint(conn: Connection, sender_id: str) -> Checkpoint | None:
    """The conversation's checkpoint, if it belongs to its current session."""
    row = conn.execute(select(CHECKPOINTS).where(CHECKPOINTS.c.sender_id == sender_id)).first()
    if row is None or row.session_id != session_start_id(conn, sender_id):
        return None
    return Checkpoint(row.event_id, row.session_id, json.loads(row.head))


def events_after(conn: Connection, sender_id: str, event_id: int) -> list[tuple[int, str]]:
    """(id, data) of the conversation's events after one, in order."""
    rows = conn.execute(
        select(_EVENTS.c.id, _EVENTS.c.data)
        .where(_EVENTS.c.sender_id == sender_id, _EVENTS.c.id > event_id)
        .order_by(_EVENTS.c.id)
    ).all()
    return [(int(row.id), str(row.data)) for row in rows]


def count_events_after(conn: Connection, sender_id: str, event_id: int) -> int:
    found = conn.execute(
        select(func.count())
        .select_from(_EVENTS)
        .where(_EVENTS.c.sender_id == sender_id, _EVENTS.c.id > event_id)
    ).scalar()
    return int(found or 0)


def write_checkpoint(conn: Connection, sender_id: str, checkpoint: Checkpoint) -> None:
    """Replace the conversation's checkpoint."""
    conn.execute(CHECKPOINTS.delete().where(CHECKPOINTS.c.sender_id == sender_id))
    conn.execute(
        CHECKPOINTS.insert().values(
            sender_id=sender_id,
            event_id=checkpoint.event_id,
            session_id=checkpoint.session_id,
            head=json.dumps(checkpoint.head),
        )
    )
