"""Speech in with two recognisers: Moonshine writes down what was said, pocketsphinx's short
list search says which of the phrases that can be said now fits the sound best.

Moonshine (accessibility/voice/moonshine.py) is trained on far more voices than pocketsphinx's
acoustic model, so it hears voices the project was not built on; but it writes what it hears
freely ("Let her be.", "Yes, Lee."), and on noise it can make up words. Its words are matched
to the short list by sound (matching.py). For each note, in order:

  0. Moonshine, asked how likely it finds each phrase (phrase_scores.py), finds one clearly
     likelier than any phrase meaning something else, and about as likely as the words it
     would write itself, which are not many more than the phrase's: that phrase is offered
     back. This holds in noise, where its free words go astray.
  1. Moonshine's words are near one phrase and clearly nearer it than any phrase meaning
     something else: that phrase is offered back.
  2. Moonshine's words are a little nearer a phrase, and pocketsphinx's best phrase means the
     same: two recognisers that share nothing agree, so that phrase is offered back.
  3. pocketsphinx is sure of its phrase on its own (`Confidence`), and Moonshine did not
     write a whole sentence of other words: offered back.
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
from accessibility.voice.moonshine import Listening
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
    # 0: Moonshine's likelihood of each phrase (phrase_scores.py), less this share of its
    # likelihood for silence ...
    prior_weight: float = 0.5
    likely_margin: float = 0.5  # ... ahead of any phrase meaning something else by this ...
    likely_gap: float = 6.0  # ... and within this of its own words' (else something else was said)
    # 0 and 3 offer no phrase when Moonshine wrote more than this many words beyond it: the
    # person said a sentence of their own, however misheard, not a button.
    words_beyond_phrase: int = 4


@dataclass(frozen=True)
class Heard:
    """What each recogniser made of one note, for `decide`."""

    written: str  # Moonshine's words, as it writes them
    short: ShortList  # pocketsphinx's short list search
    speech_seconds: float  # how long the loud part of the note lasts
    listening: Listening | None = None  # Moonshine's likelihood of each phrase


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
        written: Future[Listening] | None = None
        if len(samples) <= self.agreement.words_seconds * 16000:
            written = self._workers().submit(scribe.listen, samples, _phrases(expected))
        short = self.short_list.short_list(audio, expected)
        listening = _words_or_nothing(written)
        return Heard(listening.text, short, seconds, listening)

    def _workers(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(2, thread_name_prefix="moonshine")
            return self._pool


def _words_or_nothing(written: Future[Listening] | None) -> Listening:
    """Moonshine's words; nothing if it failed, so pocketsphinx's short list alone decides
    (and the person is asked, as for any note Moonshine did not catch)."""
    if written is None:
        return Listening("")
    try:
        return written.result()
    except SpeechError:
        return Listening("")


def decide(heard: Heard, phrases: Sequence[str], agreement: Agreement) -> Transcript:
    """What to offer back (see the module's docstring, steps 0-5)."""
    by_sound = _decide_by_sound(heard, phrases, agreement)
    likely, margin = most_likely(heard.listening, phrases, agreement)
    if not likely:
        return by_sound
    # A spoken yes is still taken only as steps 1-3 would take it: both recognisers agree.
    certain = by_sound.certain and same_meaning(likely, by_sound.text, phrases)
    return Transcript(likely, True, margin, heard.short.best, certain=certain)


def most_likely(
    listening: Listening | None, phrases: Sequence[str], agreement: Agreement
) -> tuple[str, float]:
    """Step 0: the phrase Moonshine finds most likely, and by how much, if it is clearly so
    and about as likely as what it would write itself (or as writing nothing, for a hiss), and
    what it would write is not a whole sentence; otherwise nothing."""
    if listening is None or not listening.phrases:
        return "", 0.0
    weight = agreement.prior_weight
    scores = np.array(listening.likelihood) - weight * np.array(listening.prior)
    order = [int(n) for n in np.argsort(-scores)]
    best = listening.phrases[order[0]]
    rivals = [scores[n] for n in order[1:] if not same_meaning(listening.phrases[n], best, phrases)]
    margin = scores[order[0]] - (rivals[0] if rivals else -np.inf)
    fits = listening.likelihood[order[0]] >= listening.text_likelihood - agreement.likely_gap
    # An answer in the person's own words, however misheard, is not made into a button.
    fits = fits and not _a_sentence_beyond(listening.text, best, agreement)
    if margin >= agreement.likely_margin and fits:
        return best, float(margin)
    return "", float(margin)


def _decide_by_sound(heard: Heard, phrases: Sequence[str], agreement: Agreement) -> Transcript:
    """Steps 1-5: Moonshine's words matched by sound, and pocketsphinx's short list."""
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
    if short.sure and not _a_sentence_beyond(heard.written, short.best, agreement):
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


def _a_sentence_beyond(written: str, phrase: str, agreement: Agreement) -> bool:
    """Moonshine wrote far more words than the phrase has (loops folded: tidy())."""
    return len(tidy(written).split()) - len(phrase.split()) > agreement.words_beyond_phrase


def _phrases(expected: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(normalise(p) for p in expected if normalise(p)))
