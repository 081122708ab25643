"""End to end: safeguarding on the real Rasa and action servers, over the REST webhook.

Each disclosure in tests/support/safeguarding_examples.py is sent in the middle of the
questions by a new person: the reply gives 999, Samaritans and the council's number, no
question follows, the case is urgent in the database, and "yes please carry on" goes back to
the same question. Each harmless look-alike, sent the same way, does none of that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.launcher.servers import Servers
from ras_core.domain.council import load_council
from ras_core.store import Store, open_store
from ras_core.store.cases import Case
from tests.support.rest import Person, tracker
from tests.support.safeguarding_examples import DISCLOSURES, LOOK_ALIKES

pytestmark = pytest.mark.e2e

SAFEGUARDING_WORDS = ("999", "116 123", "Samaritans", "danger", "coordinator at the council")


@pytest.fixture(scope="module")
def store(database: str) -> Iterator[Store]:
    found = open_store(database)
    yield found
    found.engine.dispose()


def case_of(store: Store, sender: str) -> Case | None:
    person = store.people.person("rest", sender.removeprefix("rest:"))
    return store.cases.latest_for(person.id)


def at_question_2(servers: Servers, sender: str) -> Person:
    """A new person: consent, "for myself", and one answer."""
    person = Person(servers, sender)
    assert "Do you want to go on?" in person.says("hello")
    person.taps("Yes")
    assert "Question 1 of 11" in person.taps("Me")
    assert "Question 2 of 11" in person.taps("B:")
    return person


def sender_id(prefix: str, words: str) -> str:
    return f"rest:sg-{prefix}-" + re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")[:40]


@pytest.mark.parametrize(("words", "kind"), DISCLOSURES)
def test_a_disclosure_stops_the_questions_and_flags_the_case(
    servers: Servers, store: Store, words: str, kind: str
) -> None:
    sender = sender_id("d", words)
    person = at_question_2(servers, sender)

    reply = person.says(words)
    assert "999" in reply and "Samaritans" in reply and "116 123" in reply
    assert load_council().safeguarding_phone in reply
    assert "stopped the questions" in reply
    assert not re.search(r"question \d+ of", reply, re.I)  # no question follows
    buttons = [b["title"] for m in person.last for b in m.get("buttons", [])]
    assert buttons == ["Carry on with the questions", "Talk to a person"]

    case = case_of(store, sender)
    assert case is not None and case.urgent
    assert case.urgent_reason.startswith(kind.replace("_", "-") + ": ")

    reply = person.says("yes please carry on")
    assert "carry on from question 2 of 11" in reply
    assert "Question 2 of 11." in reply


@pytest.mark.parametrize("words", LOOK_ALIKES)
def test_a_look_alike_is_not_a_disclosure(servers: Servers, store: Store, words: str) -> None:
    sender = sender_id("l", words)
    person = at_question_2(servers, sender)
    reply = person.says(words)
    assert reply.strip(), "the questions carry on"
    assert [w for w in SAFEGUARDING_WORDS if w in reply] == []
    case = case_of(store, sender)
    assert case is None or not case.urgent


def test_what_was_found_reaches_the_tracker(servers: Servers) -> None:
    sender = "rest:sg-tracker"
    at_question_2(servers, sender).says("I could take all my tablets")
    latest = tracker(servers, sender)["latest_message"]
    assert latest["intent"] == {"name": "disclosure", "confidence": 1.0}
    assert latest["safeguarding"] == {
        "kind": "self_harm",
        "words": "take all my tablets",
        "found_by": "list",
        "tier": "clear",
    }


def test_the_model_hears_what_the_list_does_not(servers: Servers, store: Store) -> None:
    """A training sentence the list has no pattern for: only the model can hear it, and alone
    it asks gently (the possible tier); "I need help now" then flags the case urgent."""
    sender = "rest:sg-model"
    person = at_question_2(servers, sender)
    reply = person.says("he hasnt been fed")
    assert "Are you safe right now?" in reply and "999" in reply and "116 123" in reply
    found = tracker(servers, sender)["latest_message"]["safeguarding"]
    assert found["found_by"] == "model" and found["tier"] == "possible"
    case = case_of(store, sender)
    assert case is not None and not case.urgent
    person.taps("I need help now")
    case = case_of(store, sender)
    assert case is not None and case.urgent
    assert case.urgent_reason == "asked for help now, after: 'he hasnt been fed'"


def test_a_disclosure_before_any_question(servers: Servers, store: Store) -> None:
    person = Person(servers, "rest:sg-first")
    reply = person.says("my carer slaps me")
    assert "999" in reply and "116 123" in reply and "no rush" in reply
    case = case_of(store, "rest:sg-first")
    assert case is not None and case.urgent and case.assessment_id is None
    reply = person.taps("Carry on")
    assert "early idea of your budget" in reply and "Do you want to go on?" in reply
