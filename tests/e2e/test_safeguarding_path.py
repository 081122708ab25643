"""End to end: the safeguarding path cannot be dropped or stalled.

On the real Rasa and action servers, over REST and over the fake Telegram Bot API:
- the possible tier asks whether the person is safe, and each of its three buttons does what
  it says ("I am safe" carries on at the same question; "I need help now" flags the case
  urgent; "Talk to a person" asks for one), except where the words answer the question asked
  ("I'm not safe on my own" at keeping safe);
- a disclosure as the very first Telegram message is answered at once, not parked behind the
  voice question, and a disclosure put into an edited message is heard;
- with the action server killed, a disclosure still gets 999 and Samaritans, over REST
  (Rasa says them itself) and over Telegram; and any message Rasa then has nothing to say to
  (in the questions, where every answer needs the action server) gets a plain sorry and the
  numbers, over REST and over Telegram, since it was not heard and may have meant danger.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.launcher.servers import Servers
from ras_core.store import Store, open_store
from tests.e2e.test_safeguarding import at_question_2, case_of
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.mail import free_port
from tests.support.nlu_examples import NLU_DIR, examples_in
from tests.support.rest import Person
from tests.support.telegram_front_end import (
    SLOW,
    TOKEN,
    into_the_questions,
    running_front_end,
    tap,
)

pytestmark = pytest.mark.e2e
POSSIBLE = "nobody helps me"  # a possible pattern: also an ordinary answer to some questions


@pytest.fixture(scope="module")
def store(database: str) -> Iterator[Store]:
    found = open_store(database)
    yield found
    found.engine.dispose()


def buttons(person: Person) -> list[str]:
    return [b["title"] for m in person.last for b in m.get("buttons", [])]


def test_i_am_safe_carries_on_at_the_same_question(servers: Servers, store: Store) -> None:
    person = at_question_2(servers, "rest:tier-safe")
    reply = person.says(POSSIBLE)
    assert "Are you safe right now?" in reply and "999" in reply and "116 123" in reply
    assert buttons(person) == ["I am safe", "I need help now", "Talk to a person"]
    case = case_of(store, "rest:tier-safe")
    assert case is not None and not case.urgent
    reply = person.taps("I am safe")
    assert "glad you are safe" in reply and "Question 2 of 11" in reply
    people = store.people.person("rest", "tier-safe")
    asked = [(r.reason, r.words) for r in store.people.contact_requests(people.id)]
    assert asked == [("possible_concern", POSSIBLE)]
    case = case_of(store, "rest:tier-safe")
    assert case is not None and not case.urgent


def test_i_need_help_now_flags_the_case_urgent(servers: Servers, store: Store) -> None:
    person = at_question_2(servers, "rest:tier-help")
    person.says(POSSIBLE)
    reply = person.taps("I need help now")
    assert "999" in reply and "told a coordinator" in reply
    case = case_of(store, "rest:tier-help")
    assert case is not None and case.urgent
    assert case.urgent_reason == f"asked for help now, after: '{POSSIBLE}'"


def test_talk_to_a_person_asks_for_one(servers: Servers, store: Store) -> None:
    person = at_question_2(servers, "rest:tier-person")
    person.says(POSSIBLE)
    person.taps("Talk to a person")
    people = store.people.person("rest", "tier-person")
    reasons = [r.reason for r in store.people.contact_requests(people.id)]
    assert reasons == ["possible_concern", "asked_for_person"]
    case = case_of(store, "rest:tier-person")
    assert case is not None and not case.urgent


def test_not_safe_on_my_own_answers_the_keeping_safe_question(
    servers: Servers, store: Store
) -> None:
    """The current question is context: there, these words are an answer (the person chooses
    the statement), not a reason to stop; at another question they get the gentle question."""
    person = at_question_2(servers, "rest:tier-context")
    reply = ""
    for number in range(2, 10):
        reply = person.taps("B:")
        assert f"Question {number + 1} of 11" in reply
    assert "How much help do you need to stay safe?" in reply
    reply = person.says("im not safe when im on my own")
    assert "Which of these fits best?" in reply and "Question 10 of 11" in reply
    assert "Are you safe right now?" not in reply and "999" not in reply
    assert "Question 11 of 11" in person.taps("A:")
    people = store.people.person("rest", "tier-context")
    assert store.people.contact_requests(people.id) == []
    assessment = store.assessments.latest(people.id)
    assert assessment is not None
    assert "keeping_safe" in store.assessments.answers(assessment.id)
    reply = person.says("im not safe when im on my own")  # help from family and friends
    assert "Are you safe right now?" in reply


@pytest.fixture(scope="module")
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN, first_user_id=5_500_001) as running:  # its own user ids
        yield running


def test_a_first_telegram_message_that_discloses_is_answered_at_once(
    api: FakeBotAPI, servers: Servers, database: str, tmp_path: Path
) -> None:
    with running_front_end(api, servers, database, tmp_path) as bot:
        first = api.new_user("Robin")
        first.send_text("i want to end my life")
        reply = first.wait_for_text("999", timeout=SLOW)
        assert "116 123" in (reply.text or "")
        assert not any("read my messages out loud" in t for t in first.transcript())

        edited = api.new_user("Kim")
        edited.send_text("hello")
        edited.wait_for_text("read my messages out loud", timeout=SLOW)
        edited.edit_last_text("my husband hits me")
        assert "116 123" in (edited.wait_for_text("999", timeout=SLOW).text or "")
    assert "Traceback" not in bot.log, bot.log


def test_in_the_questions_with_the_action_server_down_telegram_says_sorry_with_the_numbers(
    api: FakeBotAPI, servers: Servers, database: str, tmp_path: Path
) -> None:
    with running_front_end(api, servers, database, tmp_path) as bot:
        jo = api.new_user("Jo")
        jo.send_command("/start")
        into_the_questions(jo)
        with action_server_down(servers):
            # An answer in the person's own words, on no list: it needs the action server, so
            # Rasa has nothing to say. (A possible disclosure only the model hears goes the
            # same way: the question of whether the person is safe comes from that server.)
            jo.send_text("i need a fair bit of help most days")
            sorry = jo.wait_for_text("Your answers are saved", SLOW)
            numbers = jo.wait_for_text("999", SLOW)
            assert "116 123" in (numbers.text or "")
            assert jo.messages.index(sorry) < jo.messages.index(numbers)
    assert "Traceback" not in bot.log, bot.log


def test_in_the_questions_with_the_action_server_down_rest_says_sorry_with_the_numbers(
    servers: Servers,
) -> None:
    sam = at_question_2(servers, "rest:no-actions-in-questions")
    with action_server_down(servers):
        # Words on no list: Rasa needs the action server for them and says nothing itself.
        reply = sam.says("most days i manage fine but mornings are hard")
        assert "Your answers are saved" in reply and "116 123" in reply, sam.last
        assert reply.index("Your answers are saved") < reply.index("999")
        # Words the list hears as a possible concern: the numbers come first.
        reply = sam.says("nobody comes round to help me now")
        assert "Your answers are saved" in reply
        assert reply.index("999") < reply.index("Your answers are saved")


def test_with_rasa_unreachable_telegram_says_sorry_with_the_numbers(
    api: FakeBotAPI, servers: Servers, database: str, tmp_path: Path
) -> None:
    """The front end's own fallback: Rasa cannot be reached at all (a port nothing listens on)."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    with running_front_end(api, servers, database, tmp_path, RASA_URL=nowhere) as bot:
        lee = api.new_user("Lee")
        lee.send_text("hello")
        tap(lee, lee.wait_for_text("read my messages out loud", SLOW), "No")
        sorry = lee.wait_for_text("Your answers are saved", SLOW)
        numbers = lee.wait_for_text("999", SLOW)
        assert lee.messages.index(sorry) < lee.messages.index(numbers)
        lee.send_text("my son hits me when he is drunk")
        # Danger: the numbers first (wait_for_text looks only after what it found before).
        lee.wait_for_text("116 123", SLOW)
        lee.wait_for_text("Your answers are saved", SLOW)
    assert "Traceback" not in bot.log, bot.log


@contextmanager
def action_server_down(servers: Servers) -> Iterator[Servers]:
    """The shared Rasa server with its action server killed (as in a crash), then started again
    for the tests that follow."""
    servers.actions.kill()
    try:
        yield servers
    finally:
        servers.start_actions()
        servers.wait_ready()


@pytest.fixture(scope="module")
def without_actions(servers: Servers) -> Iterator[Servers]:
    with action_server_down(servers):
        yield servers


def test_with_the_action_server_down_rest_still_gives_the_numbers(
    without_actions: Servers,
) -> None:
    reply = Person(without_actions, "rest:no-actions").says("he said he will kill me")
    assert "999" in reply and "116 123" in reply


def test_with_the_action_server_down_telegram_still_gives_the_numbers(
    api: FakeBotAPI, without_actions: Servers, tmp_path: Path
) -> None:
    database = without_actions.settings.database_url
    with running_front_end(api, without_actions, database, tmp_path):
        person = api.new_user("Alex")
        person.send_text("i cant breathe")
        assert "116 123" in (person.wait_for_text("999", timeout=SLOW).text or "")


def own_words_answers() -> list[str]:
    """Every answer in people's own words the model was trained on (nlu_data/nlu/own_words.yml)."""
    return [text for found in examples_in(NLU_DIR / "own_words.yml").values() for text in found]


def test_no_own_words_answer_is_a_clear_disclosure(servers: Servers) -> None:
    """Through the running pipeline (model and list): at most a gentle question, never a flag."""
    clear = []
    for words in own_words_answers():
        body = json.dumps({"text": words}).encode()
        token = servers.settings.secrets.rasa_api_token
        request = urllib.request.Request(
            f"{servers.rasa_url}/model/parse?token={token}",
            body,
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            if json.loads(response.read())["intent"]["name"] == "disclosure":
                clear.append(words)
    assert len(own_words_answers()) > 100
    assert clear == []
