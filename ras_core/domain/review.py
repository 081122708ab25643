"""The review of a support plan as an explicit state machine.

draft -> submitted -> in_review -> changes_requested -> resubmitted -> in_review -> agreed.
Urgent is a flag alongside the state, not a state: any case can be urgent. Every move says
who made it and when; a move that is not allowed raises IllegalMove with a plain reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from enum import Enum


class State(str, Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    RESUBMITTED = "resubmitted"
    AGREED = "agreed"


class Role(str, Enum):
    PERSON = "person"  # the person, or their carer, in the chat
    COORDINATOR = "coordinator"
    SYSTEM = "system"  # the assistant itself, e.g. when it recognises a safeguarding disclosure


@dataclass(frozen=True)
class Rule:
    source: frozenset[State]
    target: State
    role: Role


# Each move: where it may start, where it ends, and who may make it.
MOVES: dict[str, Rule] = {
    "submit": Rule(frozenset({State.DRAFT}), State.SUBMITTED, Role.PERSON),
    "claim": Rule(
        frozenset({State.SUBMITTED, State.RESUBMITTED}), State.IN_REVIEW, Role.COORDINATOR
    ),
    "request_changes": Rule(
        frozenset({State.IN_REVIEW}), State.CHANGES_REQUESTED, Role.COORDINATOR
    ),
    "resubmit": Rule(frozenset({State.CHANGES_REQUESTED}), State.RESUBMITTED, Role.PERSON),
    "agree": Rule(frozenset({State.IN_REVIEW}), State.AGREED, Role.COORDINATOR),
}


class IllegalMove(ValueError):
    """A move that the workflow does not allow from where the case is, or by this role.

    `code` names the reason for the word catalogues (the dashboard's words.html); the message
    itself is for logs and developers.
    """

    def __init__(self, code: str, message: str, **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Step:
    move: str
    from_state: State
    to_state: State
    by: str  # who: a coordinator's user name, or the person's channel id
    role: Role
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class Review:
    state: State = State.DRAFT
    urgent: bool = False
    history: tuple[Step, ...] = field(default=())

    def allowed(self, role: Role) -> list[str]:
        """The moves this role can make now."""
        return [
            name for name, rule in MOVES.items() if self.state in rule.source and rule.role == role
        ]

    def move(
        self, name: str, *, by: str, role: Role, note: str = "", at: datetime | None = None
    ) -> Review:
        rule = MOVES.get(name)
        if rule is None:
            raise IllegalMove(
                "no_such_move", f"There is no move called {name!r}. Moves: {', '.join(MOVES)}."
            )
        if rule.role != role:
            raise IllegalMove(
                "wrong_role",
                f"Only a {rule.role.value} can {name.replace('_', ' ')}.",
                move=name,
                role=rule.role.value,
            )
        if self.state not in rule.source:
            starts = " or ".join(sorted(state.value for state in rule.source))
            raise IllegalMove(
                "wrong_state",
                f"Cannot {name.replace('_', ' ')} a plan that is {self.state.value}: "
                f"it must be {starts}.",
                move=name,
                state=self.state.value,
            )
        if name == "request_changes" and not note.strip():
            raise IllegalMove("needs_message", "Asking for changes needs a message for the person.")
        step = Step(name, self.state, rule.target, by, role, at or datetime.now(timezone.utc), note)
        return replace(self, state=rule.target, history=(*self.history, step))

    def flag_urgent(
        self, *, by: str, role: Role, reason: str, at: datetime | None = None
    ) -> Review:
        """Urgent sits beside the state (e.g. a safeguarding disclosure); it is recorded too."""
        when = at or datetime.now(timezone.utc)
        step = Step("flag_urgent", self.state, self.state, by, role, when, reason)
        return replace(self, urgent=True, history=(*self.history, step))
