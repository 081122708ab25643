"""How the dashboard keeps up as a team's queue grows.

Builds a team with 10, then 1,000 submitted cases (each with answers, a budget and a full
plan, made through ras_core), serves the real app with uvicorn, and times as medians:
  - the queue page, and
  - one case page,
signed in as a coordinator over HTTP. The ratio 1,000 / 10 is the number to watch: a queue
that grows with the cases is expected, a case page that does is not.

    python -m benchmarks.dashboard_bench [--runs 15]      (or: make bench)
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from ras_core.casework import Casework
from ras_core.store import open_store
from tests.dashboard.builders import make_case
from tests.support.dashboard_server import PASSWORD, post_sign_in, serve


def median_ms(fetch: Callable[[], httpx.Response], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = fetch()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def measure(cases: int, runs: int, folder: Path) -> tuple[float, float]:
    store = open_store(f"sqlite:///{folder / f'bench-{cases}.db'}")
    work = Casework(store)
    store.accounts.add_team("North", takes_new_cases=True)
    store.accounts.add_coordinator("asha", "Asha", "North", PASSWORD)
    made = [make_case(store, work) for _ in range(cases)]
    with serve(store) as url, httpx.Client(base_url=url, timeout=60) as client:
        post_sign_in(client, "asha", PASSWORD)
        queue = median_ms(lambda: client.get("/"), runs)
        case = median_ms(lambda: client.get(f"/cases/{made[len(made) // 2].id}"), runs)
    return queue, case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(10, args.runs, Path(tmp))
        large = measure(1000, args.runs, Path(tmp))
    print(f"Dashboard, median of {args.runs} requests (ms):")
    print(f"  queue page:  {small[0]:7.1f} with 10 cases, {large[0]:7.1f} with 1,000 "
          f"(x{large[0] / small[0]:.1f})")  # fmt: skip
    print(f"  case page:   {small[1]:7.1f} with 10 cases, {large[1]:7.1f} with 1,000 "
          f"(x{large[1] / small[1]:.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
