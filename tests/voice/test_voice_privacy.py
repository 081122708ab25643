"""Speech out keeps personal texts private: only fixed catalogue texts reach gTTS or the disk.

The offline engine runs for real. gTTS runs for real too, but cannot reach Google from here:
its requests are caught on the way out (the `google` fixture of test_speech_out.py), so the
test sees exactly what would have been sent.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from pathlib import Path
from typing import Any

from accessibility.voice.engines import FallbackEngine, GttsEngine, OfflineEngine
from accessibility.voice.notes import VoiceNotes
from tests.voice.test_speech_out import google  # noqa: F401  (a fixture)

FIXED = "Thank you. Your answers are saved."
PERSONAL = "In an emergency: My neighbour Pat Example has a key and will come"


def voice(tmp_path: Path) -> VoiceNotes:
    engine = FallbackEngine(GttsEngine(timeout=2), OfflineEngine())
    return VoiceNotes(engine, tmp_path / "voice-cache", frozenset({FIXED}))


def sent_text(requests: list[Any]) -> str:
    return " ".join(urllib.parse.unquote_plus(str(request.body)) for request, _ in requests)


def test_a_personal_text_is_spoken_offline_and_never_cached(
    tmp_path: Path,
    google: list[Any],  # noqa: F811
) -> None:
    ogg, seconds = voice(tmp_path).speak(PERSONAL)
    assert ogg[:4] == b"OggS" and seconds > 1
    assert google == []  # nothing sent to Google
    cache = tmp_path / "voice-cache"
    assert not cache.exists() or list(cache.iterdir()) == []


def test_a_fixed_text_may_use_gtts_and_is_cached_under_a_keyed_name(
    tmp_path: Path,
    google: list[Any],  # noqa: F811
) -> None:
    voice(tmp_path).speak(FIXED)
    assert "answers are saved" in sent_text(google)
    [cached] = list((tmp_path / "voice-cache").glob("*.ogg"))
    # The name cannot be worked out from the text without the secret beside the cache.
    for engine in ("gtts", "offline"):
        plain = "\n".join((engine, "en-GB", "normal", FIXED))
        assert cached.stem != hashlib.sha256(plain.encode()).hexdigest()
    assert (tmp_path / "voice-cache.key").stat().st_mode & 0o777 == 0o600
