"""The case page: answers in the person's own words, how the money was worked out, the plan
and its flags, the history, and the conversation; each look is written to the audit log."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import text

from ras_core.domain.plan_rules import Payee, SupportItem
from ras_core.domain.questionnaire import load_questionnaire
from ras_core.domain.support_plan import PlanDraft
from ras_core.store.accounts import Coordinator
from ras_core.store.cases import Case
from tests.dashboard.builders import make_case
from tests.dashboard.reading import page_text
from tests.support.dashboard_server import DashboardServer


def test_the_case_page_shows_what_the_person_said_and_what_was_understood(
    server: DashboardServer, client: httpx.Client, case: Case
) -> None:
    shown = page_text(client.get(f"/cases/{case.id}").text)
    area = load_questionnaire().area("looking_after_myself")
    assert "Looking after myself" in shown
    assert "“I can't get washed or dressed on my own”" in shown
    assert f"A: {area.statement('A').label}. {area.statement_text('A', 'self')}" in shown
    assert "In their own words, checked back with them" in shown
    assert "Said which one in the list" in shown and "Voice message" in shown
    assert "“I'm not sure really” Not sure" in shown  # the not-sure answer, marked


def test_the_case_page_shows_how_the_money_was_worked_out(
    server: DashboardServer, client: httpx.Client, case: Case
) -> None:
    shown = page_text(client.get(f"/cases/{case.id}").text)
    assert case.assessment_id is not None
    budget = server.store.assessments.budget(case.assessment_id)
    assert budget is not None
    for sentence in budget.breakdown["explanation"]:
        assert sentence in shown
    assert f"£{budget.yearly_pounds:,} a year" in shown
    assert f"£{budget.weekly_pounds:,} a week" in shown
    assert "Looking after myself A 20" in shown
    assert "B (they were not sure, so it counts as B)" in shown
    assert f"Total points {budget.total_points}" in shown


def test_the_case_page_shows_the_plan_and_every_flag_with_its_reason(
    server: DashboardServer, client: httpx.Client, case: Case
) -> None:
    shown = page_text(client.get(f"/cases/{case.id}").text)
    for words in (
        "What matters to them Seeing my grandchildren every week",
        "Personal care Help to wash and dress every morning £14,000 An agency: Helping Hands",
        "A personal assistant: Jo Smith, no DBS check yet",
        "Family or a friend: Mary, wife, lives with the person",
        "Direct payment. The money is paid to you.",
        "Who helped to plan My daughter Priya",
        "In an emergency Not given yet.",
        # The flags, each with its plain reason:
        "The plan costs £21,000 a year. The early budget is",
        "The plan pays Mary (wife), who lives with the person.",
        "The plan pays a personal assistant (Jo Smith) who has no DBS check yet.",
        "The plan does not say what happens in an emergency",
        "The person was not sure about 1 questions: My home.",
    ):
        assert words in shown


def test_who_is_paid_reads_well_for_a_plan_made_in_the_chat(
    server: DashboardServer, client: httpx.Client
) -> None:
    """The chat knows only the kind of payee, or the relationship: no name is repeated."""
    plan = PlanDraft(
        items=(
            SupportItem("help_at_home", "Cleaning", 1000, Payee("An agency", "agency")),
            SupportItem("getting_out", "Walks", 2000, Payee("daughter", "family_or_friend",
                                                             "daughter", True)),
            SupportItem("learning_work", "A course", 500,
                        Payee("A personal assistant I employ", "personal_assistant",
                              dbs_checked=True)),
            SupportItem("equipment", "A tablet", 300, None),
        ),
        emergency="My neighbour has a key",
    )  # fmt: skip
    case = make_case(server.store, server.work, plan=plan)
    shown = page_text(client.get(f"/cases/{case.id}").text)
    assert "Cleaning £1,000 An agency Getting out" in shown
    assert "Walks £2,000 Family or a friend: daughter, lives with the person" in shown
    assert "A course £500 A personal assistant: DBS checked" in shown
    assert "A tablet £300 Not decided yet" in shown
    assert "does not say what happens in an emergency" not in shown


def test_the_case_page_shows_the_history_notes_and_an_audit_entry_for_each_look(
    server: DashboardServer, client: httpx.Client, coordinator: Coordinator
) -> None:
    case = make_case(server.store, server.work, urgent_reason="Said they were hit at home")
    note = "Rang the person: they are safe today."
    server.store.notes.add(case.id, coordinator.id, coordinator.username, note)
    shown = page_text(client.get(f"/cases/{case.id}").text)
    assert "Urgent Urgent Said they were hit at home" in shown
    assert "Marked as urgent assistant (the assistant) Said they were hit at home" in shown
    assert "Sent the plan telegram:" in shown
    assert "Rang the person: they are safe today." in shown
    views = [e for e in server.store.audit.entries(case.id) if e.action == "viewed_case"]
    assert [e.actor for e in views] == [coordinator.username]

    audit = page_text(client.get(f"/cases/{case.id}/audit").text)
    assert "Looked at the case" in audit and "Marked as urgent" in audit
    assert "Added a note" in audit
    assert server.store.audit.entries(case.id)[-1].action == "viewed_audit_log"


def test_the_case_page_shows_the_conversation_from_the_tracker_store(
    server: DashboardServer, client: httpx.Client
) -> None:
    on_telegram = make_case(server.store, server.work)
    over_rest = make_case(server.store, server.work, channel="rest")
    quiet = make_case(server.store, server.work)
    with server.store.engine.begin() as conn:
        conn.execute(text(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255),"
            " type_name VARCHAR(255), timestamp FLOAT, intent_name VARCHAR(255),"
            " action_name VARCHAR(255), data TEXT)"
        ))  # fmt: skip
        # The last sender is forged: a bare id is nobody's, so its line must not show.
        senders = ((on_telegram, "telegram:{}"), (over_rest, "rest:{}"), (on_telegram, "{}"))
        for case, sender in senders:
            person = _channel_user_id(server, case)
            hello = "Hello" if ":" in sender else "Forged line"
            for kind, said in (("user", hello), ("action", None), ("bot", f"Hi {person}")):
                data = json.dumps({"event": kind, "text": said} if said else {"event": kind})
                conn.execute(
                    text("INSERT INTO events (sender_id, type_name, timestamp, data)"
                         " VALUES (:s, :t, 1700000000.0, :d)"),
                    {"s": sender.format(person), "t": kind, "d": data},
                )  # fmt: skip
    for case in (on_telegram, over_rest):
        shown = page_text(client.get(f"/cases/{case.id}").text)
        person = _channel_user_id(server, case)
        said = "The person, 14 Nov 2023, 22:13 Hello The assistant, 14 Nov 2023, 22:13 Hi"
        assert f"{said} {person}" in shown
        assert "Forged line" not in shown
    assert "No conversation stored." in page_text(client.get(f"/cases/{quiet.id}").text)


def _channel_user_id(server: DashboardServer, case: Case) -> str:
    with server.store.engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT channel_user_id FROM people WHERE id = :id"), {"id": case.person_id}
            ).scalar_one()
        )
