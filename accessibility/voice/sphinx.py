"""Pocketsphinx, offline, with the English model inside its wheel, as a `Transcriber`.

For each note, at most four searches over the same sound, on one worker's decoders:
  1. the short list (a JSGF grammar): its best phrase;
  2. the short list without that phrase's meaning: the runner-up, for the margin;
  3. free phones (pocketsphinx's phone loop): how well any speech at all fits the sound;
  4. only when 1-3 are not sure: free dictation, with its own posterior probability.
Searches over the same sound share the acoustic model's per-frame normalisation, so their
scores can be compared; `Confidence` in hearing.py says how far apart they must be. The best
phrase must also lie on the loud parts of the sound (`loud_frames`, a plain energy check) and
last long enough to be a word: hiss can be "a" for 30 ms, a long sentence "b some help".

The grammar search runs without pocketsphinx's lattice "best path" pass, which can give back
half a phrase ("hardly any" for "hardly any help"); the Viterbi result is always a whole
phrase from the list. A decoder is not thread-safe: each worker is used by one note at a time,
and a few workers (made as needed) let notes from different people be heard at once.
"""

from __future__ import annotations

import math
import os
import queue
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accessibility.voice.audio import Audio
from accessibility.voice.hearing import Confidence, Transcript, meaning_of, normalise

LOUDER_THAN_BACKGROUND = 6.0  # dB: how far above its background a frame may be speech
WORKERS = 2  # notes heard at once (the machine's cores); more wait for a free worker
_LOG_BASE = math.log(1.0001)  # pocketsphinx's scores are logs in base 1.0001
# Wider beams than pocketsphinx's defaults and more Gaussians per frame: the short list is
# small, so the search can afford to keep more paths alive (about 60 ms for a short note).
_GRAMMAR_CONFIG: dict[str, Any] = {
    "bestpath": False, "beam": 1e-80, "pbeam": 1e-80, "wbeam": 1e-60, "topn": 8,
}  # fmt: skip
# Dictation with narrower beams and no second pass: twice as fast, the same words on clear
# speech, and its posterior probability still comes from the lattice ("best path").
_DICTATION_CONFIG: dict[str, Any] = {
    "fwdflat": False, "beam": 1e-40, "wbeam": 1e-30, "maxhmmpf": 3000,
}  # fmt: skip


class PocketsphinxTranscriber:
    def __init__(self, confidence: Confidence | None = None, workers: int = WORKERS) -> None:
        self.confidence = confidence or Confidence()
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._made = 0
        self._most = workers
        self._lock = threading.Lock()

    def transcribe(self, audio: Audio, expected: Sequence[str]) -> Transcript:
        samples = np.clip(audio.resampled(16000).samples, -1, 1)
        phrases = list(dict.fromkeys(normalise(p) for p in expected if normalise(p)))
        with self._worker() as worker:
            found = self._short_list(worker, samples, phrases)
            if found.sure:
                return found.transcript
            return self._dictate(worker, samples, found)

    def short_list(self, audio: Audio, expected: Sequence[str]) -> ShortList:
        """Searches 1-3 only (no dictation): what another recogniser is checked against."""
        samples = np.clip(audio.resampled(16000).samples, -1, 1)
        phrases = list(dict.fromkeys(normalise(p) for p in expected if normalise(p)))
        with self._worker() as worker:
            return self._short_list(worker, samples, phrases)

    def _short_list(self, worker: _Worker, samples: np.ndarray, phrases: list[str]) -> ShortList:
        sure = self.confidence
        raw = (samples * 32767).astype("<i2").tobytes()
        known = worker.known(phrases)
        best, best_score = worker.grammar(known, raw) if known else ("", None)
        frames, words_at = max(worker.frames(), 1), worker.spoken_frames()
        phones = worker.phone_loop(raw)
        found = ShortList(best, -math.inf, -math.inf, False, raw, phones, frames, sure)
        if best and best_score is not None:
            meaning = meaning_of(best, phrases)
            others = [p for p in known if meaning_of(p, phrases) != meaning]
            runner_up = worker.grammar(others, raw)[1] if others else None
            margin = _per_frame(best_score, runner_up, frames)
            fit = _per_frame(best_score, phones, frames)
            speech_at = loud_frames(samples)
            covered = len(words_at & speech_at) / len(speech_at) if speech_at else 0.0
            enough = covered >= sure.coverage and len(words_at) >= sure.word_frames
            found = ShortList(best, margin, fit, enough, raw, phones, frames, sure)
        return found

    def _dictate(self, worker: _Worker, samples: np.ndarray, found: ShortList) -> Transcript:
        sure = self.confidence
        if len(samples) <= sure.words_seconds * 16000:
            words, posterior, score = worker.dictate(found.raw)
            if (
                len(words.split()) >= sure.words_least
                and posterior >= sure.words_posterior
                and _per_frame(score, found.phones, found.frames) >= sure.words_fit
            ):
                return Transcript(words, False, posterior, best_guess=found.best)
        return Transcript("", from_grammar=False, confidence=found.margin, best_guess=found.best)

    @contextmanager
    def _worker(self) -> Iterator[_Worker]:
        with self._lock:
            make = self._idle.empty() and self._made < self._most
            self._made += make
        worker = _Worker() if make else self._idle.get()
        try:
            yield worker
        finally:
            self._idle.put(worker)


@dataclass(frozen=True)
class ShortList:
    """What the short-list search found: its best phrase, and how it stands out."""

    best: str  # "" when the search found no phrase
    margin: float  # per frame, over the best phrase meaning something else
    fit: float  # per frame, against free phones
    enough: bool  # the phrase's words lie on the loud parts and last long enough
    raw: bytes = field(repr=False, default=b"")  # the 16-bit samples searched
    phones: float | None = field(repr=False, default=None)  # the free phones' score
    frames: int = field(repr=False, default=1)
    confidence: Confidence = field(repr=False, default_factory=Confidence)

    @property
    def sure(self) -> bool:
        """Sure enough to offer back (what `Confidence` asks of margin, fit and length)."""
        c = self.confidence
        return bool(self.best) and self.enough and self.margin >= c.margin and self.fit >= c.fit

    @property
    def certain(self) -> bool:
        """Sure enough that a spoken yes is taken as the person's yes."""
        c = self.confidence
        return self.sure and self.margin >= c.confirm_margin and self.fit >= c.confirm_fit

    @property
    def transcript(self) -> Transcript:
        return Transcript(self.best, True, self.margin, best_guess=self.best, certain=self.certain)


def loud_frames(samples: np.ndarray, rate: int = 16000) -> set[int]:
    """The 10 ms frames well above the note's own background (its quietest tenth), where
    someone may be speaking; pocketsphinx's frames are 10 ms too."""
    step = rate // 100
    frames = samples[: len(samples) // step * step].reshape(-1, step).astype(np.float64)
    if len(frames) == 0:
        return set()
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-10)
    floor, peak = float(np.percentile(level, 10)), float(level.max())
    loud = (level > floor + LOUDER_THAN_BACKGROUND) & (level > peak - 40)
    return {int(frame) for frame in np.flatnonzero(loud)}


def _per_frame(score: float | None, other: float | None, frames: int) -> float:
    if score is None:
        return -math.inf
    if other is None:
        return math.inf
    return (score - other) / frames


class _Worker:
    """One set of decoders: the short list and free phones on one, dictation on another."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder, get_model_path

        self._grammars: dict[tuple[str, ...], str] = {}
        self._searcher: Any = Decoder(loglevel="FATAL", lm=None, **_GRAMMAR_CONFIG)
        phone_lm = os.path.join(get_model_path(), "en-us", "en-us-phone.lm.bin")
        self._searcher.add_allphone_file("phones", phone_lm)
        self._dictation: Any = None  # made on first use: it loads the large language model
        self._free = ""

    def known(self, phrases: Sequence[str]) -> list[str]:
        """The phrases whose every word is in the dictionary."""
        lookup = self._searcher.lookup_word
        return [p for p in phrases if all(lookup(w) is not None for w in p.split())]

    def frames(self) -> int:
        return int(self._searcher.n_frames())

    def grammar(self, phrases: Sequence[str], raw: bytes) -> tuple[str, float | None]:
        """The best phrase of the list, and its score (None when the search found none)."""
        key = tuple(sorted(phrases))
        if key not in self._grammars:
            name = f"g{len(self._grammars)}"
            jsgf = "#JSGF V1.0;\ngrammar answers;\npublic <answer> = " + " | ".join(key) + ";\n"
            self._searcher.add_jsgf_string(name, jsgf)
            self._grammars[key] = name
        hypothesis = _search(self._searcher, self._grammars[key], raw)
        if hypothesis is None or not hypothesis.hypstr.strip():
            return "", None
        return " ".join(hypothesis.hypstr.split()), _log(hypothesis.score)

    def phone_loop(self, raw: bytes) -> float | None:
        hypothesis = _search(self._searcher, "phones", raw)
        return None if hypothesis is None else _log(hypothesis.score)

    def spoken_frames(self) -> set[int]:
        """The frames the last search put words or phones in (not silence or noise)."""
        return {
            frame
            for segment in self._searcher.seg() or ()
            if not segment.word.startswith(("<", "[", "+")) and segment.word != "SIL"
            for frame in range(segment.start_frame, segment.end_frame + 1)
        }

    def dictate(self, raw: bytes) -> tuple[str, float, float | None]:
        """Free dictation: the words, their posterior probability, and the score."""
        if self._dictation is None:
            from pocketsphinx import Decoder

            self._dictation = Decoder(loglevel="FATAL", **_DICTATION_CONFIG)
            self._free = self._dictation.current_search()
        hypothesis = _search(self._dictation, self._free, raw)
        if hypothesis is None:
            return "", 0.0, None
        words = " ".join(w for w in hypothesis.hypstr.split() if not w.startswith(("<", "[")))
        return normalise(words), float(hypothesis.prob), _log(hypothesis.score)


def _search(decoder: Any, name: str, raw: bytes) -> Any:
    decoder.activate_search(name)
    decoder.start_utt()
    decoder.process_raw(raw, full_utt=True)
    decoder.end_utt()
    return decoder.hyp()


def _log(score: float) -> float | None:
    """pocketsphinx gives exp(score): back to its log units (None if it underflowed)."""
    return math.log(score) / _LOG_BASE if score > 0 else None
