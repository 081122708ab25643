"""Updates from different chats at the same time; each chat's own updates one by one, in order.

python-telegram-bot handles one update at a time by default, so one slow voice note held up
everyone. With this processor (`ApplicationBuilder.concurrent_updates`) each update runs as
its own task: a chat waits only for its own earlier updates, and at most `WORKING` updates
do work at once. asyncio's locks and semaphores wake waiters first come, first served, and
PTB starts the tasks in the order the updates arrived, so a chat's messages keep their order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

WAITING = 1024  # updates taken in at once (queued behind their chat's earlier ones)
WORKING = 16  # updates worked on at once, across all chats


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, working: int = WORKING, waiting: int = WAITING) -> None:
        super().__init__(waiting)
        self._work = asyncio.Semaphore(working)
        self._chats: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = chat_of(update)
        if chat is None:  # nothing to keep in order with
            async with self._work:
                await coroutine
            return
        lock = self._chats.setdefault(chat, asyncio.Lock())
        self._queued[chat] = self._queued.get(chat, 0) + 1
        try:
            async with lock, self._work:
                await coroutine
        finally:
            self._queued[chat] -= 1
            if not self._queued[chat]:  # no one else waits for this chat: forget its lock
                del self._queued[chat], self._chats[chat]

    def busy_chats(self) -> int:
        """How many chats have an update running or waiting (for tests and logs)."""
        return len(self._chats)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def chat_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None
