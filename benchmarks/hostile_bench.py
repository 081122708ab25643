"""CPU spent by the servers on one hostile request, whatever its body.

Starts the real action server and Rasa server, puts a person mid-questionnaire, then sends
every message of tests/support/hostile.py and a set of 10,000-character adversarial bodies
over the REST webhook. For each request it reads the CPU time (user + system, from
/proc/<pid>/stat) the Rasa server and the action server used while answering it, and prints
the worst cases and the share over 1 s of CPU (the target is none).

    python -m benchmarks.hostile_bench          (or: make bench)
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from bot.launcher.servers import Servers, ServerSettings
from ras_core.store import open_store
from tests.e2e.conftest import MODEL, REPO, free_port
from tests.support.hostile import TEXTS
from tests.support.rest import Person, post

TICKS = os.sysconf("SC_CLK_TCK")
LIMIT = 1.0  # seconds of CPU a single request may cost


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def adversarial_bodies() -> dict[str, str]:
    """Long strings shaped to make a careless parser backtrack or loop."""
    size = 10_000
    units = {
        "spaces": " ",
        "a then spaces": "a ",
        "digits": "9",
        "digits and commas": "9,",
        "pound amounts": "£1,000 ",
        "letters": "b",
        "option words": "option a ",
        "positions": "the first one ",
        "yes no": "yes no ",
        "kill": "kill ",
        "not": "not ",
        "apostrophes": "'",
        "brackets": "[{(",
        "combining marks": "a\u0301\u0302",
        "zero width": "x\u200b",
        "emoji": "😀",
    }
    return {f"10k {name}": (unit * (size // len(unit) + 1))[:size] for name, unit in units.items()}


def main() -> int:
    bodies = {**TEXTS, **adversarial_bodies()}
    with tempfile.TemporaryDirectory() as scratch:
        database = f"sqlite:///{Path(scratch) / 'bench.db'}"
        open_store(database)
        settings = ServerSettings(REPO, free_port(), free_port(), database, Path(scratch), MODEL)
        with Servers(settings) as servers:
            servers.start_actions()
            servers.start_rasa()
            servers.wait_ready()
            person = Person(servers, "rest:bench-hostile")
            person.says("hello")
            person.taps("Yes")
            person.taps("Me")
            pids = [p.popen.pid for p in (servers.rasa, servers.actions) if p.popen is not None]
            token = settings.secrets.rest_token
            costs: list[tuple[float, float, str]] = []
            for name, text in bodies.items():
                body = json.dumps({"sender": "bench-hostile", "message": text}).encode()
                before = sum(cpu_seconds(pid) for pid in pids)
                started = time.perf_counter()
                status, _ = post(servers.rest_url, body, token)
                wall = time.perf_counter() - started
                costs.append((sum(cpu_seconds(pid) for pid in pids) - before, wall, name))
                if status != 200:
                    print(f"  {name}: HTTP {status}")
    costs.sort(reverse=True)
    over = [cost for cost in costs if cost[0] > LIMIT]
    print(f"\nHostile requests over REST: {len(costs)}")
    print(
        f"  CPU per request (Rasa + actions): worst {costs[0][0]:.2f} s, "
        f"median {costs[len(costs) // 2][0]:.3f} s; over {LIMIT:.0f} s: {len(over)}"
    )
    print("  Worst five (CPU s, wall s, message):")
    for cpu, wall, name in costs[:5]:
        print(f"    {cpu:5.2f}  {wall:5.2f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
