"""Casework: accounts and sign-in, cases through the review workflow, the queue, audit, outbox."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from ras_core.casework import LOCKOUT, Casework, NotFound
from ras_core.db import open_store
from ras_core.review import IllegalMove, Role, State
from ras_core.storage import Store, now
from ras_core.support_plan import PlanDraft

PASSWORD = "correct horse battery"


@pytest.fixture()
def stores(tmp_path: Path) -> tuple[Store, Casework]:
    store = open_store(f"sqlite:///{tmp_path / 'cases.db'}")
    work = Casework(store.engine)
    work.add_team("North", email="north@council.example", takes_new_cases=True)
    work.add_team("South", email="south@council.example")
    work.add_coordinator("asha", "Asha Patel", "North", PASSWORD)
    work.add_coordinator("ben", "Ben Okafor", "South", PASSWORD)
    return store, work


def test_a_new_case_goes_to_the_intake_team_with_a_readable_reference(stores) -> None:
    store, work = stores
    person = store.person("rest", "sam")
    case = work.open_case(person.id, None)
    assert case.state is State.DRAFT
    assert work.team(case.team_id).name == "North"
    assert case.reference.startswith("IB-") and len(case.reference) == 9
    assert not set(case.reference[3:]) & set("0O1I")


def test_without_any_team_an_intake_team_is_made_so_no_case_is_lost(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    work = Casework(store.engine)
    case = work.open_case(store.person("rest", "sam").id, None)
    assert work.team(case.team_id).name == "Intake"


def test_the_review_moves_are_stored_with_who_and_when(stores) -> None:
    store, work = stores
    asha = work.coordinator("asha")
    assert asha is not None
    case = work.open_case(store.person("rest", "sam").id, None)
    work.move(case.id, "submit", by="rest:sam", role=Role.PERSON)
    work.claim(case.id, asha)
    work.move(
        case.id, "request_changes", by="asha", role=Role.COORDINATOR, note="Add an emergency plan"
    )
    work.move(case.id, "resubmit", by="rest:sam", role=Role.PERSON)
    work.claim(case.id, asha)
    agreed = work.agree(case.id, asha, 12000, "", indicative_yearly=12000)

    assert agreed.state is State.AGREED and agreed.final_yearly_pounds == 12000
    assert agreed.claimed_by == asha.id
    steps = work.steps(case.id)
    assert [s.move for s in steps] == [
        "submit",
        "claim",
        "request_changes",
        "resubmit",
        "claim",
        "agree",
    ]
    assert steps[2].note == "Add an emergency plan" and steps[2].by == "asha"
    assert all(s.at <= now() for s in steps)
    assert [e.action for e in work.audit_log(case.id)][-6:] == [s.move for s in steps]


def test_an_illegal_move_is_refused_and_nothing_changes(stores) -> None:
    store, work = stores
    asha = work.coordinator("asha")
    assert asha is not None
    case = work.open_case(store.person("rest", "sam").id, None)
    with pytest.raises(IllegalMove, match="must be"):
        work.agree(case.id, asha, 100, "", indicative_yearly=100)
    with pytest.raises(IllegalMove, match="Only a person"):
        work.move(case.id, "submit", by="asha", role=Role.COORDINATOR)
    assert work.case(case.id).state is State.DRAFT
    assert work.steps(case.id) == []


def test_a_different_final_budget_needs_a_reason(stores) -> None:
    store, work = stores
    asha = work.coordinator("asha")
    assert asha is not None
    case = work.open_case(store.person("rest", "sam").id, None)
    work.move(case.id, "submit", by="rest:sam", role=Role.PERSON)
    work.claim(case.id, asha)
    with pytest.raises(IllegalMove, match="reason"):
        work.agree(case.id, asha, 15000, "  ", indicative_yearly=12000)
    agreed = work.agree(
        case.id, asha, 15000, "Needs two carers for moving", indicative_yearly=12000
    )
    assert (agreed.final_yearly_pounds, agreed.final_reason) == (
        15000,
        "Needs two carers for moving",
    )


def test_the_queue_puts_urgent_first_then_oldest_and_hides_quiet_drafts(stores) -> None:
    store, work = stores
    first = work.open_case(store.person("rest", "one").id, None)
    second = work.open_case(store.person("rest", "two").id, None)
    quiet_draft = work.open_case(store.person("rest", "three").id, None)
    urgent_draft = work.open_case(store.person("rest", "four").id, None)
    work.move(first.id, "submit", by="one", role=Role.PERSON)
    work.move(second.id, "submit", by="two", role=Role.PERSON)
    work.flag_urgent(
        urgent_draft.id, by="assistant", role=Role.SYSTEM, reason="suicide: want to die"
    )

    north = work.team_named("North")
    assert [c.id for c in work.queue(north.id)] == [urgent_draft.id, first.id, second.id]
    assert quiet_draft.id not in [c.id for c in work.queue(north.id)]
    assert [c.id for c in work.queue(north.id, [State.SUBMITTED])] == [first.id, second.id]
    assert work.queue(work.team_named("South").id) == []


def test_another_team_cannot_reach_the_case(stores) -> None:
    store, work = stores
    case = work.open_case(store.person("rest", "sam").id, None)
    assert work.case_for_team(case.id, work.team_named("North").id).id == case.id
    with pytest.raises(NotFound):
        work.case_for_team(case.id, work.team_named("South").id)


def test_sign_in_checks_the_password_and_locks_after_five_failures(stores) -> None:
    _, work = stores
    assert work.sign_in("asha", PASSWORD).coordinator is not None
    assert work.sign_in("nobody", PASSWORD).coordinator is None
    results = [work.sign_in("asha", "wrong password!!") for _ in range(5)]
    assert [r.locked for r in results] == [False, False, False, False, True]
    # Locked: even the right password is refused until the lock runs out.
    assert work.sign_in("asha", PASSWORD).locked is True
    later = work.sign_in("asha", PASSWORD, at=now() + LOCKOUT + timedelta(seconds=1))
    assert later.coordinator is not None and later.coordinator.username == "asha"


def test_passwords_are_stored_hashed_and_short_ones_refused(stores) -> None:
    store, work = stores
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM coordinators")).scalars().all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)
    with pytest.raises(ValueError, match="12 characters"):
        work.add_coordinator("cat", "Cat", "North", "short")


def test_a_session_token_finds_its_coordinator_until_closed(stores) -> None:
    store, work = stores
    asha = work.coordinator("asha")
    assert asha is not None
    token = work.open_session(asha)
    session = work.session(token)
    assert session is not None and session.coordinator == asha and len(session.csrf_token) > 30
    with store.engine.connect() as conn:
        assert token not in str(
            conn.execute(text("SELECT token_hash FROM coordinator_sessions")).all()
        )
    work.close_session(token)
    assert work.session(token) is None
    assert work.session("made-up") is None


def test_the_audit_log_cannot_be_changed_or_deleted(stores) -> None:
    store, work = stores
    work.audit("asha", "viewed", None, "case list")
    with store.engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with store.engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(text("DELETE FROM audit_log"))
    assert "viewed" in [e.action for e in work.audit_log()]


def test_a_plan_draft_is_stored_with_where_the_conversation_stands(stores) -> None:
    store, work = stores
    case = work.open_case(store.person("rest", "sam").id, None)
    assert work.plan(case.id) is None
    draft = PlanDraft(what_matters="My dog", emergency="My sister comes")
    work.save_plan(case.id, draft, "to_change")
    assert work.plan(case.id) == (draft, "to_change", None)


def test_a_message_for_the_person_is_delivered_once(stores) -> None:
    store, work = stores
    person = store.person("telegram", "5")
    work.tell_person(person.id, None, "review_changes_requested", message="Add a plan")
    waiting = work.undelivered()
    assert [(m.key, m.params) for m in waiting] == [
        ("review_changes_requested", {"message": "Add a plan"})
    ]
    assert work.mark_delivered(waiting[0].id) is True
    assert work.mark_delivered(waiting[0].id) is False
    assert work.undelivered() == []


def test_asking_for_changes_and_agreeing_tell_the_person(stores) -> None:
    store, work = stores
    asha = work.coordinator("asha")
    assert asha is not None
    person = store.person("telegram", "9")
    case = work.open_case(person.id, None)
    work.move(case.id, "submit", by="telegram:9", role=Role.PERSON)
    work.claim(case.id, asha)
    work.request_changes(case.id, asha, "Please say who helps if your carer is ill.")
    work.move(case.id, "resubmit", by="telegram:9", role=Role.PERSON)
    work.claim(case.id, asha)
    work.agree_and_tell(case.id, asha, 10400, "", indicative_yearly=10400)
    told = [(m.key, m.params) for m in work.undelivered(person.id)]
    assert told == [
        ("review_changes_requested",
         {"reference": case.reference, "message": "Please say who helps if your carer is ill."}),
        ("review_agreed", {"reference": case.reference, "yearly": "£10,400", "weekly": "£200"}),
    ]  # fmt: skip


def test_asking_for_a_person_puts_the_draft_case_in_the_queue(stores) -> None:
    store, work = stores
    person = store.person("rest", "sam")
    quiet = work.open_case(person.id, None)
    north = work.team_named("North")
    assert work.queue(north.id) == []
    case = work.hand_to_person(person.id, None, "asked_for_person", "can I speak to someone")
    assert case.id == quiet.id
    assert [c.id for c in work.queue(north.id)] == [quiet.id]
    [asked] = work.contact_requests(person.id)
    assert (asked.reason, asked.words) == ("asked_for_person", "can I speak to someone")
    assert "asked_for_person" in [e.action for e in work.audit_log(case.id)]
