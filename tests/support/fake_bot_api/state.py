"""The fake's configuration and state, and the changes a person's actions make to it.

`BotApiState` is the base of every part of `FakeBotAPI` (server, methods, inspection), so
each part sees the same attributes. All state sits behind one lock; methods whose docstrings say
"call under the lock" expect the caller to hold it.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import threading
import time
from dataclasses import dataclass, field

from aiohttp import ClientSession, web

from tests.support.telegram_records import (
    JSON,
    ApiCall,
    BotMessage,
    CallbackQueryRecord,
    ChatActionRecord,
    StoredFile,
    UserActionRefused,
    WebhookConfig,
    WebhookDelivery,
)
from tests.support.telegram_user import TelegramUser

DEFAULT_TOKEN = "123456789:AAHfakeBotApiTokenForLoopbackTest12"
# Update types a bot gets when it never chose (allowed_updates empty or never given).
NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(eq=False)
class Chat:
    """A private chat between the bot and one person."""

    user: JSON
    chat: JSON
    chat_instance: str
    next_message_id: int = 1
    user_messages: dict[int, JSON] = field(default_factory=dict)
    bot_messages: dict[int, BotMessage] = field(default_factory=dict)
    deleted_user_messages: set[int] = field(default_factory=set)
    last_user_text_id: int | None = None
    reply_keyboard: list[list[str]] | None = None
    blocked: bool = False

    @property
    def id(self) -> int:
        return int(self.chat["id"])

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


class Poll:
    """One waiting getUpdates request."""

    def __init__(self) -> None:
        self.terminated: str | None = None


class BotApiState:
    """Configuration and state of one fake Bot API, shared by all its parts."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "fake_assistant_bot",
        bot_first_name: str = "Assistant",
        webhook_retry_delay: float = 0.2,
        strict_webhook_urls: bool = False,
        log_requests: bool = False,
        first_user_id: int = 5_000_001,
    ) -> None:
        """`strict_webhook_urls`: refuse non-HTTPS webhooks and ports Telegram refuses.

        `first_user_id`: give each fake its own range when tests share one database.
        """
        self.token = token
        self.host = host
        self.port = port
        self.url = ""
        self.webhook_retry_delay = webhook_retry_delay
        self.strict_webhook_urls = strict_webhook_urls
        self.log_requests = log_requests
        prefix = token.split(":", 1)[0]
        self.bot_user: JSON = {
            "id": int(prefix) if prefix.isdigit() else 123456789,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._async_event: asyncio.Event | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._stopping = False
        self._updates: list[JSON] = []
        self._next_update_id = 700_000_001
        self._allowed_updates: list[str] | None = None
        self._chats: dict[int, Chat] = {}
        self._users: list[TelegramUser] = []
        self._next_user_id = first_user_id
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._next_file = 1
        self._callback_queries: dict[str, CallbackQueryRecord] = {}
        self._next_query = 1
        self._chat_actions: list[ChatActionRecord] = []
        self._calls: list[ApiCall] = []
        self._deliveries: list[WebhookDelivery] = []
        self._downloads: list[str] = []
        self._filtered_updates: list[JSON] = []
        self._webhook: WebhookConfig | None = None
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._poll: Poll | None = None
        self._unknown_methods: list[str] = []

    # ------------------------------------------------------------ notifications

    def _changed(self) -> None:
        """Wake waiters in any thread and pollers in the server loop (call under the lock)."""
        self._cond.notify_all()
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # loop closing
                loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        event, self._async_event = self._async_event, asyncio.Event()
        if event is not None:
            event.set()

    # ------------------------------------------------------- the person's side

    def _enqueue(self, kind: str, payload: JSON) -> JSON:
        """Queue an update (call under the lock); dropped if allowed_updates excludes it."""
        update = {"update_id": self._next_update_id, kind: copy.deepcopy(payload)}
        self._next_update_id += 1
        allowed = self._allowed_updates
        if (allowed and kind not in allowed) or (not allowed and kind in NOT_DEFAULT_UPDATES):
            self._filtered_updates.append(update)
        else:
            self._updates.append(update)
        self._changed()
        return update

    def _user_message(self, chat: Chat, content: JSON, *, enqueue: bool = True) -> JSON:
        """A message from the person (call under the lock), queued as an update."""
        if chat.blocked:
            raise UserActionRefused("the person has blocked the bot; unblock() first")
        message: JSON = {
            "message_id": chat.take_message_id(),
            "from": chat.user,
            "chat": chat.chat,
            "date": int(time.time()),
            **content,
        }
        chat.user_messages[message["message_id"]] = message
        if "text" in content:
            chat.last_user_text_id = message["message_id"]
        if enqueue:
            self._enqueue("message", message)
        return copy.deepcopy(message)

    def _new_update_id(self) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        return update_id

    def _store_file(
        self,
        data: bytes,
        folder: str,
        extension: str,
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> StoredFile:
        """Keep `data` so getFile and downloads work (call under the lock)."""
        number = self._next_file
        self._next_file += 1
        stored = StoredFile(
            file_id=f"AgAD{folder[:3]}{number:06d}-{len(data)}",
            file_unique_id=f"AQAD{number:06d}",
            file_path=f"{folder}/file_{number}{extension}",
            data=bytes(data),
            mime_type=mime_type,
            file_name=file_name,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _tap(self, chat: Chat, message_id: int, label: str) -> str:
        """A callback_query for a button on a bot message (call under the lock)."""
        message = chat.bot_messages.get(message_id)
        if message is None or message.deleted:
            raise UserActionRefused(f"bot message {message_id} is not in the chat")
        if not message.buttons:
            state = "was removed" if message.keyboard_removed else "never had one"
            raise UserActionRefused(
                f"message {message_id} has no inline keyboard to tap (it {state})"
            )
        button = message.button(label)
        if button.callback_data is None:
            raise UserActionRefused(f"button {button.text!r} opens a link; it sends no callback")
        query_id = str(4_200_000_000_000_000 + self._next_query)
        self._next_query += 1
        self._callback_queries[query_id] = CallbackQueryRecord(
            id=query_id, chat_id=chat.id, message_id=message_id, data=button.callback_data
        )
        query = {
            "id": query_id,
            "from": chat.user,
            "message": message.to_dict(),
            "chat_instance": chat.chat_instance,
            "data": button.callback_data,
        }
        self._enqueue("callback_query", query)
        return query_id

    def _set_blocked(self, chat: Chat, blocked: bool) -> None:
        """The person blocks or unblocks the bot: a my_chat_member update (call under lock)."""
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        member: JSON = {"user": dict(self.bot_user), "status": "member"}
        kicked: JSON = {"user": dict(self.bot_user), "status": "kicked", "until_date": 0}
        member_old, member_new = (member, kicked) if blocked else (kicked, member)
        self._enqueue(
            "my_chat_member",
            {
                "chat": chat.chat,
                "from": chat.user,
                "date": int(time.time()),
                "old_chat_member": member_old,
                "new_chat_member": member_new,
            },
        )
