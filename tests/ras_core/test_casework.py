"""Casework and the store under it: accounts and sign-in, cases through the review workflow,
the queue, audit, plans and the outbox."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from ras_core.casework import Casework
from ras_core.domain.progress import PlanStage
from ras_core.domain.review import IllegalMove, Role, State
from ras_core.domain.support_plan import PlanDraft
from ras_core.store import Store, open_store, outbox
from ras_core.store.accounts import LOCKOUT, NotFound
from ras_core.store.engine import now
from ras_core.store.plans import StoredPlan

PASSWORD = "correct horse battery"


@pytest.fixture()
def stores(tmp_path: Path) -> tuple[Store, Casework]:
    store = open_store(f"sqlite:///{tmp_path / 'cases.db'}")
    work = Casework(store)
    store.accounts.add_team("North", email="north@council.example", takes_new_cases=True)
    store.accounts.add_team("South", email="south@council.example")
    store.accounts.add_coordinator("asha", "Asha Patel", "North", PASSWORD)
    store.accounts.add_coordinator("ben", "Ben Okafor", "South", PASSWORD)
    return store, work


def test_a_new_case_goes_to_the_intake_team_with_a_readable_reference(stores) -> None:
    store, work = stores
    person = store.people.person("rest", "sam")
    case = work.open_case(person.id, None)
    assert case.state is State.DRAFT
    assert store.accounts.team(case.team_id).name == "North"
    assert case.reference.startswith("IB-") and len(case.reference) == 9
    assert not set(case.reference[3:]) & set("0O1I")


def test_without_any_team_an_intake_team_is_made_so_no_case_is_lost(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    work = Casework(store)
    case = work.open_case(store.people.person("rest", "sam").id, None)
    assert store.accounts.team(case.team_id).name == "Intake"


def test_the_review_moves_are_stored_with_who_and_when(stores) -> None:
    store, work = stores
    asha = store.accounts.coordinator("asha")
    assert asha is not None
    sam = store.people.person("rest", "sam")
    case = work.open_case(sam.id, None)
    work.submit(case.id, sam)
    work.claim(case.id, asha)
    work.request_changes(case.id, asha, "Add an emergency plan")
    work.submit(case.id, sam)  # sent again after the changes
    work.claim(case.id, asha)
    agreed = work.agree(case.id, asha, 12000, "", indicative_yearly=12000)

    assert agreed.state is State.AGREED and agreed.final_yearly_pounds == 12000
    assert agreed.claimed_by == asha.id
    steps = store.cases.steps(case.id)
    assert [s.move for s in steps] == [
        "submit",
        "claim",
        "request_changes",
        "resubmit",
        "claim",
        "agree",
    ]
    assert steps[0].by == "rest:sam" and steps[0].role is Role.PERSON
    assert steps[2].note == "Add an emergency plan" and steps[2].by == "asha"
    assert steps[-1].note == "Final budget £12,000 a year."
    assert all(s.at <= now() for s in steps)
    assert [e.action for e in store.audit.entries(case.id)][-6:] == [s.move for s in steps]


def test_an_illegal_move_is_refused_and_nothing_changes(stores) -> None:
    store, work = stores
    asha = store.accounts.coordinator("asha")
    assert asha is not None
    case = work.open_case(store.people.person("rest", "sam").id, None)
    with pytest.raises(IllegalMove, match="must be") as refused:
        work.agree(case.id, asha, 100, "", indicative_yearly=100)
    assert refused.value.code == "wrong_state"
    with pytest.raises(IllegalMove, match="Only a person") as refused:
        work.review(case.id).move("submit", by="asha", role=Role.COORDINATOR)
    assert refused.value.code == "wrong_role"
    assert store.cases.get(case.id).state is State.DRAFT
    assert store.cases.steps(case.id) == []
    assert store.outbox.undelivered() == []


def test_a_case_claimed_meanwhile_cannot_be_claimed_again(stores) -> None:
    store, work = stores
    asha = store.accounts.coordinator("asha")
    ben = store.accounts.coordinator("ben")
    assert asha is not None and ben is not None
    sam = store.people.person("rest", "sam")
    case = work.open_case(sam.id, None)
    work.submit(case.id, sam)
    work.claim(case.id, asha)
    with pytest.raises(IllegalMove) as refused:
        work.claim(case.id, ben)
    assert refused.value.code in ("moved_meanwhile", "wrong_state")
    assert store.cases.get(case.id).claimed_by == asha.id
    assert [s.move for s in store.cases.steps(case.id)] == ["submit", "claim"]


def test_a_different_final_budget_needs_a_reason(stores) -> None:
    store, work = stores
    asha = store.accounts.coordinator("asha")
    assert asha is not None
    sam = store.people.person("rest", "sam")
    case = work.open_case(sam.id, None)
    work.submit(case.id, sam)
    work.claim(case.id, asha)
    with pytest.raises(IllegalMove, match="reason") as refused:
        work.agree(case.id, asha, 15000, "  ", indicative_yearly=12000)
    assert refused.value.code == "needs_reason"
    with pytest.raises(IllegalMove) as refused:
        work.agree(case.id, asha, -1, "Mistake", indicative_yearly=12000)
    assert refused.value.code == "below_zero"
    assert store.cases.get(case.id).state is State.IN_REVIEW
    agreed = work.agree(
        case.id, asha, 15000, "Needs two carers for moving", indicative_yearly=12000
    )
    assert (agreed.final_yearly_pounds, agreed.final_reason) == (
        15000,
        "Needs two carers for moving",
    )
    assert store.cases.steps(case.id)[-1].note == (
        "Final budget £15,000 a year. Needs two carers for moving"
    )


def test_the_queue_puts_urgent_first_then_oldest_and_hides_quiet_drafts(stores) -> None:
    store, work = stores
    one, two = store.people.person("rest", "one"), store.people.person("rest", "two")
    first = work.open_case(one.id, None)
    second = work.open_case(two.id, None)
    quiet_draft = work.open_case(store.people.person("rest", "three").id, None)
    urgent_draft = work.open_case(store.people.person("rest", "four").id, None)
    work.submit(first.id, one)
    work.submit(second.id, two)
    work.flag_urgent(
        urgent_draft.id, by="assistant", role=Role.SYSTEM, reason="suicide: want to die"
    )

    north = store.accounts.team_named("North")
    queue = store.cases.queue
    assert [c.id for c in queue(north.id)] == [urgent_draft.id, first.id, second.id]
    assert quiet_draft.id not in [c.id for c in queue(north.id)]
    assert [c.id for c in queue(north.id, [State.SUBMITTED])] == [first.id, second.id]
    assert queue(store.accounts.team_named("South").id) == []


def test_another_team_cannot_reach_the_case(stores) -> None:
    store, work = stores
    case = work.open_case(store.people.person("rest", "sam").id, None)
    assert store.cases.for_team(case.id, store.accounts.team_named("North").id).id == case.id
    with pytest.raises(NotFound):
        store.cases.for_team(case.id, store.accounts.team_named("South").id)


def test_sign_in_checks_the_password_and_locks_after_five_failures(stores) -> None:
    accounts = stores[0].accounts
    assert accounts.sign_in("asha", PASSWORD).coordinator is not None
    assert accounts.sign_in("nobody", PASSWORD).coordinator is None
    results = [accounts.sign_in("asha", "wrong password!!") for _ in range(5)]
    assert [r.locked for r in results] == [False, False, False, False, True]
    # Locked: even the right password is refused until the lock runs out.
    assert accounts.sign_in("asha", PASSWORD).locked is True
    later = accounts.sign_in("asha", PASSWORD, at=now() + LOCKOUT + timedelta(seconds=1))
    assert later.coordinator is not None and later.coordinator.username == "asha"


def test_passwords_are_stored_hashed_and_short_ones_refused(stores) -> None:
    store, _ = stores
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM coordinators")).scalars().all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)
    with pytest.raises(ValueError, match="12 characters"):
        store.accounts.add_coordinator("cat", "Cat", "North", "short")


def test_a_session_token_finds_its_coordinator_until_closed(stores) -> None:
    store, _ = stores
    accounts = store.accounts
    asha = accounts.coordinator("asha")
    assert asha is not None
    token = accounts.open_session(asha)
    session = accounts.session(token)
    assert session is not None and session.coordinator == asha and len(session.csrf_token) > 30
    with store.engine.connect() as conn:
        assert token not in str(
            conn.execute(text("SELECT token_hash FROM coordinator_sessions")).all()
        )
    accounts.close_session(token)
    assert accounts.session(token) is None
    assert accounts.session("made-up") is None


def test_the_audit_log_cannot_be_changed_or_deleted(stores) -> None:
    store, _ = stores
    store.audit.add("asha", "viewed", None, "case list")
    with store.engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with store.engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(text("DELETE FROM audit_log"))
    assert "viewed" in [e.action for e in store.audit.entries()]


def test_a_plan_draft_is_stored_with_where_the_conversation_stands(stores) -> None:
    store, work = stores
    case = work.open_case(store.people.person("rest", "sam").id, None)
    assert store.plans.get(case.id) is None
    draft = PlanDraft(what_matters="My dog", emergency="My sister comes")
    store.plans.save(case.id, draft, PlanStage.TO_CHANGE)
    assert store.plans.get(case.id) == StoredPlan(draft, PlanStage.TO_CHANGE, None)
    store.plans.save(case.id, draft, PlanStage.CHOOSE_PART, previous=PlanStage.READBACK)
    assert store.plans.get(case.id) == StoredPlan(draft, PlanStage.CHOOSE_PART, PlanStage.READBACK)


def test_a_message_for_the_person_is_delivered_once(stores) -> None:
    store, _ = stores
    person = store.people.person("telegram", "5")
    with store.engine.begin() as conn:
        outbox.add(conn, person.id, None, "review_changes_requested", message="Add a plan")
    waiting = store.outbox.undelivered()
    assert [(m.key, m.params) for m in waiting] == [
        ("review_changes_requested", {"message": "Add a plan"})
    ]
    assert store.outbox.waiting_in("telegram") == ["5"]
    assert store.outbox.waiting_in("rest") == []
    assert store.outbox.mark_delivered(waiting[0].id) is True
    assert store.outbox.mark_delivered(waiting[0].id) is False
    assert store.outbox.undelivered() == []
    assert store.outbox.waiting_in("telegram") == []


def test_asking_for_changes_and_agreeing_tell_the_person(stores) -> None:
    store, work = stores
    asha = store.accounts.coordinator("asha")
    assert asha is not None
    person = store.people.person("telegram", "9")
    case = work.open_case(person.id, None)
    work.submit(case.id, person)
    work.claim(case.id, asha)
    work.request_changes(case.id, asha, "Please say who helps if your carer is ill.")
    work.submit(case.id, person)
    work.claim(case.id, asha)
    work.agree(case.id, asha, 10400, "", indicative_yearly=10400)
    assert [s.by for s in store.cases.steps(case.id) if s.role is Role.PERSON] == [
        "telegram:9",
        "telegram:9",
    ]
    told = [(m.key, m.params) for m in store.outbox.undelivered(person.id)]
    assert told == [
        ("review_changes_requested",
         {"reference": case.reference, "message": "Please say who helps if your carer is ill."}),
        ("review_agreed", {"reference": case.reference, "yearly": "£10,400", "weekly": "£200"}),
    ]  # fmt: skip


def test_asking_for_a_person_puts_the_draft_case_in_the_queue(stores) -> None:
    store, work = stores
    person = store.people.person("rest", "sam")
    quiet = work.open_case(person.id, None)
    north = store.accounts.team_named("North")
    assert store.cases.queue(north.id) == []
    case = work.record_contact(person, None, "asked_for_person", "can I speak to someone")
    assert case.id == quiet.id
    assert [c.id for c in store.cases.queue(north.id)] == [quiet.id]
    [asked] = store.people.contact_requests(person.id)
    assert (asked.reason, asked.words) == ("asked_for_person", "can I speak to someone")
    assert "asked_for_person" in [e.action for e in store.audit.entries(case.id)]
