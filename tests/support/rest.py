"""Talking to the running assistant over its REST webhook, as an integrator would.

The REST channel namespaces every sender: a person called "rest:sam" in a test is sent as
"sam" (with the token) and is "rest:sam" to the assistant and in the database.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from bot.launcher.servers import Servers


def post(
    url: str, body: bytes, token: str | None, *, content_type: str = "application/json"
) -> tuple[int, Any]:
    """POST raw bytes; (HTTP status, the JSON answer or the raw text) even for errors."""
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, body, headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = int(response.status), response.read()
    except urllib.error.HTTPError as error:
        status, raw = int(error.code), error.read()
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def tracker(servers: Servers, sender: str) -> dict[str, Any]:
    """A conversation as Rasa keeps it, through its token-protected HTTP API."""
    token = servers.settings.secrets.rasa_api_token
    url = f"{servers.rasa_url}/conversations/{sender}/tracker?token={token}"
    with urllib.request.urlopen(url, timeout=30) as response:
        found: dict[str, Any] = json.loads(response.read())
        return found


class Person:
    def __init__(self, servers: Servers, sender: str) -> None:
        self.servers = servers
        self.sender = sender  # as the assistant knows them: "rest:<id>"
        self.last: list[dict[str, Any]] = []

    def says(self, message: str) -> str:
        body = {"sender": self.sender.removeprefix("rest:"), "message": message}
        status, answer = post(
            self.servers.rest_url,
            json.dumps(body).encode(),
            self.servers.settings.secrets.rest_token,
        )
        assert status == 200, (status, answer)
        self.last = answer
        return "\n".join(m.get("text", "") for m in self.last)

    def taps(self, title_start: str) -> str:
        buttons = [b for m in self.last for b in m.get("buttons", [])]
        chosen = [b for b in buttons if b["title"].startswith(title_start)]
        assert chosen, f"no button starting {title_start!r} in {[b['title'] for b in buttons]}"
        return self.says(chosen[0]["payload"])
