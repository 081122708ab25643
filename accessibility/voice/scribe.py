"""Moonshine in a child process of its own, replaced now and then.

Moonshine is native code (ONNX Runtime) that works on any note a person sends. Run in the
front end's own process, a fault or a hang there would stop the replies to everyone. So it
runs in a child process: a child that dies or does not answer within `ANSWER_SECONDS` is
killed and replaced, and the note is tried once more in a new one; a note is never waited on
for ever. The child is also retired after `NOTES_PER_PROCESS` notes, and its successor starts
at once and loads the model while the next person is still talking: the wheel's own library,
used before, kept about 6.5 MB for every note; ONNX Runtime used directly keeps memory flat
(654 MB over 160 notes, measured), and the replacement bounds anything it might keep.

The child is started with "spawn", not "fork": the front end runs threads, and a forked copy
of a threaded process may hold locks no thread will ever release.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

import numpy as np

from accessibility.voice.audio import SpeechError
from accessibility.voice.moonshine import Listening

NOTES_PER_PROCESS = 500  # memory stays flat; this only bounds what might build up
ANSWER_SECONDS = 60.0  # a 60 s note took the wheel's library about 25 s here; loading 3 s
_SPAWN = multiprocessing.get_context("spawn")


def _serve(connection: Connection) -> None:
    """The child: load the model, then write down each note sent until told to stop."""
    from accessibility.voice import moonshine

    moonshine.preload()
    # ONNX Runtime's first run is slow (about a second): have it on a tone, not a person's note.
    tone = 0.2 * np.sin(np.arange(moonshine.RATE) / moonshine.RATE * 2 * np.pi * 220)
    with contextlib.suppress(SpeechError):
        moonshine.write_down(tone.astype(np.float32))
    while True:
        try:
            asked = connection.recv()
        except (EOFError, OSError):
            return
        if asked is None:
            return
        samples, phrases = asked
        try:
            connection.send(("heard", moonshine.listen(samples, phrases)))
        except SpeechError as error:
            connection.send(("error", str(error)))


@dataclass
class _Child:
    process: BaseProcess
    connection: Connection
    notes: int = 0

    @classmethod
    def start(cls) -> _Child:
        ours, theirs = _SPAWN.Pipe()
        process = _SPAWN.Process(target=_serve, args=(theirs,), name="moonshine", daemon=True)
        process.start()
        theirs.close()
        return cls(process, ours)

    def stop(self) -> None:
        """Ask it to finish; kill it if it does not go within a few seconds (in a thread)."""
        with contextlib.suppress(OSError, ValueError):
            self.connection.send(None)
        threading.Thread(target=self._reap, name="moonshine-reap", daemon=True).start()

    def kill(self) -> None:
        self.process.kill()
        self._reap()

    def _reap(self) -> None:
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.connection.close()


class Scribe:
    """Writes notes down with Moonshine in a child process (one note at a time)."""

    def __init__(
        self, notes_per_process: int = NOTES_PER_PROCESS, answer_seconds: float = ANSWER_SECONDS
    ) -> None:
        self.notes_per_process = notes_per_process
        self.answer_seconds = answer_seconds
        self._lock = threading.Lock()
        self._child: _Child | None = None

    def start(self) -> None:
        """Start the child now, so the model is loaded before the first note."""
        with self._lock:
            self._current()

    def pid(self) -> int | None:
        """The child's process id (for tests and benchmarks)."""
        with self._lock:
            return self._child.process.pid if self._child else None

    def write_down(self, samples: np.ndarray) -> str:
        """What Moonshine hears in 16 kHz mono float samples ("Yes, please.")."""
        return self.listen(samples, ()).text

    def listen(self, samples: np.ndarray, phrases: Sequence[str]) -> Listening:
        """Moonshine's words for the note, and how likely it finds each phrase (moonshine.py)."""
        asked = (np.ascontiguousarray(samples, dtype=np.float32), tuple(phrases))
        with self._lock:
            try:
                return self._ask(asked)
            except (EOFError, OSError, TimeoutError):
                pass
            try:
                return self._ask(asked)  # once more, in a new child
            except (EOFError, OSError, TimeoutError) as error:
                raise SpeechError(f"Moonshine stopped twice on one note: {error!r}") from error

    def close(self) -> None:
        with self._lock:
            if self._child is not None:
                self._child.stop()
                self._child = None

    def _ask(self, asked: tuple[np.ndarray, tuple[str, ...]]) -> Listening:
        child = self._current()
        try:
            child.connection.send(asked)
            if not child.connection.poll(self.answer_seconds):
                raise TimeoutError("Moonshine did not answer")
            kind, answer = child.connection.recv()
        except (EOFError, OSError, TimeoutError):
            child.kill()
            self._child = None
            raise
        child.notes += 1
        if child.notes >= self.notes_per_process:
            child.stop()
            self._child = _Child.start()  # loads while the next person talks
        if kind != "heard" or not isinstance(answer, Listening):
            raise SpeechError(f"Moonshine failed: {answer}")
        return answer

    def _current(self) -> _Child:
        if self._child is None or not self._child.process.is_alive():
            if self._child is not None:
                self._child.kill()
            self._child = _Child.start()
        return self._child


_shared = Scribe()


def write_down(samples: np.ndarray) -> str:
    """The process-wide scribe's words for a note."""
    return _shared.write_down(samples)


def listen(samples: np.ndarray, phrases: Sequence[str]) -> Listening:
    """The process-wide scribe's words for a note, and each phrase's likelihood."""
    return _shared.listen(samples, phrases)


def preload() -> None:
    """Start the process-wide scribe's child (the model loads there, in the background). If
    no process can be started now, the first note tries again (and, failing, is heard by the
    short list alone): a front end must start either way."""
    with contextlib.suppress(OSError):
        _shared.start()
