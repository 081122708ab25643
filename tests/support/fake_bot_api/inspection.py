"""What a test reads from the fake and waits for: people, calls, records, conditions."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from tests.support.fake_bot_api.state import BotApiState, Chat
from tests.support.fake_bot_api.updates import commands_key
from tests.support.telegram_records import (
    JSON,
    ApiCall,
    CallbackQueryRecord,
    ChatActionRecord,
    WaitTimeout,
    WebhookConfig,
    WebhookDelivery,
)
from tests.support.telegram_user import TelegramUser

if TYPE_CHECKING:
    from tests.support.fake_bot_api.server import FakeBotAPI

T = TypeVar("T")


class InspectionMixin(BotApiState):
    """The test-facing side of `FakeBotAPI`; every method takes the lock itself."""

    def new_user(
        self,
        first_name: str = "Sam",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> TelegramUser:
        """A new person with a private chat with the bot."""
        with self._lock:
            user_id = self._next_user_id
            self._next_user_id += 1
            user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
            chat: JSON = {"id": user_id, "type": "private", "first_name": first_name}
            if last_name:
                user["last_name"] = chat["last_name"] = last_name
            if username:
                user["username"] = chat["username"] = username
            if language_code:
                user["language_code"] = language_code
            state = Chat(user=user, chat=chat, chat_instance=str(7_919_000_000_000 + user_id))
            self._chats[user_id] = state
            # Only FakeBotAPI mixes this class in; a person drives all of it.
            person = TelegramUser(cast("FakeBotAPI", self), state)
            self._users.append(person)
            return person

    def inject_update(self, kind: str, payload: Any) -> JSON:
        """Queue an update exactly as given, however malformed: what a broken or forged
        source could put in front of the bot. The update id is the fake's own."""
        with self._lock:
            return self._enqueue(kind, payload)

    @property
    def users(self) -> list[TelegramUser]:
        with self._lock:
            return list(self._users)

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Requests so far (optionally of one method, case-insensitive), oldest first."""
        with self._lock:
            if method is None:
                return list(self._calls)
            return [call for call in self._calls if call.method.lower() == method.lower()]

    @property
    def unknown_methods(self) -> list[str]:
        """Methods the bot called that this fake does not implement (answered 404)."""
        with self._lock:
            return list(self._unknown_methods)

    def method_names(self) -> list[str]:
        """The methods called so far, in order (e.g. to see what the bot does on startup)."""
        with self._lock:
            return [call.method for call in self._calls]

    @property
    def chat_actions(self) -> list[ChatActionRecord]:
        with self._lock:
            return list(self._chat_actions)

    @property
    def callback_queries(self) -> list[CallbackQueryRecord]:
        with self._lock:
            return list(self._callback_queries.values())

    def unanswered_callback_queries(self) -> list[CallbackQueryRecord]:
        with self._lock:
            return [query for query in self._callback_queries.values() if not query.answered]

    @property
    def webhook(self) -> WebhookConfig | None:
        with self._lock:
            return copy.copy(self._webhook)

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        with self._lock:
            return list(self._deliveries)

    @property
    def downloads(self) -> list[str]:
        """file_paths downloaded from /file/bot<token>/..., in order."""
        with self._lock:
            return list(self._downloads)

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by getUpdates nor delivered to a webhook."""
        with self._lock:
            return copy.deepcopy(self._updates)

    @property
    def filtered_updates(self) -> list[JSON]:
        """Updates never queued because the bot's allowed_updates excluded their type."""
        with self._lock:
            return copy.deepcopy(self._filtered_updates)

    @property
    def polling(self) -> bool:
        """A getUpdates long poll is waiting right now."""
        with self._lock:
            return self._poll is not None

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The bot's commands for a scope (default scope) and language, as set."""
        with self._lock:
            return copy.deepcopy(self._commands.get(commands_key(scope, language_code), []))

    def file_bytes(self, file_id: str) -> bytes:
        with self._lock:
            return self._files[file_id].data

    def wait_until(
        self, predicate: Callable[[], T | None], timeout: float = 5.0, *, what: str = ""
    ) -> T:
        """Block until `predicate()` is truthy and return its value; raise WaitTimeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimeout(
                        f"waited {timeout}s for {what or 'a condition'}\n{self.describe()}"
                    )
                self._cond.wait(remaining)

    async def wait_until_async(
        self, predicate: Callable[[], T | None], timeout: float = 5.0, *, what: str = ""
    ) -> T:
        """`wait_until` without blocking the calling event loop."""
        return await asyncio.to_thread(self.wait_until, predicate, timeout, what=what)

    def wait_for_call(self, method: str, timeout: float = 5.0, *, count: int = 1) -> ApiCall:
        """Block until `method` has been called `count` times; return the latest call."""

        def enough() -> list[ApiCall] | None:
            found = self.calls(method)
            return found if len(found) >= count else None

        return self.wait_until(enough, timeout, what=f"{count} call(s) of {method}")[-1]

    def describe(self) -> str:
        """Recent requests and each chat's transcript, for failure messages."""
        with self._lock:
            lines = ["recent Bot API calls:"]
            for call in self._calls[-12:]:
                outcome = "ok" if call.ok else f"{call.status} {call.description}"
                lines.append(f"  {call.method} -> {outcome}")
            for person in self._users:
                lines.append(f"chat with {person.first_name} ({person.id}):")
                lines.extend(f"  {line}" for line in person.transcript())
            return "\n".join(lines)
