"""Run a real python-telegram-bot `Application` in a background thread, for sync tests.

`ApplicationThread` calls PTB's own ``run_polling`` / ``run_webhook`` (so ``post_init``,
``post_stop`` and ``post_shutdown`` run as in production) in a thread with a fresh event
loop, with ``stop_signals=None`` and ``close_loop=False``. Entering returns once the
application and its updater are running (for webhooks: the webhook server is listening);
leaving stops it the way PTB intends, via ``Application.stop_running`` on the app's loop, and
re-raises anything ``run_*`` raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from types import TracebackType
from typing import Any

from telegram.ext import Application


class ApplicationThread:
    """``with ApplicationThread(app): ...`` runs `app` by polling, or by webhook if given.

    `webhook`: keyword arguments for ``run_webhook`` (listen, port, url_path, secret_token,
    webhook_url...); otherwise `polling` keyword arguments go to ``run_polling``.
    """

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        *,
        webhook: dict[str, Any] | None = None,
        polling: dict[str, Any] | None = None,
        ready_timeout: float = 10.0,
    ) -> None:
        self.application = application
        self.webhook = webhook
        self.polling = polling or {}
        self.ready_timeout = ready_timeout
        self.loop: asyncio.AbstractEventLoop | None = None
        self.error: BaseException | None = None
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> ApplicationThread:
        self._thread = threading.Thread(target=self._run, name="PTB-Application", daemon=True)
        self._thread.start()
        if not self._ready.wait(self.ready_timeout):
            raise TimeoutError(f"the Application did not start in {self.ready_timeout}s")
        if self.error is not None:
            self._thread.join(5)
            raise self.error
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the application (as PTB does on a stop signal) and join its thread."""
        thread, loop = self._thread, self.loop
        if thread is None:
            return
        if loop is not None and thread.is_alive():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.application.stop_running)
        thread.join(timeout)
        self._thread = None
        if thread.is_alive():
            raise TimeoutError(f"the Application did not stop in {timeout}s")
        if self.error is not None:
            raise self.error

    def __enter__(self) -> ApplicationThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self.loop = loop
        watcher = loop.create_task(self._signal_ready())
        try:
            if self.webhook is not None:
                self.application.run_webhook(stop_signals=None, close_loop=False, **self.webhook)
            else:
                self.application.run_polling(stop_signals=None, close_loop=False, **self.polling)
        except BaseException as exc:  # re-raised by start()/stop()
            self.error = exc
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(watcher)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._ready.set()

    async def _signal_ready(self) -> None:
        """Set ready once the app and updater run (PTB offers no event for it)."""
        app = self.application
        while not (app.running and app.updater is not None and app.updater.running):
            await asyncio.sleep(0.005)
        self._ready.set()
