"""Speech in with two recognisers: Moonshine writes down what was said, pocketsphinx's short
list search says which of the phrases that can be said now fits the sound best.

Moonshine (accessibility/voice/moonshine.py) is trained on far more voices than pocketsphinx's
acoustic model, so it hears voices the project was not built on; but it writes what it hears
freely ("Let her be.", "Yes, Lee."), and on noise it can make up words. Its words are matched
to the short list by sound (matching.py). For each note, in order:

  1. Moonshine's words are near one phrase and clearly nearer it than any phrase meaning
     something else: that phrase is offered back.
  2. Moonshine's words are a little nearer a phrase, and pocketsphinx's best phrase means the
     same: two recognisers that share nothing agree, so that phrase is offered back.
  3. pocketsphinx is sure of its phrase on its own (`Confidence`): offered back.
  4. Moonshine wrote a few words that are no phrase at all, all of them in the dictionary,
     at the pace of speech (not a loop or a flood of words made up from noise): those words
     are offered back.
  5. Otherwise nothing: the front end says it did not catch that and offers the buttons.

Whatever is offered is checked with the person ("I heard: ... Is that right?"). A spoken
answer to that check is taken as the person's yes only when pocketsphinx is certain of it
(`Confidence.confirm_*`) and Moonshine heard the same meaning: a misheard note never acts.

The thresholds (`Agreement`) were chosen on the "tune" voices of tests/support/voice_testset.py
only; benchmarks/voice_bench.py reports the others.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from accessibility.voice import scribe
from accessibility.voice.audio import Audio, SpeechError
from accessibility.voice.hearing import Confidence, Transcript, normalise, same_meaning
from accessibility.voice.matching import nearest, pronouncing, tidy
from accessibility.voice.sphinx import PocketsphinxTranscriber, ShortList, loud_frames


@dataclass(frozen=True)
class Agreement:
    """How near Moonshine's words must be to a phrase (matching.py's similarity, 0..1)."""

    similarity: float = 0.6  # 1: near enough on its own ...
    margin: float = 0.2  # ... and this far ahead of the nearest phrase meaning something else
    agree_similarity: float = 0.3  # 2: enough when pocketsphinx's best phrase means the same
    extra_words: float = 0.5  # a phrase inside more words: lowered by this times their share
    confirm_similarity: float = 0.3  # a spoken yes: Moonshine heard the same meaning this near
    words_least: int = 3  # 4: free words are offered as a few words, never one or two ...
    near_miss: float = 0.5  # ... that are not this near a phrase (a phrase misheard) ...
    words_per_second: float = 4.5  # ... and no faster than speech (noise made into words)
    words_seconds: float = 20.0  # longer notes are not written down (answers are short)


@dataclass(frozen=True)
class Heard:
    """What each recogniser made of one note, for `decide`."""

    written: str  # Moonshine's words, as it wrote them
    short: ShortList  # pocketsphinx's short list search
    speech_seconds: float  # how long the loud part of the note lasts


class MoonshineTranscriber:
    """Moonshine and pocketsphinx's short list together, as a `Transcriber`."""

    def __init__(
        self,
        agreement: Agreement | None = None,
        confidence: Confidence | None = None,
        workers: int = 2,
    ) -> None:
        self.agreement = agreement or Agreement()
        self.short_list = PocketsphinxTranscriber(confidence, workers=workers)
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def transcribe(self, audio: Audio, expected: Sequence[str]) -> Transcript:
        return decide(self.hear(audio, expected), _phrases(expected), self.agreement)

    def hear(self, audio: Audio, expected: Sequence[str]) -> Heard:
        """Both recognisers on one note, at once (Moonshine runs outside Python's lock)."""
        audio = audio.resampled(16000)
        samples = np.clip(audio.samples, -1, 1).astype(np.float32)
        seconds = len(loud_frames(samples)) / 100
        written: Future[str] | None = None
        if len(samples) <= self.agreement.words_seconds * 16000:
            written = self._workers().submit(scribe.write_down, samples)
        short = self.short_list.short_list(audio, expected)
        return Heard(_words_or_nothing(written), short, seconds)

    def _workers(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(2, thread_name_prefix="moonshine")
            return self._pool


def _words_or_nothing(written: Future[str] | None) -> str:
    """Moonshine's words; nothing if it failed, so pocketsphinx's short list alone decides
    (and the person is asked, as for any note Moonshine did not catch)."""
    if written is None:
        return ""
    try:
        return written.result()
    except SpeechError:
        return ""


def decide(heard: Heard, phrases: Sequence[str], agreement: Agreement) -> Transcript:
    """What to offer back (see the module's docstring, steps 1-5)."""
    sure = agreement
    short = heard.short
    whole = nearest(heard.written, phrases)  # Moonshine's words as one phrase
    match = nearest(heard.written, phrases, sure.extra_words)  # or a phrase inside them
    agrees = bool(match.phrase) and same_meaning(match.phrase, short.best, phrases)
    certain = short.certain and agrees and match.similarity >= sure.confirm_similarity
    if whole.phrase and whole.similarity >= sure.similarity and whole.margin >= sure.margin:
        certain = certain and same_meaning(whole.phrase, short.best, phrases)
        return Transcript(whole.phrase, True, whole.margin, short.best, certain=certain)
    if agrees and match.similarity >= sure.agree_similarity:
        return Transcript(match.phrase, True, match.margin, short.best, certain=certain)
    if short.sure:
        return Transcript(short.best, True, short.margin, short.best, certain=certain)
    words = tidy(heard.written)
    count = len(words.split())
    if (
        count >= sure.words_least
        and len(set(words.split())) * 2 >= count  # not a loop: "a a a a b"
        and whole.similarity < sure.near_miss
        and all(word in pronouncing() for word in words.split())  # words in the dictionary
        and count <= sure.words_per_second * max(heard.speech_seconds, 0.5)
    ):
        return Transcript(words, False, match.similarity, best_guess=short.best)
    return Transcript("", False, match.similarity, best_guess=short.best)


def _phrases(expected: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(normalise(p) for p in expected if normalise(p)))
