"""The public REST webhook, for integrators and the terminal chat.

POST /webhooks/rest/webhook with `Authorization: Bearer <REST_TOKEN>` and
    {"sender": "abc", "message": "..."}
The answer is Rasa's usual list of messages. Every sender is namespaced "rest:<sender>",
whatever the body says: "telegram:123" becomes "rest:telegram:123", a different person.
A message starting with "/" counts as a button only if the assistant offered that button.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic.request import Request

from bot.rasa.channels.edge import (
    CheckedInput,
    Incoming,
    check_bearer,
    json_body,
    message_text,
    user_id,
)

NAMESPACE = "rest"


class TokenRestInput(CheckedInput):
    def __init__(self, token: str) -> None:
        if not token or len(token) < 16:
            raise ValueError("The REST channel needs a token of at least 16 characters.")
        self.token = token

    @classmethod
    def name(cls) -> str:
        return NAMESPACE

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(str((credentials or {}).get("token") or ""))

    def incoming(self, request: Request) -> Incoming:
        check_bearer(request, self.token)
        body = json_body(request)
        return Incoming(
            sender=f"{NAMESPACE}:{user_id(body, 'sender')}",
            text=message_text(body),
            input_channel=NAMESPACE,
        )
