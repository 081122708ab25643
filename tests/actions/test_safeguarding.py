"""action_safeguarding on a real SQLite database: the emergency numbers, the case flagged urgent
for the coordinators, the contact request, and the team told without delaying the reply."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.safeguarding
import ras_core.background
import ras_core.notify
from actions.context import store
from actions.journey import ActionBegin
from actions.safeguarding import ActionPossibleConcern, ActionSafeguarding, ActionSafeNow
from ras_core.casework import Casework
from ras_core.conversation.attention import urgent_reason
from ras_core.domain.council import load_council
from ras_core.store import Store
from ras_core.store.cases import Case
from ras_core.store.schema import contact_requests
from tests.actions.conftest import answer, run, tracker

Domain = dict[str, Any]
SENDER = "test:7"


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def heard(domain: Domain, messages: list[dict[str, Any]]) -> str:
    """What the person hears: Rasa's own first message (the rules say it before the action,
    so it comes even if the action server is down), then the action's."""
    first = str(domain["responses"]["utter_safeguarding_now"][0]["text"])
    return first + "\n" + texts(messages)


def titles(messages: list[dict[str, Any]]) -> list[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def disclosure(text: str, found: dict[str, str] | None = None) -> dict[str, Any]:
    """latest_message as bot/rasa/components/safeguarding.py leaves it."""
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
    return store().cases.latest_for(store().people.person(channel, user_id).id)


class Notifications:
    """Stands in for ras_core.notify.notify_team, which notify_soon calls from a worker."""

    def __init__(self) -> None:
        self.sent: list[tuple[Case, str]] = []
        self._changed = threading.Condition()

    def __call__(self, store: Store, case: Case, event: str) -> list[str]:
        with self._changed:
            self.sent.append((case, event))
            self._changed.notify_all()
        return []

    def wait_for(self, count: int, timeout: float = 5.0) -> list[tuple[Case, str]]:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.sent) >= count, timeout), self.sent
            return list(self.sent)


@pytest.fixture(autouse=True)
def no_real_notifications(monkeypatch: pytest.MonkeyPatch) -> Notifications:
    notifications = Notifications()
    monkeypatch.setattr(ras_core.notify, "notify_team", notifications)
    return notifications


def test_in_the_questions_it_gives_the_numbers_flags_the_case_and_stops(
    domain: Domain, no_real_notifications: Notifications
) -> None:
    start_questions(domain)
    found = {"kind": "suicide", "words": "want to kill myself", "found_by": "list"}
    messages, events = run(
        ActionSafeguarding(), tracker(disclosure("I want to kill myself", found)), domain
    )
    said = heard(domain, messages)
    assert "999" not in texts(messages)  # Rasa said it already
    assert "999" in said
    assert "Samaritans" in said and "116 123" in said and "free" in said
    assert load_council().safeguarding_phone in said
    assert "coordinator" in said
    assert "stopped the questions" in said and "only when you want" in said
    assert "Question" not in said
    assert titles(messages) == ["Carry on with the questions", "Talk to a person"]
    assert [b["payload"] for m in messages for b in m.get("buttons") or []] == [
        "/resume",
        "/ask_for_person",
    ]
    assert {"event": "slot", "timestamp": None, "name": "saq_answer", "value": None} in events

    case = case_of()
    assert case is not None and case.urgent
    assert case.urgent_reason == "suicide: 'want to kill myself'"
    assert case.assessment_id is not None
    person = store().people.person("test", "7")
    requests = store().people.contact_requests(person.id)
    assert [(r.reason, r.words) for r in requests] == [("safeguarding", "I want to kill myself")]
    with store().engine.connect() as conn:
        asked_in = conn.execute(
            select(contact_requests.c.assessment_id).where(
                contact_requests.c.person_id == person.id
            )
        ).scalar_one()
    assert asked_in == case.assessment_id
    told = no_real_notifications.wait_for(1)
    assert [(c.id, event) for c, event in told] == [(case.id, "urgent")]
    audit = [e.action for e in store().audit.entries(case.id)]
    assert "flag_urgent" in audit


def test_the_case_already_open_is_the_one_flagged(domain: Domain) -> None:
    start_questions(domain)
    person = store().people.person("test", "7")
    existing = Casework(store()).open_case(person.id, None)
    run(ActionSafeguarding(), tracker(disclosure("my son hits me")), domain)
    flagged = store().cases.latest_for(person.id)
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
    said = heard(domain, messages)
    assert "999" in said and "116 123" in said
    assert "no rush" in said and "stopped the questions" not in said
    assert titles(messages) == ["Carry on", "Talk to a person"]
    case = case_of()
    assert case is not None and case.urgent and case.assessment_id is None


def test_a_carer_is_asked_about_the_person_they_look_after_too(domain: Domain) -> None:
    start_questions(domain, "/for_someone_else")
    messages, _ = run(ActionSafeguarding(), tracker(disclosure("he hasnt been fed")), domain)
    said = texts(messages)
    assert "If someone is being hurt or not looked after, call the council" in said
    assert "If anyone is in danger now, call 999." in heard(domain, messages)


def test_the_councils_own_number_is_used(domain: Domain, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNCIL_SAFEGUARDING_PHONE", "01234 567 890")
    messages, _ = run(ActionSafeguarding(), tracker(disclosure("i want to die")), domain)
    assert "call the council on 01234 567 890." in texts(messages)


def test_a_slow_notification_does_not_delay_the_reply(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SMTP may take 10 seconds: the team is told from a worker thread."""
    done = threading.Event()

    def slow(store: Store, case: Case, event: str) -> list[str]:
        time.sleep(1.5)
        done.set()
        return ["email"]

    monkeypatch.setattr(ras_core.notify, "notify_team", slow)

    async def reply_time() -> float:
        started = time.monotonic()
        await ActionSafeguarding().run(
            CollectingDispatcher(), tracker(disclosure("i want to die")), domain
        )
        return time.monotonic() - started

    assert asyncio.run(reply_time()) < 1.0
    assert done.wait(timeout=10)  # the team is still told, from the worker


def test_a_failing_notification_is_only_logged(
    domain: Domain, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(store: Store, case: Case, event: str) -> list[str]:
        raise RuntimeError("no team")

    monkeypatch.setattr(ras_core.notify, "notify_team", broken)
    messages, _ = run(ActionSafeguarding(), tracker(disclosure("i want to die")), domain)
    assert "999" in heard(domain, messages)
    # The worker logs the failure, then writes it to the audit log.
    deadline = time.monotonic() + 10
    while not any(e.action == "notify_failed" for e in store().audit.entries()):
        assert time.monotonic() < deadline, "the failure was not written to the audit log"
        time.sleep(0.05)
    assert "Could not notify the team" in caplog.text
    failed = [e for e in store().audit.entries() if e.action == "notify_failed"]
    assert [e.detail for e in failed] == ["urgent: RuntimeError"]


def test_the_numbers_are_given_even_if_the_database_fails(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Case:
        raise OSError("disk full")

    monkeypatch.setattr(actions.safeguarding, "raise_concern", broken)
    messages, _ = run(ActionSafeguarding(), tracker(disclosure("i want to die")), domain)
    assert load_council().safeguarding_phone in texts(messages)
    assert "999" in heard(domain, messages) and "116 123" in heard(domain, messages)


def test_the_urgent_flag_is_tried_again_until_it_is_stored(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ras_core.background, "RETRY_DELAYS", (0.05, 0.05, 0.05))
    real_flag = Casework.flag_urgent
    failures = iter([OSError("database is locked"), OSError("database is locked")])

    def flaky(self: Casework, case_id: int, **kwargs: Any) -> Case:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real_flag(self, case_id, **kwargs)

    monkeypatch.setattr(Casework, "flag_urgent", flaky)
    messages, _ = run(ActionSafeguarding(), tracker(disclosure("i want to die")), domain)
    assert load_council().safeguarding_phone in texts(messages)
    deadline = time.monotonic() + 10
    while (case := case_of()) is None or not case.urgent:
        assert time.monotonic() < deadline, "the case was never flagged urgent"
        time.sleep(0.05)
    assert case.urgent_reason == "suicide: 'want to die'"


def possible(text: str) -> dict[str, Any]:
    return {
        "text": text,
        "intent": {"name": "possible_disclosure", "confidence": 1.0},
        "entities": [],
        "safeguarding": {"kind": "danger", "words": text, "found_by": "list", "tier": "possible"},
    }


def test_a_possible_disclosure_keeps_the_words_and_flags_nothing(
    domain: Domain, no_real_notifications: Notifications
) -> None:
    start_questions(domain)
    messages, events = run(ActionPossibleConcern(), tracker(possible("no one helps me")), domain)
    assert load_council().safeguarding_phone in texts(messages)
    assert {"event": "slot", "timestamp": None, "name": "saq_answer", "value": None} in events
    person = store().people.person("test", "7")
    requests = store().people.contact_requests(person.id)
    assert [(r.reason, r.words) for r in requests] == [("possible_concern", "no one helps me")]
    case = case_of()
    assert case is not None and not case.urgent
    check = domain["responses"]["utter_safeguarding_check"][0]
    assert "Are you safe right now?" in check["text"] and "999" in check["text"]
    assert [b["payload"] for b in check["buttons"]] == [
        "/safe_now",
        "/need_help_now",
        "/ask_for_person",
    ]


def test_i_am_safe_thanks_the_person_and_flags_nothing(domain: Domain) -> None:
    start_questions(domain)
    run(ActionPossibleConcern(), tracker(possible("no one helps me")), domain)
    messages, _ = run(ActionSafeNow(), tracker("/safe_now"), domain)
    assert "glad you are safe" in texts(messages)
    case = case_of()
    assert case is not None and not case.urgent


def test_i_need_help_now_flags_the_case_with_the_earlier_words(
    domain: Domain, no_real_notifications: Notifications
) -> None:
    start_questions(domain)
    run(ActionPossibleConcern(), tracker(possible("things are bad at home")), domain)
    help_now = {"text": "/need_help_now", "intent": {"name": "need_help_now", "confidence": 1.0}}
    messages, _ = run(ActionSafeguarding(), tracker(help_now), domain)
    assert "told a coordinator" in texts(messages)
    case = case_of()
    assert case is not None and case.urgent
    assert case.urgent_reason == "asked for help now, after: 'things are bad at home'"
    assert no_real_notifications.wait_for(1)[0][1] == "urgent"


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
