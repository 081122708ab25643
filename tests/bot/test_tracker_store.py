"""The tracker store forgets a conversation when asked, and only that conversation.

Rasa's own SQL tracker store on a real SQLite file: no mock.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.rasa.tracker_store import FORGET_SLOT, PrivateSQLTrackerStore

DOMAIN = Domain.from_yaml(
    f"""
version: "3.1"
slots:
  {FORGET_SLOT}:
    type: bool
    influence_conversation: false
    mappings:
      - type: custom
"""
)


def conversation(sender: str, words: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered(words, {"name": "greet", "confidence": 1.0}),
            BotUttered("Hello. Do you want to go on?"),
            ActionExecuted("action_listen"),
        ],
        slots=DOMAIN.slots,
    )
    return tracker


def stored(database: Path) -> dict[str, list[str]]:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT sender_id, data FROM events ORDER BY id")).all()
    found: dict[str, list[str]] = {}
    for sender, data in rows:
        found.setdefault(sender, []).append(data)
    return found


def test_a_forgotten_conversation_leaves_no_event_and_others_stay(tmp_path: Path) -> None:
    database = tmp_path / "rasa.db"
    store = PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(database))
    kept = conversation("rest:kept", "morning all")
    gone = conversation("rest:gone", "my secret words")
    asyncio.run(store.save(kept))
    asyncio.run(store.save(gone))
    assert any("my secret words" in data for data in stored(database)["rest:gone"])

    # The turn that erased the person: the slot is set, and saving deletes instead of adding.
    gone.update(SlotSet(FORGET_SLOT, True))
    gone.update(BotUttered("Done. I have deleted everything you told me."))
    asyncio.run(store.save(gone))

    after = stored(database)
    assert "rest:gone" not in after
    assert any("morning all" in data for data in after["rest:kept"])
    assert asyncio.run(store.retrieve("rest:gone")) is None


def test_without_the_slot_it_saves_as_rasa_does(tmp_path: Path) -> None:
    database = tmp_path / "rasa.db"
    store = PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(database))
    tracker = conversation("telegram:5", "hiya")
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("second message", {"name": "greet", "confidence": 1.0}))
    asyncio.run(store.save(tracker))
    events = stored(database)["telegram:5"]
    assert len(events) == 5 and "second message" in events[-1]
