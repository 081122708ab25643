"""Rasa's Redis lock store, with every change to a lock made atomically, and a wait that ends.

Rasa keeps one lock per conversation: a queue of tickets, each message waiting for its turn.
Two things go wrong with Rasa 3.6.21's `RedisLockStore` when there are several Rasa servers:

- It reads the queue, changes it in the Rasa server's memory and writes it back. Two servers
  taking a ticket for the same person at the same moment can both read the same queue: they get
  the same ticket and handle two messages at once, or one server's write drops the other's
  ticket. Here each read-change-write is one Redis transaction (WATCH, MULTI, EXEC, tried again
  when another server changed the lock in between).
- A ticket lives 60 seconds from when it is taken (TICKET_LOCK_LIFETIME), so that a server that
  dies holding one frees the conversation after that. But a ticket that runs out while it waits
  (behind the dead server's) is never served: Rasa then takes the empty queue to be serving
  ticket 0 and waits for ever. Here a waiting message goes as soon as no live ticket is ahead of
  its own, and its ticket gets a full lifetime from then, so the next one waits for it.

The rest is Rasa's: waiting a second between looks, the keys and their JSON. Written for Rasa
3.6.21 (bot/rasa/patches.py's PINNED; `_acquire_lock` is Rasa's own method, replaced here), and
refuses to start with any other.

Rasa loads it from bot/rasa/endpoints.yml when LOCK_STORE=redis (ras_core/settings.py), with
REDIS_URL as the endpoint's url: redis://:password@host:port/db, or rediss:// for TLS.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

import rasa
import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import (
    DEFAULT_SOCKET_TIMEOUT_IN_SECONDS,
    LOCK_LIFETIME,
    LockError,
    RedisLockStore,
)
from rasa.utils.endpoints import EndpointConfig

from bot.rasa.patches import PINNED, UnexpectedRasa

Result = TypeVar("Result")
# Given the lock as it is in Redis (None: there is none), the lock to write (None: delete it)
# and what the caller gets back.
Change = Callable[[TicketLock | None], tuple[TicketLock | None, Result]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        if rasa.__version__ != PINNED:
            raise UnexpectedRasa(
                f"bot/cluster/lock_store.py was written for Rasa {PINNED}, not {rasa.__version__}."
            )
        prefix = endpoint_config.kwargs.get("key_prefix")
        super().__init__(key_prefix=str(prefix) if prefix else None)
        if not endpoint_config.url:
            raise ValueError("The Redis lock store needs REDIS_URL (bot/rasa/endpoints.yml).")
        self.red = redis.StrictRedis.from_url(
            endpoint_config.url, socket_timeout=DEFAULT_SOCKET_TIMEOUT_IN_SECONDS
        )
        self.red.ping()  # no Redis: fail now, with Redis's own message, not at the first message

    def _change(self, conversation_id: str, change: Change[Result]) -> Result:
        """Read the conversation's lock, change it and write it back, as one transaction."""
        key = self.key_prefix + conversation_id

        def attempt(pipe: Any) -> Result:  # redis-py's Pipeline, watching `key`
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            changed, result = change(lock)
            pipe.multi()
            if changed is None:
                pipe.delete(key)
            else:
                pipe.set(key, changed.dumps())
            return result

        found: Result = self.red.transaction(attempt, key, value_from_callable=True)
        return found

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # as Rasa's own: the message fails with a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def remove_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, remove_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Hand the ticket back; the lock goes when nobody else holds a ticket."""

        def hand_back(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, hand_back)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Rasa's own reads the lock again to delete it when nobody waits: one step here.
        self.finish_serving(conversation_id, ticket_number)

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        """Wait until no live ticket is ahead of `ticket`; then it is served, for a lifetime."""

        def take_turn(lock: TicketLock | None) -> tuple[TicketLock | None, TicketLock | None]:
            lock = lock or TicketLock(conversation_id)
            lock.remove_expired_tickets()
            if any(other.number < ticket for other in lock.tickets):
                return lock, None  # someone is before us: wait
            others = [other for other in lock.tickets if other.number != ticket]
            # Ours, from now: a full lifetime, even if it ran out while it waited.
            served = Ticket(ticket, time.time() + LOCK_LIFETIME)
            lock.tickets = deque(sorted([served, *others], key=lambda each: each.number))
            return lock, lock

        while True:
            served = self._change(conversation_id, take_turn)
            if served is not None:
                return served
            await asyncio.sleep(wait_time_in_seconds)
