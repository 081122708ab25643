"""Action tests in the style of Rasa's own examples: Tracker.from_dict + CollectingDispatcher."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.context
from actions.forms import ValidateAssessmentForm, ValidatePlanForm

REPO = Path(__file__).resolve().parents[2]
FORM_SLOTS = {"assessment_form": "saq_answer", "plan_form": "plan_answer"}


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(REPO / "bot" / "rasa" / "domain")).as_dict()


@pytest.fixture(autouse=True)
def own_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'actions.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    actions.context._store.cache_clear()
    yield url
    actions.context._store.cache_clear()


def parse(text: str) -> dict[str, Any]:
    """What Rasa puts in latest_message for a button payload like /choose_option{"option":"B"}."""
    if text.startswith("/"):
        name, _, rest = text[1:].partition("{")
        entities = [
            {"entity": key, "value": value}
            for key, value in (json.loads("{" + rest) if rest else {}).items()
        ]
        return {"text": text, "intent": {"name": name, "confidence": 1.0}, "entities": entities}
    return {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.3}, "entities": []}


def tracker(
    message: dict[str, Any] | str,
    sender: str = "test:7",
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    latest = parse(message) if isinstance(message, str) else message
    slot_values = {
        "saq_answer": None, "plan_answer": None, "journey": None, "requested_slot": None,
        **(slots or {}),
    }  # fmt: skip
    events: list[dict[str, Any]] = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": latest["text"], "parse_data": latest},
    ]
    if active_loop:
        events.append({"event": "slot", "name": FORM_SLOTS[active_loop], "value": latest["text"]})
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": slot_values,
            "latest_message": latest,
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


def run(
    action: Action, track: Tracker, domain: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action; returns (messages sent, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, domain))
    return dispatcher.messages, events


def answer(
    message: dict[str, Any] | str, domain: dict[str, Any], sender: str = "test:7"
) -> tuple[list[dict[str, Any]], Any]:
    """One message inside the form, through the form validation action as Rasa calls it."""
    messages, events = run(
        ValidateAssessmentForm(), tracker(message, sender, active_loop="assessment_form"), domain
    )
    value = next((e["value"] for e in events if e.get("name") == "saq_answer"), "missing")
    return messages, value


def plan_answer(
    message: dict[str, Any] | str, domain: dict[str, Any], sender: str = "test:7"
) -> tuple[list[dict[str, Any]], Any]:
    """One message inside the plan form, through its validation action."""
    messages, events = run(
        ValidatePlanForm(), tracker(message, sender, active_loop="plan_form"), domain
    )
    value = next((e["value"] for e in events if e.get("name") == "plan_answer"), "missing")
    return messages, value
