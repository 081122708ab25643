"""A long session loads as a short one, in the same state as the whole history gives.

Rasa's own SQL tracker store (ours extends it) on a real SQLite file and on a real PostgreSQL
server (when its binaries are installed), turn after turn the way the Rasa server uses it:
load, add the turn's events, save. No mock.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.rasa.checkpoints import CHECKPOINT_AFTER, KEEP_EVENTS
from bot.rasa.tracker_store import PrivateSQLTrackerStore
from ras_core.store.engine import rasa_tracker_store_env
from tests.support import postgres

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [inform, greet]
actions: [assessment_form, utter_ask]
forms:
  assessment_form:
    required_slots: [answer]
slots:
  answer:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
  stage:
    type: categorical
    values: [questions, plan]
    influence_conversation: true
    mappings: [{type: custom}]
  forget_conversation:
    type: bool
    influence_conversation: false
    mappings: [{type: custom}]
responses:
  utter_ask: [{text: "Next question?"}]
"""
)


def turn_events(number: int) -> list[Event]:
    """One turn of the questions: the person answers, the form asks the next question."""
    events: list[Event] = [
        UserUttered(f"answer number {number}", {"name": "inform", "confidence": 0.9}),
        ActionExecuted("assessment_form"),
        SlotSet("answer", f"answer number {number}"),
        SlotSet("requested_slot", "answer"),
        BotUttered(f"Question {number + 1}?"),
        ActionExecuted("action_listen"),
    ]
    if number == 3:
        events[2:2] = [ActiveLoop("assessment_form"), SlotSet("stage", "questions")]
    return events


def talk(store: PrivateSQLTrackerStore, sender: str, turns: range) -> DialogueStateTracker:
    """Turns as the Rasa server takes them: load, update, save. Returns the last tracker."""
    tracker = None
    for number in turns:
        tracker = asyncio.run(store.retrieve(sender))
        if tracker is None:
            tracker = DialogueStateTracker(sender, DOMAIN.slots)
            for event in (ActionExecuted("action_session_start"), SessionStarted()):
                tracker.update(event)
            tracker.update(ActionExecuted("action_listen"))
        tracker.update_with_events(turn_events(number), DOMAIN)
        asyncio.run(store.save(tracker))
    assert tracker is not None
    return tracker


Store = tuple[PrivateSQLTrackerStore, str]  # the store, and its database's URL
_databases = itertools.count()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('tracker')}"
    elif not postgres.available():
        pytest.skip("PostgreSQL binaries not installed")
    else:
        with postgres.postgres_server() as url:
            yield url


@pytest.fixture
def opened(server: str) -> Store:
    """A store on an empty database (a new file, or new senders on the module's server)."""
    url = f"{server}/rasa-{next(_databases)}.db" if server.startswith("sqlite") else server
    parts = rasa_tracker_store_env(url)
    tracker_store = PrivateSQLTrackerStore(
        domain=DOMAIN,
        dialect=parts["DB_DIALECT"],
        host=parts["DB_HOST"] or None,
        port=int(parts["DB_PORT"]) or None,
        db=parts["DB_NAME"],
        username=parts["DB_USER"] or None,
        password=parts["DB_PASSWORD"] or None,
    )
    return tracker_store, url


def stored_count(url: str, sender: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        query = text("SELECT count(*) FROM events WHERE sender_id = :sender")
        return int(conn.execute(query, {"sender": sender}).scalar_one())


def test_a_long_session_loads_short_in_the_state_the_whole_history_gives(opened: Store) -> None:
    store, database = opened
    talk(store, "telegram:1", range(300))

    loaded = asyncio.run(store.retrieve("telegram:1"))
    whole = asyncio.run(store.retrieve_full_tracker("telegram:1"))
    assert loaded is not None and whole is not None
    # Every event is stored; the loaded tracker is bounded.
    assert stored_count(database, "telegram:1") == len(whole.events) > 1800
    assert KEEP_EVENTS < len(loaded.events) <= CHECKPOINT_AFTER + 20
    # Same slots, same form, same last message and action. (Whether the policies then choose
    # the same actions is shown by the e2e tests: a questionnaire passes several checkpoints.)
    assert loaded.current_slot_values() == whole.current_slot_values()
    assert loaded.get_slot("answer") == "answer number 299"
    assert loaded.active_loop_name == whole.active_loop_name == "assessment_form"
    assert loaded.latest_message is not None and whole.latest_message is not None
    assert loaded.latest_message.text == whole.latest_message.text == "answer number 299"
    assert loaded.latest_action_name == whole.latest_action_name == "action_listen"
    assert list(loaded.events)[-KEEP_EVENTS:] == list(whole.events)[-KEEP_EVENTS:]


def test_turns_after_a_checkpoint_are_stored_once_and_in_order(opened: Store) -> None:
    store, database = opened
    talk(store, "rest:2", range(120))
    whole = asyncio.run(store.retrieve_full_tracker("rest:2"))
    assert whole is not None
    said = [event.text for event in whole.events if isinstance(event, UserUttered)]
    assert said == [f"answer number {n}" for n in range(120)]
    # One session start in the table: the made-up head is never stored.
    starts = [event for event in whole.events if isinstance(event, SessionStarted)]
    assert len(starts) == 1


def test_a_tracker_the_store_did_not_load_still_saves_only_its_new_events(opened: Store) -> None:
    store, database = opened
    talk(store, "rest:3", range(60))
    before = stored_count(database, "rest:3")
    # A caller that rebuilt the tracker itself (no record of what was loaded).
    loaded = asyncio.run(store.retrieve("rest:3"))
    assert loaded is not None
    rebuilt = DialogueStateTracker.from_events("rest:3", list(loaded.events), DOMAIN.slots)
    rebuilt.update(UserUttered("one more", {"name": "greet", "confidence": 1.0}))
    asyncio.run(store.save(rebuilt))
    assert stored_count(database, "rest:3") == before + 1


def test_a_new_session_does_not_use_the_old_sessions_checkpoint(opened: Store) -> None:
    store, database = opened
    talk(store, "rest:4", range(60))
    tracker = asyncio.run(store.retrieve("rest:4"))
    assert tracker is not None
    # The session expired: Rasa starts a new one, carrying the slots over.
    tracker.update_with_events(
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            SlotSet("stage", "plan"),
            ActionExecuted("action_listen"),
            UserUttered("back again", {"name": "greet", "confidence": 1.0}),
        ],
        DOMAIN,
    )
    asyncio.run(store.save(tracker))
    loaded = asyncio.run(store.retrieve("rest:4"))
    assert loaded is not None
    said = [event.text for event in loaded.events if isinstance(event, UserUttered)]
    assert said == ["back again"]
    assert loaded.get_slot("stage") == "plan"


def test_forgetting_a_long_conversation_leaves_nothing_to_load(opened: Store) -> None:
    store, database = opened
    talk(store, "rest:5", range(60))
    talk(store, "rest:6", range(60))
    store.forget("rest:5")
    assert asyncio.run(store.retrieve("rest:5")) is None
    assert stored_count(database, "rest:5") == 0
    assert asyncio.run(store.retrieve("rest:6")) is not None
