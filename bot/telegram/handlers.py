"""What the bot does with each kind of Telegram update.

Every message goes to Rasa; what comes back is sent as text with inline keyboards, and as a
voice note when the person asked for that. Voice notes coming in are heard offline, and the
bot checks what it heard before passing it on.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from telegram import Bot, Chat, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ContextTypes

from accessibility.voice import Transcript
from bot.telegram import keyboards, limits
from bot.telegram.chunks import split_message
from bot.telegram.rasa_client import Button, RasaClient, RasaUnavailable, Reply
from bot.telegram.texts import say
from ras_core.conversation.frontdesk import FrontDesk, VoicePreferences
from ras_core.domain.safeguarding import find_disclosure
from ras_core.domain.text import clean
from ras_core.domain.understanding import read_yes_no

log = logging.getLogger(__name__)
CHANNEL = "telegram"

# Payloads of the front end's own buttons: they never reach Rasa.
APP_PREFIX = "app:"
VOICE_ON, VOICE_OFF = "app:voice:on", "app:voice:off"
HEARD_YES, HEARD_NO = "app:heard:yes", "app:heard:no"
# Rasa intents the commands stand for.
GREET, PAUSE = "/greet", "/pause"
NEWS = "/EXTERNAL_review_news"

_SLOWER = re.compile(r"\b(slower|more slowly|too fast)\b", re.IGNORECASE)


class Speech(Protocol):
    """Speech out and in, as the front end needs it (see bot/telegram/speech.py)."""

    def voice_note(self, text: str, *, slow: bool) -> tuple[bytes, int]:
        """OGG/Opus bytes of the text read aloud, and the length in whole seconds."""

    def hear(self, ogg: bytes, expected: list[str]) -> Transcript:
        """What was heard in a voice note (text "" when nothing sure enough).

        Raises limits.TooLong past limits.MAX_SECONDS, ValueError if it is not audio."""


@dataclass
class FrontEnd:
    rasa: RasaClient
    desk: FrontDesk  # what can be said now, voice choices, replies waiting: never the store
    speech: Speech

    # Commands
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.converse(update, context, GREET)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.tell(update, context, [Reply(say("help"))])

    async def toggle_voice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        prefs = self.preferences(update)
        await self.set_voice(update, context, not prefs.reads_aloud)

    async def toggle_slower(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        prefs = self.preferences(update)
        await self.set_slow(update, context, not prefs.slow)

    async def pause(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.converse(update, context, PAUSE)

    # Messages
    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        # A typed "/..." is words, never one of our payloads (only those start with "/").
        said = clean(message.text).lstrip("/").strip()
        await self.retire_keyboard(update, context)
        if "heard" in _chat_data(context):  # a typed yes or no answers "I heard: ..."
            answer = read_yes_no(said)
            if answer is not None:
                await self.on_heard(update, context, answer == "yes")
                return
            _chat_data(context).pop("heard")  # they moved on: what was heard is not used
        if _SLOWER.search(said) and len(said.split()) <= 4 and not find_disclosure(said):
            await self.set_slow(update, context, True)
            return
        await self.converse(update, context, said)

    async def voice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A voice note or audio file: heard offline, then always checked with the person.

        Nothing a note says is acted on without the person's yes: a tap, a typed yes, or a
        spoken yes that the short list is sure of (`takes_as_yes`)."""
        message = update.effective_message
        assert message is not None
        audio = message.voice or message.audio
        assert audio is not None
        refused = limits.refusal(_seconds(audio.duration), audio.file_size)
        if refused is None:
            await _chat(update).send_action(ChatAction.TYPING)
            file = await context.bot.get_file(audio.file_id)
            refused = limits.refusal(None, file.file_size)
        if refused is None:
            ogg = bytes(await file.download_as_bytearray(read_timeout=limits.DOWNLOAD_SECONDS))
            refused = limits.refusal(None, len(ogg))
        if refused is not None:
            await self.tell(update, context, [Reply(say(refused))])
            return
        data = _chat_data(context)
        expected = [*data.get("answer_titles", []), *self.desk.what_can_be_said(_user(update))]
        try:
            heard = await asyncio.to_thread(self.speech.hear, ogg, expected)
        except limits.TooLong:
            await self.tell(update, context, [Reply(say("voice_too_long"))])
            return
        except ValueError:
            await self.tell(update, context, [Reply(say("voice_unreadable"))])
            return
        if "heard" in data and takes_as_yes(heard):
            await self.on_heard(update, context, True)
        elif "heard" in data and heard.certain and read_yes_no(heard.text) == "no":
            await self.on_heard(update, context, False)
        elif heard.text:
            data["heard"] = heard.text
            buttons = (Button(say("heard_yes"), HEARD_YES), Button(say("heard_no"), HEARD_NO))
            await self.tell(update, context, [Reply(say("heard", heard=heard.text), buttons)])
        else:
            await self.not_caught(update, context)

    async def on_heard(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, right: bool
    ) -> None:
        """The person's answer to "I heard: ... Is that right?"."""
        heard = _chat_data(context).pop("heard", None)
        await self.retire_keyboard(update, context)
        if right and heard is not None:
            await self.converse(update, context, heard, spoken=True)
        else:
            await self.tell(update, context, [Reply(say("heard_again"))])

    async def not_caught(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Nothing heard for sure: say so plainly, with the buttons that can answer now."""
        data = _chat_data(context)
        buttons: tuple[Button, ...] = tuple(data.get("answer_buttons", ()))
        if "heard" in data:  # still waiting for a yes or no to what was heard before
            buttons = (Button(say("heard_yes"), HEARD_YES), Button(say("heard_no"), HEARD_NO))
        key = "heard_unsure" if buttons else "heard_nothing"
        await self.tell(update, context, [Reply(say(key), buttons)])

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        message = query.message
        chosen = None
        if isinstance(message, Message) and query.data:
            chosen = keyboards.take(_chat_data(context), message.message_id, query.data)
        if chosen is None or not isinstance(message, Message):
            # An old keyboard, or data we never sent: a plain toast, and nothing changes.
            await _quietly(query.answer(say("old_button")))
            if isinstance(message, Message):
                await _quietly(message.edit_reply_markup(reply_markup=None))
            return
        await _quietly(query.answer())
        marked = f"{message.text or ''}\n\n{say('you_chose', choice=chosen.title)}".strip()
        await _quietly(message.edit_text(marked, reply_markup=None))
        await self.on_choice(update, context, chosen)

    async def on_choice(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, chosen: Button
    ) -> None:
        data = _chat_data(context)
        if chosen.payload in (VOICE_ON, VOICE_OFF):
            await self.set_voice(update, context, chosen.payload == VOICE_ON)
            await self.converse(update, context, data.pop("waiting", GREET))
        elif chosen.payload in (HEARD_YES, HEARD_NO):
            await self.on_heard(update, context, chosen.payload == HEARD_YES)
        else:
            await self.converse(update, context, chosen.payload)

    async def not_words(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.tell(update, context, [Reply(say("not_words"))])

    async def edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A changed message is not an answer, unless it may mean the person is in danger."""
        message = update.effective_message
        typed = (message.text or message.caption or "") if message is not None else ""
        said = clean(typed).lstrip("/").strip()
        if said and find_disclosure(said):
            await self.converse(update, context, said)
            return
        await self.tell(update, context, [Reply(say("edited"))])

    async def failed(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Anything unexpected: log it, and tell the person plainly that their answers are safe."""
        log.error("Update failed: %s", context.error, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await update.effective_chat.send_message(say("not_now"))
            except TelegramError:
                log.exception("Could not tell the person about the failure")

    # The conversation with Rasa
    async def converse(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, spoken: bool = False
    ) -> None:
        prefs = self.preferences(update)
        data = _chat_data(context)
        danger = bool(find_disclosure(text))
        # Someone who may be in danger is answered at once: the voice question can wait.
        if prefs.reads_aloud is None and not danger:
            if "waiting" not in data:
                # First contact: ask about voice once, and keep what they said for afterwards.
                data["waiting"] = text
                buttons = (Button(say("voice_yes"), VOICE_ON), Button(say("voice_no"), VOICE_OFF))
                # Spoken too: someone who cannot read can still hear the choice.
                await self.tell(
                    update, context, [Reply(say("voice_question"), buttons)], speak=True
                )
                return
            # They answered in words, or moved on: a plain yes or no counts, anything else is "no".
            waiting = data.pop("waiting")
            await self.retire_keyboard(update, context)
            answer = read_yes_no(text)
            await self.set_voice(update, context, answer == "yes")
            if answer is not None:
                text = waiting
            else:  # they moved on: what they first said still counts, then this
                await self.ask_rasa(update, context, waiting)
        await self.ask_rasa(update, context, text, spoken=spoken, danger=danger)

    async def ask_rasa(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        text: str,
        *,
        spoken: bool = False,
        danger: bool = False,
    ) -> None:
        """Send one message to Rasa and the replies to the person.

        If Rasa cannot answer, or answers with nothing (as when the action server is down in
        the questions), the person is told so, with the emergency numbers: the message was not
        heard, so it may have meant danger, and the numbers must never depend on a server.
        """
        await _chat(update).send_action(ChatAction.TYPING)
        try:
            replies = await self.rasa.send(_user(update), text, spoken=spoken)
        except RasaUnavailable as error:
            log.error("Rasa did not answer: %s", error)
            replies = []
        if not any(reply.text or reply.buttons or reply.forget for reply in replies):
            log.error("Rasa had nothing to say to a message: the person gets the numbers")
            replies = [Reply(say("not_now")), Reply(say("emergency_numbers"))]
            if danger:
                replies.reverse()
        elif danger and not any("999" in reply.text for reply in replies):
            replies = [Reply(say("emergency_numbers")), *replies]
        if not any(reply.buttons for reply in replies):  # nothing to tap now (a free answer)
            _chat_data(context).pop("answer_buttons", None)
        said = [reply for reply in replies if reply.text or reply.buttons]
        await self.tell(update, context, said)
        if any(reply.forget for reply in replies):
            # Erased: keyboards, a voice note waiting, anything kept for this chat goes too.
            context.application.drop_chat_data(_chat(update).id)
            context.application.drop_user_data(int(_user(update)))

    async def tell(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        replies: list[Reply],
        speak: bool | None = None,
    ) -> None:
        await self.send_replies(
            context.bot, _chat(update).id, _user(update), _chat_data(context), replies, speak
        )

    async def send_replies(
        self,
        bot: Bot,
        chat_id: int,
        user_id: str,
        chat_data: dict[str, Any],
        replies: list[Reply],
        speak: bool | None = None,
    ) -> None:
        """Send replies as text (keyboards on the last piece), then as one voice note if wanted."""
        for reply in replies:
            pieces = split_message(reply.text) or [" "]
            for piece in pieces[:-1]:
                await bot.send_message(chat_id, piece)
            if reply.buttons:
                if not any(b.payload.startswith(APP_PREFIX) for b in reply.buttons):
                    chat_data["answer_titles"] = [b.title for b in reply.buttons]
                    chat_data["answer_buttons"] = reply.buttons
                markup, choices = keyboards.build_markup(reply.buttons)
                sent = await bot.send_message(chat_id, pieces[-1], reply_markup=markup)
                old = keyboards.remember(chat_data, sent.message_id, choices)
                if old is not None:
                    await _quietly(bot.edit_message_reply_markup(chat_id, old))
            else:
                await bot.send_message(chat_id, pieces[-1])
        prefs = self.desk.voice_preferences(user_id)
        spoken = " ".join(reply.text for reply in replies if reply.text.strip())
        if (prefs.reads_aloud if speak is None else speak) and spoken:
            await bot.send_chat_action(chat_id, ChatAction.RECORD_VOICE)
            try:
                ogg, seconds = await asyncio.to_thread(
                    self.speech.voice_note, spoken, slow=prefs.slow
                )
            except Exception:  # the text is already there: a missing voice note is not fatal
                log.exception("Could not make a voice note")
                return
            await bot.send_voice(chat_id, ogg, duration=seconds)

    # A coordinator's reply, passed on without waiting for the person to write
    async def deliver_news(self, application: Application[Any, Any, Any, Any, Any, Any]) -> int:
        """Ask Rasa to say each waiting reply (so it is in the conversation), then send it."""
        delivered = 0
        for user_id in self.news_waiting():
            try:
                replies = await self.rasa.send(user_id, NEWS)
            except RasaUnavailable as error:
                log.warning("Could not pass on news to %s yet: %s", user_id, error)
                continue
            chat_data = application.chat_data[int(user_id)]
            await self.send_replies(application.bot, int(user_id), user_id, chat_data, replies)
            delivered += len(replies)
        return delivered

    def news_waiting(self) -> list[str]:
        """Telegram user ids with a coordinator's reply not yet passed on."""
        return self.desk.news_waiting()

    # Preferences
    def preferences(self, update: Update) -> VoicePreferences:
        return self.desk.voice_preferences(_user(update))

    async def set_voice(self, update: Update, context: ContextTypes.DEFAULT_TYPE, on: bool) -> None:
        self.desk.set_voice_preferences(_user(update), reads_aloud=on)
        await self.tell(update, context, [Reply(say("voice_on" if on else "voice_off"))])

    async def set_slow(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, slow: bool
    ) -> None:
        self.desk.set_voice_preferences(_user(update), slow=slow)
        await self.tell(update, context, [Reply(say("slower_on" if slow else "slower_off"))])

    async def retire_keyboard(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        old = keyboards.forget(_chat_data(context))
        if old is not None:
            await _quietly(context.bot.edit_message_reply_markup(_chat(update).id, old))


def takes_as_yes(heard: Transcript) -> bool:
    """A spoken answer counts as the person's yes only when the short list is sure of it."""
    return heard.certain and read_yes_no(heard.text) == "yes"


def _seconds(duration: object) -> int | None:
    """Telegram's duration: whole seconds (a timedelta in some versions of the library)."""
    if isinstance(duration, timedelta):
        return int(duration.total_seconds())
    return duration if isinstance(duration, int) else None


def _chat(update: Update) -> Chat:
    assert update.effective_chat is not None
    return update.effective_chat


def _user(update: Update) -> str:
    assert update.effective_user is not None
    return str(update.effective_user.id)


def _chat_data(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    assert context.chat_data is not None
    return context.chat_data


async def _quietly(call: Any) -> None:
    """Tidying a keyboard or answering a tap may fail (too old, already changed, or an id
    Telegram does not know): that is harmless."""
    try:
        await call
    except BadRequest as error:
        log.info("Telegram refused a tidy-up: %s", error)
