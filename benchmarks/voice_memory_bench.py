"""Memory while Moonshine writes down many notes, and the cost of replacing its process.

Moonshine runs in a child process of its own (accessibility/voice/scribe.py), replaced now and
then. This writes down the "tune" voices' clean notes again and again and prints, every so
often, the child's and this process's memory (VmRSS), which should stay flat, and how long the
first note after a replacement takes against the others. The child is replaced every
`--per-process` notes here (far more often than in the bot) to show that cost.

    python -m benchmarks.voice_memory_bench [--notes 150] [--per-process 50] [--gap 5]
                                                                          (or: make bench)

The first note in a new process comes `--gap` seconds after the one before (a person's pause);
back to back (`--gap 0`) it waits for the model to load, about 1.4 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from accessibility.voice import decode_ogg
from accessibility.voice.scribe import NOTES_PER_PROCESS, Scribe
from tests.support.processes import resident_mb
from tests.support.voice_testset import VOICES, Item, available, items, recording


def notes() -> list[np.ndarray]:
    tune = tuple(v for v in VOICES if v.split == "tune")
    clean: list[Item] = [i for i in items(tune) if i.condition == "clean"]
    audio = [decode_ogg(recording(item)).resampled(16000) for item in clean]
    return [np.clip(a.samples, -1, 1).astype(np.float32) for a in audio]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=150)
    parser.add_argument("--per-process", type=int, default=min(50, NOTES_PER_PROCESS))
    parser.add_argument("--gap", type=float, default=5.0, help="seconds before a new child's note")
    args = parser.parse_args()
    if not available():
        print("voice memory: skipped (needs the Debian package espeak-ng)")
        return 0
    said = notes()
    scribe = Scribe(notes_per_process=args.per_process)
    scribe.write_down(said[0])  # the model loaded before timing starts
    seen = {scribe.pid()}
    first_in_process: list[float] = []
    others: list[float] = []
    print(f"Moonshine's process, replaced every {scribe.notes_per_process} notes")
    print("  notes  child MB  this process MB")
    for n in range(1, args.notes + 1):
        child = scribe.pid()
        if child not in seen:
            time.sleep(args.gap)  # as a person would take to send their next note
        started = time.perf_counter()
        scribe.write_down(said[n % len(said)])
        took = 1000 * (time.perf_counter() - started)
        (others if child in seen else first_in_process).append(took)
        seen.add(child)
        now = scribe.pid()
        if n % 25 == 0 and now is not None:
            print(f"  {n:5d}  {resident_mb(now):8d}  {resident_mb(os.getpid()):15d}")
    scribe.close()
    print(f"  a note: median {statistics.median(others):.0f} ms; the first in a new process: "
          f"median {statistics.median(first_in_process or [0]):.0f} ms "
          f"({len(first_in_process)} notes)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
