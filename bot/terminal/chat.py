"""Chat with the assistant in a terminal, over Rasa's REST webhook.

Standard library only, so it runs anywhere:

    python -m bot.terminal.chat [http://127.0.0.1:5005/webhooks/rest/webhook]

It asks for the REST token (REST_TOKEN: `make serve` prints it); `make run` passes it itself.

Options are shown numbered; type the number to choose one, or type anything else.
Type quit (or press Ctrl-D) to stop.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import sys
import textwrap
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

WIDTH = 70
DEFAULT_URL = "http://127.0.0.1:5005/webhooks/rest/webhook"
QUIT_WORDS = {"quit", "exit"}


class Unreachable(Exception):
    """The assistant's server did not answer."""


def sender_id() -> str:
    try:
        name = getpass.getuser()
    except Exception:  # no login name (e.g. no passwd entry in a container)
        name = ""
    return f"terminal:{name or 'local'}"


def wrap(text: str, indent: str = "") -> list[str]:
    """Wrap each paragraph at WIDTH columns, keeping blank lines between paragraphs."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, WIDTH, subsequent_indent=indent) or [""])
    return lines


def render_message(message: dict[str, Any], first_number: int = 1) -> list[str]:
    """The lines to print for one bot message: its text, then its buttons numbered."""
    lines: list[str] = []
    text = message.get("text")
    if text:
        lines.extend(wrap(str(text)))
    if message.get("image"):
        lines.append(f"[Picture: {message['image']}]")
    for number, button in enumerate(message.get("buttons") or [], start=first_number):
        label = f"{number}) "
        lines.extend(wrap(f"{label}{button.get('title', '')}", indent=" " * len(label)))
    return lines


def payload_for(typed: str, last_buttons: list[dict[str, Any]]) -> str:
    """What to send: a button's payload if a button's number was typed, else the text."""
    text = typed.strip()
    if text.isascii() and text.isdigit() and 1 <= int(text) <= len(last_buttons):
        button = last_buttons[int(text) - 1]
        return str(button.get("payload") or button.get("title") or text)
    return text


def send(url: str, token: str, sender: str, text: str, timeout: float = 60) -> list[dict[str, Any]]:
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    request = urllib.request.Request(url, body, headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            reply = json.loads(response.read().decode("utf-8") or "[]")
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise Unreachable(str(getattr(error, "reason", error))) from error
    return [m for m in reply if isinstance(m, dict)] if isinstance(reply, list) else []


def show(messages: list[dict[str, Any]], out: Callable[[str], None]) -> list[dict[str, Any]]:
    """Print the bot's messages; return their buttons, numbered in order across messages."""
    buttons: list[dict[str, Any]] = []
    if not messages:
        out("(The assistant did not reply. Type something else, or quit.)")
    for message in messages:
        for line in render_message(message, first_number=len(buttons) + 1):
            out(line)
        buttons.extend(b for b in message.get("buttons") or [] if isinstance(b, dict))
        out("")
    return buttons


def chat(
    url: str,
    token: str,
    sender: str | None = None,
    read: Callable[[str], str] = input,
    out: Callable[[str], None] = print,
) -> int:
    """Run the conversation until quit, exit or Ctrl-D. Returns an exit code."""
    sender = sender or sender_id()
    if read is input:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    out("Type your answer and press Enter. Type a number to choose an option. Type quit to stop.")
    out("")
    typed = "hello"
    buttons: list[dict[str, Any]] = []
    while True:
        try:
            buttons = show(send(url, token, sender, payload_for(typed, buttons)), out)
        except Unreachable as error:
            out(f"Sorry, I can't reach the assistant at {url} ({error}).")
            out("Is it running? Start it with `make serve`, or use `make run`.")
            return 1
        typed = ""
        while not typed.strip():
            try:
                typed = read("You: ")
            except (EOFError, KeyboardInterrupt):
                out("")
                typed = "quit"
        if typed.strip().lower() in QUIT_WORDS:
            out("Goodbye.")
            return 0


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else DEFAULT_URL
    try:
        token = getpass.getpass("REST token (shown by `make serve`): ").strip()
    except (EOFError, KeyboardInterrupt):
        return 1
    return chat(url, token)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
