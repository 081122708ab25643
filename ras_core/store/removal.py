"""Deleting a person's rows, always in the caller's transaction: shared by erasure (everything
about one person) and retention (what has been kept long enough).

Each function returns how many rows it removed, by table. Rows go children first, so foreign
keys hold at every step on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from ras_core.store.schema import (
    answers,
    assessments,
    budgets,
    case_notes,
    case_steps,
    cases,
    contact_requests,
    outbox,
    people,
    plans,
)
from ras_core.store.transcripts import delete_events, sender_ids


def case_rows(conn: Connection, case_id: int) -> Counter[str]:
    """A case with its steps, plan, notes and messages, and the person's requests to talk to
    someone that went on it (those from its opening until their next case opened)."""
    removed: Counter[str] = Counter()
    case = conn.execute(
        select(cases.c.person_id, cases.c.created_at).where(cases.c.id == case_id)
    ).first()
    if case is None:
        return removed
    next_opened = conn.execute(
        select(func.min(cases.c.created_at)).where(
            cases.c.person_id == case.person_id, cases.c.id > case_id
        )
    ).scalar()
    asked = contact_requests.delete().where(
        contact_requests.c.person_id == case.person_id,
        contact_requests.c.created_at >= case.created_at,
    )
    if next_opened is not None:
        asked = asked.where(contact_requests.c.created_at < next_opened)
    removed["contact_requests"] += conn.execute(asked).rowcount
    for table in (outbox, case_notes, plans, case_steps):
        rows = conn.execute(table.delete().where(table.c.case_id == case_id))
        removed[table.name] += rows.rowcount
    removed["cases"] += conn.execute(cases.delete().where(cases.c.id == case_id)).rowcount
    return removed


def assessment_rows(conn: Connection, assessment_id: int) -> Counter[str]:
    """An assessment with its answers and early budget; what pointed at it is kept, unlinked."""
    removed: Counter[str] = Counter()
    for table in (answers, budgets):
        removed[table.name] += conn.execute(
            table.delete().where(table.c.assessment_id == assessment_id)
        ).rowcount
    for table in (cases, contact_requests):
        conn.execute(
            table.update().where(table.c.assessment_id == assessment_id).values(assessment_id=None)
        )
    removed["assessments"] += conn.execute(
        assessments.delete().where(assessments.c.id == assessment_id)
    ).rowcount
    return removed


def person_rows(conn: Connection, person_id: int) -> Counter[str]:
    """Every row about the person, Rasa's events under their sender id included, and the
    person themselves: if they write again they are someone new."""
    removed: Counter[str] = Counter()
    person = conn.execute(select(people).where(people.c.id == person_id)).first()
    if person is None:
        return removed
    for case_id in _ids(conn, cases, cases.c.person_id == person_id):
        removed += case_rows(conn, case_id)
    for assessment_id in _ids(conn, assessments, assessments.c.person_id == person_id):
        removed += assessment_rows(conn, assessment_id)
    for table in (contact_requests, outbox):
        removed[table.name] += conn.execute(
            table.delete().where(table.c.person_id == person_id)
        ).rowcount
    removed["events"] += delete_events(conn, sender_ids(person.channel, person.channel_user_id))
    removed["people"] += conn.execute(people.delete().where(people.c.id == person_id)).rowcount
    return +removed  # only the tables that lost rows


def _ids(conn: Connection, table: Table, where: ColumnElement[bool]) -> list[int]:
    rows = conn.execute(select(table.c.id).where(where).order_by(table.c.id))
    return [int(row.id) for row in rows]
