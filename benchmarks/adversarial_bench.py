"""How long one hostile message can keep each parser of a person's words busy.

For each parser (the ones tests/ras_core/test_linear_time.py times, and the readability check,
which only ever reads the assistant's own words), the worst over the hostile strings of the
best of `--runs` calls, and the string that was worst. Run at two lengths to see how the time
grows: ten times the text should take about ten times as long, not a hundred.

    python -m benchmarks.adversarial_bench [--length 10000] [--runs 3] [--give-up 5]

A call still running after `--give-up` seconds is stopped and shown as "over" that time (the
regular expression engine checks for the signal as it works). A parser that raises an error on
a string (the person would get no reply) is reported with the strings it failed on.
"""

from __future__ import annotations

import argparse
import signal
import tempfile
from pathlib import Path
from types import FrameType

from accessibility.readability import check_text
from tests.ras_core.test_linear_time import (
    LENGTH,
    Parser,
    best_time,
    domain_parsers,
    hostile_strings,
    plan_parsers,
)


class GaveUp(Exception):
    pass


def _give_up(signum: int, frame: FrameType | None) -> None:
    raise GaveUp


def worst(
    parser: Parser, strings: dict[str, str], runs: int, give_up: float
) -> tuple[float, str, list[str]]:
    """(seconds, name) of the string that took longest, inf when one was given up on; and the
    strings on which the parser raised an error (a person would have had no reply)."""
    slowest, failed = (0.0, ""), []
    for name, said in strings.items():
        signal.setitimer(signal.ITIMER_REAL, give_up)
        try:
            took = best_time(parser, said, runs)
        except GaveUp:
            took = float("inf")
        except Exception as error:  # reported: the person would have had no reply
            took = 0.0
            failed.append(f"{name} ({type(error).__name__})")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        slowest = max(slowest, (took, name))
    return (*slowest, failed)


def main() -> None:
    options = argparse.ArgumentParser(description="Worst time of each parser on hostile text.")
    options.add_argument("--length", type=int, default=LENGTH, help="characters in each string")
    options.add_argument("--runs", type=int, default=3, help="calls per string (best is kept)")
    options.add_argument("--give-up", type=float, default=5.0, help="seconds before stopping")
    args = options.parse_args()
    signal.signal(signal.SIGALRM, _give_up)
    strings = hostile_strings(args.length)
    with tempfile.TemporaryDirectory() as folder:
        parsers = {
            **domain_parsers(),
            **plan_parsers(Path(folder)),
            "readability.check_text (own words only)": Parser(check_text),
        }
        for parser in parsers.values():
            parser.prepare()
            parser.read("warm up \u00e9\u200b 1")
        print(f"{len(strings)} hostile strings of {args.length:,} characters; best of {args.runs}")
        print(f"{'parser':<42} {'worst ms':>9}  on")
        for name, parser in parsers.items():
            took, on, failed = worst(parser, strings, args.runs, args.give_up)
            shown = f"> {args.give_up * 1000:.0f}" if took == float("inf") else f"{took * 1000:.1f}"
            errors = f"; raised an error on {', '.join(failed)}" if failed else ""
            print(f"{name:<42} {shown:>9}  {on}{errors}", flush=True)


if __name__ == "__main__":
    main()
