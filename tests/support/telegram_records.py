"""What the fake Bot API records about the bot, for tests to read.

The records are live: the server updates a `BotMessage` in place when the bot edits or deletes
it, so a test holding one sees, for example, that its keyboard was later removed.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


class WaitTimeout(AssertionError):
    """A wait ran out of time; the message says what had happened so far."""


class UserActionRefused(AssertionError):
    """A person could not have done that in Telegram (e.g. tap a button that is gone)."""


@dataclass(frozen=True)
class Button:
    """One inline keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None

    @classmethod
    def from_dict(cls, data: JSON) -> Button:
        return cls(str(data.get("text", "")), data.get("callback_data"), data.get("url"))


def inline_buttons(markup: JSON | None) -> list[list[Button]]:
    """Rows of inline buttons in a reply_markup object ([] when there is no inline keyboard)."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [[Button.from_dict(button) for button in row] for row in markup["inline_keyboard"]]


def reply_keyboard_texts(markup: JSON | None) -> list[list[str]] | None:
    """Rows of button texts of a ReplyKeyboardMarkup, or None if `markup` is not one."""
    if not markup or "keyboard" not in markup:
        return None
    return [
        [button if isinstance(button, str) else str(button.get("text", "")) for button in row]
        for row in markup["keyboard"]
    ]


@dataclass(eq=False)
class BotMessage:
    """A message the bot sent to a private chat, as it is now (edits update it in place)."""

    chat_id: int
    message_id: int
    kind: str  # "text", "voice", "audio" or "document"
    date: int
    sender: JSON = field(repr=False)
    chat: JSON = field(repr=False)
    text: str | None = None  # as the person sees it (parse_mode applied)
    entities: list[JSON] = field(default_factory=list, repr=False)
    parse_mode: str | None = field(default=None, repr=False)
    source_text: str | None = field(default=None, repr=False)  # as the bot sent it
    caption: str | None = None
    caption_entities: list[JSON] = field(default_factory=list, repr=False)
    reply_markup: JSON | None = field(default=None, repr=False)
    sent_reply_markup: JSON | None = field(default=None, repr=False)
    keyboard_edits: int = 0  # edits that changed the reply_markup
    text_history: list[str] = field(default_factory=list, repr=False)  # earlier texts/captions
    media: JSON | None = field(default=None, repr=False)  # the Voice/Audio/Document object
    file_bytes: bytes | None = field(default=None, repr=False)
    reply_to: JSON | None = field(default=None, repr=False)
    edit_date: int | None = None
    deleted: bool = False

    @property
    def buttons(self) -> list[list[Button]]:
        """The inline keyboard the person sees now."""
        return inline_buttons(self.reply_markup)

    @property
    def sent_buttons(self) -> list[list[Button]]:
        """The inline keyboard the message was sent with."""
        return inline_buttons(self.sent_reply_markup)

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    @property
    def callback_data(self) -> list[str | None]:
        return [button.callback_data for row in self.buttons for button in row]

    @property
    def keyboard_removed(self) -> bool:
        """It was sent with an inline keyboard that is gone now."""
        return bool(self.sent_buttons) and not self.buttons

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Button texts of a ReplyKeyboardMarkup sent with this message, if any."""
        return reply_keyboard_texts(self.reply_markup)

    @property
    def edited(self) -> bool:
        return self.edit_date is not None

    @property
    def content(self) -> str:
        """Text or caption ('' if neither)."""
        return self.text or self.caption or ""

    @property
    def voice(self) -> bytes | None:
        """The bytes of a voice note."""
        return self.file_bytes if self.kind == "voice" else None

    @property
    def duration(self) -> int | None:
        return None if self.media is None else self.media.get("duration")

    @property
    def file_id(self) -> str | None:
        return None if self.media is None else self.media.get("file_id")

    def button(self, label: str) -> Button:
        """The current button whose text, or else callback_data, is `label`."""
        flat = [button for row in self.buttons for button in row]
        for button in flat:
            if button.text == label:
                return button
        for button in flat:
            if button.callback_data == label:
                return button
        raise UserActionRefused(
            f"message {self.message_id} has no button {label!r}; it has {self.button_texts}"
        )

    def to_dict(self) -> JSON:
        """The Bot API Message object."""
        message: JSON = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.reply_to is not None:
            message["reply_to_message"] = self.reply_to
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = self.entities
        if self.media is not None:
            message[self.kind] = self.media
        if self.caption is not None:
            message["caption"] = self.caption
            if self.caption_entities:
                message["caption_entities"] = self.caption_entities
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        return copy.deepcopy(message)

    def summary(self) -> str:
        """One line for transcripts and failure messages."""
        parts = [f"#{self.message_id} {self.kind}"]
        if self.content:
            parts.append(repr(self.content[:120]))
        if self.duration is not None:
            parts.append(f"{self.duration}s")
        if self.buttons:
            parts.append("[" + " | ".join(self.button_texts) + "]")
        if self.keyboard_removed:
            parts.append("(keyboard removed)")
        if self.edited:
            parts.append("(edited)")
        if self.deleted:
            parts.append("(deleted)")
        return " ".join(parts)


@dataclass
class CallbackQueryRecord:
    """A button tap and how the bot answered it."""

    id: str
    chat_id: int
    message_id: int
    data: str
    created_at: float = field(default_factory=time.monotonic)
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False
    answer_url: str | None = None


@dataclass(frozen=True)
class ChatActionRecord:
    chat_id: int
    action: str  # e.g. "typing", "record_voice"
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class ApiCall:
    """One request to the Bot API: method as sent, parameters (files summarised), outcome."""

    method: str
    params: JSON
    status: int
    description: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(frozen=True)
class WebhookDelivery:
    """One POST of an update to the webhook; status None when no HTTP answer came."""

    update_id: int
    url: str
    status: int | None
    secret_token: str | None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class WebhookConfig:
    """The webhook as set by setWebhook."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    has_custom_certificate: bool = False
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(frozen=True)
class StoredFile:
    """A file the fake holds (sent by a person or uploaded by the bot)."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes = field(repr=False)
    mime_type: str | None = None
    file_name: str | None = None
