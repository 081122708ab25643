"""Support plans (one per case, with where the planning conversation stands) and case notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ras_core.domain.progress import PlanStage
from ras_core.domain.support_plan import PlanDraft
from ras_core.store import audit
from ras_core.store.engine import aware, now
from ras_core.store.repository import Repository
from ras_core.store.schema import case_notes, coordinators, plans


@dataclass(frozen=True)
class StoredPlan:
    draft: PlanDraft
    stage: PlanStage
    previous: PlanStage | None  # where to return after changing one part (the read-back)


@dataclass(frozen=True)
class Note:
    coordinator: str
    text: str
    at: datetime


class Plans(Repository):
    def get(self, case_id: int) -> StoredPlan | None:
        row = self.first(select(plans).where(plans.c.case_id == case_id))
        if row is None:
            return None
        previous = PlanStage(row.previous_stage) if row.previous_stage else None
        return StoredPlan(PlanDraft.from_json(row.draft_json), PlanStage(row.stage), previous)

    def save(
        self, case_id: int, draft: PlanDraft, stage: PlanStage, previous: PlanStage | None = None
    ) -> None:
        values = dict(
            draft_json=draft.to_json(),
            stage=stage.value,
            previous_stage=previous.value if previous else None,
            updated_at=now(),
        )
        with self.engine.begin() as conn:
            exists = conn.execute(select(plans.c.id).where(plans.c.case_id == case_id)).first()
            if exists is None:
                conn.execute(plans.insert().values(case_id=case_id, **values))
            else:
                conn.execute(plans.update().where(plans.c.case_id == case_id).values(**values))


class Notes(Repository):
    def add(self, case_id: int, coordinator_id: int, username: str, text: str) -> None:
        if not text.strip():
            raise ValueError("A note needs some words.")
        with self.engine.begin() as conn:
            written = conn.execute(
                case_notes.insert().values(
                    case_id=case_id, coordinator_id=coordinator_id, text=text.strip(), at=now()
                )
            )
            note = audit.ref("note", int(written.inserted_primary_key[0]))
            audit.record(conn, username, "add_note", case_id, note)  # the words stay in the note

    def for_case(self, case_id: int) -> list[Note]:
        rows = self.rows(
            select(case_notes.c.text, case_notes.c.at, coordinators.c.display_name)
            .join(coordinators, coordinators.c.id == case_notes.c.coordinator_id)
            .where(case_notes.c.case_id == case_id)
            .order_by(case_notes.c.id)
        )
        return [Note(r.display_name, r.text, aware(r.at) or now()) for r in rows]
