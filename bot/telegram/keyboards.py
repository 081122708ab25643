"""Rasa buttons as Telegram inline keyboards, and which keyboard is still live.

Only the newest keyboard in a chat may answer: a tap on an older one is refused, so an old
button cannot answer a later question by mistake. Telegram allows 64 bytes of callback data;
longer payloads are kept here and the button carries a short key instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.rasa_client import Button

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback_data


@dataclass(frozen=True)
class LiveKeyboard:
    message_id: int
    choices: dict[str, Button]  # callback_data -> the button


def callback_data(button: Button, index: int) -> str:
    data = button.payload
    return data if len(data.encode("utf-8")) <= CALLBACK_LIMIT else f"#{index}"


def build_markup(buttons: tuple[Button, ...]) -> tuple[InlineKeyboardMarkup, dict[str, Button]]:
    """One button per row: big targets, easy to tap, and the labels are never cut short."""
    choices = {callback_data(button, index): button for index, button in enumerate(buttons)}
    rows = [[InlineKeyboardButton(b.title, callback_data=data)] for data, b in choices.items()]
    return InlineKeyboardMarkup(rows), choices


def remember(chat_data: dict[str, Any], message_id: int, choices: dict[str, Button]) -> int | None:
    """Make this the live keyboard; return the message id of the one it replaces, if any."""
    old: LiveKeyboard | None = chat_data.get("keyboard")
    chat_data["keyboard"] = LiveKeyboard(message_id, choices)
    return old.message_id if old else None


def take(chat_data: dict[str, Any], message_id: int, data: str) -> Button | None:
    """The button tapped, if it is on the live keyboard; the keyboard is then used up."""
    live: LiveKeyboard | None = chat_data.get("keyboard")
    if live is None or live.message_id != message_id or data not in live.choices:
        return None
    del chat_data["keyboard"]
    return live.choices[data]


def forget(chat_data: dict[str, Any]) -> int | None:
    """The person answered another way (typed or spoke): the keyboard is no longer live."""
    old: LiveKeyboard | None = chat_data.pop("keyboard", None)
    return old.message_id if old else None
