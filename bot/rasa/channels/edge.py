"""What both input channels do with a request before Rasa sees it.

- Who: a secret or token from the `Authorization: Bearer ...` header, compared in constant
  time. The channel, not the body, decides the sender's namespace.
- What: the body must be a JSON object with a string message. The text is normalised once
  here (NFKC, hidden characters removed), so the model, the safeguarding list and the actions
  all see the same words.
- How much: a message over MAX_MESSAGE_CHARS is not passed on (the person is asked to send
  shorter parts), unless a part of it may mean danger: that part is passed on, so a long
  message can never hide a disclosure.
- Never silent: when Rasa says nothing to a message (the action server down, a turn that
  failed or timed out), the person gets a plain sorry and the emergency numbers.
- Buttons: text starting with "/" is a Rasa intent payload. It is passed on only when it is a
  button the assistant offered since the person last wrote (or the trusted front end says it
  is a button it checked). An old or made-up payload gets a plain reply and changes nothing.

Words people see come from the domain's responses (bot/rasa/domain/responses.yml).
"""

from __future__ import annotations

import hmac
import inspect
import json
import logging
import re
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from ras_core.domain.safeguarding import find_disclosure
from ras_core.domain.text import clean

log = logging.getLogger(__name__)

# The longest message passed to the assistant: a few paragraphs. This also bounds the work
# any one message can cost the servers.
MAX_MESSAGE_CHARS = 1000
MAX_ID_CHARS = 128
# A Rasa payload: "/intent" or "/intent{json}". One pass, no nested repetition.
PAYLOAD = re.compile(r"/[A-Za-z_][A-Za-z0-9_]*(\{.*\})?", re.DOTALL)
ID_CHARACTERS = re.compile(r"[A-Za-z0-9_.@:+-]+")

Handler = Callable[[UserMessage], Awaitable[Any]]


class Refused(Exception):
    """The request is not one we answer: an HTTP status and a short reason for the caller."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def response(self) -> HTTPResponse:
        return response.json({"error": self.reason}, status=self.status)


@dataclass(frozen=True)
class Incoming:
    sender: str  # always "<namespace>:<id>"
    text: str
    input_channel: str
    metadata: dict[str, Any] = field(default_factory=dict)
    checked_button: bool = False  # the front end took it from a keyboard it sent


def check_bearer(request: Request, secret: str) -> None:
    """Raise Refused(401) unless the request carries this secret as a bearer token."""
    given = str(request.headers.get("authorization") or "")
    scheme, _, token = given.partition(" ")
    valid = bool(secret) and scheme.lower() == "bearer"
    if not (valid and hmac.compare_digest(token.strip().encode(), secret.encode())):
        raise Refused(401, "A valid bearer token is needed.")


def json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "The body must be JSON.") from None
    if not isinstance(body, dict):
        raise Refused(400, "The body must be a JSON object.")
    return body


def user_id(body: dict[str, Any], key: str) -> str:
    """An id from the body: a short string (or number) of plain characters."""
    value = body.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value or len(value) > MAX_ID_CHARS:
        raise Refused(400, f"'{key}' must be an id of 1 to {MAX_ID_CHARS} characters.")
    if not ID_CHARACTERS.fullmatch(value):
        raise Refused(400, f"'{key}' may hold only letters, digits and _ . @ : + -")
    return value


def message_text(body: dict[str, Any]) -> str:
    value = body.get("message", "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Refused(400, "'message' must be a string.")
    return clean(value).strip()


def _said(request: Request, response_names: list[str], sender: str) -> list[dict[str, Any]]:
    """The domain's responses, as the REST channel sends what Rasa says."""
    domain = request.app.ctx.agent.domain
    found = []
    for name in response_names:
        variants = domain.responses.get(name) or [{}]
        found.append({"recipient_id": sender, "text": str(variants[0].get("text", ""))})
    return found


def _say(request: Request, response_name: str, sender: str) -> HTTPResponse:
    return response.json(_said(request, [response_name], sender))


async def offered_payloads(request: Request, sender: str) -> set[str]:
    """The payloads of the buttons the assistant sent since the person last wrote."""
    tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
    offered: set[str] = set()
    for event in reversed(list(tracker.events) if tracker is not None else []):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            for button in event.data.get("buttons") or []:
                if isinstance(button, dict) and button.get("payload"):
                    offered.add(str(button["payload"]))
    return offered


def part_in_danger(text: str) -> str | None:
    """The part of a long message (at most MAX_MESSAGE_CHARS) that may mean danger, if any."""
    step = MAX_MESSAGE_CHARS // 2  # overlapping: words cut at one edge are whole in the next
    for start in range(0, len(text), step):
        window = text[start : start + MAX_MESSAGE_CHARS]
        if find_disclosure(window) is not None:
            return window
    return None


async def answer(request: Request, on_new_message: Handler, incoming: Incoming) -> HTTPResponse:
    """Pass the message to Rasa (or answer it here) and return what the assistant said."""
    text, sender = incoming.text, incoming.sender
    if len(text) > MAX_MESSAGE_CHARS:
        found = part_in_danger(text)
        if found is None:
            return _say(request, "utter_message_too_long", sender)
        text = found
    button = text.startswith("/") and (
        incoming.checked_button or text in await offered_payloads(request, sender)
    )
    if text.startswith("/") and not button:
        if PAYLOAD.fullmatch(text):
            return _say(request, "utter_button_old", sender)
        text = text.lstrip("/").strip()  # words that happen to start with a slash
    if not text:
        return _say(request, "utter_message_empty", sender)
    collector = CollectingOutputChannel()
    message = UserMessage(
        text, collector, sender, input_channel=incoming.input_channel, metadata=incoming.metadata
    )
    try:
        await on_new_message(message)
    except CancelledError:
        log.error("Message from %s timed out", sender)
    except Exception:  # the person still gets whatever was said; their words stay out of logs
        log.exception("Message from %s failed", sender)
    if collector.messages:
        return response.json(collector.messages)
    # Nothing was said (as in the questions with the action server down, where every answer
    # needs it): the message was not heard and may have meant danger, so the person gets a
    # plain sorry and the emergency numbers, the numbers first when the words may mean danger.
    log.error("Nothing was said to a message from %s: it gets the numbers", sender)
    names = ["utter_not_heard", "utter_emergency_numbers"]
    if find_disclosure(text) is not None:
        names.reverse()
    return response.json(_said(request, names, sender))


class CheckedInput(InputChannel):
    """An input channel whose `incoming` decides who is writing and what they said."""

    def incoming(self, request: Request) -> Incoming:
        raise NotImplementedError

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        module = inspect.getmodule(self)
        hook = Blueprint(f"checked_{self.name()}", module.__name__ if module else None)

        @hook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                incoming = self.incoming(request)
            except Refused as refused:
                return refused.response()
            return await answer(request, on_new_message, incoming)

        return hook
