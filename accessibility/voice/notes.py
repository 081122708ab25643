"""Voice notes: text read aloud as OGG/Opus.

Privacy first: only fixed catalogue texts (the same for everyone, `fixed`) may go to gTTS and
be cached. Anything else (a text with the person's answers, plan or words in it) is spoken by
the offline engine, in memory, and never written to disk.

The cache key is the engine, its language, the speed and the text, keyed with a secret kept
beside the cache (`<cache>.key`, 0600), so a guessed text cannot be confirmed from the file
names. Files are written to a temporary name and renamed, so a failed or interrupted synthesis
never leaves an empty or half-written note behind.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import soundfile

from accessibility.voice.audio import encode_ogg_opus
from accessibility.voice.engines import FallbackEngine, GttsEngine, OfflineEngine, SpeechEngine
from ras_core.settings import SpeechSettings


@dataclass(frozen=True)
class VoiceNote:
    path: Path
    seconds: float


def speakable(text: str) -> str:
    """Text as it should be read: no markup symbols, money and letters read naturally."""
    text = re.sub(r"[*_`#>|]", " ", text)
    text = re.sub(r"£\s?([\d,]+(?:\.\d\d)?)", r"\1 pounds", text)
    text = re.sub(
        r"^([A-D]):", r"\1.", text, flags=re.MULTILINE
    )  # "B: some help" -> "B. some help"
    text = re.sub(r"\s*\n+\s*", ". ", text.strip())
    text = re.sub(r"([.!?])\.\s", r"\1 ", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def cache_key(engine: SpeechEngine, slow: bool, text: str, key: bytes = b"") -> str:
    speed = "slow" if slow else "normal"
    raw = "\n".join((engine.name, engine.language, speed, text))
    return hmac.new(key, raw.encode("utf-8"), hashlib.sha256).hexdigest()


def cache_secret(cache_dir: Path) -> bytes:
    """The secret the cache's file names are keyed with, made on first use (0600)."""
    path = cache_dir.with_name(f"{cache_dir.name}.key")
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as file:
            file.write(secrets.token_bytes(32))
    return path.read_bytes()


class VoiceNotes:
    def __init__(
        self, engine: SpeechEngine, cache_dir: Path, fixed: frozenset[str] | None = None
    ) -> None:
        self.engine = engine
        self.cache_dir = cache_dir
        # None: every text counts as fixed (prerendering, tests of the cache itself).
        self.fixed = None if fixed is None else frozenset(speakable(t) for t in fixed)
        self.offline: SpeechEngine = (
            engine.fallback if isinstance(engine, FallbackEngine) else engine
        )
        self._key: bytes | None = None

    def is_fixed(self, text: str) -> bool:
        return self.fixed is None or speakable(text) in self.fixed

    def path_for(self, engine: SpeechEngine, slow: bool, text: str) -> Path:
        if self._key is None:
            self._key = cache_secret(self.cache_dir)
        return self.cache_dir / f"{cache_key(engine, slow, speakable(text), self._key)}.ogg"

    def speak(self, text: str, *, slow: bool = False) -> tuple[bytes, float]:
        """OGG/Opus bytes and seconds: a fixed text from the cache (made if need be), any
        other text by the offline engine, in memory only."""
        if self.is_fixed(text):
            note = self.render(text, slow=slow)
            return note.path.read_bytes(), note.seconds
        audio = self.offline.synthesise(speakable(text), slow=slow)
        return encode_ogg_opus(audio), audio.seconds

    def cached(self, text: str, *, slow: bool = False) -> VoiceNote | None:
        engine = self.engine.choose() if isinstance(self.engine, FallbackEngine) else self.engine
        return _note(self.path_for(engine, slow, text))

    def render(self, text: str, *, slow: bool = False) -> VoiceNote:
        """The voice note for this text, from the cache or made now (SpeechError on failure)."""
        hit = self.cached(text, slow=slow)
        if hit is not None:
            return hit
        words = speakable(text)
        if isinstance(self.engine, FallbackEngine):
            engine, audio = self.engine.synthesise_with(words, slow=slow)
        else:
            engine, audio = self.engine, self.engine.synthesise(words, slow=slow)
        path = self.path_for(engine, slow, text)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.cache_dir, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(encode_ogg_opus(audio))
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        return VoiceNote(path, audio.seconds)


def _note(path: Path) -> VoiceNote | None:
    if not path.is_file() or path.stat().st_size == 0:
        return None
    return VoiceNote(path, soundfile.info(str(path)).duration)


def voice_notes_for(speech: SpeechSettings, fixed: frozenset[str] | None = None) -> VoiceNotes:
    """gtts (the offline engine when it fails) or offline only (SPEECH_ENGINE=offline: a
    council that wants nothing sent to Google); only `fixed` texts are cached."""
    engine: SpeechEngine = OfflineEngine()
    if speech.engine == "gtts":
        engine = FallbackEngine(GttsEngine(speech.gtts_timeout), engine)
    return VoiceNotes(engine, speech.voice_cache, fixed)
