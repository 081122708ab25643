"""The custom actions, run as the action server runs them, on a real SQLite database."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from actions.context import store
from actions.forms import FINISHED, ActionAskSaqAnswer
from actions.journey import ActionAskForPerson, ActionBegin, ActionFinishAssessment, ActionPause
from actions.render import MissingWords, render
from ras_core.conversation.say import Say
from ras_core.domain.money import format_money
from ras_core.domain.questionnaire import load_questionnaire
from ras_core.domain.scheme import load_scheme
from ras_core.domain.scoring import score
from ras_core.store.schema import contact_requests
from tests.actions.conftest import answer, run, tracker

Domain = dict[str, Any]


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def titles(messages: list[dict[str, Any]]) -> list[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def ask(domain: Domain, sender: str = "test:7") -> list[dict[str, Any]]:
    messages, _ = run(
        ActionAskSaqAnswer(), tracker("", sender, active_loop="assessment_form"), domain
    )
    return messages


def start(domain: Domain, who: str = "/for_myself") -> None:
    run(ActionBegin(), tracker("hello"), domain)
    answer("/affirm", domain)
    answer(who, domain)


def test_first_hello_explains_and_asks_consent(domain: Domain) -> None:
    messages, events = run(ActionBegin(), tracker("hello"), domain)
    assert "early idea of your budget" in texts(messages)
    assert {"event": "slot", "timestamp": None, "name": "journey", "value": "questions"} in events
    consent = ask(domain)
    assert "It is not a decision" in texts(consent)
    assert "coordinator" in texts(consent)
    assert titles(consent)[:2] == ["Yes, go on", "No, not now"]


def test_who_is_it_for_has_buttons(domain: Domain) -> None:
    run(ActionBegin(), tracker("hello"), domain)
    answer("/affirm", domain)
    assert titles(ask(domain)) == ["Me", "Someone I look after"]


def test_question_has_progress_statements_and_at_most_six_buttons(domain: Domain) -> None:
    start(domain)
    messages = ask(domain)
    first = load_questionnaire().areas[0]
    text = texts(messages)
    assert text.startswith("Question 1 of 11.")
    assert first.statement_text("A", "self") in text
    assert text.rstrip().endswith(first.question("self"))  # the question comes last
    assert titles(messages) == [
        *(f"{s.letter}: {s.label}" for s in first.statements),
        "Not sure",
        "What does that mean?",
    ]
    assert len(titles(messages)) <= 6


def test_whole_questionnaire_through_the_form_ends_with_the_budget(domain: Domain) -> None:
    start(domain)
    questionnaire = load_questionnaire()
    ways = ['/choose_option{"option":"A"}', "b", "the third one", "D"]
    chosen = {}
    for index, area in enumerate(questionnaire.areas):
        way = ways[index % 4]
        messages, value = answer(way, domain)
        assert value is None and messages == []
        chosen[area.id] = "ABCD"[index % 4]
    summary = texts(ask(domain))
    assert summary.startswith("Here is what you told me")
    messages, value = answer("/affirm", domain)
    assert value == FINISHED
    messages, events = run(ActionFinishAssessment(), tracker("/affirm"), domain)
    expected = score(load_scheme(), chosen)
    said = texts(messages)
    assert f"Your early budget is about {format_money(expected.yearly)} a year." in said
    assert f"about {format_money(expected.weekly)} a week" in said
    assert "coordinator will check it" in said
    assert any(e.get("name") == "saq_answer" and e["value"] is None for e in events)


def test_carer_hears_about_them(domain: Domain) -> None:
    start(domain, "/for_someone_else")
    text = texts(ask(domain))
    assert load_questionnaire().areas[0].question("someone_else") in text


def test_own_words_are_checked_back(domain: Domain) -> None:
    start(domain)
    message = {
        "text": "i cant wash without help",
        "intent": {"name": "describe_lot_of_help", "confidence": 0.93},
        "entities": [],
    }
    messages, value = answer(message, domain)
    assert value is None
    check = ask(domain)
    assert texts(check).startswith("It sounds like A:")
    assert titles(check) == ["Yes", "No"]


def test_declining_consent_says_so_kindly(domain: Domain) -> None:
    run(ActionBegin(), tracker("hello"), domain)
    _, value = answer("/deny", domain)
    assert value == FINISHED
    messages, _ = run(ActionFinishAssessment(), tracker("/deny"), domain)
    assert "I will not ask you any questions" in texts(messages)


def test_pause_says_answers_are_saved(domain: Domain) -> None:
    start(domain)
    answer("B", domain)
    messages, _ = run(ActionPause(), tracker("/pause"), domain)
    assert "saved your answers" in texts(messages)
    messages, _ = run(ActionBegin(), tracker("hi"), domain)
    assert "carry on from question 2 of 11" in texts(messages)


def test_asking_for_a_person_is_stored(domain: Domain) -> None:
    run(ActionAskForPerson(), tracker("/ask_for_person"), domain)
    with store().engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(contact_requests)).scalar_one()
    assert count == 1


def test_people_are_kept_apart_by_channel_and_id(domain: Domain) -> None:
    start(domain)
    answer("A", domain)
    other = ask(domain, sender="test:8")
    assert "here is what this chat is for" in texts(other).lower()


def test_missing_words_are_a_clear_error(domain: Domain) -> None:
    with pytest.raises(MissingWords):
        render(domain, Say("no_such_message"), "self")
    with pytest.raises(MissingWords):
        render(domain, Say("question", {"number": 1}), "self")


def test_a_failing_action_logs_no_words_and_returns_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An action that raises: the log names the action and the error's kind, never its message
    (which could quote the person), and Rasa gets a normal, empty answer."""
    from rasa_sdk import Tracker as SdkTracker
    from rasa_sdk.events import EventType

    from actions.base import Speaker, ThinAction

    class Broken(ThinAction):
        NAME = "action_broken"

        def act(self, speaker: Speaker, tracker: SdkTracker) -> list[EventType]:
            raise ValueError(f"could not read {tracker.latest_message['text']!r}")

    messages, events = run(Broken(), tracker("my husband hits me"), {"responses": {}})
    assert (messages, events) == ([], [])
    assert "action_broken failed with ValueError" in caplog.text
    assert "husband" not in caplog.text
