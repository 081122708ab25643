"""Turn the interview's `Say` items into messages, using the words in the domain's responses."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from ras_core.conversation.say import Say

CARER_SUFFIX = "_someone_else"


class MissingWords(KeyError):
    """A message or a placeholder has no words in the domain: a bug, caught by the tests."""


def option_payload(letter: str) -> str:
    return "/choose_option" + json.dumps({"option": letter}, separators=(",", ":"))


def render(domain: dict[str, Any], say: Say, who: str) -> dict[str, Any]:
    """The text and buttons for one message; carer wording when someone else is answered for."""
    responses = domain.get("responses", {})
    name = f"utter_{say.key}"
    if who == "someone_else" and f"{name}{CARER_SUFFIX}" in responses:
        name += CARER_SUFFIX
    if name not in responses:
        raise MissingWords(f"no response called {name} in the domain")
    template = responses[name][0]
    try:
        text = str(template.get("text", "")).format(**say.params)
    except KeyError as error:
        raise MissingWords(f"{name} needs a value for {error}") from error
    buttons = [
        {"title": f"{letter}: {label}", "payload": option_payload(letter)}
        for letter, label in say.options
    ]
    buttons += [dict(button) for button in template.get("buttons", [])]
    return {"text": text, "buttons": buttons}


def utter(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], says: list[Say], who: str
) -> None:
    for say in says:
        message = render(domain, say, who)
        dispatcher.utter_message(text=message["text"], buttons=message["buttons"] or None)
