"""Work that must not hold up a reply: one small pool of worker threads, and a way to keep
trying something that must happen (an urgent flag) until it does."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)
RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)  # about nine minutes in all
_workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="background")


def soon(job: Callable[..., Any], *args: Any) -> Future[Any]:
    """Run the job in a worker thread; the caller does not wait."""
    return _workers.submit(job, *args)


def keep_trying(
    job: Callable[[], bool], what: str, delays: Sequence[float] | None = None
) -> threading.Thread:
    """Run the job again after each delay until it returns True.

    In a daemon thread of its own: a retry waiting minutes never holds up the pool or the
    process stopping.
    """

    waits = RETRY_DELAYS if delays is None else delays

    def attempts() -> None:
        for delay in waits:
            time.sleep(delay)
            try:
                if job():
                    log.info("Managed to %s after a retry", what)
                    return
            except Exception:
                log.exception("Still could not %s", what)
        log.error("Gave up trying to %s", what)

    thread = threading.Thread(target=attempts, name=f"retry: {what}", daemon=True)
    thread.start()
    return thread
