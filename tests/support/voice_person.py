"""A person who answers the Telegram bot only by voice, in a voice that is not the bot's own.

`VoiceOnlyPerson` speaks with one of espeak-ng's voices (tests/support/voice_testset.py),
waits for "I heard: ... Is that right?" and answers it by voice too; when the bot heard the
wrong thing, or did not catch it, the person says no and tries another way of saying the same
answer ("the second one", then "letter b"...), as people do. `SlowFilesBotAPI` is the fake
Bot API with downloads of chosen files held back, to stand for a slow or huge note.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from accessibility.voice import encode_ogg_opus, expected_phrases
from accessibility.voice.hearing import meaning_of
from ras_core.domain.understanding import read_yes_no
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_records import BotMessage
from tests.support.telegram_user import TelegramUser
from tests.support.voice_testset import Voice, speak

HEARD, NOT_CAUGHT = "I heard:", "did not catch that"


class SlowFilesBotAPI(FakeBotAPI):
    """Downloads of the files in `slow` (file_id -> seconds) wait that long first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slow: dict[str, float] = {}

    async def _handle_download(self, request: web.Request) -> web.Response:
        with self._lock:
            stored = self._files_by_path.get(request.match_info.get("path", ""))
        delay = self.slow.get(stored.file_id, 0.0) if stored is not None else 0.0
        if delay:
            await asyncio.sleep(delay)
        return await super()._handle_download(request)


def send_voice_claiming(
    user: TelegramUser, data: bytes, *, duration: int, file_size: int, slow: float = 0.0
) -> str:
    """A voice note whose duration and size are what Telegram says, whatever the bytes are;
    its download takes `slow` seconds more (with a SlowFilesBotAPI). The note's file_id."""
    api: Any = user._api  # the fake's own helpers, as TelegramUser.send_voice uses them
    with api._lock:
        stored = api._store_file(data, "voice", ".oga", "audio/ogg")
        if slow:
            api.slow[stored.file_id] = slow
        voice = {
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": file_size,
        }
        api._user_message(user._chat, {"voice": voice})
    return str(stored.file_id)


def note(voice: Voice, text: str) -> bytes:
    """OGG/Opus at 48 kHz, as Telegram sends a voice note."""
    return encode_ogg_opus(speak(voice, text).resampled(48000))


@dataclass
class VoiceOnlyPerson:
    user: TelegramUser
    voice: Voice
    timeout: float = 60.0
    notes_sent: int = 0
    log: list[str] = field(default_factory=list)  # what was said and what the bot heard

    def say(self, text: str) -> None:
        data = note(self.voice, text)
        self.user.send_voice(data, duration=max(1, round(len(data) / 4000)))
        self.notes_sent += 1

    def answer(self, ways: Sequence[str], short_list: Sequence[str] = ()) -> BotMessage:
        """Say the answer (the first of `ways` gives its meaning), trying each way of saying
        it until the bot heard it right and the person confirmed by voice; the bot's first
        message after that. `short_list`: the phrases on offer (for what a label means)."""
        meant = ways[0]
        for way in ways:
            reply = self.say_and_wait(way)
            for _ in range(4):  # a check, perhaps a second try at the yes, then move on
                heard = _heard(reply.content)
                if heard is None:
                    break  # not caught: try another way of saying it
                if not _means_the_same(heard, meant, short_list):
                    self.say_and_wait("no")  # a wrong hearing is never used
                    break
                reply = self.say_and_wait("yes")
                if NOT_CAUGHT in reply.content:
                    reply = self.say_and_wait("yes")  # say the yes again
                if _heard(reply.content) is None and NOT_CAUGHT not in reply.content:
                    return reply  # confirmed: this is the conversation going on
        raise AssertionError(f"no way of saying {ways!r} was heard:\n" + "\n".join(self.log))

    def say_and_wait(self, text: str) -> BotMessage:
        seen = len(self.user.messages)
        self.say(text)
        reply = self.next_reply(seen)
        self.log.append(f"said {text!r}: {reply.content[:90]!r}")
        return reply

    def next_reply(self, seen: int) -> BotMessage:
        return self.user.wait_until(
            lambda ms: next((m for m in ms[seen:] if m.kind == "text"), None),
            self.timeout,
            what="the bot's reply to a voice note",
        )


def _heard(content: str) -> str | None:
    if not content.startswith(HEARD):
        return None
    return content[len(HEARD) :].strip().removesuffix("Is that right?").strip().rstrip(".")


def _means_the_same(heard: str, meant: str, short_list: Sequence[str]) -> bool:
    phrases = [*expected_phrases([], short_list), heard, meant]
    yes_no = read_yes_no(meant)
    if yes_no is not None:
        return read_yes_no(heard) == yes_no
    return meaning_of(heard, phrases) == meaning_of(meant, phrases)
