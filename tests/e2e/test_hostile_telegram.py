"""Hostile input over Telegram: the real front end, the loopback Bot API fake, the real servers.

A person mid-questionnaire sends the hostile messages of tests/support/hostile.py (those
Telegram could carry: at most 4,096 characters). Then updates Telegram would never send but a
broken or forged source might: callback data that was never offered, malformed messages.
Each message gets a plain reply; nothing stalls or crashes the bot; a bystander carries on
at the same question afterwards. (A batch from getUpdates that is not even Telegram's shape,
e.g. a message that is a list, would stop python-telegram-bot's polling: long polling trusts
Telegram's own server, and webhook mode refuses any post without the secret, tested in
test_telegram_journey.py.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.launcher.servers import Servers
from ras_core.store import open_store
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.hostile import TEXTS
from tests.support.rest import Person
from tests.support.telegram_front_end import (
    SLOW,
    TOKEN,
    FrontEnd,
    assert_stopped_cleanly,
    into_the_questions,
    running_front_end,
    tap,
)
from tests.support.telegram_user import TelegramUser

pytestmark = pytest.mark.e2e
TELEGRAM_MAX = 4096
SENDABLE = [name for name, text in TEXTS.items() if text.strip() and len(text) <= TELEGRAM_MAX]
FAILURE_SIGNS = ("Traceback", "Exception", "Error:", "{{", "{name}")


@pytest.fixture(scope="module")
def api() -> Iterator[FakeBotAPI]:
    # Its own range of user ids: the e2e tests share one database.
    with FakeBotAPI(token=TOKEN, first_user_id=8_100_001) as running:
        yield running


@pytest.fixture(scope="module")
def bot(
    api: FakeBotAPI, servers: Servers, database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FrontEnd]:
    folder = tmp_path_factory.mktemp("hostile-telegram")
    with running_front_end(api, servers, database, folder) as front_end:
        yield front_end
    assert_stopped_cleanly(front_end)


def at_question_2(api: FakeBotAPI, name: str) -> TelegramUser:
    person = api.new_user(name)
    person.send_text("hello")
    tap(person, into_the_questions(person), "B:")
    person.wait_for_text("Question 2 of 11", SLOW)
    return person


@pytest.fixture(scope="module")
def bystander(api: FakeBotAPI, bot: FrontEnd) -> TelegramUser:
    return at_question_2(api, "Bystander")


@pytest.fixture(scope="module")
def hostile(api: FakeBotAPI, bot: FrontEnd, bystander: TelegramUser) -> TelegramUser:
    return at_question_2(api, "Hostile")


def next_reply(person: TelegramUser, before: int) -> str:
    """The words of everything the bot sends after the first `before` messages, once it has
    been quiet for a moment (so a late piece is not taken for the next case's reply)."""
    person.wait_until(lambda ms: ms[before:] or None, SLOW)
    settle(person)
    return " ".join(message.content for message in person.messages[before:])


def settle(person: TelegramUser, quiet: float = 0.35) -> None:
    """Wait until the bot has sent this person nothing new for `quiet` seconds (the pieces of
    one reply follow each other within milliseconds: this person hears no voice notes)."""
    deadline = time.monotonic() + SLOW
    seen = len(person.messages)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = len(person.messages)
        if now == seen:
            return
        seen = now
    raise AssertionError("the bot never went quiet")


@pytest.mark.parametrize("name", SENDABLE)
def test_a_hostile_message_gets_a_plain_reply(hostile: TelegramUser, name: str) -> None:
    before = len(hostile.messages)
    hostile.send_text(TEXTS[name])
    reply = next_reply(hostile, before)
    assert reply.strip()
    assert not [sign for sign in FAILURE_SIGNS if sign in reply], reply


def forged_callbacks(person: TelegramUser) -> dict[str, dict[str, Any]]:
    last = person.messages[-1].to_dict() if person.messages else {}
    stranger_message = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
    base = {"from": person.to_dict(), "chat_instance": "1"}
    return {
        "data never offered": {**base, "message": last, "data": '/choose{"option": "D"}'},
        "the app's own payload, on a message without it": {
            **base,
            "message": last,
            "data": "app:voice:on",
        },
        "a made-up message id": {**base, "message": {**last, "message_id": 999_999}, "data": "x"},
        "someone else's chat": {**base, "message": stranger_message, "data": "/agree"},
        "no message at all": {**base, "data": "/need_help_now"},
        "64 bytes of data": {**base, "message": last, "data": "z" * 64},
        "no data": {**base, "message": last},
    }


FORGED_NAMES = [
    "data never offered",
    "the app's own payload, on a message without it",
    "a made-up message id",
    "someone else's chat",
    "no message at all",
    "64 bytes of data",
    "no data",
]


@pytest.mark.parametrize("name", FORGED_NAMES)
def test_forged_callback_data_changes_nothing(
    api: FakeBotAPI, hostile: TelegramUser, name: str
) -> None:
    query = {"id": f"forged-{FORGED_NAMES.index(name)}", **forged_callbacks(hostile)[name]}
    settle(hostile)
    before = len(hostile.messages)
    api.inject_update("callback_query", query)
    # The bot answers the tap with a toast (or, with no chat to tie it to, drops it), and
    # sends nothing new to the chat.
    time.sleep(1.0)
    settle(hostile)
    assert len(hostile.messages) == before


def malformed_updates(person: TelegramUser) -> dict[str, tuple[str, Any]]:
    user, chat = person.to_dict(), {"id": person.chat_id, "type": "private"}
    return {
        "message with no sender": ("message", {"message_id": 90001, "date": 0, "chat": chat}),
        "message with no chat": ("message", {"message_id": 90002, "date": 0, "from": user}),
        "text that is a number": (
            "message",
            {"message_id": 90003, "date": 0, "chat": chat, "from": user, "text": 42},
        ),
        "a group message": (
            "message",
            {
                "message_id": 90004,
                "date": 0,
                "from": user,
                "chat": {"id": -100, "type": "group", "title": "g"},
                "text": "hello",
            },
        ),
        "an unknown kind of update": ("no_such_update", {"x": 1}),
        "an edit of a message never sent": (
            "edited_message",
            {"message_id": 90005, "date": 0, "edit_date": 1, "chat": chat, "from": user},
        ),
    }


MALFORMED_NAMES = [
    "message with no sender",
    "message with no chat",
    "text that is a number",
    "a group message",
    "an unknown kind of update",
    "an edit of a message never sent",
]


@pytest.mark.parametrize("name", MALFORMED_NAMES)
def test_a_malformed_update_does_not_stop_the_bot(
    api: FakeBotAPI, hostile: TelegramUser, name: str
) -> None:
    kind, payload = malformed_updates(hostile)[name]
    api.inject_update(kind, payload)
    before = len(hostile.messages)
    hostile.send_text("what does that mean?")  # the bot still answers the next real message
    reply = next_reply(hostile, before)
    assert reply.strip() and "something went wrong" not in reply


@pytest.mark.parametrize("forged", ["telegram:{}", "{}"], ids=["namespaced", "bare id"])
def test_rest_naming_a_telegram_person_neither_reads_nor_changes_them(
    servers: Servers, database: str, bystander: TelegramUser, forged: str
) -> None:
    """After a real Telegram journey, a REST caller naming that person is someone else."""
    store = open_store(database)
    person = store.people.find("telegram", str(bystander.id))
    assert person is not None
    before = store.assessments.answers(store.assessments.latest(person.id).id)  # type: ignore[union-attr]
    intruder = Person(servers, "rest:" + forged.format(bystander.id))
    assert "Do you want to go on?" in intruder.says("hello")  # a stranger, asked for consent
    reply = intruder.says("a")
    assert "Question 2 of 11" not in reply and "Your answers are saved" not in reply
    after = store.assessments.answers(store.assessments.latest(person.id).id)  # type: ignore[union-attr]
    assert after == before
    assert store.people.find("rest", forged.format(bystander.id)) is not None


def test_after_the_suite_the_bystander_carries_on(bystander: TelegramUser, bot: FrontEnd) -> None:
    before = len(bystander.messages)
    bystander.send_text("hello")
    assert "Question 2 of 11" in next_reply(bystander, before)
    assert bot.process.poll() is None


def test_the_front_end_log_has_no_traceback(bot: FrontEnd, tmp_path: Path) -> None:
    assert "Traceback" not in bot.log_path.read_text()
