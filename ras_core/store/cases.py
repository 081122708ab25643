"""Cases and their steps: one case per plan, moved only through the review workflow.

A step is written with a guard on the state it starts from, so two coordinators acting at
once cannot both move the same case: the second finds the case already moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import select
from sqlalchemy.engine import Connection

from ras_core.domain.review import IllegalMove, Role, State, Step
from ras_core.store.accounts import NotFound
from ras_core.store.engine import aware, now
from ras_core.store.references import new_reference
from ras_core.store.repository import Repository
from ras_core.store.schema import audit_log, case_steps, cases, contact_requests

# Where a case reference may already be: a case, or the audit entries of an erased one.
CASE_REFERENCES = (cases.c.reference, audit_log.c.case_reference)


@dataclass(frozen=True)
class Case:
    id: int
    reference: str
    person_id: int
    assessment_id: int | None
    team_id: int
    state: State
    urgent: bool
    urgent_reason: str
    claimed_by: int | None
    final_yearly_pounds: int | None
    final_reason: str
    created_at: datetime
    submitted_at: datetime | None


class Cases(Repository):
    def get(self, case_id: int) -> Case:
        row = self.first(select(cases).where(cases.c.id == case_id))
        if row is None:
            raise NotFound(f"There is no case number {case_id}.")
        return _case(row)

    def for_team(self, case_id: int, team_id: int) -> Case:
        """A case, only if it belongs to this team: otherwise it does not exist for them."""
        found = self.get(case_id)
        if found.team_id != team_id:
            raise NotFound(f"There is no case number {case_id}.")
        return found

    def latest_for(self, person_id: int) -> Case | None:
        row = self.first(
            select(cases).where(cases.c.person_id == person_id).order_by(cases.c.id.desc()).limit(1)
        )
        return _case(row) if row is not None else None

    def queue(self, team_id: int, states: list[State] | None = None) -> list[Case]:
        """Urgent first, then the longest waiting; drafts only if urgent or a person was asked."""
        query = select(cases).where(cases.c.team_id == team_id)
        if states:
            query = query.where(cases.c.state.in_([s.value for s in states]))
        asked = (
            select(contact_requests.c.id)
            .where(contact_requests.c.person_id == cases.c.person_id)
            .exists()
        )
        query = query.where((cases.c.state != State.DRAFT.value) | cases.c.urgent.is_(True) | asked)
        waiting_since = sql_case(
            (cases.c.submitted_at.is_(None), cases.c.created_at), else_=cases.c.submitted_at
        )
        query = query.order_by(cases.c.urgent.desc(), waiting_since, cases.c.id)
        with self.engine.connect() as conn:
            return [_case(row) for row in conn.execute(query).all()]

    def steps(self, case_id: int) -> list[Step]:
        rows = self.rows(
            select(case_steps).where(case_steps.c.case_id == case_id).order_by(case_steps.c.id)
        )
        return [
            Step(
                r.move,
                State(r.from_state),
                State(r.to_state),
                r.by,
                Role(r.role),
                aware(r.at) or now(),
                r.note,
            )
            for r in rows
        ]


def insert(conn: Connection, person_id: int, assessment_id: int | None, team_id: int) -> int:
    """A new draft case with a reference the person can quote; returns its id."""
    result = conn.execute(
        cases.insert().values(
            reference=new_reference(conn, "IB-", 6, CASE_REFERENCES),
            person_id=person_id,
            assessment_id=assessment_id,
            team_id=team_id,
            state=State.DRAFT.value,
            urgent=False,
            urgent_reason="",
            final_reason="",
            created_at=now(),
            updated_at=now(),
        )
    )
    return int(result.inserted_primary_key[0])


def apply_step(conn: Connection, case_id: int, step: Step, **values: Any) -> int:
    """Write one step and the case's new values, only if the case is still where it was;
    returns the step's id."""
    result = conn.execute(
        cases.update()
        .where(cases.c.id == case_id, cases.c.state == step.from_state.value)
        .values(state=step.to_state.value, updated_at=step.at, **values)
    )
    if result.rowcount != 1:
        raise IllegalMove("moved_meanwhile", "Someone else moved this case just now.")
    written = conn.execute(
        case_steps.insert().values(
            case_id=case_id,
            move=step.move,
            from_state=step.from_state.value,
            to_state=step.to_state.value,
            by=step.by,
            role=step.role.value,
            note=step.note,
            at=step.at,
        )
    )
    return int(written.inserted_primary_key[0])


def _case(row: Any) -> Case:
    return Case(
        id=row.id,
        reference=row.reference,
        person_id=row.person_id,
        assessment_id=row.assessment_id,
        team_id=row.team_id,
        state=State(row.state),
        urgent=bool(row.urgent),
        urgent_reason=row.urgent_reason,
        claimed_by=row.claimed_by,
        final_yearly_pounds=row.final_yearly_pounds,
        final_reason=row.final_reason,
        created_at=aware(row.created_at) or now(),
        submitted_at=aware(row.submitted_at),
    )
