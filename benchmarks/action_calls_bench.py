"""How many times Rasa calls the action server for each turn, counted on the wire.

Starts the action server, and the Rasa server pointed at a small counting proxy in front of
it; then one person goes through the opening and the questions (the script of
benchmarks/turn_cost_bench.py) and this prints, for each turn, which actions Rasa asked for.
Each call costs a round trip and the whole (bounded) conversation sent as JSON.

    python -m benchmarks.action_calls_bench          (or: make bench)
"""

from __future__ import annotations

import json
import statistics
import tempfile
import threading
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks.turn_cost_bench import Bot, assistant_script
from bot.launcher.servers import Servers, ServerSettings
from ras_core.store import open_store
from tests.e2e.conftest import MODEL, REPO, free_port

TURNS = 14


def counting_proxy(action_port: int, calls: Counter[str]) -> ThreadingHTTPServer:
    """Passes each call on to the action server, counting it by the action's name."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            calls[str(json.loads(body).get("next_action"))] += 1
            request = urllib.request.Request(
                f"http://127.0.0.1:{action_port}{self.path}",
                body,
                {"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = response.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_: object) -> None:
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    return proxy


def main() -> int:
    calls: Counter[str] = Counter()
    per_turn: list[int] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        database = f"sqlite:///{folder / 'bench.db'}"
        open_store(database)
        actions = ServerSettings(REPO, free_port(), free_port(), database, folder, MODEL)
        proxy = counting_proxy(actions.action_port, calls)
        rasa = ServerSettings(
            REPO, free_port(), proxy.server_address[1], database, folder, MODEL,
            secrets=actions.secrets,
        )  # fmt: skip
        with Servers(actions) as action_server, Servers(rasa) as rasa_server:
            action_server.start_actions()
            rasa_server.start_rasa()
            rasa_server.wait_ready()
            bot = Bot("this assistant", rasa_server.rest_url, actions.secrets.rest_token,
                      assistant_script)  # fmt: skip
            print("Action-server calls per turn (one person, the opening and the questions):")
            for turn in range(TURNS):
                calls.clear()
                bot.say("counted", assistant_script(turn))
                per_turn.append(sum(calls.values()))
                named = ", ".join(f"{name} x{count}" for name, count in sorted(calls.items()))
                print(f"  turn {turn + 1:2} {assistant_script(turn)!r:14} {named}")
        proxy.shutdown()
    answers = per_turn[3:]
    median = statistics.median(answers)
    print(f"  an answer to a question: {median:.1f} calls (median of {len(answers)} answers)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
