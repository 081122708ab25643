"""Checkpoints: a long conversation session loads as a short one.

Rasa loads every event of the current session on every turn, then replays them, featurises
them for the policies and sends them all to the action server, so a turn gets slower the
longer a person talks within one session. A checkpoint records the state of the conversation
(its slots and its active form) at a turn boundary some way back. Loading then gives a
tracker that starts as a new session with that state, followed by the events after the
checkpoint only:

    action_session_start, session_started, slot..., active_loop, action_listen,  <- made up
    user, action, ..., action_listen, user, ...                                   <- stored

The made-up head is never stored; every stored event stays in the table, so exports,
transcripts and `retrieve_full_tracker` see the whole conversation. The last `KEEP_EVENTS`
events or more are always loaded in full, more than the policies look back (MemoizationPolicy
remembers 5 states, rules a few turns) and than the actions read (`was_asked` looks back two
messages).
"""

from __future__ import annotations

from collections.abc import Sequence

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker

from ras_core.store.tracker_checkpoints import Checkpoint

# A checkpoint is made when more than this many events follow the last one (or the session's
# start); it keeps at least KEEP_EVENTS of them after it. A turn of the questions is about
# 10 events, so a loaded tracker holds between about 3 and 8 turns.
CHECKPOINT_AFTER = 80
KEEP_EVENTS = 30


def head_events(state: DialogueStateTracker, timestamp: float) -> list[Event]:
    """Events that bring a new tracker to `state`'s slots and active form."""
    events: list[Event] = [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=timestamp),
        SessionStarted(timestamp=timestamp),
    ]
    for slot in state.slots.values():
        if slot.value != slot.initial_value:
            events.append(SlotSet(slot.name, slot.value, timestamp=timestamp))
    if state.active_loop_name:
        events.append(ActiveLoop(state.active_loop_name, timestamp=timestamp))
    events.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=timestamp))
    return events


def cut_at(events: Sequence[Event], first_stored: int) -> int | None:
    """Where to cut: the last user message that leaves `KEEP_EVENTS` events or more after it.

    None when the events after `first_stored` (the head's end) are still few enough."""
    if len(events) - first_stored <= CHECKPOINT_AFTER:
        return None
    for index in range(len(events) - KEEP_EVENTS, first_stored, -1):
        if isinstance(events[index], UserUttered):
            return index
    return None


def make_checkpoint(
    sender_id: str,
    events: Sequence[Event],
    cut: int,
    event_id: int,
    session_id: int | None,
    slots: list[Slot],
) -> Checkpoint:
    """The checkpoint for the state just before `events[cut]`, stored as event `event_id`."""
    state = DialogueStateTracker.from_events(sender_id, list(events[:cut]), slots=slots)
    timestamp = events[cut - 1].timestamp
    head = [event.as_dict() for event in head_events(state, timestamp)]
    return Checkpoint(event_id, session_id, head)
