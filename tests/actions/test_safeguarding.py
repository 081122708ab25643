"""action_safeguarding on a real SQLite database: the emergency numbers, the case flagged urgent
for the coordinators, the contact request, and the team told without delaying the reply."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.safeguarding
from actions.context import store
from actions.journey import ActionBegin
from actions.safeguarding import ActionSafeguarding, urgent_reason
from ras_core.casework import Case, Casework
from ras_core.council import load_council
from tests.actions.conftest import answer, run, tracker

Domain = dict[str, Any]
SENDER = "test:7"


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def titles(messages: list[dict[str, Any]]) -> list[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def disclosure(text: str, found: dict[str, str] | None = None) -> dict[str, Any]:
    """latest_message as bot/nlu/safeguarding.py leaves it."""
    message: dict[str, Any] = {
        "text": text,
        "intent": {"name": "disclosure", "confidence": 1.0},
        "entities": [],
    }
    if found is not None:
        message["safeguarding"] = found
    return message


def start_questions(domain: Domain, who: str = "/for_myself") -> None:
    """Consent, who the questions are about, and one answer: question 2 is next."""
    run(ActionBegin(), tracker("hello"), domain)
    answer("/affirm", domain)
    answer(who, domain)
    answer('/choose_option{"option":"B"}', domain)


def case_of(sender: str = SENDER) -> Case | None:
    channel, user_id = sender.split(":", 1)
    return Casework(store().engine).latest_case(store().person(channel, user_id).id)


@pytest.fixture(autouse=True)
def no_real_notifications(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Case, str]]:
    sent: list[tuple[Case, str]] = []
    monkeypatch.setattr(
        actions.safeguarding, "notify_team", lambda work, case, event: sent.append((case, event))
    )
    return sent


def test_in_the_questions_it_gives_the_numbers_flags_the_case_and_stops(
    domain: Domain, no_real_notifications: list[tuple[Case, str]]
) -> None:
    start_questions(domain)
    found = {"kind": "suicide", "words": "want to kill myself", "found_by": "list"}
    messages, events = run(
        ActionSafeguarding(), tracker(disclosure("I want to kill myself", found)), domain
    )
    said = texts(messages)
    assert "999" in said
    assert "Samaritans" in said and "116 123" in said and "free" in said
    assert load_council().safeguarding_phone in said
    assert "coordinator" in said
    assert "stopped the questions" in said and "only when you want" in said
    assert "Question" not in said
    assert titles(messages) == ["Carry on with the questions", "Talk to a person"]
    assert [b["payload"] for m in messages for b in m.get("buttons") or []] == [
        "/resume",
        "/human_handoff",
    ]
    assert {"event": "slot", "timestamp": None, "name": "saq_answer", "value": None} in events

    case = case_of()
    assert case is not None and case.urgent
    assert case.urgent_reason == "suicide: 'want to kill myself'"
    assert case.assessment_id is not None
    person = store().person("test", "7")
    requests = store().contact_requests(person.id)
    assert [(r["reason"], r["words"]) for r in requests] == [
        ("safeguarding", "I want to kill myself")
    ]
    assert requests[0]["assessment_id"] == case.assessment_id
    assert [(c.id, event) for c, event in no_real_notifications] == [(case.id, "urgent")]
    audit = [e.action for e in Casework(store().engine).audit_log(case.id)]
    assert "flag_urgent" in audit


def test_the_case_already_open_is_the_one_flagged(domain: Domain) -> None:
    start_questions(domain)
    person = store().person("test", "7")
    work = Casework(store().engine)
    existing = work.open_case(person.id, None)
    run(ActionSafeguarding(), tracker(disclosure("my son hits me")), domain)
    flagged = work.latest_case(person.id)
    assert flagged is not None and flagged.id == existing.id and flagged.urgent
    assert flagged.urgent_reason == "abuse: 'my son hits me'"  # found again from the words


def test_when_only_the_model_heard_it_the_coordinator_is_told_so(domain: Domain) -> None:
    start_questions(domain)
    found = {"kind": "", "words": "nobody feeds mum", "found_by": "model"}
    run(ActionSafeguarding(), tracker(disclosure("nobody feeds mum", found)), domain)
    case = case_of()
    assert case is not None and case.urgent
    assert case.urgent_reason == "heard by the language model: 'nobody feeds mum'"


def test_outside_the_questions_it_says_there_is_no_rush(domain: Domain) -> None:
    messages, _ = run(ActionSafeguarding(), tracker(disclosure("hes got a knife")), domain)
    said = texts(messages)
    assert "999" in said and "116 123" in said
    assert "no rush" in said and "stopped the questions" not in said
    assert titles(messages) == ["Carry on", "Talk to a person"]
    case = case_of()
    assert case is not None and case.urgent and case.assessment_id is None


def test_a_carer_is_asked_about_the_person_they_look_after_too(domain: Domain) -> None:
    start_questions(domain, "/for_someone_else")
    messages, _ = run(ActionSafeguarding(), tracker(disclosure("he hasnt been fed")), domain)
    said = texts(messages)
    assert "If you or the person you look after are in danger now, call 999." in said
    assert "116 123" in said


def test_the_councils_own_number_is_used(domain: Domain, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNCIL_SAFEGUARDING_PHONE", "01234 567 890")
    messages, _ = run(ActionSafeguarding(), tracker(disclosure("i want to die")), domain)
    assert "call the council on 01234 567 890." in texts(messages)


def test_a_slow_notification_does_not_delay_the_reply(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SMTP may take 10 seconds: the team is told from a worker thread."""
    done = threading.Event()

    def slow(work: Casework, case: Case, event: str) -> list[str]:
        time.sleep(1.5)
        done.set()
        return ["email"]

    monkeypatch.setattr(actions.safeguarding, "notify_team", slow)

    async def reply_time() -> float:
        started = time.monotonic()
        await ActionSafeguarding().run(
            CollectingDispatcher(), tracker(disclosure("i want to die")), domain
        )
        return time.monotonic() - started

    assert asyncio.run(reply_time()) < 1.0  # asyncio.run then waits for the worker
    assert done.is_set()


def test_a_failing_notification_is_only_logged(
    domain: Domain, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(work: Casework, case: Case, event: str) -> list[str]:
        raise RuntimeError("no team")

    monkeypatch.setattr(actions.safeguarding, "notify_team", broken)
    messages, _ = run(ActionSafeguarding(), tracker(disclosure("i want to die")), domain)
    assert "999" in texts(messages)
    assert "Could not notify the team" in caplog.text


def test_the_numbers_are_given_even_if_the_database_fails(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Case:
        raise OSError("disk full")

    monkeypatch.setattr(actions.safeguarding, "flag_case", broken)
    messages, _ = run(ActionSafeguarding(), tracker(disclosure("i want to die")), domain)
    assert "999" in texts(messages) and "116 123" in texts(messages)


@pytest.mark.parametrize(
    ("found", "text", "reason"),
    [
        ({"kind": "self_harm", "words": "cutting myself"}, "x", "self-harm: 'cutting myself'"),
        ({}, "he locks me in", "abuse: 'locks me in'"),
        ({}, "help  me\nplease", "heard by the language model: 'help me please'"),
        ({}, "a" * 400, f"heard by the language model: '{'a' * 299}…'"),
    ],
)
def test_urgent_reasons_read_plainly(found: dict[str, str], text: str, reason: str) -> None:
    assert urgent_reason(found, text) == reason
