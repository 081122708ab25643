"""Speech for the Telegram front end, on top of `accessibility.voice`.

Out: each reply becomes an OGG/Opus voice note (gTTS, or the offline engine, cached on disk).
In: a voice note is decoded (at most limits.MAX_SECONDS of it) and heard offline: Moonshine
writes it down and its words are matched to what can be said at this point (buttons,
statements, letters, positions, yes/no, commands), with pocketsphinx's search of those phrases
beside it (accessibility/voice/listening.py). The Moonshine model loads in the background when
the front end starts, so the first note does not wait for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from accessibility.voice import (
    MoonshineTranscriber,
    SpeechError,
    Transcriber,
    Transcript,
    VoiceNotes,
    decode_ogg,
    expected_phrases,
    scribe,
    voice_notes_for,
)
from accessibility.voice.audio import TooLong
from bot.telegram import limits
from ras_core import settings

MESSAGES = settings.REPO / "bot" / "telegram" / "messages.yml"


@dataclass
class OfflineFirstSpeech:
    voice_notes: VoiceNotes
    transcriber: Transcriber

    @classmethod
    def current(cls) -> OfflineFirstSpeech:
        # Only the catalogue's fixed texts may go to gTTS and the cache (notes.py).
        from accessibility.voice.prerender import fixed_texts

        fixed = frozenset(fixed_texts([MESSAGES]))
        scribe.preload()  # Moonshine's own process starts and loads its model now
        return cls(voice_notes_for(settings.current().speech, fixed), MoonshineTranscriber())

    def voice_note(self, text: str, *, slow: bool) -> tuple[bytes, int]:
        ogg, seconds = self.voice_notes.speak(text, slow=slow)
        return ogg, max(1, math.ceil(seconds))

    def hear(self, ogg: bytes, expected: list[str]) -> Transcript:
        try:
            audio = decode_ogg(ogg, max_seconds=limits.MAX_SECONDS)
        except TooLong as error:
            raise limits.TooLong(str(error)) from error
        except SpeechError as error:
            raise ValueError(str(error)) from error
        return self.transcriber.transcribe(audio, expected_phrases(expected))
