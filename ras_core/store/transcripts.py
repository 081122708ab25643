"""The conversation as Rasa's SQL tracker store saved it (table `events`), read without Rasa.

This is the only code that reads Rasa's table. Every conversation is kept under the person's
namespaced id ("telegram:<id>", "rest:<id>"), and only that id is looked for: a bare "123"
from another channel is someone else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import bindparam, inspect, select, text

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
