"""A loopback fake of the Telegram Bot API that speaks the real wire format.

Point a real python-telegram-bot at it and drive a person's side from a test::

    with FakeBotAPI() as api:
        app = (Application.builder().token(api.token)
               .base_url(api.bot_base_url).base_file_url(api.file_base_url).build())
        ...  # run the app (see tests.support.ptb_thread.ApplicationThread)
        sam = api.new_user(first_name="Sam")
        sam.send_command("/start")
        reply = sam.wait_for_text("Hello")
        sam.tap(reply, "Yes")

Requests are ``{base}/bot<token>/<method>`` by GET or POST with a query string, a JSON body,
a url-encoded form or multipart/form-data (PTB sends forms: strings as they are, everything
else JSON-encoded, files as multipart parts). Method names are case-insensitive. Replies are
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...}``.
Files download from ``{base}/file/bot<token>/<file_path>``.

The server runs in its own thread with its own event loop, so tests and the bot may run in
any other thread or loop. All state sits behind one lock; waits use a condition variable.

Error wording follows the real Bot API (tdlib's telegram-bot-api) where known; a few that are
only approximate are marked "approximate" below. Not modelled: groups and channels, inline
mode, payments, flood limits (429), media other than voice/audio/document from the bot.

Run ``python -m tests.support.fake_bot_api --port 8081`` to serve by hand (see `main`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import inspect
import json
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from tests.support.telegram_formatting import EntityParseError, parse_text
from tests.support.telegram_records import (
    JSON,
    ApiCall,
    BotMessage,
    CallbackQueryRecord,
    ChatActionRecord,
    StoredFile,
    UserActionRefused,
    WaitTimeout,
    WebhookConfig,
    WebhookDelivery,
    reply_keyboard_texts,
)
from tests.support.telegram_user import TelegramUser

T = TypeVar("T")

DEFAULT_TOKEN = "123456789:AAHfakeBotApiTokenForLoopbackTest12"
_LOG = logging.getLogger("tests.support.fake_bot_api")

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024
MAX_UPLOAD = 50 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update types a bot gets when it never chose (allowed_updates empty or never given).
NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
_WELL_FORMED_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_WEBHOOK_PORTS = (80, 88, 443, 8443)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_BAD_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_TERMINATED = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)


class ApiError(Exception):
    """A Bot API error reply."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description


@dataclass
class _Upload:
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class _Result:
    """A handler's result with the optional ``description`` Telegram adds to some replies."""

    value: Any
    description: str | None = None


class _Params:
    """Request parameters: strings from forms or query strings, or JSON values."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, _Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value) if isinstance(value, dict | list | bool) else str(value)

    def integer(self, name: str) -> int | None:
        return self._numeric(name, int)

    def number(self, name: str) -> float | None:
        return self._numeric(name, float)

    def _numeric(self, name: str, kind: Callable[[Any], T]) -> T | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return kind(value)
        except (TypeError, ValueError):
            # approximate wording
            raise ApiError(400, f'Bad Request: field "{name}" must be a valid Number') from None

    def boolean(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json_value(self, name: str, what: str | None = None) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {what or name} JSON object") from None

    def summary(self) -> JSON:
        """Parameters for the call log, with JSON strings decoded and files summarised."""
        out: JSON = {}
        for name, value in self.values.items():
            if isinstance(value, str) and value[:1] in "[{":
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            out[name] = value
        for name, upload in self.uploads.items():
            out[name] = f"<file {upload.filename!r}, {len(upload.data)} bytes>"
        return out


@dataclass(eq=False)
class _Chat:
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


class _Poll:
    """One waiting getUpdates request."""

    def __init__(self) -> None:
        self.terminated: str | None = None


class FakeBotAPI:
    """A fake Telegram Bot API server on 127.0.0.1 for one bot token.

    Start with `start()` or ``with``; `url` is then ``http://127.0.0.1:<port>``. Methods are
    thread-safe; the ``wait_*`` methods block (use the ``*_async`` forms inside an event loop
    that must keep running, e.g. one that hosts the bot).
    """

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
        self._chats: dict[int, _Chat] = {}
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
        self._poll: _Poll | None = None
        self._unknown_methods: list[str] = []
        self._methods: dict[str, Callable[[_Params], Any]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "sendvoice": lambda p: self._send_media(p, "voice"),
            "sendaudio": lambda p: self._send_media(p, "audio"),
            "senddocument": lambda p: self._send_media(p, "document"),
            "sendchataction": self._send_chat_action,
            "answercallbackquery": self._answer_callback_query,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "getfile": self._get_file,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "close": lambda p: True,
            "logout": lambda p: True,
        }

    # ----------------------------------------------------------------- lifecycle

    @property
    def bot_base_url(self) -> str:
        """For ``ApplicationBuilder.base_url`` / ``Bot(base_url=...)``."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """For ``ApplicationBuilder.base_file_url`` / ``Bot(base_file_url=...)``."""
        return f"{self.url}/file/bot"

    def start(self) -> FakeBotAPI:
        """Listen on `host`:`port` (0: a free port) and serve from a background thread."""
        if self._thread is not None:
            raise RuntimeError("FakeBotAPI already started")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(128)
        sock.setblocking(False)
        self.port = int(sock.getsockname()[1])
        self.url = f"http://{self.host}:{self.port}"
        ready = threading.Event()
        failures: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._serve, args=(sock, ready, failures), name=f"FakeBotAPI:{self.port}"
        )
        self._thread.daemon = True
        self._thread.start()
        if not ready.wait(10) or failures:
            self.stop()
            raise RuntimeError("FakeBotAPI did not start") from (failures[0] if failures else None)
        return self

    def stop(self) -> None:
        """Stop serving (pending long polls return at once) and join the thread.

        State is kept: `start()` again serves it on the same port (a Telegram outage).
        """
        thread, loop = self._thread, self._loop
        if thread is None:
            return
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(loop.stop)
        thread.join(15)
        self._thread = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(
        self, sock: socket.socket, ready: threading.Event, failures: list[BaseException]
    ) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._startup(sock))
        except BaseException as exc:  # reported to start()
            failures.append(exc)
            ready.set()
            loop.close()
            return
        with self._lock:
            self._loop = loop
        ready.set()
        try:
            loop.run_forever()
        finally:
            with self._lock:
                self._loop = None
            loop.run_until_complete(self._cleanup())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _startup(self, sock: socket.socket) -> None:
        self._stopping = False
        self._async_event = asyncio.Event()
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=2.0
        )
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self._session = ClientSession()

    async def _cleanup(self) -> None:
        self._stopping = True
        self._wake()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

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

    # ------------------------------------------------------------ test-facing API

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
            state = _Chat(user=user, chat=chat, chat_instance=str(7_919_000_000_000 + user_id))
            self._chats[user_id] = state
            person = TelegramUser(self, state)
            self._users.append(person)
            return person

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
            return copy.deepcopy(self._commands.get(_commands_key(scope, language_code), []))

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

    def post_update(
        self,
        url: str,
        update: JSON | bytes,
        secret_token: str | None = None,
        *,
        content_type: str = "application/json",
        timeout: float = 5.0,
    ) -> int:
        """POST an update to `url` as Telegram would (secret header only if given); the status."""
        loop = self._loop
        if loop is None or threading.current_thread() is self._thread:
            raise RuntimeError("post_update needs a running FakeBotAPI, from another thread")
        coro = self._post(url, update, secret_token, content_type, timeout)
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        status, error = future.result(timeout + 5)
        if status is None:
            raise ConnectionError(f"POST {url} failed: {error}")
        return status

    async def post_update_async(
        self,
        url: str,
        update: JSON | bytes,
        secret_token: str | None = None,
        *,
        content_type: str = "application/json",
        timeout: float = 5.0,
    ) -> int:
        """`post_update` without blocking the calling event loop."""
        return await asyncio.to_thread(
            self.post_update, url, update, secret_token, content_type=content_type, timeout=timeout
        )

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

    def _user_message(self, chat: _Chat, content: JSON, *, enqueue: bool = True) -> JSON:
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

    def _tap(self, chat: _Chat, message_id: int, label: str) -> str:
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

    def _set_blocked(self, chat: _Chat, blocked: bool) -> None:
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

    # ---------------------------------------------------------------- HTTP layer

    async def _read_params(self, request: web.Request) -> _Params:
        values: dict[str, Any] = dict(request.query)
        uploads: dict[str, _Upload] = {}
        if request.method == "POST" and request.body_exists:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError(
                        400, "Bad Request: can't parse JSON encoded parameters"
                    ) from None
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: JSON object expected")  # approximate
                values.update(body)
            else:
                form = await request.post()
                for name, value in form.items():
                    if isinstance(value, web.FileField):
                        uploads[name] = _Upload(
                            value.filename, value.content_type, value.file.read()
                        )
                    elif isinstance(value, bytes):
                        values[name] = value.decode("utf-8", "replace")
                    else:
                        values[name] = value
        return _Params(values, uploads)

    async def _handle_method(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        params = _Params({}, {})
        description: str | None = None
        try:
            params = await self._read_params(request)
            if token != self.token:
                raise (
                    ApiError(401, "Unauthorized")
                    if _WELL_FORMED_TOKEN.match(token)
                    else ApiError(404, "Not Found")
                )
            handler = self._methods.get(method.lower())
            if handler is None:
                with self._lock:
                    self._unknown_methods.append(method)
                _LOG.warning("fake Bot API: method %s is not implemented (404)", method)
                raise ApiError(404, "Not Found")
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
            if isinstance(result, _Result):
                body: JSON = {"ok": True, "result": result.value}
                if result.description:
                    body["description"] = result.description
            else:
                body = {"ok": True, "result": result}
            status = 200
        except ApiError as error:
            status, description = error.code, error.description
            body = {"ok": False, "error_code": error.code, "description": error.description}
        except asyncio.CancelledError:  # the client went away (e.g. PTB stopped polling)
            with self._lock:
                self._calls.append(ApiCall(method, params.summary(), 499, "client closed request"))
                self._changed()
            raise
        with self._lock:
            self._calls.append(ApiCall(method, params.summary(), status, description))
            self._changed()
        level = logging.INFO if self.log_requests else logging.DEBUG
        _LOG.log(
            level, "%s %s -> %s %s", method, _short(params.summary()), status, description or ""
        )
        return web.json_response(body, status=status)

    async def _handle_download(self, request: web.Request) -> web.Response:
        with self._lock:
            if request.match_info["token"] != self.token:
                return web.json_response(
                    {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
                )
            stored = self._files_by_path.get(request.match_info["path"])
            if stored is not None:
                self._downloads.append(stored.file_path)
                self._changed()
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _post(
        self,
        url: str,
        update: JSON | bytes,
        secret_token: str | None,
        content_type: str = "application/json",
        timeout: float = 10.0,
    ) -> tuple[int | None, str | None]:
        """POST to a webhook; the status, or None and a reason like Telegram's last_error."""
        assert self._session is not None
        body = update if isinstance(update, bytes) else json.dumps(update).encode()
        headers = {"Content-Type": content_type}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        try:
            async with self._session.post(
                url, data=body, headers=headers, timeout=ClientTimeout(total=timeout)
            ) as response:
                await response.read()
                return response.status, None
        except asyncio.TimeoutError:
            return None, "Read timeout expired"
        except ClientError as error:
            return None, f"Connection failed: {error}"

    async def _webhook_worker(self) -> None:
        """Deliver queued updates to the webhook in order, retrying failures like Telegram."""
        while not self._stopping:
            with self._lock:
                hook = self._webhook
                if hook is None:
                    return
                update = self._updates[0] if self._updates else None
                event = self._async_event
            if update is None:
                assert event is not None
                await event.wait()
                continue
            status, error = await self._post(hook.url, update, hook.secret_token)
            delivered = status is not None and 200 <= status < 300
            with self._lock:
                self._deliveries.append(
                    WebhookDelivery(update["update_id"], hook.url, status, hook.secret_token, error)
                )
                if delivered and self._updates and self._updates[0] is update:
                    self._updates.pop(0)
                elif not delivered:
                    hook.last_error_date = int(time.time())
                    hook.last_error_message = error or (
                        f"Wrong response from the webhook: {status} {_phrase(status)}"
                    )
                self._changed()
            if not delivered:
                await asyncio.sleep(self.webhook_retry_delay)

    # ------------------------------------------------------------------ methods

    def _get_me(self, params: _Params) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: _Params) -> list[JSON]:
        offset = params.integer("offset")
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = min(max(params.number("timeout") or 0.0, 0.0), 50.0)
        allowed = params.json_value("allowed_updates")
        with self._lock:
            if self._webhook is not None:
                raise ApiError(409, _WEBHOOK_ACTIVE)
            if allowed is not None:
                self._allowed_updates = [str(kind) for kind in allowed] or None
            if self._poll is not None:
                self._poll.terminated = _TERMINATED
            poll = self._poll = _Poll()
            self._changed()
            if offset is not None and offset < 0:
                del self._updates[: max(len(self._updates) + offset, 0)]
            elif offset is not None:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                with self._lock:
                    if poll.terminated:
                        raise ApiError(409, poll.terminated)
                    if self._updates or self._stopping:
                        return copy.deepcopy(self._updates[:limit])
                    event = self._async_event
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                assert event is not None
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            with self._lock:
                if self._poll is poll:
                    self._poll = None
                    self._changed()

    def _chat_for(self, params: _Params, *, sending: bool = True) -> _Chat:
        raw = params.text("chat_id")
        if raw is None or raw.strip() == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        try:
            chat = self._chats.get(int(raw))
        except ValueError:
            chat = None  # @username: private chats have none the bot can use
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if sending and chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _formatted(
        self, params: _Params, name: str, entities_name: str, limit: int, too_long: str
    ) -> tuple[str | None, list[JSON], str | None, str | None]:
        """Text or caption after parse_mode: plain, entities, source, parse_mode."""
        source = params.text(name)
        if source is None:
            return None, [], None, None
        parse_mode = params.text("parse_mode") or None
        try:
            plain, entities = parse_text(source, parse_mode)
        except EntityParseError as error:
            raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
        if parse_mode is None:
            entities = list(params.json_value(entities_name) or [])
        if len(plain) > limit:
            raise ApiError(400, too_long)
        return plain, entities, source, parse_mode

    def _caption(self, params: _Params) -> tuple[str | None, list[JSON]]:
        too_long = "Bad Request: message caption is too long"
        caption, entities, _, _ = self._formatted(
            params, "caption", "caption_entities", MAX_CAPTION, too_long
        )
        return caption, entities

    def _reply_markup(self, params: _Params, *, inline_only: bool = False) -> JSON | None:
        markup = params.json_value("reply_markup", "reply keyboard markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: object expected as reply markup")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                # approximate wording
                raise ApiError(400, 'Bad Request: field "inline_keyboard" must be an Array')
            for row in rows:
                for button in row:
                    _check_inline_button(button)
            return markup
        if inline_only:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        if "keyboard" in markup or markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")

    def _reply_to(self, chat: _Chat, params: _Params) -> JSON | None:
        reply = params.json_value("reply_parameters") or {}
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        message_id = message_id or params.integer("reply_to_message_id")
        if not message_id:
            return None
        message_id = int(message_id)
        if message_id in chat.bot_messages and not chat.bot_messages[message_id].deleted:
            return chat.bot_messages[message_id].to_dict()
        if message_id in chat.user_messages and message_id not in chat.deleted_user_messages:
            return copy.deepcopy(chat.user_messages[message_id])
        if reply.get("allow_sending_without_reply") or params.boolean(
            "allow_sending_without_reply"
        ):
            return None
        raise ApiError(400, "Bad Request: message to be replied not found")

    def _add_bot_message(self, chat: _Chat, message: BotMessage) -> BotMessage:
        chat.bot_messages[message.message_id] = message
        keyboard = reply_keyboard_texts(message.reply_markup)
        if keyboard is not None:
            chat.reply_keyboard = keyboard
        elif message.reply_markup and message.reply_markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        self._changed()
        return message

    def _send_message(self, params: _Params) -> JSON:
        with self._lock:
            chat = self._chat_for(params)
            raw = params.text("text")
            if raw is None or raw.strip() == "":
                raise ApiError(400, "Bad Request: message text is empty")
            text, entities, source, parse_mode = self._formatted(
                params, "text", "entities", MAX_TEXT, "Bad Request: message is too long"
            )
            if not text or not text.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            markup = self._reply_markup(params)
            reply_to = self._reply_to(chat, params)
            message = BotMessage(
                chat_id=chat.id,
                message_id=chat.take_message_id(),
                kind="text",
                date=int(time.time()),
                sender=self.bot_user,
                chat=chat.chat,
                text=text,
                entities=entities,
                parse_mode=parse_mode,
                source_text=source,
                reply_markup=markup,
                sent_reply_markup=copy.deepcopy(markup),
                reply_to=reply_to,
            )
            return self._add_bot_message(chat, message).to_dict()

    def _send_media(self, params: _Params, kind: str) -> JSON:
        with self._lock:
            chat = self._chat_for(params)
            stored = self._media_file(params, kind)
            caption, caption_entities = self._caption(params)
            markup = self._reply_markup(params)
            reply_to = self._reply_to(chat, params)
            if kind == "voice" and not _is_voice_audio(stored.data):
                kind = "document"  # other formats do not play as a voice note: sent as a file
            media: JSON = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data),
            }
            if kind in ("voice", "audio"):
                media["duration"] = params.integer("duration") or 0
                media["mime_type"] = stored.mime_type or _audio_mime(stored.data)
            else:
                media["file_name"] = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
                media["mime_type"] = stored.mime_type or "application/octet-stream"
            if kind == "audio":
                for name in ("performer", "title"):
                    if params.text(name):
                        media[name] = params.text(name)
            message = BotMessage(
                chat_id=chat.id,
                message_id=chat.take_message_id(),
                kind=kind,
                date=int(time.time()),
                sender=self.bot_user,
                chat=chat.chat,
                caption=caption,
                caption_entities=caption_entities,
                reply_markup=markup,
                sent_reply_markup=copy.deepcopy(markup),
                media=media,
                file_bytes=stored.data,
                reply_to=reply_to,
            )
            return self._add_bot_message(chat, message).to_dict()

    def _media_file(self, params: _Params, kind: str) -> StoredFile:
        """The file for sendVoice/sendAudio/sendDocument: an upload or a known file_id."""
        value = params.text(kind)
        upload = params.uploads.get(kind)
        if upload is None and value and value.startswith("attach://"):
            upload = params.uploads.get(value[len("attach://") :])
        if upload is not None:
            if not upload.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            extension = {"voice": ".oga", "audio": ".mp3"}.get(kind, "")
            if kind == "document" and upload.filename and "." in upload.filename:
                extension = "." + upload.filename.rsplit(".", 1)[-1]
            mime = upload.content_type
            if mime in (None, "application/octet-stream") and kind != "document":
                mime = None
            folder = {"voice": "voice", "audio": "music"}.get(kind, "documents")
            return self._store_file(upload.data, folder, extension, mime, upload.filename)
        if not value:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        stored = self._files.get(value)
        if stored is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return stored

    def _send_chat_action(self, params: _Params) -> bool:
        with self._lock:
            chat = self._chat_for(params)
            action = params.text("action")
            if action not in CHAT_ACTIONS:
                raise ApiError(400, "Bad Request: wrong parameter action in request")
            self._chat_actions.append(ChatActionRecord(chat.id, action))
            self._changed()
            return True

    def _answer_callback_query(self, params: _Params) -> bool:
        with self._lock:
            query = self._callback_queries.get(params.text("callback_query_id") or "")
            if query is None or query.answered:
                raise ApiError(400, _BAD_QUERY)
            query.answered = True
            query.answer_text = params.text("text")
            query.show_alert = params.boolean("show_alert")
            query.answer_url = params.text("url")
            self._changed()
            return True

    def _message_to_edit(self, params: _Params) -> tuple[_Chat, BotMessage]:
        if params.text("inline_message_id"):
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat_for(params, sending=False)
        message_id = params.integer("message_id")
        if message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        if message_id in chat.user_messages:
            raise ApiError(400, "Bad Request: message can't be edited")
        message = chat.bot_messages.get(message_id)
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        return chat, message

    def _apply_markup(self, message: BotMessage, markup: JSON | None) -> None:
        if markup != _inline(message.reply_markup):
            message.keyboard_edits += 1
            message.reply_markup = markup

    def _edit_message_text(self, params: _Params) -> JSON:
        with self._lock:
            _, message = self._message_to_edit(params)
            raw = params.text("text")
            if raw is None or raw.strip() == "":
                raise ApiError(400, "Bad Request: message text is empty")
            if message.text is None:
                raise ApiError(400, "Bad Request: there is no text in the message to edit")
            text, entities, source, parse_mode = self._formatted(
                params, "text", "entities", MAX_TEXT, "Bad Request: message is too long"
            )
            markup = self._reply_markup(params, inline_only=True)
            current = (message.text, message.entities, _inline(message.reply_markup))
            if (text, entities, markup) == current:
                raise ApiError(400, _NOT_MODIFIED)
            message.text_history.append(message.text)
            message.text, message.entities = text, entities
            message.source_text, message.parse_mode = source, parse_mode
            self._apply_markup(message, markup)  # no reply_markup: the keyboard goes
            message.edit_date = int(time.time())
            self._changed()
            return message.to_dict()

    def _edit_message_caption(self, params: _Params) -> JSON:
        with self._lock:
            _, message = self._message_to_edit(params)
            if message.kind == "text":
                raise ApiError(400, "Bad Request: there is no caption in the message to edit")
            caption, entities = self._caption(params)
            markup = self._reply_markup(params, inline_only=True)
            current = (message.caption, message.caption_entities, _inline(message.reply_markup))
            if (caption, entities, markup) == current:
                raise ApiError(400, _NOT_MODIFIED)
            message.text_history.append(message.caption or "")
            message.caption, message.caption_entities = caption, entities
            self._apply_markup(message, markup)
            message.edit_date = int(time.time())
            self._changed()
            return message.to_dict()

    def _edit_message_reply_markup(self, params: _Params) -> JSON:
        with self._lock:
            _, message = self._message_to_edit(params)
            markup = self._reply_markup(params, inline_only=True)
            if markup == _inline(message.reply_markup):
                raise ApiError(400, _NOT_MODIFIED)
            self._apply_markup(message, markup)
            message.edit_date = int(time.time())
            self._changed()
            return message.to_dict()

    def _delete_message(self, params: _Params) -> bool:
        with self._lock:
            chat = self._chat_for(params, sending=False)
            message_id = params.integer("message_id")
            message = chat.bot_messages.get(message_id or 0)
            if message is not None and not message.deleted:
                message.deleted = True
            elif message_id in chat.user_messages and message_id not in chat.deleted_user_messages:
                chat.deleted_user_messages.add(message_id)
            else:
                raise ApiError(400, "Bad Request: message to delete not found")
            self._changed()
            return True

    def _get_file(self, params: _Params) -> JSON:
        with self._lock:
            file_id = params.text("file_id") or ""
            stored = self._files.get(file_id)
            if not file_id.strip():
                raise ApiError(400, "Bad Request: file_id is empty")  # approximate
            if stored is None:
                raise ApiError(400, "Bad Request: invalid file_id")
            if len(stored.data) > MAX_DOWNLOAD:
                raise ApiError(400, "Bad Request: file is too big")
            return {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data),
                "file_path": stored.file_path,
            }

    def _set_webhook(self, params: _Params) -> _Result:
        url = params.text("url") or ""
        if url == "":
            return self._delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        if self.strict_webhook_urls:
            if parts.scheme != "https":
                raise ApiError(
                    400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
                )
            if (parts.port or 443) not in _WEBHOOK_PORTS:
                raise ApiError(
                    400,
                    "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 "
                    "or 8443",
                )
        secret = params.text("secret_token")
        if secret is not None and not _SECRET_TOKEN.match(secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        allowed = params.json_value("allowed_updates")
        with self._lock:
            if allowed is not None:
                self._allowed_updates = [str(kind) for kind in allowed] or None
            if params.boolean("drop_pending_updates"):
                self._updates.clear()
            if self._poll is not None:
                self._poll.terminated = "Conflict: terminated by setWebhook request"
            self._webhook = WebhookConfig(
                url=url,
                secret_token=secret,
                max_connections=params.integer("max_connections") or 40,
                ip_address=params.text("ip_address"),
                has_custom_certificate="certificate" in params.uploads,
            )
            self._changed()
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_worker())
        return _Result(True, "Webhook was set")

    def _delete_webhook(self, params: _Params) -> _Result:
        with self._lock:
            was_set = self._webhook is not None
            self._webhook = None
            if params.boolean("drop_pending_updates"):
                self._updates.clear()
            self._changed()
        return _Result(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    def _get_webhook_info(self, params: _Params) -> JSON:
        with self._lock:
            hook = self._webhook
            info: JSON = {
                "url": hook.url if hook else "",
                "has_custom_certificate": bool(hook and hook.has_custom_certificate),
                "pending_update_count": len(self._updates),
            }
            if hook is not None:
                info["max_connections"] = hook.max_connections
                if hook.ip_address:
                    info["ip_address"] = hook.ip_address
                if hook.last_error_date is not None:
                    info["last_error_date"] = hook.last_error_date
                    info["last_error_message"] = hook.last_error_message
                if self._allowed_updates:
                    info["allowed_updates"] = list(self._allowed_updates)
            return info

    def _set_my_commands(self, params: _Params) -> bool:
        commands = params.json_value("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be an Array of at most 100 BotCommand")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command"))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")  # approximate
        key = _commands_key(params.json_value("scope"), params.text("language_code") or "")
        with self._lock:
            self._commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
            self._changed()
        return True

    def _get_my_commands(self, params: _Params) -> list[JSON]:
        key = _commands_key(params.json_value("scope"), params.text("language_code") or "")
        with self._lock:
            return copy.deepcopy(self._commands.get(key, []))

    def _delete_my_commands(self, params: _Params) -> bool:
        key = _commands_key(params.json_value("scope"), params.text("language_code") or "")
        with self._lock:
            self._commands.pop(key, None)
            self._changed()
        return True


def _commands_key(scope: Any, language_code: str) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code


def _inline(markup: JSON | None) -> JSON | None:
    """`markup` if it is an inline keyboard (the only kind a sent message keeps)."""
    return markup if markup and "inline_keyboard" in markup else None


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text is required")
    if not any(action in button for action in BUTTON_ACTIONS):
        raise ApiError(
            400,
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
            "inline keyboard",
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if "url" in button and not str(button["url"]).startswith(("http://", "https://", "tg://")):
        raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")


def _is_voice_audio(data: bytes) -> bool:
    """OGG (Opus), MP3 or M4A: the formats Telegram plays as a voice note."""
    return _audio_mime(data) != "application/octet-stream"


def _audio_mime(data: bytes) -> str:
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if data[4:8] == b"ftyp":
        return "audio/mp4"
    return "application/octet-stream"


def _phrase(status: int | None) -> str:
    try:
        return HTTPStatus(status or 0).phrase
    except ValueError:
        return ""


def _short(params: JSON) -> str:
    shown = {
        name: (value[:60] + "…" if isinstance(value, str) and len(value) > 60 else value)
        for name, value in params.items()
    }
    return json.dumps(shown, ensure_ascii=False)[:300]


# ----------------------------------------------------------------------- by hand


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl-C, logging requests; stdin lines are sent as a person's messages."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--user", default="Sam", help="first name of the person typing")
    parser.add_argument("--no-input", action="store_true", help="do not read stdin")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    with FakeBotAPI(args.token, host=args.host, port=args.port, log_requests=True) as api:
        person = api.new_user(first_name=args.user)
        print(f"Fake Telegram Bot API on {api.url}  token {api.token}")
        print(f"  base_url={api.bot_base_url}  base_file_url={api.file_base_url}")
        print(f"  chat_id of {person.first_name}: {person.id}")
        if not args.no_input:
            print("Type a line to send it; '!tap <button>' taps the last keyboard.")
        try:
            if not args.no_input:
                for line in sys.stdin:
                    _manual_input(person, line.rstrip("\n"))
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


def _manual_input(person: TelegramUser, line: str) -> None:
    try:
        if line.startswith("!tap "):
            keyboards = [m for m in person.messages if m.buttons and not m.deleted]
            if not keyboards:
                print("no message with buttons")
                return
            person.tap(keyboards[-1], line[len("!tap ") :].strip())
        elif line.strip():
            person.send_text(line)
    except AssertionError as error:
        print(error)


if __name__ == "__main__":
    raise SystemExit(main())
