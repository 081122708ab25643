"""Talks to the Rasa server over the front-end channel (bot/rasa/channels/frontend.py).

Plain HTTP with a shared secret: it keeps Telegram out of the Rasa process, so the front end
can restart, scale or move host on its own, and Rasa's servers behind a load balancer need no
Telegram code. The front end sends the Telegram user id; the channel makes the person
"telegram:<user id>", so no caller without the secret can speak for anyone.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)


class RasaUnavailable(RuntimeError):
    """The Rasa server did not answer; the person's answers are safe in the database."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = field(default=())
    forget: bool = False  # the person was erased: drop what the front end keeps about them


def parse_replies(body: Any) -> list[Reply]:
    """Rasa's REST answer is a list of messages; keep text and buttons, skip the rest."""
    replies: list[Reply] = []
    for item in body if isinstance(body, list) else []:
        if not isinstance(item, dict):
            continue
        buttons = tuple(
            Button(str(b.get("title", "")), str(b.get("payload", "")))
            for b in item.get("buttons") or []
            if isinstance(b, dict) and b.get("title") and b.get("payload")
        )
        text = str(item.get("text") or "")
        custom = item.get("custom")
        forget = isinstance(custom, dict) and custom.get("forget") is True
        if text or buttons or forget:
            replies.append(Reply(text, buttons, forget))
    return replies


class RasaClient:
    def __init__(self, base_url: str, secret: str, timeout: float = 60.0, retries: int = 3) -> None:
        self._url = f"{base_url}/webhooks/frontend/webhook"
        headers = {"Authorization": f"Bearer {secret}"}
        self._client = httpx.AsyncClient(timeout=timeout, headers=headers)
        self._retries = retries

    async def send(self, user_id: str, text: str, *, spoken: bool = False) -> list[Reply]:
        """Pass a message on for one Telegram user.

        Text starting with "/" is one of our own payloads (a keyboard button we checked, a
        command, the news intent): the handlers take any leading "/" off what people type.
        `spoken` marks words heard in a voice note (and checked).
        """
        body: dict[str, Any] = {
            "user": user_id,
            "message": text,
            "button": text.startswith("/"),
            "spoken": spoken,
        }
        for attempt in range(1, self._retries + 1):
            try:
                response = await self._client.post(self._url, json=body)
                response.raise_for_status()
                return parse_replies(response.json())
            except httpx.ConnectError as error:
                # Rasa may be restarting: nothing reached it, so trying again is safe.
                log.warning("Rasa not reachable (try %d of %d): %s", attempt, self._retries, error)
                if attempt < self._retries:
                    await asyncio.sleep(attempt)
            except (httpx.HTTPError, ValueError) as error:
                raise RasaUnavailable(str(error)) from error
        raise RasaUnavailable(f"no answer from {self._url}")

    async def close(self) -> None:
        await self._client.aclose()
