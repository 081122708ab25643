"""Time to first reply over Telegram, as a person would feel it.

Starts the real action server, Rasa server and Telegram front end against the loopback fake
Bot API (tests/support), then measures, as medians over repeated runs:
  - text: a typed message until the bot's first text reply;
  - voice out: the same, until the voice note arrives (offline engine; cache cleared each
    run for "uncached", kept for "cached");
  - voice in: a 3-second voice note until the bot says what it heard ("I heard: ... Is that
    right?"; the bench then says no, so nothing is recorded).

    python -m benchmarks.telegram_bench [--runs 7]      (or: make bench)
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import soundfile

from bot.launcher.servers import Servers, ServerSettings
from ras_core.store import open_store
from tests.e2e.conftest import MODEL, REPO, free_port
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_front_end import SLOW, TOKEN, running_front_end, tap
from tests.support.telegram_user import TelegramUser
from tests.support.voice import spoken


def timed(action: Callable[[], object], arrived: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    arrived()
    return time.perf_counter() - started


def median_ms(samples: list[float]) -> str:
    low, high = min(samples) * 1000, max(samples) * 1000
    return f"{statistics.median(samples) * 1000:8.0f} ms  (min {low:.0f}, max {high:.0f})"


def into_the_questions(user: TelegramUser, voice: bool) -> None:
    user.send_command("/start")
    tap(user, user.wait_for_text("read my messages out loud", SLOW), "Yes" if voice else "No")
    tap(user, user.wait_for_text("Do you want to go on?", SLOW), "Yes")
    tap(user, user.wait_for_text("Who are the questions about?", SLOW), "Me")
    user.wait_for_text("Question 1 of 11", SLOW)


def next_voice(user: TelegramUser) -> Callable[[], object]:
    seen = len(user.messages)
    return lambda: user.wait_until(
        lambda ms: [m for m in ms[seen:] if m.kind == "voice"] or None, SLOW
    )


def next_text(user: TelegramUser) -> Callable[[], object]:
    """The bot's next text: for a voice note, "I heard: ..." (or that it did not catch it)."""
    seen = len(user.messages)
    return lambda: user.wait_until(
        lambda ms: [m for m in ms[seen:] if m.kind == "text"] or None, SLOW
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    database = f"sqlite:///{tmp / 'bench.db'}"
    open_store(database)
    settings = ServerSettings(REPO, free_port(), free_port(), database, tmp / "logs", MODEL)
    results: dict[str, list[float]] = {}
    with Servers(settings) as servers, FakeBotAPI(token=TOKEN) as api:
        servers.start_actions()
        servers.start_rasa()
        servers.wait_ready()
        with running_front_end(api, servers, database, tmp):
            reader, listener = api.new_user("Reader"), api.new_user("Listener")
            into_the_questions(reader, voice=False)
            into_the_questions(listener, voice=True)
            cache = tmp / "voice-cache"
            text, uncached, cached, heard = [], [], [], []
            note = spoken("I need some help to wash and dress every morning.")
            note_seconds = soundfile.info(io.BytesIO(note)).duration
            for _ in range(runs):
                text.append(
                    timed(
                        lambda: reader.send_text("repeat"),
                        lambda: reader.wait_for_text("Question 1 of 11", SLOW),
                    )
                )
                shutil.rmtree(cache, ignore_errors=True)
                wait = next_voice(listener)
                uncached.append(timed(lambda: listener.send_text("repeat"), wait))
                wait = next_voice(listener)
                cached.append(timed(lambda: listener.send_text("repeat"), wait))
                heard.append(timed(lambda: reader.send_voice(note, duration=3), next_text(reader)))
                if reader.messages[-1].content.startswith("I heard"):
                    reader.send_text("no")  # not a yes: nothing is recorded
                    reader.wait_for_text("say it again", SLOW)
            results = {
                "text reply": text,
                "voice out, uncached": uncached,
                "voice out, cached": cached,
                f"{note_seconds:.1f}-second voice note in": heard,
            }
    print(f"Time to first reply over Telegram (median of {runs} runs, offline speech engine):")
    for name, samples in results.items():
        print(f"  {name:<24} {median_ms(samples)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
