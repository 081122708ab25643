"""A person taking their data back: "forget me", then a clear yes, then everything is erased."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.base import Speaker, ThinAction
from actions.context import interview, person_key, store
from ras_core.conversation.say import Say
from ras_core.privacy.erasure import erase_person

ASKED = "action_forget_me"
FORGET_SLOT = "forget_conversation"  # bot/rasa/tracker_store.py deletes the conversation
# Front ends drop what they keep about the chat (keyboards, a voice note waiting) on this.
FORGOTTEN = {"forget": True}


def was_asked(events: list[dict[str, Any]]) -> bool:
    """Whether action_forget_me asked since the person's message before this one."""
    messages = 0
    for event in reversed(events):
        if event.get("event") == "user":
            messages += 1
            if messages > 2:
                return False
        elif event.get("event") == "action" and event.get("name") == ASKED:
            return messages >= 1
    return False


def forget(speaker: Speaker, tracker: Tracker, reason: str) -> list[EventType]:
    """Erase everything about the person writing, and the conversation itself."""
    channel, user_id = person_key(tracker)
    erase_person(store(), channel, user_id, by="the person", reason=reason)
    speaker.dispatcher.utter_message(json_message=FORGOTTEN)
    return [SlotSet(FORGET_SLOT, True)]


class ActionForgetMe(ThinAction):
    """Says plainly what would be deleted, and asks. Nothing is deleted yet."""

    NAME = ASKED

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        speaker.say([Say("forget_explain")], interview(tracker).who)
        return []


class ActionEraseMe(ThinAction):
    """The confirming words or button: erase, if the question was just asked; else ask it."""

    NAME = "action_erase_me"

    def act(self, speaker: Speaker, tracker: Tracker) -> list[EventType]:
        if not was_asked(list(tracker.events)):
            speaker.say([Say("forget_explain")], interview(tracker).who)
            return []
        events = forget(speaker, tracker, reason="asked in the chat")
        speaker.say([Say("forget_done")], "self")
        return events
