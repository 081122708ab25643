"""Speech engines: gTTS (production, British English) and hibari-tts (offline, in the wheel)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Protocol

import numpy as np

from accessibility.voice.audio import Audio, SpeechError, decode

log = logging.getLogger(__name__)


class SpeechEngine(Protocol):
    name: str
    language: str

    def synthesise(self, text: str, *, slow: bool) -> Audio:
        """Speak the text; raise SpeechError on failure."""


class GttsEngine:
    """Google's voice through gTTS: en with the co.uk domain gives a British accent."""

    name = "gtts"
    language = "en-GB"

    def __init__(self, timeout: float = 5.0) -> None:
        self.timeout = timeout

    def synthesise(self, text: str, *, slow: bool) -> Audio:
        from gtts import gTTS, gTTSError

        try:
            tts = gTTS(text, lang="en", tld="co.uk", slow=slow, timeout=self.timeout)
            # One MP3 per chunk of text: decoded one by one, because MP3s joined end to end
            # decode only as long as the first.
            parts = [decode(chunk) for chunk in tts.stream()]
        except (gTTSError, AssertionError, ValueError) as error:
            raise SpeechError(f"gTTS failed: {error}") from error
        if not parts:
            raise SpeechError("gTTS gave no audio")
        rate = parts[0].sample_rate
        samples = np.concatenate([part.resampled(rate).samples for part in parts])
        return Audio(samples, rate)


class OfflineEngine:
    """hibari-tts: its voice ships inside the wheel, so it works with no network at all."""

    name = "hibari"
    language = "en-US"
    SLOW_SPEED = 0.75  # hibari: 1.0 is normal pace, lower is slower

    def __init__(self) -> None:
        self._tts: Any = None
        self._lock = threading.Lock()  # one synthesis at a time per engine

    def synthesise(self, text: str, *, slow: bool) -> Audio:
        from hibari import SAMPLE_RATE, Hibari

        with self._lock:
            if self._tts is None:
                self._tts = Hibari()
            try:
                samples = self._tts(text, speed=self.SLOW_SPEED if slow else 1.0, seed=0)
            except Exception as error:  # the model may fail on odd input
                raise SpeechError(f"offline speech failed: {error}") from error
        if len(samples) == 0:
            raise SpeechError("offline speech made no sound")
        return Audio(np.asarray(samples, dtype=np.float32), SAMPLE_RATE)


class FallbackEngine:
    """The primary engine, or the fallback when it fails; after a failure the primary rests a
    while, so every reply does not wait for a service that is down."""

    def __init__(self, primary: SpeechEngine, fallback: SpeechEngine, rest_seconds: float = 60):
        self.primary, self.fallback = primary, fallback
        self.rest_seconds = rest_seconds
        self._resting_until = 0.0
        self.name, self.language = primary.name, primary.language

    def choose(self) -> SpeechEngine:
        return self.primary if time.monotonic() >= self._resting_until else self.fallback

    def synthesise(self, text: str, *, slow: bool) -> Audio:
        return self.synthesise_with(text, slow=slow)[1]

    def synthesise_with(self, text: str, *, slow: bool) -> tuple[SpeechEngine, Audio]:
        engine = self.choose()
        if engine is self.primary:
            try:
                return engine, engine.synthesise(text, slow=slow)
            except SpeechError as error:
                log.warning("%s failed, using %s: %s", engine.name, self.fallback.name, error)
                self._resting_until = time.monotonic() + self.rest_seconds
        return self.fallback, self.fallback.synthesise(text, slow=slow)
