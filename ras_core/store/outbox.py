"""Messages for a person that did not come as a reply: a coordinator's request or decision.

Each names a response in the domain and its values; a front end asks Rasa to say it, and it
is marked delivered by whoever says it first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ras_core.store.engine import now
from ras_core.store.repository import Repository
from ras_core.store.schema import outbox, people


@dataclass(frozen=True)
class PersonMessage:
    id: int
    person_id: int
    case_id: int | None
    key: str  # a response name in the domain, without "utter_"
    params: dict[str, Any]


def add(conn: Connection, person_id: int, case_id: int | None, key: str, **params: Any) -> None:
    """Within the caller's transaction: the message lands with the change it tells of."""
    conn.execute(
        outbox.insert().values(
            person_id=person_id,
            case_id=case_id,
            key=key,
            params_json=json.dumps(params, sort_keys=True),
            created_at=now(),
        )
    )


class Outbox(Repository):
    def undelivered(self, person_id: int | None = None) -> list[PersonMessage]:
        query = select(outbox).where(outbox.c.delivered_at.is_(None)).order_by(outbox.c.id)
        if person_id is not None:
            query = query.where(outbox.c.person_id == person_id)
        rows = self.rows(query)
        return [
            PersonMessage(r.id, r.person_id, r.case_id, r.key, json.loads(r.params_json))
            for r in rows
        ]

    def waiting_in(self, channel: str) -> list[str]:
        """The channel's user ids with a message not yet passed on (read only)."""
        query = (
            select(people.c.channel_user_id)
            .join(outbox, outbox.c.person_id == people.c.id)
            .where(outbox.c.delivered_at.is_(None), people.c.channel == channel)
            .group_by(people.c.id, people.c.channel_user_id)
            .order_by(people.c.id)
        )
        with self.engine.connect() as conn:
            return [str(row.channel_user_id) for row in conn.execute(query).all()]

    def mark_delivered(self, message_id: int) -> bool:
        """True for the one caller that marks it first, so two front ends never both send it."""
        with self.engine.begin() as conn:
            result = conn.execute(
                outbox.update()
                .where(outbox.c.id == message_id, outbox.c.delivered_at.is_(None))
                .values(delivered_at=now())
            )
        return bool(result.rowcount)
