"""Assessments: where each interview stands, the answers given, and the early budget."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ras_core.domain.progress import AssessmentStatus, InterviewStage
from ras_core.store.engine import now
from ras_core.store.repository import Repository
from ras_core.store.schema import answers, assessments, budgets


@dataclass(frozen=True)
class Assessment:
    id: int
    person_id: int
    questionnaire_id: str
    answering_for: str  # "self" or "someone_else"
    status: AssessmentStatus
    stage: InterviewStage
    previous_stage: InterviewStage | None
    position: int  # 0-based index of the current area
    # An answer heard in own words, waiting for a yes or no before it is saved.
    pending_letter: str | None
    pending_words: str | None
    pending_how: str | None


@dataclass(frozen=True)
class StoredAnswer:
    area_id: str
    letter: str | None
    not_sure: bool
    own_words: str  # exactly what the person said or tapped
    how: str  # button, letter, position, words, voice
    confirmed: bool  # checked back with the person


@dataclass(frozen=True)
class StoredBudget:
    scheme_id: str
    scheme_version: str
    total_points: int
    yearly_pounds: int
    weekly_pounds: int
    needs_panel: bool
    breakdown: dict[str, Any]


# What the interview may change as it goes.
PLACE_FIELDS = frozenset(
    {"stage", "previous_stage", "position", "pending_letter", "pending_words", "pending_how"}
)


class Assessments(Repository):
    def start(
        self, person_id: int, questionnaire_id: str, version: str, answering_for: str
    ) -> Assessment:
        """Begin a fresh assessment; any unfinished one is marked abandoned, not deleted."""
        with self.engine.begin() as conn:
            conn.execute(
                assessments.update()
                .where(
                    assessments.c.person_id == person_id,
                    assessments.c.status == AssessmentStatus.IN_PROGRESS.value,
                )
                .values(status=AssessmentStatus.ABANDONED.value, updated_at=now())
            )
            result = conn.execute(
                assessments.insert().values(
                    person_id=person_id,
                    questionnaire_id=questionnaire_id,
                    questionnaire_version=version,
                    answering_for=answering_for,
                    status=AssessmentStatus.IN_PROGRESS.value,
                    stage=InterviewStage.QUESTION.value,
                    position=0,
                    started_at=now(),
                    updated_at=now(),
                )
            )
            new_id = int(result.inserted_primary_key[0])
        return self.get(new_id)

    def find(self, assessment_id: int) -> Assessment | None:
        row = self.first(select(assessments).where(assessments.c.id == assessment_id))
        return _assessment(row) if row is not None else None

    def get(self, assessment_id: int) -> Assessment:
        found = self.find(assessment_id)
        if found is None:
            raise LookupError(f"There is no assessment number {assessment_id}.")
        return found

    def latest(self, person_id: int) -> Assessment | None:
        """The person's most recent assessment that was not abandoned."""
        row = self.first(
            select(assessments)
            .where(
                assessments.c.person_id == person_id,
                assessments.c.status != AssessmentStatus.ABANDONED.value,
            )
            .order_by(assessments.c.id.desc())
            .limit(1)
        )
        return _assessment(row) if row is not None else None

    def set_place(self, assessment_id: int, **changes: Any) -> Assessment:
        """Change where the interview stands: stage, position, or the answer waiting for a yes."""
        unknown = set(changes) - PLACE_FIELDS
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} on an assessment")
        values = {k: v.value if isinstance(v, InterviewStage) else v for k, v in changes.items()}
        with self.engine.begin() as conn:
            conn.execute(
                assessments.update()
                .where(assessments.c.id == assessment_id)
                .values(**values, updated_at=now())
            )
        return self.get(assessment_id)

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
        rows = self.rows(select(answers).where(answers.c.assessment_id == assessment_id))
        return {
            row.area_id: StoredAnswer(
                row.area_id, row.letter, row.not_sure, row.own_words, row.how, row.confirmed
            )
            for row in rows
        }

    # The early budget
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
                .values(
                    status=AssessmentStatus.COMPLETE.value, completed_at=now(), updated_at=now()
                )
            )

    def budget(self, assessment_id: int) -> StoredBudget | None:
        row = self.first(select(budgets).where(budgets.c.assessment_id == assessment_id))
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


def _assessment(row: Any) -> Assessment:
    return Assessment(
        id=row.id,
        person_id=row.person_id,
        questionnaire_id=row.questionnaire_id,
        answering_for=row.answering_for,
        status=AssessmentStatus(row.status),
        stage=InterviewStage(row.stage),
        previous_stage=InterviewStage(row.previous_stage) if row.previous_stage else None,
        position=row.position,
        pending_letter=row.pending_letter,
        pending_words=row.pending_words,
        pending_how=row.pending_how,
    )
