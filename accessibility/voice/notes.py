"""Voice notes: text read aloud as OGG/Opus files, cached on disk.

The cache key is the engine, its language, the speed and the text, so a cached note is never
from another voice. Files are written to a temporary name and renamed, so a failed or
interrupted synthesis never leaves an empty or half-written note behind.
"""

from __future__ import annotations

import hashlib
import os
import re
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


def cache_key(engine: SpeechEngine, slow: bool, text: str) -> str:
    speed = "slow" if slow else "normal"
    raw = "\n".join((engine.name, engine.language, speed, text))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class VoiceNotes:
    def __init__(self, engine: SpeechEngine, cache_dir: Path) -> None:
        self.engine = engine
        self.cache_dir = cache_dir

    def path_for(self, engine: SpeechEngine, slow: bool, text: str) -> Path:
        return self.cache_dir / f"{cache_key(engine, slow, speakable(text))}.ogg"

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


def voice_notes_for(speech: SpeechSettings) -> VoiceNotes:
    """gtts (the offline engine when it fails) or offline only; notes cached in the cache folder."""
    engine: SpeechEngine = OfflineEngine()
    if speech.engine == "gtts":
        engine = FallbackEngine(GttsEngine(speech.gtts_timeout), engine)
    return VoiceNotes(engine, speech.voice_cache)
