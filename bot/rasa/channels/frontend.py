"""The channel the project's own front ends use (today the Telegram bot).

POST /webhooks/frontend/webhook with `Authorization: Bearer <FRONTEND_SECRET>` and
    {"user": "123", "message": "...", "button": false, "spoken": false}
The person is "<namespace>:<user>": the namespace is fixed in credentials.yml ("telegram"),
so the front end can speak only for its own people, and nobody without the secret at all.
`button` says the front end took the payload from a keyboard it sent and checked;
`spoken` says the words were heard in a voice note and confirmed.
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


class FrontEndInput(CheckedInput):
    def __init__(self, secret: str, namespace: str) -> None:
        if not secret or len(secret) < 16:
            raise ValueError("The front-end channel needs a secret of at least 16 characters.")
        if not namespace.isidentifier():
            raise ValueError(f"Not a channel namespace: {namespace!r}")
        self.secret = secret
        self.namespace = namespace

    @classmethod
    def name(cls) -> str:
        return "frontend"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        found = credentials or {}
        return cls(str(found.get("secret") or ""), str(found.get("namespace") or "telegram"))

    def incoming(self, request: Request) -> Incoming:
        check_bearer(request, self.secret)
        body = json_body(request)
        return Incoming(
            sender=f"{self.namespace}:{user_id(body, 'user')}",
            text=message_text(body),
            input_channel=self.namespace,
            metadata={"spoken": True} if body.get("spoken") is True else {},
            checked_button=body.get("button") is True,
        )
