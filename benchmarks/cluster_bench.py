"""The cluster's throughput under load (bot/cluster), and the CPU each of its processes used.

Starts the cluster as `make cluster` does (PostgreSQL, Redis, Rasa servers each with its own
action server, HAProxy in front) in a temporary folder, then runs 50 closed-loop REST users x
20 turns each through the balancer (fresh senders; the script of benchmarks/turn_cost_bench.py)
and prints throughput, p50 and p95, and the CPU seconds each process used during the load (user
+ system, from /proc/<pid>/stat, with its children). By default it runs one Rasa server and then
two, in the same run on the same machine, and prints the ratio. Printed, not asserted.

    python -m benchmarks.cluster_bench [--servers 1,2] [--users 50] [--turns 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from benchmarks.turn_cost_bench import assistant_script, percentile
from bot.cluster.cluster import Cluster, ClusterSettings, free_port
from bot.launcher.servers import _Process
from tests.e2e.conftest import MODEL, REPO

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    # The fields after the name: state, ppid, pgrp, ...; utime, stime, cutime, cstime at 11-14.
    return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int | None) -> float:
    """CPU time of a process, its process group and its children, finished ones included."""
    if pid is None:
        return 0.0
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat(int(entry.name))
        except (OSError, IndexError):
            continue
        if int(entry.name) == pid or int(fields[1]) == pid or int(fields[2]) == pid:
            total += sum(int(value) for value in fields[11:15]) / TICK
    return total


def own_cpu_seconds() -> float:
    """This process's own CPU time, without the servers it started."""
    times = os.times()
    return times.user + times.system


def processes(cluster: Cluster) -> dict[str, int | None]:
    def pid(process: _Process) -> int | None:
        return process.popen.pid if process.popen else None

    found: dict[str, int | None] = {}
    for number, pair in enumerate(cluster.pairs, start=1):
        found[f"Rasa server {number}"] = pid(pair.rasa)
        found[f"action server {number}"] = pid(pair.actions)
    postmaster = cluster.postgres.data / "postmaster.pid"
    found["PostgreSQL"] = int(postmaster.read_text().split()[0]) if postmaster.exists() else None
    found["Redis"] = pid(cluster.redis.process)
    found["HAProxy"] = pid(cluster.balancer.process)
    return found


def say(url: str, token: str, sender: str, text: str) -> float | None:
    """The seconds a turn took, or None when it failed (an HTTP error, no answer)."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=150) as r:
            r.read()
    except OSError:  # URLError and HTTPError are OSErrors
        return None
    return time.perf_counter() - started


def load(cluster: Cluster, users: int, turns: int, name: str) -> tuple[float, list[float], int]:
    """Closed loop: each user sends its next message as soon as it has the answer.
    (wall seconds, each turn's seconds, how many turns failed)"""
    token, times, failed, lock = cluster.settings.secrets.rest_token, [], [0], threading.Lock()

    def user(number: int) -> None:
        for turn in range(turns):
            took = say(cluster.rest_url, token, f"{name}-{number}", assistant_script(turn))
            with lock:
                if took is None:
                    failed[0] += 1
                else:
                    times.append(took)

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, times, failed[0]


def measure(servers: int, users: int, turns: int, folder: Path) -> dict[str, float]:
    settings = ClusterSettings(
        repo=REPO, folder=folder, log_dir=folder / "log", model=MODEL, port=free_port(),
        rasa_servers=servers, durable=False,
    )  # fmt: skip
    with Cluster(settings) as cluster:
        cluster.start(lambda line: print(f"  {line}", flush=True))
        load(cluster, 4, 3, "warm-up")  # the first turns of each server load what they need
        pids = processes(cluster)
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        mine = own_cpu_seconds()
        wall, times, failed = load(cluster, users, turns, "load")
        used = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
        used["load (this process)"] = own_cpu_seconds() - mine
    found = {
        "failed turns": float(failed),
        "throughput (turns/s)": len(times) / wall,
        "p50 (ms)": 1000 * statistics.median(times),
        "p95 (ms)": 1000 * percentile(times, 0.95),
        "wall (s)": wall,
    }
    found.update({f"CPU s: {name}": seconds for name, seconds in used.items()})
    found["CPU s: all"] = sum(used.values())
    found["cores busy (CPU s / wall s)"] = found["CPU s: all"] / wall
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default="1,2", help="Rasa servers, one run each: 1,2")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args(argv)
    counts = [int(count) for count in args.servers.split(",")]
    results: dict[int, dict[str, float]] = {}
    for count in counts:
        print(f"{count} Rasa server(s), {args.users} users x {args.turns} turns ...", flush=True)
        with tempfile.TemporaryDirectory(prefix="cluster-bench-") as scratch:
            os.chmod(scratch, 0o711)  # PostgreSQL may run as its own user
            results[count] = measure(count, args.users, args.turns, Path(scratch))
    keys = list(dict.fromkeys(key for found in results.values() for key in found))
    print(f"\n{os.cpu_count()} cores. Through HAProxy, PostgreSQL, Redis lock store:")
    print(f"{'':34}" + "".join(f"{f'{count} server(s)':>14}" for count in counts))
    for key in keys:
        cells = "".join(
            f"{results[count][key]:14.1f}" if key in results[count] else f"{'':14}"
            for count in counts
        )
        print(f"{key:34}{cells}")
    if len(counts) == 2 and counts[0] == 1:
        one, more = (results[count]["throughput (turns/s)"] for count in counts)
        print(f"\nthroughput, {counts[1]} servers / 1 server: {more / one:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
