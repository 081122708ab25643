"""What every action needs: the store, the questionnaire, the scheme, and who is writing."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker

from ras_core.casework import Casework
from ras_core.db import open_store
from ras_core.interview import Interview
from ras_core.planning import Planning
from ras_core.questionnaire import load_questionnaire
from ras_core.scheme import load_scheme
from ras_core.storage import Store, database_url
from ras_core.understanding import Turn


@lru_cache(maxsize=4)
def _store(url: str) -> Store:
    return open_store(url)


def store() -> Store:
    """One store per database URL, migrated on first use."""
    return _store(database_url())


def person_key(tracker: Tracker) -> tuple[str, str]:
    """(channel, id): front ends send "telegram:123"; anything else is keyed by its channel."""
    sender = tracker.sender_id
    if ":" in sender:
        channel, user_id = sender.split(":", 1)
        if channel and user_id:
            return channel, user_id
    return tracker.get_latest_input_channel() or "rest", sender


def interview(tracker: Tracker) -> Interview:
    questionnaire = load_questionnaire()
    scheme = load_scheme()
    channel, user_id = person_key(tracker)
    return Interview(store(), questionnaire, scheme, channel, user_id)


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
    )


def casework() -> Casework:
    return Casework(store().engine)


def planning(tracker: Tracker) -> Planning:
    channel, user_id = person_key(tracker)
    current = store()
    return Planning(current, casework(), current.person(channel, user_id))
