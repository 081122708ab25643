"""The HTTP side of the fake: the aiohttp app and its routes, its thread and its lifecycle.

`FakeBotAPI` combines the method mixins with this server. The server runs in its own thread
with its own event loop, so tests and the bot may run in any other thread or loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import re
import socket
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import ClientSession, web

from tests.support.fake_bot_api.inspection import InspectionMixin
from tests.support.fake_bot_api.messages import MESSAGE_METHODS, MessageMethods
from tests.support.fake_bot_api.params import ApiError, Params, Result, read_params
from tests.support.fake_bot_api.updates import UPDATE_METHODS, UpdateMethods
from tests.support.fake_bot_api.webhook import WEBHOOK_METHODS, WebhookMethods
from tests.support.telegram_records import JSON, ApiCall

# The package's name, as before the split, so logging configuration keeps applying.
_LOG = logging.getLogger("tests.support.fake_bot_api")

MAX_UPLOAD = 50 * 1024 * 1024
_WELL_FORMED_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class FakeBotAPI(InspectionMixin, MessageMethods, UpdateMethods, WebhookMethods):
    """A fake Telegram Bot API server on 127.0.0.1 for one bot token.

    Start with `start()` or ``with``; `url` is then ``http://127.0.0.1:<port>``. Methods are
    thread-safe; the ``wait_*`` methods block (use the ``*_async`` forms inside an event loop
    that must keep running, e.g. one that hosts the bot).
    """

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

    # ---------------------------------------------------------------- HTTP layer

    async def _handle_method(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        params = Params({}, {})
        description: str | None = None
        try:
            params = await read_params(request)
            if token != self.token:
                raise (
                    ApiError(401, "Unauthorized")
                    if _WELL_FORMED_TOKEN.match(token)
                    else ApiError(404, "Not Found")
                )
            handler = _METHODS.get(method.lower())
            if handler is None:
                with self._lock:
                    self._unknown_methods.append(method)
                _LOG.warning("fake Bot API: method %s is not implemented (404)", method)
                raise ApiError(404, "Not Found")
            result = handler(self, params)
            if inspect.isawaitable(result):
                result = await result
            if isinstance(result, Result):
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


# Lower-case method name -> handler (names are case-insensitive); unknown ones answer 404.
_METHODS: dict[str, Callable[[FakeBotAPI, Params], Any]] = {
    **UPDATE_METHODS,
    **MESSAGE_METHODS,
    **WEBHOOK_METHODS,
}


def _short(params: JSON) -> str:
    shown = {
        name: (value[:60] + "…" if isinstance(value, str) and len(value) > 60 else value)
        for name, value in params.items()
    }
    return json.dumps(shown, ensure_ascii=False)[:300]
