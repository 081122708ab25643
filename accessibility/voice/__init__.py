"""Speech out (gTTS or an offline engine, as OGG/Opus voice notes) and speech in (Moonshine and
pocketsphinx, offline: listening.py).

Plain Python with no Telegram or Rasa import: any front end can use it.
"""

from accessibility.voice.audio import Audio, SpeechError, decode_ogg, encode_ogg_opus
from accessibility.voice.engines import (
    FallbackEngine,
    GttsEngine,
    OfflineEngine,
    SpeechEngine,
)
from accessibility.voice.hearing import (
    Confidence,
    Transcriber,
    Transcript,
    expected_phrases,
    same_meaning,
)
from accessibility.voice.listening import Agreement, MoonshineTranscriber
from accessibility.voice.notes import VoiceNote, VoiceNotes, voice_notes_for
from accessibility.voice.sphinx import PocketsphinxTranscriber

__all__ = [
    "Agreement",
    "Audio",
    "Confidence",
    "FallbackEngine",
    "GttsEngine",
    "MoonshineTranscriber",
    "OfflineEngine",
    "PocketsphinxTranscriber",
    "SpeechEngine",
    "SpeechError",
    "Transcriber",
    "Transcript",
    "VoiceNote",
    "VoiceNotes",
    "decode_ogg",
    "encode_ogg_opus",
    "expected_phrases",
    "same_meaning",
    "voice_notes_for",
]
