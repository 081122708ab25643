"""Persistence: people, assessments, answers, budgets and requests to talk to a person.

SQLAlchemy Core in 2.0 style (future=True) on 1.4, because Rasa pins SQLAlchemy below 1.5.
SQLite by default; PostgreSQL when DATABASE_URL says so. The database, not the chat
tracker, is the source of truth for where a person is in their questionnaire, so a pause,
a restart of the servers or a crash loses nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Connection, Engine

REPO = Path(__file__).resolve().parent.parent
metadata = MetaData()

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("channel_user_id", String(128), nullable=False),
    Column("consented_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("reads_aloud", Boolean),  # None until asked
    Column("slow_speech", Boolean, nullable=False, default=False),
    UniqueConstraint("channel", "channel_user_id", name="uq_people_channel_user"),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("questionnaire_id", String(64), nullable=False),
    Column("questionnaire_version", String(32), nullable=False),
    Column("answering_for", String(16), nullable=False),  # "self" or "someone_else"
    Column("status", String(16), nullable=False),  # in_progress, complete, abandoned
    # Where the interview stands: stage is question, review, choose_change or confirm_restart.
    Column("stage", String(32), nullable=False),
    Column("previous_stage", String(32)),
    Column("position", Integer, nullable=False),  # 0-based index of the current area
    # An answer heard in own words, waiting for a yes or no before it is saved.
    Column("pending_letter", String(1)),
    Column("pending_words", Text),
    Column("pending_how", String(16)),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", ForeignKey("assessments.id"), nullable=False, index=True),
    Column("area_id", String(64), nullable=False),
    Column("letter", String(1)),  # None when the person is not sure
    Column("not_sure", Boolean, nullable=False, default=False),
    Column("own_words", Text, nullable=False),  # exactly what the person said or tapped
    Column("how", String(16), nullable=False),  # button, letter, position, words, voice
    Column("confirmed", Boolean, nullable=False),  # checked back with the person
    Column("answered_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("assessment_id", "area_id", name="uq_answers_assessment_area"),
)

budgets = Table(
    "budgets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", ForeignKey("assessments.id"), nullable=False, unique=True),
    Column("scheme_id", String(64), nullable=False),
    Column("scheme_name", String(200), nullable=False),
    Column("scheme_version", String(32), nullable=False),
    Column("total_points", Integer, nullable=False),
    Column("yearly_pounds", Integer, nullable=False),
    Column("weekly_pounds", Integer, nullable=False),
    Column("needs_panel", Boolean, nullable=False),
    Column("breakdown_json", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

contact_requests = Table(
    "contact_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("assessment_id", ForeignKey("assessments.id")),
    Column("reason", String(64), nullable=False),
    Column("words", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def now() -> datetime:
    return datetime.now(timezone.utc)


def database_url() -> str:
    """DATABASE_URL, or a SQLite file under var/ in the repository."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    (REPO / "var").mkdir(exist_ok=True)
    return f"sqlite:///{REPO / 'var' / 'assistant.db'}"


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        # The action server and Rasa's tracker store share the file: wait for locks, don't fail.
        engine = create_engine(url, future=True, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


@dataclass(frozen=True)
class Person:
    id: int
    channel: str
    channel_user_id: str
    consented: bool


@dataclass(frozen=True)
class VoicePreferences:
    reads_aloud: bool | None  # None: not asked yet
    slow: bool


@dataclass(frozen=True)
class Assessment:
    id: int
    person_id: int
    questionnaire_id: str
    answering_for: str
    status: str
    stage: str
    previous_stage: str | None
    position: int
    pending_letter: str | None
    pending_words: str | None
    pending_how: str | None


@dataclass(frozen=True)
class StoredAnswer:
    area_id: str
    letter: str | None
    not_sure: bool
    own_words: str
    how: str
    confirmed: bool


@dataclass(frozen=True)
class StoredBudget:
    scheme_id: str
    scheme_version: str
    total_points: int
    yearly_pounds: int
    weekly_pounds: int
    needs_panel: bool
    breakdown: dict[str, Any]


_ASSESSMENT_FIELDS = (
    "status",
    "stage",
    "previous_stage",
    "position",
    "pending_letter",
    "pending_words",
    "pending_how",
)


class Store:
    """All reads and writes the conversation needs, each in its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # People
    def person(self, channel: str, channel_user_id: str) -> Person:
        """Find the person, adding them the first time they write."""
        with self.engine.begin() as conn:
            row = self._person_row(conn, channel, channel_user_id)
            if row is None:
                conn.execute(
                    people.insert().values(
                        channel=channel, channel_user_id=channel_user_id, created_at=now()
                    )
                )
                row = self._person_row(conn, channel, channel_user_id)
            assert row is not None
            return Person(row.id, row.channel, row.channel_user_id, row.consented_at is not None)

    def person_by_id(self, person_id: int) -> Person:
        with self.engine.connect() as conn:
            row = conn.execute(select(people).where(people.c.id == person_id)).one()
        return Person(row.id, row.channel, row.channel_user_id, row.consented_at is not None)

    @staticmethod
    def _person_row(conn: Connection, channel: str, channel_user_id: str) -> Any:
        query = select(people).where(
            people.c.channel == channel, people.c.channel_user_id == channel_user_id
        )
        return conn.execute(query).first()

    def voice_preferences(self, person_id: int) -> VoicePreferences:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(people.c.reads_aloud, people.c.slow_speech).where(people.c.id == person_id)
            ).one()
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

    def record_consent(self, person_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(people.update().where(people.c.id == person_id).values(consented_at=now()))

    def request_contact(
        self, person_id: int, assessment_id: int | None, reason: str, words: str
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                contact_requests.insert().values(
                    person_id=person_id,
                    assessment_id=assessment_id,
                    reason=reason,
                    words=words,
                    created_at=now(),
                )
            )

    def contact_requests(self, person_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(contact_requests)
                .where(contact_requests.c.person_id == person_id)
                .order_by(contact_requests.c.id)
            ).all()
        return [dict(row._mapping) for row in rows]

    # Assessments
    def start_assessment(
        self, person_id: int, questionnaire_id: str, version: str, answering_for: str
    ) -> Assessment:
        """Begin a fresh assessment; any unfinished one is marked abandoned, not deleted."""
        with self.engine.begin() as conn:
            conn.execute(
                assessments.update()
                .where(
                    assessments.c.person_id == person_id,
                    assessments.c.status == "in_progress",
                )
                .values(status="abandoned", updated_at=now())
            )
            result = conn.execute(
                assessments.insert().values(
                    person_id=person_id,
                    questionnaire_id=questionnaire_id,
                    questionnaire_version=version,
                    answering_for=answering_for,
                    status="in_progress",
                    stage="question",
                    position=0,
                    started_at=now(),
                    updated_at=now(),
                )
            )
            new_id = result.inserted_primary_key[0]
        found = self.assessment(int(new_id))
        assert found is not None
        return found

    def assessment(self, assessment_id: int) -> Assessment | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(assessments).where(assessments.c.id == assessment_id)).first()
        return _assessment(row) if row is not None else None

    def latest_assessment(self, person_id: int) -> Assessment | None:
        """The person's most recent assessment that was not abandoned."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(assessments)
                .where(assessments.c.person_id == person_id, assessments.c.status != "abandoned")
                .order_by(assessments.c.id.desc())
                .limit(1)
            ).first()
        return _assessment(row) if row is not None else None

    def move(self, assessment_id: int, **changes: Any) -> Assessment:
        """Change where the interview stands (stage, position, pending answer, status)."""
        unknown = set(changes) - set(_ASSESSMENT_FIELDS)
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} on an assessment")
        values = dict(changes, updated_at=now())
        if changes.get("status") == "complete":
            values["completed_at"] = now()
        with self.engine.begin() as conn:
            conn.execute(
                assessments.update().where(assessments.c.id == assessment_id).values(**values)
            )
        found = self.assessment(assessment_id)
        assert found is not None
        return found

    # Answers
    def save_answer(
        self,
        assessment_id: int,
        area_id: str,
        letter: str | None,
        own_words: str,
        how: str,
        confirmed: bool,
    ) -> None:
        """Save or replace the answer for one area."""
        values = dict(
            letter=letter,
            not_sure=letter is None,
            own_words=own_words,
            how=how,
            confirmed=confirmed,
            answered_at=now(),
        )
        with self.engine.begin() as conn:
            existing = conn.execute(
                select(answers.c.id).where(
                    answers.c.assessment_id == assessment_id, answers.c.area_id == area_id
                )
            ).first()
            if existing is None:
                conn.execute(
                    answers.insert().values(assessment_id=assessment_id, area_id=area_id, **values)
                )
            else:
                conn.execute(answers.update().where(answers.c.id == existing.id).values(**values))

    def answers(self, assessment_id: int) -> dict[str, StoredAnswer]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(answers).where(answers.c.assessment_id == assessment_id)
            ).all()
        return {
            row.area_id: StoredAnswer(
                row.area_id, row.letter, row.not_sure, row.own_words, row.how, row.confirmed
            )
            for row in rows
        }

    # Budgets
    def save_budget(self, assessment_id: int, record: dict[str, Any]) -> None:
        """Store the scored breakdown (replacing an earlier one) and mark the assessment done."""
        values = dict(
            scheme_id=record["scheme_id"],
            scheme_name=record["scheme_name"],
            scheme_version=record["scheme_version"],
            total_points=int(record["total_points"]),
            yearly_pounds=int(record["yearly"]),
            weekly_pounds=int(record["weekly"]),
            needs_panel=bool(record["needs_panel"]),
            breakdown_json=json.dumps(record, sort_keys=True),
            created_at=now(),
        )
        with self.engine.begin() as conn:
            conn.execute(budgets.delete().where(budgets.c.assessment_id == assessment_id))
            conn.execute(budgets.insert().values(assessment_id=assessment_id, **values))
            conn.execute(
                assessments.update()
                .where(assessments.c.id == assessment_id)
                .values(status="complete", completed_at=now(), updated_at=now())
            )

    def budget(self, assessment_id: int) -> StoredBudget | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(budgets).where(budgets.c.assessment_id == assessment_id)
            ).first()
        if row is None:
            return None
        return StoredBudget(
            row.scheme_id,
            row.scheme_version,
            row.total_points,
            row.yearly_pounds,
            row.weekly_pounds,
            row.needs_panel,
            json.loads(row.breakdown_json),
        )

    def count(self, table: Table) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _assessment(row: Any) -> Assessment:
    return Assessment(
        id=row.id,
        person_id=row.person_id,
        questionnaire_id=row.questionnaire_id,
        answering_for=row.answering_for,
        status=row.status,
        stage=row.stage,
        previous_stage=row.previous_stage,
        position=row.position,
        pending_letter=row.pending_letter,
        pending_words=row.pending_words,
        pending_how=row.pending_how,
    )
