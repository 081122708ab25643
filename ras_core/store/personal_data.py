"""Everything held about one person, read together (an export) or erased together.

The person's aggregate reaches every table that holds something about them: their row,
assessments with answers and budgets, requests to talk to someone, cases with their steps,
plans, notes and messages, and the conversation Rasa keeps under their sender id. The audit
log is not theirs: it keeps only that things happened, by reference (store/audit.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ras_core.store import audit, removal
from ras_core.store.engine import aware, forget_deleted, now
from ras_core.store.repository import Repository
from ras_core.store.schema import (
    answers,
    assessments,
    audit_log,
    budgets,
    case_notes,
    case_steps,
    cases,
    contact_requests,
    coordinators,
    erasures,
    outbox,
    people,
    plans,
)
from ras_core.store.transcripts import delete_events, events_of, sender_ids

# Columns holding JSON text, given in an export as what they hold.
JSON_COLUMNS = {"breakdown_json": "breakdown", "draft_json": "draft", "params_json": "params"}


@dataclass(frozen=True)
class Erased:
    person_reference: str  # "" when only Rasa's events were there, or nothing at all
    removed: dict[str, int]  # rows removed, by table (Rasa's "events" included)
    case_references: list[str]


class PersonalData(Repository):
    def held(self, person_id: int) -> dict[str, Any] | None:
        """Every row about the person as plain values, ready for JSON; None if nobody."""
        with self.engine.connect() as conn:
            person = conn.execute(select(people).where(people.c.id == person_id)).first()
            if person is None:
                return None
            return {
                "person": plain(person),
                "assessments": [
                    {
                        **plain(row),
                        "answers": _rows(conn, answers, answers.c.assessment_id == row.id),
                        "budget": next(
                            iter(_rows(conn, budgets, budgets.c.assessment_id == row.id)), None
                        ),
                    }
                    for row in _select(conn, assessments, assessments.c.person_id == person_id)
                ],
                "contact_requests": _rows(
                    conn, contact_requests, contact_requests.c.person_id == person_id
                ),
                "cases": [
                    _case(conn, row) for row in _select(conn, cases, cases.c.person_id == person_id)
                ],
                "messages_from_coordinators": _rows(conn, outbox, outbox.c.person_id == person_id),
                "conversation": events_of(conn, sender_ids(person.channel, person.channel_user_id)),
            }

    def erase(self, channel: str, channel_user_id: str, *, by: str, reason: str) -> Erased:
        """Remove every row about the person in one transaction, Rasa's events under their
        sender id too (even with no row of ours: someone who never got past the start).

        What stays: one `erasures` row (the person's reference, who, why and the counts) and
        audit entries saying the person and each of their cases were erased, by reference.
        """
        with self.engine.begin() as conn:
            person = conn.execute(
                select(people).where(
                    people.c.channel == channel, people.c.channel_user_id == channel_user_id
                )
            ).first()
            if person is None:
                senders = sender_ids(channel, channel_user_id)
                removed = {"events": delete_events(conn, senders)}
                reference, references = "", []
            else:
                reference = person.reference
                references = [
                    row.reference for row in _select(conn, cases, cases.c.person_id == person.id)
                ]
                removed = dict(sorted(removal.person_rows(conn, person.id).items()))
            if not any(removed.values()):
                return Erased("", {}, [])
            conn.execute(
                erasures.insert().values(
                    at=now(),
                    person_reference=reference,
                    by=by,
                    reason=reason,
                    removed_json=json.dumps(removed, sort_keys=True),
                )
            )
            for case_reference in references:
                audit.record(
                    conn, by, "erase_case", detail=reference, case_reference=case_reference
                )
            audit.record(conn, by, "erase_person", detail=reference)
        forget_deleted(self.engine)
        return Erased(reference, removed, references)

    def erasures(self) -> list[dict[str, Any]]:
        """The register of erasures, oldest first."""
        with self.engine.connect() as conn:
            return [plain(row) for row in _select(conn, erasures, erasures.c.id > 0)]


def plain(row: Any) -> dict[str, Any]:
    """A row as JSON-ready values: times in ISO 8601 (UTC), JSON text as what it holds."""
    values: dict[str, Any] = {}
    for key, value in row._mapping.items():
        if key in JSON_COLUMNS:
            values[JSON_COLUMNS[key]] = json.loads(value) if value else None
        elif isinstance(value, datetime):
            values[key] = (aware(value) or value).isoformat()
        else:
            values[key] = value
    return values


def _select(conn: Connection, table: Any, where: Any) -> list[Any]:
    return list(conn.execute(select(table).where(where).order_by(table.c.id)).all())


def _rows(conn: Connection, table: Any, where: Any) -> list[dict[str, Any]]:
    return [plain(row) for row in _select(conn, table, where)]


def _case(conn: Connection, row: Any) -> dict[str, Any]:
    notes = conn.execute(
        select(case_notes.c.text, case_notes.c.at, coordinators.c.display_name.label("by"))
        .join(coordinators, coordinators.c.id == case_notes.c.coordinator_id)
        .where(case_notes.c.case_id == row.id)
        .order_by(case_notes.c.id)
    ).all()
    entries = _select(conn, audit_log, audit_log.c.case_reference == row.reference)
    return {
        **plain(row),
        "steps": _rows(conn, case_steps, case_steps.c.case_id == row.id),
        "plan": next(iter(_rows(conn, plans, plans.c.case_id == row.id)), None),
        "notes": [plain(note) for note in notes],
        "audit": [_without(plain(entry), ("id",)) for entry in entries],
    }


def _without(values: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key not in keys}
