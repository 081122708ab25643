"""How many sign-in tries this dashboard takes a minute: from one client address, and in all.

A sliding window over the times of the tries let through in the last minute, kept in this
process (each dashboard process counts its own). A try over either limit is turned away before
any password is checked, so a flood of guesses costs no Argon2 and no database work. Behind a
reverse proxy every client has the proxy's address: the limit per address is then for all.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class SignInThrottle:
    def __init__(
        self,
        per_address: int,
        overall: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_address = per_address
        self.overall = overall
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._everyone: deque[float] = deque()
        self._by_address: dict[str, deque[float]] = {}

    def allow(self, address: str) -> bool:
        """Whether a try from this address may go ahead now; if so, it is counted."""
        with self._lock:
            at = self._clock()
            since = at - self.window
            _forget(self._everyone, since)
            mine = self._by_address.setdefault(address, deque())
            _forget(mine, since)
            if len(self._everyone) >= self.overall or len(mine) >= self.per_address:
                self._tidy(since)
                return False
            self._everyone.append(at)
            mine.append(at)
            self._tidy(since)
            return True

    def _tidy(self, since: float) -> None:
        """Forget addresses with no try in the window. Each try let through is also in
        `_everyone`, so no more than `overall` addresses are remembered for long."""
        if len(self._by_address) > self.overall:
            for address in [
                a for a, times in self._by_address.items() if not _recent(times, since)
            ]:
                del self._by_address[address]


def _forget(times: deque[float], since: float) -> None:
    while times and times[0] <= since:
        times.popleft()


def _recent(times: deque[float], since: float) -> bool:
    return bool(times) and times[-1] > since
