"""Serve the fake by hand: ``python -m tests.support.fake_bot_api --port 8081``."""

from __future__ import annotations

import argparse
import logging
import sys
import threading

from tests.support.fake_bot_api.server import FakeBotAPI
from tests.support.fake_bot_api.state import DEFAULT_TOKEN
from tests.support.telegram_user import TelegramUser


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl-C, logging requests; stdin lines are sent as a person's messages."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--user", default="Sam", help="first name of the person typing")
    parser.add_argument("--no-input", action="store_true", help="do not read stdin")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    with FakeBotAPI(args.token, host=args.host, port=args.port, log_requests=True) as api:
        person = api.new_user(first_name=args.user)
        print(f"Fake Telegram Bot API on {api.url}  token {api.token}")
        print(f"  base_url={api.bot_base_url}  base_file_url={api.file_base_url}")
        print(f"  chat_id of {person.first_name}: {person.id}")
        if not args.no_input:
            print("Type a line to send it; '!tap <button>' taps the last keyboard.")
        try:
            if not args.no_input:
                for line in sys.stdin:
                    _manual_input(person, line.rstrip("\n"))
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


def _manual_input(person: TelegramUser, line: str) -> None:
    try:
        if line.startswith("!tap "):
            keyboards = [m for m in person.messages if m.buttons and not m.deleted]
            if not keyboards:
                print("no message with buttons")
                return
            person.tap(keyboards[-1], line[len("!tap ") :].strip())
        elif line.strip():
            person.send_text(line)
    except AssertionError as error:
        print(error)
