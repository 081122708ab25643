"""Each server's log file: private (0600 in a 0700 folder) and kept under a size.

A log over `LogLimits.max_bytes` is moved aside when its server starts (`rasa.log.1`, ...), and
every `check_seconds` while it runs it is copied aside and emptied, so var/log never holds more
than about (keep + 1) x max_bytes per server. See ras_core/logs.py.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ras_core.logs import KEEP_LOGS, MAX_LOG_BYTES, copy_aside, open_private, rotate


@dataclass(frozen=True)
class LogLimits:
    max_bytes: int = MAX_LOG_BYTES
    keep: int = KEEP_LOGS  # old files: rasa.log.1 (newest) to rasa.log.5
    check_seconds: float = 30.0


def open_log(path: Path, limits: LogLimits) -> IO[bytes]:
    """The server's log, for appending; moved aside first when it is over the size."""
    rotate(path, limits.max_bytes, limits.keep)
    return os.fdopen(open_private(path, os.O_WRONLY | os.O_APPEND), "ab")


class LogWatch:
    """Keeps one log under its size while its server runs, from a daemon thread."""

    def __init__(self, path: Path, limits: LogLimits) -> None:
        self.path = path
        self.limits = limits
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, name=f"log size: {path.name}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def check(self) -> bool:
        """Copy the log aside and empty it if it is over the size; True if it was."""
        limits = self.limits
        if not copy_aside(self.path, limits.max_bytes, limits.keep):
            return False
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        where = f"are in {self.path.name}.1" if limits.keep >= 1 else "were deleted"
        with self.path.open("ab") as log:
            log.write(f"=== {stamp} the log was over its size: earlier lines {where}\n".encode())
        return True

    def _watch(self) -> None:
        while not self._stopped.wait(self.limits.check_seconds):
            with contextlib.suppress(OSError):  # a full disk must not stop the server
                self.check()
