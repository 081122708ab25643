"""The review workflow over the store: opening cases, moving them, and telling the person.

Every change to a case goes through `review.Review`, so an illegal move is refused the same
way whoever asks (the chat, the dashboard or a command-line tool). Each change, its step,
its audit entry and any message for the person are written in one transaction, here.

Audit entries name the row that holds any words ("step:40", "contact_request:3"), never the
words themselves, and a person by their reference, never their channel id (store/audit.py).
"""

from __future__ import annotations

from ras_core.domain.money import format_money
from ras_core.domain.phrases import phrase
from ras_core.domain.review import IllegalMove, Review, Role, State
from ras_core.store import Store, audit, cases, outbox
from ras_core.store.accounts import Coordinator
from ras_core.store.cases import Case
from ras_core.store.people import Person, add_contact_request

ASSISTANT = "assistant"  # the actor for what the assistant does by itself


class Casework:
    def __init__(self, store: Store) -> None:
        self.store = store

    def review(self, case_id: int) -> Review:
        return self._review(self.store.cases.get(case_id))

    def _review(self, found: Case) -> Review:
        return Review(found.state, found.urgent, tuple(self.store.cases.steps(found.id)))

    def open_case(self, person_id: int, assessment_id: int | None) -> Case:
        """A new draft case in the intake team."""
        team = self.store.accounts.intake_team()
        with self.store.engine.begin() as conn:
            case_id = cases.insert(conn, person_id, assessment_id, team.id)
            audit.record(conn, ASSISTANT, "open_case", case_id, "")
        return self.store.cases.get(case_id)

    def current_case(self, person_id: int, assessment_id: int | None) -> Case:
        """The person's open case, or a new one when there is none or the last was agreed."""
        found = self.store.cases.latest_for(person_id)
        if found is None or found.state is State.AGREED:
            found = self.open_case(person_id, assessment_id)
        return found

    def record_contact(
        self, person: Person, assessment_id: int | None, reason: str, words: str
    ) -> Case:
        """The person asked for someone, or may be in danger: it goes on their current case,
        which then shows in the team's queue even before a plan is sent."""
        case = self.current_case(person.id, assessment_id)
        with self.store.engine.begin() as conn:
            asked = add_contact_request(conn, person.id, assessment_id, reason, words)
            audit.record(conn, ASSISTANT, reason, case.id, audit.ref("contact_request", asked))
        return case

    def flag_urgent(self, case_id: int, *, by: str, role: Role, reason: str) -> Case:
        flagged = self.review(case_id).flag_urgent(by=by, role=role, reason=reason)
        step = flagged.history[-1]
        with self.store.engine.begin() as conn:
            written = cases.apply_step(conn, case_id, step, urgent=True, urgent_reason=reason)
            audit.record(conn, by, "flag_urgent", case_id, audit.ref("step", written))
        return self.store.cases.get(case_id)

    # Moves by the person
    def submit(self, case_id: int, person: Person) -> Case:
        """Send the plan for review, or send it again after changes were asked for."""
        state = self.store.cases.get(case_id).state
        name = "resubmit" if state is State.CHANGES_REQUESTED else "submit"
        return self._move(case_id, name, by=person.sender, role=Role.PERSON, actor=person.reference)

    # Moves by a coordinator
    def claim(self, case_id: int, coordinator: Coordinator) -> Case:
        return self._move(
            case_id, "claim", by=coordinator.username, role=Role.COORDINATOR,
            claimed_by=coordinator.id,
        )  # fmt: skip

    def request_changes(self, case_id: int, coordinator: Coordinator, message: str) -> Case:
        """Send the plan back; the person is told the coordinator's words in their chat."""
        return self._move(
            case_id, "request_changes", by=coordinator.username, role=Role.COORDINATOR,
            note=message, tell=("review_changes_requested", {"message": message.strip()}),
        )  # fmt: skip

    def agree(
        self,
        case_id: int,
        coordinator: Coordinator,
        final_yearly: int,
        reason: str,
        indicative_yearly: int,
    ) -> Case:
        """Agree the plan and tell the person.

        A final budget unlike the early one needs a reason.
        """
        if final_yearly < 0:
            raise IllegalMove("below_zero", "The final budget cannot be below £0.")
        reason = reason.strip()
        if final_yearly != indicative_yearly and not reason:
            raise IllegalMove(
                "needs_reason",
                "The final budget differs from the early budget: please give a reason.",
            )
        note = phrase("final_budget", amount=format_money(final_yearly))
        told = {
            "yearly": format_money(final_yearly),
            "weekly": format_money(round(final_yearly / 52)),
        }
        return self._move(
            case_id, "agree", by=coordinator.username, role=Role.COORDINATOR,
            note=f"{note} {reason}".strip(), final=(final_yearly, reason),
            tell=("review_agreed", told),
        )  # fmt: skip

    def _move(
        self,
        case_id: int,
        name: str,
        *,
        by: str,
        role: Role,
        note: str = "",
        claimed_by: int | None = None,
        final: tuple[int, str] | None = None,
        tell: tuple[str, dict[str, str]] | None = None,
        actor: str = "",
    ) -> Case:
        """Make one review move; raises IllegalMove with a reason code when it is not allowed.

        `by` goes in the step (the person's sender id, or the coordinator's user name); the
        audit entry names `actor` instead when given (a person's reference).
        """
        found = self.store.cases.get(case_id)
        moved = self._review(found).move(name, by=by, role=role, note=note)
        step = moved.history[-1]
        values: dict[str, object] = {}
        if name == "submit":
            values["submitted_at"] = step.at
        if claimed_by is not None:
            values["claimed_by"] = claimed_by
        if final is not None:
            values["final_yearly_pounds"], values["final_reason"] = final
        with self.store.engine.begin() as conn:
            written = cases.apply_step(conn, case_id, step, **values)
            audit.record(conn, actor or by, name, case_id, audit.ref("step", written))
            if tell is not None:
                key, params = tell
                outbox.add(conn, found.person_id, case_id, key, reference=found.reference, **params)
        return self.store.cases.get(case_id)
