"""People: who is writing (channel and id), their consent, voice choices and contact requests.

Each person also has a random reference ("P-7KX2M9QH"): the audit log names them by it, never
by their channel id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ras_core.store.engine import aware, now
from ras_core.store.references import new_reference
from ras_core.store.repository import Repository
from ras_core.store.schema import contact_requests, erasures, people

# Where a person reference may already be: a person, or the register of erased people.
PERSON_REFERENCES = (people.c.reference, erasures.c.person_reference)


@dataclass(frozen=True)
class Person:
    id: int
    channel: str
    channel_user_id: str
    consented: bool
    reference: str = ""  # how the audit log names the person: "P-7KX2M9QH"

    @property
    def sender(self) -> str:
        """How the person is named in the chat and in case steps: "telegram:123"."""
        return f"{self.channel}:{self.channel_user_id}"


@dataclass(frozen=True)
class VoicePreferences:
    reads_aloud: bool | None  # None: not asked yet
    slow: bool


NOT_ASKED = VoicePreferences(None, False)


@dataclass(frozen=True)
class ContactRequest:
    reason: str  # asked_for_person, or safeguarding
    words: str
    at: datetime


class People(Repository):
    def person(self, channel: str, channel_user_id: str) -> Person:
        """Find the person, adding them the first time they write."""
        with self.engine.begin() as conn:
            row = _row(conn, channel, channel_user_id)
            if row is None:
                conn.execute(
                    people.insert().values(
                        channel=channel,
                        channel_user_id=channel_user_id,
                        created_at=now(),
                        reference=new_reference(conn, "P-", 8, PERSON_REFERENCES),
                    )
                )
                row = _row(conn, channel, channel_user_id)
            assert row is not None
            return _person(row)

    def find(self, channel: str, channel_user_id: str) -> Person | None:
        """The person if they have written before; never adds anyone."""
        with self.engine.connect() as conn:
            row = _row(conn, channel, channel_user_id)
        return _person(row) if row is not None else None

    def by_id(self, person_id: int) -> Person:
        row = self.one(select(people).where(people.c.id == person_id))
        return _person(row)

    def record_consent(self, person_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(people.update().where(people.c.id == person_id).values(consented_at=now()))

    # Voice: whether replies are read aloud, and slowly
    def voice_preferences(self, person_id: int) -> VoicePreferences:
        row = self.one(
            select(people.c.reads_aloud, people.c.slow_speech).where(people.c.id == person_id)
        )
        return VoicePreferences(row.reads_aloud, bool(row.slow_speech))

    def set_voice_preferences(
        self, person_id: int, *, reads_aloud: bool | None = None, slow: bool | None = None
    ) -> VoicePreferences:
        """Change what is given; leave the rest as it is."""
        changes: dict[str, Any] = {}
        if reads_aloud is not None:
            changes["reads_aloud"] = reads_aloud
        if slow is not None:
            changes["slow_speech"] = slow
        if changes:
            with self.engine.begin() as conn:
                conn.execute(people.update().where(people.c.id == person_id).values(**changes))
        return self.voice_preferences(person_id)

    # Asking to talk to someone (or a safeguarding concern), in the person's own words
    def contact_requests(self, person_id: int) -> list[ContactRequest]:
        rows = self.rows(
            select(contact_requests)
            .where(contact_requests.c.person_id == person_id)
            .order_by(contact_requests.c.id)
        )
        return [ContactRequest(r.reason, r.words, aware(r.created_at) or now()) for r in rows]


def add_contact_request(
    conn: Connection, person_id: int, assessment_id: int | None, reason: str, words: str
) -> int:
    """Within a caller's transaction, so the request and its case change land together;
    returns the request's id."""
    result = conn.execute(
        contact_requests.insert().values(
            person_id=person_id,
            assessment_id=assessment_id,
            reason=reason,
            words=words,
            created_at=now(),
        )
    )
    return int(result.inserted_primary_key[0])


def _row(conn: Connection, channel: str, channel_user_id: str) -> Any:
    query = select(people).where(
        people.c.channel == channel, people.c.channel_user_id == channel_user_id
    )
    return conn.execute(query).first()


def _person(row: Any) -> Person:
    consented = row.consented_at is not None
    return Person(row.id, row.channel, row.channel_user_id, consented, row.reference)
