"""What every action needs: the store, who is writing, and their latest message as a Turn."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker

from ras_core import deployment
from ras_core.conversation.interview import Interview
from ras_core.conversation.planning import Planning
from ras_core.domain.understanding import Turn
from ras_core.store import Store, open_store
from ras_core.store.engine import database_url
from ras_core.store.people import Person


@lru_cache(maxsize=4)
def _store(url: str) -> Store:
    return open_store(url)


def store() -> Store:
    """One store per database URL, migrated on first use."""
    return _store(database_url())


def person_key(tracker: Tracker) -> tuple[str, str]:
    """(channel, id) from the sender id, which Rasa's input channels always namespace
    ("telegram:123", "rest:abc": bot/rasa/channels). Never from what a request claims about
    its channel: a bare id (only Rasa's token-protected HTTP API can make one) is kept apart."""
    channel, _, user_id = tracker.sender_id.partition(":")
    if channel and user_id:
        return channel, user_id
    return "api", tracker.sender_id


def person(tracker: Tracker) -> Person:
    """The person writing, added the first time they write."""
    return store().people.person(*person_key(tracker))


def interview(tracker: Tracker) -> Interview:
    return Interview(store(), deployment.questionnaire(), deployment.scheme(), person(tracker))


def planning(tracker: Tracker) -> Planning:
    return Planning(store(), person(tracker))


def latest_turn(tracker: Tracker) -> Turn:
    message: dict[str, Any] = tracker.latest_message or {}
    text = str(message.get("text") or "")
    intent = message.get("intent") or {}
    option = next(
        (
            str(entity.get("value", "")).upper()
            for entity in message.get("entities") or []
            if entity.get("entity") == "option"
        ),
        None,
    )
    return Turn(
        text=text,
        intent=intent.get("name"),
        confidence=float(intent.get("confidence") or 0.0),
        option=option,
        from_button=text.startswith("/"),
        # The Telegram front end marks words it heard in a voice note (REST "metadata").
        spoken=bool((message.get("metadata") or {}).get("spoken")),
        alternatives=tuple(
            (str(entry.get("name")), float(entry.get("confidence") or 0.0))
            for entry in (message.get("intent_ranking") or [])[1:]
        ),
    )
