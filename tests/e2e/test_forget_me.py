"""A person takes their data back in the chat, against the real servers over REST.

"Forget me" is explained and asked about; only the confirming button or words erase; after
that nothing about them is stored, not even the conversation. Someone who declines consent
at the start leaves no stored conversation either. (None of these sentences is a training
line: the model has to generalise.)
"""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.launcher.servers import Servers
from ras_core.store import Store, open_store
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.rest import Person
from tests.support.telegram_front_end import SLOW, TOKEN, running_front_end, tap

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def store(database: str) -> Store:
    return open_store(database)


def events_of(store: Store, sender: str) -> list[str]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender})
        return [str(row[0]) for row in rows]


def at_question_3(servers: Servers, sender: str) -> Person:
    person = Person(servers, sender)
    person.says("hello")
    person.taps("Yes")
    assert "Question 1 of 11" in person.taps("Me")
    person.taps("B:")
    assert "Question 3 of 11" in person.says("c")
    return person


def test_forget_me_asks_then_erases_everything(servers: Servers, store: Store) -> None:
    sam = at_question_3(servers, "rest:forget-sam")
    assert store.people.find("rest", "forget-sam") is not None

    reply = sam.says("please can you get rid of all my information")
    assert "This cannot be undone" in reply and "Do you want me to delete it all?" in reply
    titles = [b["title"] for m in sam.last for b in m.get("buttons", [])]
    assert titles == ["Yes, delete it all", "No, keep it"]

    assert "I have deleted everything you told me" in sam.taps("Yes, delete it all")
    assert store.people.find("rest", "forget-sam") is None
    assert events_of(store, "rest:forget-sam") == []

    # They are a new person now: asked for consent again, with nothing remembered.
    assert "Do you want to go on?" in sam.says("hello")


def test_a_plain_yes_or_keeping_deletes_nothing(servers: Servers, store: Store) -> None:
    kim = at_question_3(servers, "rest:forget-kim")
    kim.says("i would like you to erase my details")
    kim.says("yes")  # not the confirming words: nothing is deleted
    assert store.people.find("rest", "forget-kim") is not None
    kim.says("delete what you know about me")
    assert "Nothing has been deleted" in kim.taps("No, keep it")
    assert "Question 3 of 11" in kim.taps("Carry on")
    assert store.people.find("rest", "forget-kim") is not None
    assert events_of(store, "rest:forget-kim")


def test_confirming_words_out_of_the_blue_only_ask(servers: Servers, store: Store) -> None:
    lee = at_question_3(servers, "rest:forget-lee")
    reply = lee.says("yes go ahead delete the lot")
    assert "Do you want me to delete it all?" in reply
    assert store.people.find("rest", "forget-lee") is not None


def test_declining_consent_leaves_no_stored_conversation(servers: Servers, store: Store) -> None:
    ray = Person(servers, "rest:declines-ray")
    assert "Do you want to go on?" in ray.says("hello")
    ray.says("my name is Ray Example and I live on Sample Street")
    assert "I will not ask you any questions" in ray.taps("No")
    assert events_of(store, "rest:declines-ray") == []
    assert store.people.find("rest", "declines-ray") is None


def test_forget_me_on_telegram_leaves_nothing_in_the_front_end(
    servers: Servers, store: Store, database: str, tmp_path: Path
) -> None:
    """Over the real front end and the loopback Bot API: after "forget me" and the button, the
    person is gone from the database, Rasa's events and the front end's state file."""
    with (
        FakeBotAPI(token=TOKEN, first_user_id=8_200_001) as api,  # ids no other test uses
        running_front_end(api, servers, database, tmp_path) as bot,
    ):
        robin = api.new_user("Robin")
        robin.send_text("hello")
        tap(robin, robin.wait_for_text("read my messages out loud", SLOW), "No")
        tap(robin, robin.wait_for_text("Do you want to go on?", SLOW), "Yes")
        robin.send_text("could you remove everything you hold about me")
        ask = robin.wait_for_text("Do you want me to delete it all?", SLOW)
        tap(robin, ask, "Yes, delete it all")
        robin.wait_for_text("I have deleted everything you told me", SLOW)
        time.sleep(6)  # the front end writes its state file every 5 s
    assert "Traceback" not in bot.log, bot.log
    assert store.people.find("telegram", str(robin.id)) is None
    assert events_of(store, f"telegram:{robin.id}") == []
    state = pickle.loads(bot.state_file.read_bytes())
    assert robin.id not in state.get("chat_data", {}) and robin.id not in state.get("user_data", {})
