"""The cost of a turn, side by side with a `rasa init` starter bot run by the same Rasa.

Builds the starter bot (`rasa init --no-prompt`) in a temporary folder with the project's own
Rasa, then runs it and this assistant one after the other on free ports, over REST:
  - serial: one person after another, p50 and p95 of a turn;
  - load: 50 people at once (closed loop) × 20 turns each, throughput and p95, fresh senders;
  - growth: one long conversation, the turn's latency at turns 1, 4, 100, 300 and 500;
and prints the ratios. Printed, not asserted: machines here are shared and noisy.

    python -m benchmarks.turn_cost_bench [--quick]          (or: make bench)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.launcher.servers import Servers, ServerSettings, http_status
from ras_core.settings import environment
from ras_core.store import open_store
from tests.e2e.conftest import MODEL, REPO, free_port

RASA = Path(sys.executable).parent / "rasa"
# Turn 4 is the first to send what every later turn sends ("what does that mean?" during the
# questions), so turns 4 to 500 compare like with like; turn 1 is the greeting.
GROWTH_AT = (1, 4, 100, 300, 500)


@dataclass
class Bot:
    name: str
    url: str
    token: str | None
    script: Callable[[int], str]  # what a person says at turn n (0-based)

    def say(self, sender: str, text: str) -> float:
        body = json.dumps({"sender": sender, "message": text}).encode()
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        request = urllib.request.Request(self.url, body, headers)
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
        return time.perf_counter() - started


def assistant_script(turn: int) -> str:
    opening = ["hello", "/affirm", "/for_myself"]
    if turn < len(opening):
        return opening[turn]
    return "abcd"[turn % 4] if turn < 14 else "what does that mean?"


def starter_script(turn: int) -> str:
    return ["hi", "I am feeling great", "are you a bot?", "bye"][turn % 4]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def serial(bot: Bot, people: int, turns: int) -> list[float]:
    return [
        bot.say(f"serial-{person}", bot.script(turn))
        for person in range(people)
        for turn in range(turns)
    ]


def load(bot: Bot, people: int, turns: int) -> tuple[float, list[float]]:
    times: list[float] = []
    lock = threading.Lock()

    def person(number: int) -> None:
        for turn in range(turns):
            took = bot.say(f"load-{number}", bot.script(turn))
            with lock:
                times.append(took)

    started = time.perf_counter()
    threads = [threading.Thread(target=person, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(times) / (time.perf_counter() - started), times


def growth(bot: Bot, last: int) -> dict[int, float]:
    found: dict[int, float] = {}
    for turn in range(1, last + 1):
        took = bot.say("growth", bot.script(turn - 1) if turn <= 3 else bot.script(20))
        if turn in GROWTH_AT:
            # The median of this turn and two more like it, so one hiccup does not decide.
            extra = [bot.say("growth", bot.script(20)) for _ in range(2)]
            found[turn] = statistics.median([took, *extra])
    return found


@contextmanager
def starter_bot(folder: Path) -> Iterator[Bot]:
    env = environment(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    subprocess.run(
        [str(RASA), "init", "--no-prompt", "--init-dir", str(folder)],
        env=env, cwd=folder, check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    log = (folder / "rasa.log").open("wb")
    process = subprocess.Popen(
        [str(RASA), "run", "-p", str(port), "-i", "127.0.0.1", "--model", "models"],
        env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while http_status(f"http://127.0.0.1:{port}/") != 200:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the starter bot did not start: see {folder / 'rasa.log'}")
            time.sleep(1)
        yield Bot("starter bot", f"http://127.0.0.1:{port}/webhooks/rest/webhook", None,
                  starter_script)  # fmt: skip
    finally:
        process.terminate()
        process.wait(30)
        log.close()


@contextmanager
def assistant(folder: Path) -> Iterator[Bot]:
    database = f"sqlite:///{folder / 'bench.db'}"
    open_store(database)
    settings = ServerSettings(REPO, free_port(), free_port(), database, folder, MODEL)
    with Servers(settings) as servers:
        servers.start_actions()
        servers.start_rasa()
        servers.wait_ready()
        yield Bot("this assistant", servers.rest_url, settings.secrets.rest_token,
                  assistant_script)  # fmt: skip


def measure(bot: Bot, quick: bool) -> dict[str, float]:
    bot.say("warm-up", bot.script(0))
    turns = serial(bot, 5 if quick else 10, 10)
    throughput, loaded = load(bot, 10 if quick else 50, 5 if quick else 20)
    found = {
        "serial p50 (ms)": 1000 * statistics.median(turns),
        "serial p95 (ms)": 1000 * percentile(turns, 0.95),
        "load throughput (turns/s)": throughput,
        "load p95 (ms)": 1000 * percentile(loaded, 0.95),
    }
    for turn, took in growth(bot, 100 if quick else GROWTH_AT[-1]).items():
        found[f"turn {turn} (ms)"] = 1000 * took
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer people and turns")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, start in (("starter bot", starter_bot), ("this assistant", assistant)):
            folder = Path(scratch) / name.replace(" ", "-")
            folder.mkdir()
            print(f"Measuring the {name} ...", flush=True)
            with start(folder) as bot:
                results[name] = measure(bot, args.quick)
    starter, ours = results["starter bot"], results["this assistant"]
    print(f"\n{'':28} {'starter bot':>12} {'this assistant':>15} {'ratio':>7}")
    for key in starter:
        if key in ours:
            ratio = ours[key] / starter[key] if starter[key] else float("nan")
            print(f"{key:28} {starter[key]:12.1f} {ours[key]:15.1f} {ratio:6.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
