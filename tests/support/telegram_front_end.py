"""The real Telegram front end (`python -m bot.telegram`) run against the loopback fake Bot API.

Shared by the end-to-end tests and benchmarks/telegram_bench.py, so that each starts, waits
for and stops the front end the same way, and each can read its log afterwards.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.launcher.servers import Servers
from ras_core import settings as project_settings
from tests.e2e.conftest import REPO
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_records import BotMessage
from tests.support.telegram_user import TelegramUser

TOKEN = "7000001:e2e-telegram-token"
SLOW = 120.0  # seconds to wait for a reply that goes through Rasa (first replies load models;
# a shared 2-core machine under load can take over a minute)


@dataclass
class FrontEnd:
    """A running front end: its process, the files it writes, and its log once stopped."""

    process: subprocess.Popen[str]
    log_path: Path
    state_file: Path  # where it keeps chats between restarts: erasure tests read it
    log: str = ""


def front_end_env(
    api: FakeBotAPI, servers: Servers, database: str, tmp: Path, **extra: str
) -> dict[str, str]:
    """This environment, pointed at the fake, the test servers and files in `tmp`, polling."""
    env = project_settings.environment()
    env.pop("TELEGRAM_WEBHOOK_URL", None)
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": api.url,
            "RASA_URL": servers.rasa_url,
            "FRONTEND_SECRET": servers.settings.secrets.frontend_secret,
            "DATABASE_URL": database,
            "TELEGRAM_STATE_FILE": str(tmp / "telegram-state.pickle"),
            "SPEECH_ENGINE": "offline",  # gTTS needs Google, which is out of reach here
            "VOICE_CACHE_DIR": str(tmp / "voice-cache"),
            "PYTHONPATH": str(REPO),
            "TELEGRAM_NEWS_SECONDS": "0.5",  # look for coordinators' replies often in tests
            **extra,
        }
    )
    return env


def start_front_end(env: dict[str, str], log: Path) -> FrontEnd:
    """Its own process, as in production, so that its start-up and shutdown are tested too."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.telegram"],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    return FrontEnd(process, log, Path(env["TELEGRAM_STATE_FILE"]))


def stop_front_end(front_end: FrontEnd) -> str:
    """Stop it as a person would (Ctrl-C) and return everything it wrote."""
    if front_end.process.poll() is None:
        front_end.process.send_signal(signal.SIGINT)  # PTB stops cleanly on Ctrl-C
        try:
            front_end.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            front_end.process.kill()
    return front_end.log_path.read_text()


def wait_for_port(port: int, timeout: float = SLOW) -> None:
    """Webhook mode is ready only once its own server listens: setWebhook comes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listening on port {port}")


@contextmanager
def running_front_end(
    api: FakeBotAPI, servers: Servers, database: str, folder: Path, **extra: str
) -> Iterator[FrontEnd]:
    """The front end, ready for updates, with its files in `folder` and `extra` in its
    environment. It is stopped on the way out, even after a failure, and its log kept in
    `.log` so that a test can look for tracebacks."""
    env = front_end_env(api, servers, database, folder, **extra)
    front_end = start_front_end(env, folder / "bot.log")
    polling = "TELEGRAM_WEBHOOK_URL" not in extra
    try:
        try:
            if polling:
                api.wait_for_call("getUpdates", timeout=SLOW)
            else:  # ready once Telegram has the webhook and can reach it
                api.wait_for_call("setWebhook", timeout=SLOW)
                wait_for_port(int(extra["TELEGRAM_WEBHOOK_PORT"]))
        except AssertionError:
            mode, log = "polling" if polling else "its webhook", stop_front_end(front_end)
            pytest.fail(f"The Telegram front end did not start {mode}:\n{log}")
        yield front_end
    finally:
        front_end.log = stop_front_end(front_end)


def assert_stopped_cleanly(front_end: FrontEnd) -> None:
    """After a whole module's worth of people: it stopped on Ctrl-C, with no traceback."""
    assert front_end.process.returncode == 0, front_end.log
    assert "Traceback" not in front_end.log, front_end.log


def tap(user: TelegramUser, message: BotMessage, title_start: str) -> None:
    """Tap the button whose title starts so: tests need not repeat a button's whole wording."""
    titles = [t for t in message.button_texts if t.startswith(title_start)]
    assert titles, f"no button starting {title_start!r} in {message.button_texts}"
    user.tap(message, titles[0])


def into_the_questions(user: TelegramUser) -> BotMessage:
    """After a first message: no voice, yes to going on, questions about me. Question 1."""
    tap(user, user.wait_for_text("read my messages out loud", SLOW), "No")
    tap(user, user.wait_for_text("Do you want to go on?", SLOW), "Yes")
    tap(user, user.wait_for_text("Who are the questions about?", SLOW), "Me")
    return user.wait_for_text("Question 1 of 11", SLOW)
