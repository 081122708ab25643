"""The Telegram front end's side of voice notes: limits, one chat at a time but chats at once,
what counts as a spoken yes, and which phrases can be said where."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pytest
from telegram import Chat, Message, Update, User

from accessibility.voice import Audio, Transcript, encode_ogg_opus, expected_phrases
from accessibility.voice.audio import TooLong, decode
from accessibility.voice.hearing import meaning_of, same_meaning
from bot.telegram import limits
from bot.telegram.handlers import takes_as_yes
from bot.telegram.ordering import PerChatOrder
from bot.telegram.speech import OfflineFirstSpeech

BUTTONS = ["A: A lot of help", "B: Some help", "C: Help now and then", "D: Hardly any help"]


def tone(seconds: float, rate: int = 16000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    return encode_ogg_opus(Audio((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate))


def test_limits_come_from_what_telegram_says_before_any_download() -> None:
    assert limits.refusal(30, 200_000) is None
    assert limits.refusal(None, None) is None
    assert limits.refusal(limits.MAX_SECONDS + 1, 1_000) == "voice_too_long"
    assert limits.refusal(5, limits.MAX_BYTES + 1) == "voice_too_big"


def test_no_more_than_the_limit_is_ever_decoded() -> None:
    note = tone(8)
    assert decode(note, max_seconds=10).seconds == pytest.approx(8, abs=0.1)
    with pytest.raises(TooLong):
        decode(note, max_seconds=5)

    class Never:
        def transcribe(self, audio: Audio, expected: Any) -> Transcript:
            raise AssertionError("a note past the limit must not be heard")

    speech = OfflineFirstSpeech(voice_notes=None, transcriber=Never())  # type: ignore[arg-type]
    with pytest.raises(limits.TooLong):
        speech.hear(tone(limits.MAX_SECONDS + 2, 8000), BUTTONS)
    with pytest.raises(ValueError):
        speech.hear(b"OggS not audio at all", BUTTONS)


def test_only_a_sure_spoken_yes_is_taken_as_the_persons_yes() -> None:
    assert takes_as_yes(Transcript("yes please", True, 3.0, "yes please", certain=True))
    assert not takes_as_yes(Transcript("yes", True, 1.2, "yes", certain=False))
    assert not takes_as_yes(Transcript("yes it is", False, 0.4, ""))  # free dictation
    assert not takes_as_yes(Transcript("no", True, 5.0, "no", certain=True))


def test_phrases_that_mean_the_same_are_one_choice() -> None:
    phrases = expected_phrases(BUTTONS, ["Not sure"])
    for said in ["b", "letter b", "the second one", "second", "b some help", "some help"]:
        assert meaning_of(said, phrases) == "letter:B"
    assert meaning_of("the last one", phrases) == "letter:D"
    assert same_meaning("stop", "pause", phrases) and same_meaning("yeah", "yes", phrases)
    assert not same_meaning("the first one", "the third one", phrases)
    assert not same_meaning("", "yes", phrases)


def test_letters_and_positions_are_only_listened_for_where_they_choose_something() -> None:
    at_a_question = expected_phrases(BUTTONS)
    assert {"a", "letter c", "the last one", "me", "pause"} <= set(at_a_question)
    who = expected_phrases(["Me", "Someone I look after"])
    assert {"me", "someone i look after", "yes", "go back", "pause"} <= set(who)
    assert not {"a", "b", "letter c", "the first one", "last"} & set(who)
    assert "the first one" in expected_phrases([])  # no buttons: anything may be meant


def update(number: int, chat: int) -> Update:
    person = User(chat, "Sam", False)
    when = datetime.now(timezone.utc)
    message = Message(number, when, Chat(chat, "private"), from_user=person, text="hi")
    return Update(number, message=message)


def test_chats_are_handled_at_once_and_each_chat_in_order() -> None:
    async def scenario() -> list[str]:
        order = PerChatOrder(working=4)
        done: list[str] = []
        slow_note = asyncio.Event()

        async def handle(name: str, wait: asyncio.Event | None = None) -> None:
            if wait is not None:
                await wait.wait()
            done.append(name)

        tasks = [
            asyncio.create_task(order.process_update(update(1, 10), handle("jo 1", slow_note))),
            asyncio.create_task(order.process_update(update(2, 10), handle("jo 2"))),
            asyncio.create_task(order.process_update(update(3, 20), handle("lee 1"))),
            asyncio.create_task(order.process_update(update(4, 20), handle("lee 2"))),
        ]
        for _ in range(20):
            await asyncio.sleep(0)
        assert done == ["lee 1", "lee 2"]  # Lee is not held up by Jo's slow note...
        assert order.busy_chats() == 1  # ...and Jo's second message waits behind it
        slow_note.set()
        await asyncio.gather(*tasks)
        assert order.busy_chats() == 0  # nothing kept for chats with nothing waiting
        return done

    assert asyncio.run(scenario()) == ["lee 1", "lee 2", "jo 1", "jo 2"]
