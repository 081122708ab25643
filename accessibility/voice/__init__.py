"""Speech out (gTTS or an offline engine, as OGG/Opus voice notes) and speech in (pocketsphinx).

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
from accessibility.voice.notes import VoiceNote, VoiceNotes, voice_notes_for
from accessibility.voice.sphinx import PocketsphinxTranscriber

__all__ = [
    "Audio",
    "Confidence",
    "FallbackEngine",
    "GttsEngine",
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
