"""Teams and coordinator accounts: passwords (Argon2), lockout after wrong ones, and sessions.

A session cookie holds a random token; the database holds only its hash, so a copy of the
database cannot sign anyone in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ras_core.store import audit
from ras_core.store.engine import aware, now
from ras_core.store.repository import Repository
from ras_core.store.schema import coordinator_sessions, coordinators, teams

MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LENGTH = timedelta(hours=8)
MIN_PASSWORD = 12
COMMAND_LINE = "command line"  # the actor for changes made with dashboard.accounts
_hasher = PasswordHasher()


class NotFound(LookupError):
    """No such team, coordinator or case."""


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


class Accounts(Repository):
    # Teams
    def add_team(
        self,
        name: str,
        *,
        email: str = "",
        telegram_chat_id: str = "",
        takes_new_cases: bool = False,
    ) -> Team:
        try:
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
                audit.record(conn, COMMAND_LINE, "add_team", None, name)
        except IntegrityError:
            raise ValueError(f"There is already a team called {name!r}.") from None
        return self.team_named(name)

    def team_named(self, name: str) -> Team:
        return self._team(teams.c.name == name, f"There is no team called {name!r}.")

    def team(self, team_id: int) -> Team:
        return self._team(teams.c.id == team_id, f"There is no team number {team_id}.")

    def _team(self, where: Any, missing: str) -> Team:
        row = self.first(select(teams).where(where))
        if row is None:
            raise NotFound(missing)
        return Team(row.id, row.name, row.email, row.telegram_chat_id, bool(row.takes_new_cases))

    def intake_team(self) -> Team:
        """The team that takes new cases; made on first need, so no case is ever lost."""
        row = self.first(
            select(teams.c.name).where(teams.c.takes_new_cases.is_(True)).order_by(teams.c.id)
        )
        if row is not None:
            return self.team_named(row.name)
        return self.add_team("Intake", takes_new_cases=True)

    # Coordinators
    def add_coordinator(
        self, username: str, display_name: str, team_name: str, password: str
    ) -> Coordinator:
        if len(password) < MIN_PASSWORD:
            raise ValueError(f"A password needs at least {MIN_PASSWORD} characters.")
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
            audit.record(conn, COMMAND_LINE, "add_coordinator", None, f"{username} in {team_name}")
        found = self.coordinator(username)
        assert found is not None
        return found

    def coordinator(self, username: str) -> Coordinator | None:
        row = self.first(select(coordinators).where(coordinators.c.username == username))
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
                audit.record(conn, username, "sign_in_failed", None, "no such account")
                return SignIn(None)
            locked_until = aware(row.locked_until)
            if locked_until is not None and locked_until > at:
                audit.record(conn, username, "sign_in_refused", None, "account locked")
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
                why = "locked" if lock else "wrong password"
                audit.record(conn, username, "sign_in_failed", None, why)
                return SignIn(None, locked=lock)
            conn.execute(
                coordinators.update()
                .where(coordinators.c.id == row.id)
                .values(failed_sign_ins=0, locked_until=None)
            )
            audit.record(conn, username, "sign_in", None, "")
            return SignIn(_coordinator(row))

    # Sessions
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
        row = self.first(
            select(coordinator_sessions, coordinators)
            .join(coordinators, coordinators.c.id == coordinator_sessions.c.coordinator_id)
            .where(coordinator_sessions.c.token_hash == _token_hash(token))
        )
        expires = aware(row.expires_at) if row is not None else None
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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _coordinator(row: Any) -> Coordinator:
    return Coordinator(row.id, row.username, row.display_name, row.team_id)
