"""The conversation as Rasa's SQL tracker store saved it (table `events`), read without Rasa.

This is the only code that reads Rasa's table. Every conversation is kept under the person's
namespaced id ("telegram:<id>", "rest:<id>"), and only that id is looked for: a bare "123"
from another channel is someone else.

Export, erasure and retention (ras_core.privacy) reach the table through the functions at the
end, in the transaction of the store that calls them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import bindparam, inspect, select, text
from sqlalchemy.engine import Connection

from ras_core.store.repository import Repository
from ras_core.store.schema import people


@dataclass(frozen=True)
class Line:
    speaker: str  # "person" or "assistant"
    text: str
    at: datetime | None


def sender_ids(channel: str, channel_user_id: str) -> list[str]:
    return [f"{channel}:{channel_user_id}"]


class Transcripts(Repository):
    def lines(self, person_id: int) -> list[Line] | None:
        """What the person and the assistant said, oldest first; None when nothing is stored."""
        with self.engine.connect() as conn:
            person = conn.execute(select(people).where(people.c.id == person_id)).first()
            if person is None or not inspect(conn).has_table("events"):
                return None
            rows = conn.execute(
                text(
                    "SELECT type_name, timestamp, data FROM events"
                    " WHERE sender_id IN :senders AND type_name IN ('user', 'bot')"
                    " ORDER BY id"
                ).bindparams(bindparam("senders", expanding=True)),
                {"senders": sender_ids(person.channel, person.channel_user_id)},
            ).all()
        lines = [line for line in (_line(*row) for row in rows) if line is not None]
        return lines or None


def _line(type_name: str, timestamp: float | None, data: str | None) -> Line | None:
    try:
        said = json.loads(data or "{}").get("text")
    except (ValueError, AttributeError):
        return None
    if not isinstance(said, str) or not said.strip():
        return None
    at = datetime.fromtimestamp(timestamp, timezone.utc) if timestamp else None
    return Line("person" if type_name == "user" else "assistant", said, at)


CHECKPOINTS_TABLE = "tracker_checkpoints"  # made by the project's tracker store, beside `events`


# Export, erasure and retention: every row Rasa keeps for a sender, in the caller's transaction.
def has_events(conn: Connection) -> bool:
    """Whether Rasa's table is there (it is made when the Rasa server first starts)."""
    return bool(inspect(conn).has_table("events"))


def events_of(conn: Connection, senders: list[str]) -> list[dict[str, Any]]:
    """Every event stored for these senders, oldest first, with its data as Rasa wrote it."""
    if not senders or not has_events(conn):
        return []
    rows = conn.execute(
        text(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events"
            " WHERE sender_id IN :senders ORDER BY id"
        ).bindparams(bindparam("senders", expanding=True)),
        {"senders": senders},
    ).all()
    return [
        {
            "sender_id": row.sender_id,
            "type_name": row.type_name,
            "at": _when(row.timestamp),
            "intent_name": row.intent_name,
            "action_name": row.action_name,
            "data": _data(row.data),
        }
        for row in rows
    ]


def delete_events(conn: Connection, senders: list[str], before: float | None = None) -> int:
    """Delete these senders' events (only those stamped before `before`, when given), and
    their tracker checkpoints: a checkpoint holds slot values copied from the events, and is
    only a shortcut that the tracker store makes again (bot/rasa/tracker_store.py)."""
    if not senders or not has_events(conn):
        return 0
    if inspect(conn).has_table(CHECKPOINTS_TABLE):
        conn.execute(
            text(f"DELETE FROM {CHECKPOINTS_TABLE} WHERE sender_id IN :senders").bindparams(
                bindparam("senders", expanding=True)
            ),
            {"senders": senders},
        )
    query = "DELETE FROM events WHERE sender_id IN :senders"
    values: dict[str, Any] = {"senders": senders}
    if before is not None:
        query += " AND timestamp < :before"
        values["before"] = before
    result = conn.execute(text(query).bindparams(bindparam("senders", expanding=True)), values)
    return int(result.rowcount)


def senders_seen(conn: Connection) -> dict[str, float]:
    """Every sender with events, and when their latest event was (a Unix time)."""
    if not has_events(conn):
        return {}
    rows = conn.execute(
        text("SELECT sender_id, MAX(timestamp) AS last FROM events GROUP BY sender_id")
    ).all()
    return {str(row.sender_id): float(row.last or 0) for row in rows}


def _when(timestamp: float | None) -> str | None:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat() if timestamp else None


def _data(data: str | None) -> Any:
    try:
        return json.loads(data or "null")
    except ValueError:
        return data
