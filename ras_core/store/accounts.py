"""Teams and coordinator accounts: passwords (Argon2), lockout after wrong ones, and sessions.

A session cookie holds a random token; the database holds only its hash, so a copy of the
database cannot sign anyone in.

Signing in costs one Argon2 check whoever asks (a made-up hash for no such account), at most
PASSWORD_CHECKS_AT_ONCE at a time (64 MiB each). One UPDATE counts a wrong password and locks,
so guesses made at the same moment all count. A disabled account keeps its hash behind a "!"
(as /etc/shadow does): no password matches it and its sessions are refused.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ras_core.store import audit
from ras_core.store.engine import aware, now
from ras_core.store.repository import Repository
from ras_core.store.schema import coordinator_sessions, coordinators, teams

MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LENGTH = timedelta(hours=8)
MIN_PASSWORD = 12
PASSWORD_CHECKS_AT_ONCE = 2  # Argon2 takes 64 MiB a check: many at once would eat the memory
PASSWORD_CHECK_WAIT = 10.0  # seconds to wait for a turn before giving up (Busy)
DISABLED = "!"  # put before the hash of a disabled account
COMMAND_LINE = "command line"  # the actor for changes made with dashboard.accounts
UNKNOWN_ACCOUNT = "unknown account"  # the actor of a sign-in with a user name nobody has
_hasher = PasswordHasher()
_checks = threading.BoundedSemaphore(PASSWORD_CHECKS_AT_ONCE)


class NotFound(LookupError):
    """No such team, coordinator or case."""


class Busy(RuntimeError):
    """Too many passwords are being checked at once: try again in a moment."""


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
class Standing:
    """Where an account stands: wrong passwords in a row, any lock, disabled, open sessions."""

    failed_sign_ins: int
    locked_until: datetime | None
    disabled: bool
    sessions: int


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
        _check_length(password)
        team = self.team_named(team_name)
        with self.engine.begin() as conn:
            conn.execute(
                coordinators.insert().values(
                    username=username,
                    display_name=display_name,
                    team_id=team.id,
                    password_hash=_hash(password),
                    failed_sign_ins=0,
                    created_at=now(),
                )
            )
            audit.record(conn, COMMAND_LINE, "add_coordinator", None, f"{username} in {team_name}")
        found = self.coordinator(username)
        assert found is not None
        return found

    def coordinator(self, username: str) -> Coordinator | None:
        row = self._find(username)
        return _coordinator(row) if row is not None else None

    def sign_in(self, username: str, password: str, at: datetime | None = None) -> SignIn:
        """Check a password; five wrong ones in a row lock the account for 15 minutes.

        Always one Argon2 check, so the time taken does not tell whether the account exists,
        is locked or is disabled. Raises Busy when no turn to check comes in time.
        """
        at = (at or now()).astimezone(timezone.utc)
        row = self._find(username)
        if row is None:
            _password_matches(made_up_hash(), password)
            audit.Audit(self.engine).add(UNKNOWN_ACCOUNT, "sign_in_failed", None, "no_such_account")
            return SignIn(None)
        disabled = row.password_hash.startswith(DISABLED)
        matches = _password_matches(row.password_hash.removeprefix(DISABLED), password)
        if disabled:
            audit.Audit(self.engine).add(row.username, "sign_in_refused", None, "disabled")
            return SignIn(None)
        return self._right_password(row, at) if matches else self._wrong_password(row, at)

    def _right_password(self, row: Any, at: datetime) -> SignIn:
        """Signed in, unless the account was locked, disabled or given a new password meanwhile."""
        with self.engine.begin() as conn:
            opened = conn.execute(
                coordinators.update()
                .where(
                    coordinators.c.id == row.id,
                    coordinators.c.password_hash == row.password_hash,
                    _not_locked(at),
                )
                .values(failed_sign_ins=0, locked_until=None)
            ).rowcount
            if opened:
                audit.record(conn, row.username, "sign_in", None, "")
                return SignIn(_coordinator(row))
            audit.record(conn, row.username, "sign_in_refused", None, "account_locked")
        return SignIn(None, locked=True)

    def _wrong_password(self, row: Any, at: datetime) -> SignIn:
        """One more wrong password, counted and locked in one UPDATE: none is lost to a race."""
        table = coordinators.c
        lock_over = and_(table.locked_until.is_not(None), table.locked_until <= at)
        locked_now = and_(table.locked_until.is_not(None), table.locked_until > at)
        counted = case((lock_over, 1), else_=table.failed_sign_ins + 1)
        with self.engine.begin() as conn:
            conn.execute(
                coordinators.update()
                .where(table.id == row.id)
                .values(
                    failed_sign_ins=counted,
                    locked_until=case(
                        (locked_now, table.locked_until),
                        (counted >= MAX_FAILED_SIGN_INS, at + LOCKOUT),
                        else_=None,
                    ),
                )
            )
            after = conn.execute(
                select(table.failed_sign_ins, table.locked_until).where(table.id == row.id)
            ).one()
            until = aware(after.locked_until)
            locked = until is not None and until > at
            why = "locked" if locked else "wrong_password"  # "locked": by this one or before
            audit.record(conn, row.username, "sign_in_failed", None, why)
        return SignIn(None, locked=locked)

    # What the command line does to an account; each is audited with the user name only.
    def standing(self, username: str) -> Standing:
        row = self._row(username)
        sessions = self.one(
            select(func.count())
            .select_from(coordinator_sessions)
            .where(coordinator_sessions.c.coordinator_id == row.id)
        )[0]
        return Standing(
            failed_sign_ins=row.failed_sign_ins,
            locked_until=aware(row.locked_until),
            disabled=row.password_hash.startswith(DISABLED),
            sessions=sessions,
        )

    def set_disabled(self, username: str, disabled: bool) -> bool:
        """Disable (no sign-in, every session ended) or enable again; False if it already was."""
        row = self._row(username)
        stored = coordinators.c.password_hash
        with self.engine.begin() as conn:
            changed = conn.execute(
                coordinators.update()
                .where(coordinators.c.id == row.id, _enabled() if disabled else ~_enabled())
                .values(
                    password_hash=literal(DISABLED) + stored if disabled else func.substr(stored, 2)
                )
            ).rowcount
            if disabled:
                _end_sessions(conn, row.id)
            if changed:
                action = "disable_coordinator" if disabled else "enable_coordinator"
                audit.record(conn, COMMAND_LINE, action, None, row.username)
        return bool(changed)

    def reset_password(self, username: str, password: str) -> None:
        """A new password; the lock is cleared and every session ends (disabled stays so)."""
        _check_length(password)
        row = self._row(username)
        new_hash = _hash(password)
        with self.engine.begin() as conn:
            conn.execute(
                coordinators.update()
                .where(coordinators.c.id == row.id)
                .values(
                    password_hash=case((_enabled(), new_hash), else_=DISABLED + new_hash),
                    failed_sign_ins=0,
                    locked_until=None,
                )
            )
            _end_sessions(conn, row.id)
            audit.record(conn, COMMAND_LINE, "reset_password", None, row.username)

    def end_sessions(self, username: str) -> int:
        """Sign this coordinator out everywhere; how many sessions there were."""
        row = self._row(username)
        with self.engine.begin() as conn:
            ended = _end_sessions(conn, row.id)
            audit.record(conn, COMMAND_LINE, "end_sessions", None, row.username)
        return ended

    def _find(self, username: str) -> Any:
        return self.first(select(coordinators).where(coordinators.c.username == username))

    def _row(self, username: str) -> Any:
        row = self._find(username)
        if row is None:
            raise NotFound(f"There is no coordinator called {username!r}.")
        return row

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
            .where(coordinator_sessions.c.token_hash == _token_hash(token), _enabled())
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


def _check_length(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"A password needs at least {MIN_PASSWORD} characters.")


def _hash(password: str) -> str:
    with _turn():
        return _hasher.hash(password)


def _password_matches(stored_hash: str, password: str) -> bool:
    with _turn():
        try:
            return _hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False


@contextmanager
def _turn() -> Iterator[None]:
    """One of the PASSWORD_CHECKS_AT_ONCE turns to run Argon2; Busy when none comes in time."""
    if not _checks.acquire(timeout=PASSWORD_CHECK_WAIT):
        raise Busy()
    try:
        yield
    finally:
        _checks.release()


@cache
def made_up_hash() -> str:  # checked for a name nobody has; the dashboard makes it at start
    return _hash(secrets.token_urlsafe(16))


def _enabled() -> Any:
    return coordinators.c.password_hash.not_like(f"{DISABLED}%")


def _not_locked(at: datetime) -> Any:
    return or_(coordinators.c.locked_until.is_(None), coordinators.c.locked_until <= at)


def _end_sessions(conn: Connection, coordinator_id: int) -> int:
    ended = conn.execute(
        coordinator_sessions.delete().where(coordinator_sessions.c.coordinator_id == coordinator_id)
    ).rowcount
    return int(ended)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _coordinator(row: Any) -> Coordinator:
    return Coordinator(row.id, row.username, row.display_name, row.team_id)
