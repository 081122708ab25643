"""A person in a private chat with the bot, driven by a test against `FakeBotAPI`.

Actions (``send_text``, ``tap``, ``send_voice``...) queue updates and return at once, from any
thread. Waits block until the bot has done something, or raise `WaitTimeout` with the chat's
transcript; use the ``*_async`` forms from inside an event loop that must keep running.
"""

from __future__ import annotations

import asyncio
import mimetypes
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from tests.support.telegram_formatting import text_entities, utf16_len
from tests.support.telegram_records import (
    JSON,
    BotMessage,
    CallbackQueryRecord,
    UserActionRefused,
)

if TYPE_CHECKING:
    from tests.support.fake_bot_api import Chat, FakeBotAPI

T = TypeVar("T")

# Smallest stand-ins; the fake only stores and returns the bytes.
TINY_JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
TINY_WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"  # noqa: E501


class TelegramUser:
    """A person with a private chat with the bot (chat id == user id)."""

    def __init__(self, api: FakeBotAPI, chat: Chat) -> None:
        self._api = api
        self._chat = chat
        self._cursor = 0  # bot messages already returned by wait_for_messages/wait_for_text

    # ------------------------------------------------------------------ identity

    @property
    def id(self) -> int:
        return int(self._chat.user["id"])

    @property
    def chat_id(self) -> int:
        return self._chat.id

    @property
    def first_name(self) -> str:
        return str(self._chat.user["first_name"])

    def to_dict(self) -> JSON:
        """The Bot API User object."""
        return dict(self._chat.user)

    # ------------------------------------------------------------------- actions

    def send_text(self, text: str, *, reply_to: int | None = None) -> JSON:
        """Send a text (bot_command entities added as Telegram does); the Message sent."""
        content: JSON = {"text": text}
        entities = text_entities(text)
        if entities:
            content["entities"] = entities
        return self._send(content, reply_to=reply_to)

    def send_command(self, command: str, args: str = "") -> JSON:
        """Send ``/command args`` with its bot_command entity."""
        if not command.startswith("/") or " " in command:
            raise ValueError(f"not a command: {command!r}")
        text = f"{command} {args}" if args else command
        entity = {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
        return self._send({"text": text, "entities": [entity]})

    def press(self, button_text: str) -> JSON:
        """Press a button of the reply keyboard the bot showed (it sends the button's text)."""
        keyboard = self.reply_keyboard
        if keyboard is None or button_text not in [text for row in keyboard for text in row]:
            raise UserActionRefused(f"no reply keyboard button {button_text!r}: {keyboard}")
        return self.send_text(button_text)

    def tap(self, message: BotMessage | int, button: str) -> str:
        """Tap an inline button (by its text, else its callback_data); the callback query id.

        Refused (`UserActionRefused`) if the message is gone, its keyboard was removed, or
        the button is not on it now.
        """
        message_id = message if isinstance(message, int) else message.message_id
        with self._api._lock:
            return self._api._tap(self._chat, message_id, button)

    def send_voice(self, data: bytes, duration: int = 1, *, mime_type: str = "audio/ogg") -> JSON:
        """Send a voice note; the bot can getFile and download exactly `data`."""
        with self._api._lock:
            stored = self._api._store_file(data, "voice", ".oga", mime_type)
            voice = {
                "duration": duration,
                "mime_type": mime_type,
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(data),
            }
            return self._api._user_message(self._chat, {"voice": voice})

    def send_photo(self, data: bytes = TINY_JPEG, *, caption: str | None = None) -> JSON:
        """Send a photo (two sizes, as Telegram makes them)."""
        with self._api._lock:
            small = self._api._store_file(data, "photos", ".jpg", "image/jpeg")
            large = self._api._store_file(data, "photos", ".jpg", "image/jpeg")
            sizes = [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(data),
                    "width": width,
                    "height": height,
                }
                for stored, width, height in ((small, 90, 67), (large, 800, 600))
            ]
            content: JSON = {"photo": sizes}
            if caption:
                content["caption"] = caption
            return self._api._user_message(self._chat, content)

    def send_sticker(self, emoji: str = "👍", data: bytes = TINY_WEBP) -> JSON:
        """Send a (static, regular) sticker."""
        with self._api._lock:
            stored = self._api._store_file(data, "stickers", ".webp", "image/webp")
            sticker = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "file_size": len(data),
            }
            return self._api._user_message(self._chat, {"sticker": sticker})

    def send_document(
        self,
        data: bytes,
        file_name: str,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> JSON:
        """Send a file."""
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        extension = "." + file_name.rsplit(".", 1)[-1] if "." in file_name else ""
        with self._api._lock:
            stored = self._api._store_file(data, "documents", extension, mime, file_name)
            document = {
                "file_name": file_name,
                "mime_type": mime,
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(data),
            }
            content: JSON = {"document": document}
            if caption:
                content["caption"] = caption
            return self._api._user_message(self._chat, content)

    def edit_last_text(self, text: str) -> JSON:
        """Edit the person's last text message: an edited_message update; the new Message."""
        with self._api._lock:
            message_id = self._chat.last_user_text_id
            if message_id is None or message_id in self._chat.deleted_user_messages:
                raise UserActionRefused("the person has sent no text message to edit")
            message = self._chat.user_messages[message_id]
            message["text"] = text
            message.pop("entities", None)
            entities = text_entities(text)
            if entities:
                message["entities"] = entities
            message["edit_date"] = int(time.time())
            self._api._enqueue("edited_message", message)
            return dict(message)

    def text_update(self, text: str) -> JSON:
        """A message Update for `text` that is *not* queued: to POST it yourself to a webhook."""
        with self._api._lock:
            message = self._api._user_message(self._chat, {"text": text}, enqueue=False)
            return {"update_id": self._api._new_update_id(), "message": message}

    def block(self) -> None:
        """Block the bot: its sends fail with 403; the bot gets a my_chat_member update."""
        with self._api._lock:
            self._api._set_blocked(self._chat, True)

    def unblock(self) -> None:
        with self._api._lock:
            self._api._set_blocked(self._chat, False)

    def _send(self, content: JSON, *, reply_to: int | None = None) -> JSON:
        with self._api._lock:
            if reply_to is not None:
                replied = self._chat.user_messages.get(reply_to) or (
                    self._chat.bot_messages[reply_to].to_dict()
                    if reply_to in self._chat.bot_messages
                    else None
                )
                if replied is None:
                    raise UserActionRefused(f"no message {reply_to} to reply to")
                content = {**content, "reply_to_message": replied}
            return self._api._user_message(self._chat, content)

    # -------------------------------------------------------------- observation

    @property
    def messages(self) -> list[BotMessage]:
        """Every message the bot sent to this chat, oldest first (live records)."""
        with self._api._lock:
            return list(self._chat.bot_messages.values())

    @property
    def last_message(self) -> BotMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """The reply keyboard the person sees now, if the bot showed one."""
        with self._api._lock:
            keyboard = self._chat.reply_keyboard
            return None if keyboard is None else [list(row) for row in keyboard]

    @property
    def chat_actions(self) -> list[str]:
        """Chat actions the bot sent here, in order (e.g. "typing", "record_voice")."""
        return [record.action for record in self._api.chat_actions if record.chat_id == self.id]

    @property
    def callback_queries(self) -> list[CallbackQueryRecord]:
        return [query for query in self._api.callback_queries if query.chat_id == self.id]

    @property
    def blocked(self) -> bool:
        return self._chat.blocked

    def transcript(self) -> list[str]:
        """Both sides of the chat in order, one line per message."""
        with self._api._lock:
            lines: dict[int, str] = {}
            for message_id, message in self._chat.user_messages.items():
                kinds = [
                    kind for kind in ("voice", "photo", "sticker", "document") if kind in message
                ]
                shown = message.get("text") or f"<{kinds[0] if kinds else 'message'}>"
                lines[message_id] = f"{self.first_name}: {shown}"
            for message_id, bot_message in self._chat.bot_messages.items():
                lines[message_id] = f"bot: {bot_message.summary()}"
            return [lines[message_id] for message_id in sorted(lines)]

    def wait_until(
        self,
        predicate: Callable[[list[BotMessage]], T | None],
        timeout: float = 5.0,
        *,
        what: str = "",
    ) -> T:
        """Block until `predicate(bot messages)` is truthy; return its value."""
        return self._api.wait_until(
            lambda: predicate(list(self._chat.bot_messages.values())),
            timeout,
            what=what or f"a condition in the chat with {self.first_name}",
        )

    def wait_for_messages(self, count: int | None = None, timeout: float = 5.0) -> list[BotMessage]:
        """The next `count` bot messages not returned before (None: all new, at least one)."""
        start = self._cursor

        def arrived(messages: list[BotMessage]) -> list[BotMessage] | None:
            new = messages[start:]
            return new if len(new) >= (count or 1) else None

        new = self.wait_until(arrived, timeout, what=f"{count or 'a'} new bot message(s)")
        if count is not None:
            new = new[:count]
        self._cursor = start + len(new)
        return new

    def wait_for_text(self, fragment: str, timeout: float = 5.0) -> BotMessage:
        """The next bot message (not returned before) whose text or caption has `fragment`."""
        start = self._cursor

        def found(messages: list[BotMessage]) -> tuple[int, BotMessage] | None:
            for index, message in enumerate(messages[start:], start):
                if fragment in message.content:
                    return index, message
            return None

        index, message = self.wait_until(found, timeout, what=f"a bot message with {fragment!r}")
        self._cursor = index + 1
        return message

    async def wait_until_async(
        self,
        predicate: Callable[[list[BotMessage]], T | None],
        timeout: float = 5.0,
        *,
        what: str = "",
    ) -> T:
        return await asyncio.to_thread(self.wait_until, predicate, timeout, what=what)

    async def wait_for_messages_async(
        self, count: int | None = None, timeout: float = 5.0
    ) -> list[BotMessage]:
        return await asyncio.to_thread(self.wait_for_messages, count, timeout)

    async def wait_for_text_async(self, fragment: str, timeout: float = 5.0) -> BotMessage:
        return await asyncio.to_thread(self.wait_for_text, fragment, timeout)

    def __repr__(self) -> str:
        return f"TelegramUser(id={self.id}, first_name={self.first_name!r})"


__all__ = ["TINY_JPEG", "TINY_WEBP", "TelegramUser"]
