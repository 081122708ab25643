"""The coordinators' side of the store: teams, accounts, cases, their review, plans and audit.

Every change to a case goes through `review.Review`, so an illegal move is refused the same
way whoever asks (the chat, the dashboard or a command-line tool), and each move and each
coordinator action is written to the append-only audit log in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case as sql_case
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from ras_core.case_tables import (
    audit_log,
    case_notes,
    case_steps,
    cases,
    coordinator_sessions,
    coordinators,
    outbox,
    plans,
    teams,
)
from ras_core.money import format_money
from ras_core.review import IllegalMove, Review, Role, State, Step
from ras_core.storage import Store, contact_requests, now
from ras_core.support_plan import PlanDraft

REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: easy to read aloud
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LENGTH = timedelta(hours=8)
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Team:
    id: int
    name: str
    email: str
    telegram_chat_id: str
    takes_new_cases: bool


@dataclass(frozen=True)
class Coordinator:
    id: int
    username: str
    display_name: str
    team_id: int


@dataclass(frozen=True)
class Session:
    coordinator: Coordinator
    csrf_token: str


@dataclass(frozen=True)
class SignIn:
    coordinator: Coordinator | None
    locked: bool = False  # too many wrong passwords: try again later


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


@dataclass(frozen=True)
class Note:
    coordinator: str
    text: str
    at: datetime


@dataclass(frozen=True)
class ContactRequest:
    reason: str  # asked_for_person, or safeguarding
    words: str
    at: datetime


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    case_id: int | None
    detail: str


@dataclass(frozen=True)
class PersonMessage:
    id: int
    person_id: int
    case_id: int | None
    key: str
    params: dict[str, Any]


class NotFound(LookupError):
    """No such team, coordinator or case."""


class Casework:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # Teams and accounts
    def add_team(
        self,
        name: str,
        *,
        email: str = "",
        telegram_chat_id: str = "",
        takes_new_cases: bool = False,
    ) -> Team:
        with self.engine.begin() as conn:
            if takes_new_cases:
                conn.execute(teams.update().values(takes_new_cases=False))
            conn.execute(
                teams.insert().values(
                    name=name,
                    email=email,
                    telegram_chat_id=telegram_chat_id,
                    takes_new_cases=takes_new_cases,
                    created_at=now(),
                )
            )
            _audit(conn, "command line", "add_team", None, name)
        return self.team_named(name)

    def team_named(self, name: str) -> Team:
        with self.engine.connect() as conn:
            row = conn.execute(select(teams).where(teams.c.name == name)).first()
        if row is None:
            raise NotFound(f"There is no team called {name!r}.")
        return _team(row)

    def team(self, team_id: int) -> Team:
        with self.engine.connect() as conn:
            row = conn.execute(select(teams).where(teams.c.id == team_id)).first()
        if row is None:
            raise NotFound(f"There is no team number {team_id}.")
        return _team(row)

    def intake_team(self) -> Team:
        """The team that takes new cases; made on first need, so no case is ever lost."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(teams).where(teams.c.takes_new_cases.is_(True)).order_by(teams.c.id)
            ).first()
        if row is not None:
            return _team(row)
        return self.add_team("Intake", takes_new_cases=True)

    def add_coordinator(
        self, username: str, display_name: str, team_name: str, password: str
    ) -> Coordinator:
        if len(password) < 12:
            raise ValueError("A password needs at least 12 characters.")
        team = self.team_named(team_name)
        with self.engine.begin() as conn:
            conn.execute(
                coordinators.insert().values(
                    username=username,
                    display_name=display_name,
                    team_id=team.id,
                    password_hash=_hasher.hash(password),
                    failed_sign_ins=0,
                    created_at=now(),
                )
            )
            _audit(conn, "command line", "add_coordinator", None, f"{username} in {team_name}")
        found = self.coordinator(username)
        assert found is not None
        return found

    def coordinator(self, username: str) -> Coordinator | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(coordinators).where(coordinators.c.username == username)
            ).first()
        return _coordinator(row) if row is not None else None

    def sign_in(self, username: str, password: str, at: datetime | None = None) -> SignIn:
        """Check a password; five wrong ones in a row lock the account for 15 minutes."""
        at = at or now()
        with self.engine.begin() as conn:
            row = conn.execute(
                select(coordinators).where(coordinators.c.username == username)
            ).first()
            if row is None:
                _hasher.hash(password)  # same work as a real check: names cannot be probed by time
                _audit(conn, username, "sign_in_failed", None, "no such account")
                return SignIn(None)
            locked_until = _aware(row.locked_until)
            if locked_until is not None and locked_until > at:
                _audit(conn, username, "sign_in_refused", None, "account locked")
                return SignIn(None, locked=True)
            try:
                _hasher.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                failed = row.failed_sign_ins + 1
                lock = failed >= MAX_FAILED_SIGN_INS
                conn.execute(
                    coordinators.update()
                    .where(coordinators.c.id == row.id)
                    .values(
                        failed_sign_ins=0 if lock else failed,
                        locked_until=at + LOCKOUT if lock else None,
                    )
                )
                _audit(
                    conn, username, "sign_in_failed", None, "locked" if lock else "wrong password"
                )
                return SignIn(None, locked=lock)
            conn.execute(
                coordinators.update()
                .where(coordinators.c.id == row.id)
                .values(failed_sign_ins=0, locked_until=None)
            )
            _audit(conn, username, "sign_in", None, "")
            return SignIn(_coordinator(row))

    # Sessions: the cookie holds a random token; the database holds only its hash.
    def open_session(self, coordinator: Coordinator) -> str:
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                coordinator_sessions.insert().values(
                    token_hash=_token_hash(token),
                    csrf_token=secrets.token_urlsafe(32),
                    coordinator_id=coordinator.id,
                    created_at=now(),
                    expires_at=now() + SESSION_LENGTH,
                )
            )
        return token

    def session(self, token: str) -> Session | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(coordinator_sessions, coordinators)
                .join(coordinators, coordinators.c.id == coordinator_sessions.c.coordinator_id)
                .where(coordinator_sessions.c.token_hash == _token_hash(token))
            ).first()
        expires = _aware(row.expires_at) if row is not None else None
        if row is None or expires is None or expires <= now():
            return None
        person = Coordinator(row.coordinator_id, row.username, row.display_name, row.team_id)
        return Session(person, row.csrf_token)

    def close_session(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                coordinator_sessions.delete().where(
                    coordinator_sessions.c.token_hash == _token_hash(token)
                )
            )

    # Cases
    def open_case(self, person_id: int, assessment_id: int | None) -> Case:
        """A new draft case in the intake team, with a reference the person can quote."""
        team = self.intake_team()
        with self.engine.begin() as conn:
            result = conn.execute(
                cases.insert().values(
                    reference=_new_reference(conn),
                    person_id=person_id,
                    assessment_id=assessment_id,
                    team_id=team.id,
                    state=State.DRAFT.value,
                    urgent=False,
                    urgent_reason="",
                    final_reason="",
                    created_at=now(),
                    updated_at=now(),
                )
            )
            case_id = int(result.inserted_primary_key[0])
            _audit(conn, "assistant", "open_case", case_id, "")
        return self.case(case_id)

    def hand_to_person(
        self, person_id: int, assessment_id: int | None, reason: str, words: str
    ) -> Case:
        """The person asked to talk to someone: record it on their case, so a team sees it.

        Their open case (or a new draft one) then shows in the queue even before a plan is sent.
        """
        Store(self.engine).request_contact(person_id, assessment_id, reason, words)
        found = self.latest_case(person_id)
        if found is None or found.state is State.AGREED:
            found = self.open_case(person_id, assessment_id)
        self.audit("assistant", "asked_for_person", found.id, words)
        return found

    def contact_requests(self, person_id: int) -> list[ContactRequest]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(contact_requests)
                .where(contact_requests.c.person_id == person_id)
                .order_by(contact_requests.c.id)
            ).all()
        return [ContactRequest(r.reason, r.words, _aware(r.created_at) or now()) for r in rows]

    def case(self, case_id: int) -> Case:
        with self.engine.connect() as conn:
            row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
        if row is None:
            raise NotFound(f"There is no case number {case_id}.")
        return _case(row)

    def case_for_team(self, case_id: int, team_id: int) -> Case:
        """A case, only if it belongs to this team: otherwise it does not exist for them."""
        found = self.case(case_id)
        if found.team_id != team_id:
            raise NotFound(f"There is no case number {case_id}.")
        return found

    def latest_case(self, person_id: int) -> Case | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(cases)
                .where(cases.c.person_id == person_id)
                .order_by(cases.c.id.desc())
                .limit(1)
            ).first()
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

    def review(self, case_id: int) -> Review:
        found = self.case(case_id)
        return Review(found.state, found.urgent, tuple(self.steps(case_id)))

    def steps(self, case_id: int) -> list[Step]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(case_steps).where(case_steps.c.case_id == case_id).order_by(case_steps.c.id)
            ).all()
        return [
            Step(
                r.move,
                State(r.from_state),
                State(r.to_state),
                r.by,
                Role(r.role),
                _aware(r.at) or now(),
                r.note,
            )
            for r in rows
        ]

    def move(
        self,
        case_id: int,
        name: str,
        *,
        by: str,
        role: Role,
        note: str = "",
        claimed_by: int | None = None,
        final: tuple[int, str] | None = None,
    ) -> Case:
        """Make one review move; raises IllegalMove with a plain reason when it is not allowed."""
        moved = self.review(case_id).move(name, by=by, role=role, note=note)
        step = moved.history[-1]
        values: dict[str, Any] = {"state": moved.state.value, "updated_at": step.at}
        if name == "submit":
            values["submitted_at"] = step.at
        if claimed_by is not None:
            values["claimed_by"] = claimed_by
        if final is not None:
            values["final_yearly_pounds"], values["final_reason"] = final
        with self.engine.begin() as conn:
            conn.execute(cases.update().where(cases.c.id == case_id).values(**values))
            _insert_step(conn, case_id, step)
            _audit(conn, by, name, case_id, note)
        return self.case(case_id)

    def claim(self, case_id: int, coordinator: Coordinator) -> Case:
        return self.move(
            case_id,
            "claim",
            by=coordinator.username,
            role=Role.COORDINATOR,
            claimed_by=coordinator.id,
        )

    def agree(
        self,
        case_id: int,
        coordinator: Coordinator,
        final_yearly: int,
        reason: str,
        indicative_yearly: int,
    ) -> Case:
        """Agree the plan. A final budget that differs from the early one needs a reason."""
        if final_yearly < 0:
            raise IllegalMove("The final budget cannot be below £0.")
        if final_yearly != indicative_yearly and not reason.strip():
            raise IllegalMove(
                "The final budget differs from the early budget: please give a reason."
            )
        note = f"final budget £{final_yearly:,} a year" + (
            f": {reason.strip()}" if reason.strip() else ""
        )
        return self.move(
            case_id,
            "agree",
            by=coordinator.username,
            role=Role.COORDINATOR,
            note=note,
            final=(final_yearly, reason.strip()),
        )

    def request_changes(self, case_id: int, coordinator: Coordinator, message: str) -> Case:
        """Send the plan back; the person is told the coordinator's words in their chat."""
        changed = self.move(
            case_id, "request_changes", by=coordinator.username, role=Role.COORDINATOR, note=message
        )
        self.tell_person(
            changed.person_id,
            case_id,
            "review_changes_requested",
            reference=changed.reference,
            message=message.strip(),
        )
        return changed

    def agree_and_tell(
        self,
        case_id: int,
        coordinator: Coordinator,
        final_yearly: int,
        reason: str,
        indicative_yearly: int,
    ) -> Case:
        """Agree the plan and tell the person the final budget in their chat."""
        agreed = self.agree(case_id, coordinator, final_yearly, reason, indicative_yearly)
        self.tell_person(
            agreed.person_id,
            case_id,
            "review_agreed",
            reference=agreed.reference,
            yearly=format_money(final_yearly),
            weekly=format_money(round(final_yearly / 52)),
        )
        return agreed

    def flag_urgent(self, case_id: int, *, by: str, role: Role, reason: str) -> Case:
        flagged = self.review(case_id).flag_urgent(by=by, role=role, reason=reason)
        step = flagged.history[-1]
        with self.engine.begin() as conn:
            conn.execute(
                cases.update()
                .where(cases.c.id == case_id)
                .values(urgent=True, urgent_reason=reason, updated_at=step.at)
            )
            _insert_step(conn, case_id, step)
            _audit(conn, by, "flag_urgent", case_id, reason)
        return self.case(case_id)

    # Plans
    def plan(self, case_id: int) -> tuple[PlanDraft, str, str | None] | None:
        """The draft, where the planning conversation stands, and where it came from."""
        with self.engine.connect() as conn:
            row = conn.execute(select(plans).where(plans.c.case_id == case_id)).first()
        if row is None:
            return None
        return PlanDraft.from_json(row.draft_json), row.stage, row.previous_stage

    def save_plan(
        self, case_id: int, draft: PlanDraft, stage: str, previous_stage: str | None = None
    ) -> None:
        values = dict(
            draft_json=draft.to_json(), stage=stage, previous_stage=previous_stage, updated_at=now()
        )
        with self.engine.begin() as conn:
            exists = conn.execute(select(plans.c.id).where(plans.c.case_id == case_id)).first()
            if exists is None:
                conn.execute(plans.insert().values(case_id=case_id, **values))
            else:
                conn.execute(plans.update().where(plans.c.case_id == case_id).values(**values))

    # Notes and the audit log
    def add_note(self, case_id: int, coordinator: Coordinator, text: str) -> None:
        if not text.strip():
            raise ValueError("A note needs some words.")
        with self.engine.begin() as conn:
            conn.execute(
                case_notes.insert().values(
                    case_id=case_id, coordinator_id=coordinator.id, text=text.strip(), at=now()
                )
            )
            _audit(conn, coordinator.username, "add_note", case_id, text.strip())

    def notes(self, case_id: int) -> list[Note]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(case_notes.c.text, case_notes.c.at, coordinators.c.display_name)
                .join(coordinators, coordinators.c.id == case_notes.c.coordinator_id)
                .where(case_notes.c.case_id == case_id)
                .order_by(case_notes.c.id)
            ).all()
        return [Note(r.display_name, r.text, _aware(r.at) or now()) for r in rows]

    def audit(self, actor: str, action: str, case_id: int | None = None, detail: str = "") -> None:
        with self.engine.begin() as conn:
            _audit(conn, actor, action, case_id, detail)

    def audit_log(self, case_id: int | None = None) -> list[AuditEntry]:
        query = select(audit_log).order_by(audit_log.c.id)
        if case_id is not None:
            query = query.where(audit_log.c.case_id == case_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            AuditEntry(_aware(r.at) or now(), r.actor, r.action, r.case_id, r.detail) for r in rows
        ]

    # Messages for the person that were not a reply to them
    def tell_person(self, person_id: int, case_id: int | None, key: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                outbox.insert().values(
                    person_id=person_id,
                    case_id=case_id,
                    key=key,
                    params_json=json.dumps(params, sort_keys=True),
                    created_at=now(),
                )
            )

    def undelivered(self, person_id: int | None = None) -> list[PersonMessage]:
        query = select(outbox).where(outbox.c.delivered_at.is_(None)).order_by(outbox.c.id)
        if person_id is not None:
            query = query.where(outbox.c.person_id == person_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            PersonMessage(r.id, r.person_id, r.case_id, r.key, json.loads(r.params_json))
            for r in rows
        ]

    def mark_delivered(self, message_id: int) -> bool:
        """True for the one caller that marks it first, so two front ends never both send it."""
        with self.engine.begin() as conn:
            result = conn.execute(
                outbox.update()
                .where(outbox.c.id == message_id, outbox.c.delivered_at.is_(None))
                .values(delivered_at=now())
            )
        return bool(result.rowcount)


def _audit(conn: Connection, actor: str, action: str, case_id: int | None, detail: str) -> None:
    conn.execute(
        audit_log.insert().values(
            at=now(), actor=actor, action=action, case_id=case_id, detail=detail
        )
    )


def _insert_step(conn: Connection, case_id: int, step: Step) -> None:
    conn.execute(
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


def _new_reference(conn: Connection) -> str:
    while True:
        reference = "IB-" + "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(6))
        if conn.execute(select(cases.c.id).where(cases.c.reference == reference)).first() is None:
            return reference


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def _team(row: Any) -> Team:
    return Team(row.id, row.name, row.email, row.telegram_chat_id, bool(row.takes_new_cases))


def _coordinator(row: Any) -> Coordinator:
    return Coordinator(row.id, row.username, row.display_name, row.team_id)


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
        created_at=_aware(row.created_at) or now(),
        submitted_at=_aware(row.submitted_at),
    )
