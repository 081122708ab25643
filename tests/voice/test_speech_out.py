"""Speech out: the offline engine for real, gTTS with its transport patched, the disk cache."""

from __future__ import annotations

import base64
import io
import re
import urllib.parse
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
import soundfile

from accessibility.voice import (
    Audio,
    FallbackEngine,
    GttsEngine,
    OfflineEngine,
    SpeechError,
    VoiceNotes,
    voice_notes_for,
)
from accessibility.voice.notes import speakable
from accessibility.voice.prerender import fixed_texts, prerender
from ras_core.settings import SettingsError, from_mapping

OFFLINE = OfflineEngine()


class Counting:
    """Wraps a real engine and counts its calls, to see what the cache saves."""

    def __init__(self, engine: Any, name: str = "hibari") -> None:
        self.engine, self.name, self.language, self.calls = engine, name, "en-US", 0

    def synthesise(self, text: str, *, slow: bool) -> Audio:
        self.calls += 1
        return self.engine.synthesise(text, slow=slow)


class Broken:
    name, language = "broken", "en-GB"

    def synthesise(self, text: str, *, slow: bool) -> Audio:
        raise SpeechError("no voice today")


def test_offline_engine_speaks_and_slow_is_slower() -> None:
    normal = OFFLINE.synthesise("How much help do you need to look after yourself?", slow=False)
    slow = OFFLINE.synthesise("How much help do you need to look after yourself?", slow=True)
    assert 1.5 < normal.seconds < 8
    assert np.abs(normal.samples).max() > 0.05  # not silence
    assert slow.seconds > normal.seconds * 1.15


def test_voice_notes_are_ogg_opus_that_decode(tmp_path: Path) -> None:
    note = VoiceNotes(OFFLINE, tmp_path).render("Question 1 of 11. How much help do you need?")
    data = note.path.read_bytes()
    assert data[:4] == b"OggS" and b"OpusHead" in data[:100]
    samples, rate = soundfile.read(io.BytesIO(data))
    assert rate in (8000, 12000, 16000, 24000, 48000)
    assert abs(len(samples) / rate - note.seconds) < 0.2 and note.seconds > 1


def test_the_cache_saves_work_and_keys_on_speed_text_and_engine(tmp_path: Path) -> None:
    counting = Counting(OFFLINE)
    notes = VoiceNotes(counting, tmp_path)
    first = notes.render("Thank you.")
    again = notes.render("Thank you.")
    assert counting.calls == 1 and again.path == first.path
    slow = notes.render("Thank you.", slow=True)
    other = notes.render("Thank you very much.")
    assert counting.calls == 3 and len({first.path, slow.path, other.path}) == 3
    other_engine = VoiceNotes(Counting(OFFLINE, name="another"), tmp_path)
    assert other_engine.path_for(other_engine.engine, False, "Thank you.") != first.path


def test_a_failed_synthesis_leaves_nothing_in_the_cache(tmp_path: Path) -> None:
    with pytest.raises(SpeechError):
        VoiceNotes(Broken(), tmp_path).render("Hello.")
    assert list(tmp_path.iterdir()) == []


def test_text_is_cleaned_before_it_is_spoken() -> None:
    assert speakable("About **£12,400** a year.") == "About 12,400 pounds a year."
    assert speakable("Question 1 of 11.\nA: A lot of help\nB: Some help") == (
        "Question 1 of 11. A. A lot of help. B. Some help"
    )


def test_prerender_makes_every_fixed_message_once(tmp_path: Path) -> None:
    texts = fixed_texts([Path("bot/telegram/messages.yml")])
    assert "How much help do you need to look after yourself?" in texts
    assert all("{" not in text for text in texts)
    counting = Counting(OFFLINE)
    notes = VoiceNotes(counting, tmp_path)
    few = texts[:5]
    assert prerender(notes, few, slow=False) == (5, 0, 0)
    assert prerender(notes, few, slow=False) == (0, 5, 0)
    assert counting.calls == 5


# gTTS needs Google's servers, which cannot be reached from here, so these tests patch the one
# place gTTS touches the network (requests.Session.send) and check what it would have sent.
def tiny_mp3() -> bytes:
    buffer = io.BytesIO()
    tone = 0.3 * np.sin(np.linspace(0, 440 * 2 * np.pi, 24000)).astype(np.float32)
    soundfile.write(buffer, tone, 24000, format="MP3")
    return buffer.getvalue()


@pytest.fixture()
def google(monkeypatch: pytest.MonkeyPatch) -> list[tuple[requests.PreparedRequest, Any]]:
    sent: list[tuple[requests.PreparedRequest, Any]] = []
    audio = base64.b64encode(tiny_mp3()).decode()

    def send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        sent.append((request, kwargs.get("timeout")))
        response = requests.Response()
        response.status_code, response.request = 200, request
        response._content_consumed = True  # so iter_lines reads _content
        response._content = (")]}'\n" + f'[["wrb.fr","jQ1olc","[\\"{audio}\\"]",null]]').encode()
        return response

    monkeypatch.setattr(requests.Session, "send", send)
    return sent


def request_parameters(request: requests.PreparedRequest) -> list[Any]:
    body = urllib.parse.unquote(str(request.body))
    return re.findall(r'\[\\"(.*?)\\",\\"(\w+)\\",(\w+),', body)


def test_gtts_asks_for_british_english_with_the_timeout(google: list[Any]) -> None:
    audio = GttsEngine(timeout=3.5).synthesise("Hello. Your answers are saved.", slow=False)
    assert audio.seconds > 0.5
    request, timeout = google[0]
    assert ".co.uk/" in str(request.url)  # the co.uk domain gives the British accent
    assert request_parameters(request) == [("Hello. Your answers are saved.", "en", "null")]
    assert timeout == 3.5


def test_gtts_slow_flag_and_long_text_in_chunks(google: list[Any]) -> None:
    long_text = " ".join(["I need some help to wash and dress every morning."] * 5)
    GttsEngine().synthesise(long_text, slow=True)
    assert len(google) >= 3  # gTTS sends at most 100 characters a request
    for request, _timeout in google:
        text, lang, slow = request_parameters(request)[0]
        assert (lang, slow) == ("en", "true") and len(text) <= 100


def test_gtts_failure_falls_back_to_the_offline_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: requests.Session, request: Any, **kwargs: Any) -> Any:
        raise requests.ConnectionError("no route to Google")

    monkeypatch.setattr(requests.Session, "send", refuse)
    with pytest.raises(SpeechError):
        GttsEngine().synthesise("Hello.", slow=False)
    offline = Counting(OFFLINE)
    engine = FallbackEngine(GttsEngine(), offline, rest_seconds=60)
    used, audio = engine.synthesise_with("Hello.", slow=False)
    assert used is offline and audio.seconds > 0.3 and offline.calls == 1
    assert engine.choose() is offline  # gTTS rests for a while after failing


def voice_notes_from(env: dict[str, str]) -> VoiceNotes:
    return voice_notes_for(from_mapping(env).speech)


def test_speech_engine_setting_is_checked(tmp_path: Path) -> None:
    notes = voice_notes_from({"SPEECH_ENGINE": "offline", "VOICE_CACHE_DIR": str(tmp_path)})
    assert isinstance(notes.engine, OfflineEngine) and notes.cache_dir == tmp_path
    assert isinstance(voice_notes_from({}).engine, FallbackEngine)
    with pytest.raises(SettingsError, match="SPEECH_ENGINE"):
        voice_notes_from({"SPEECH_ENGINE": "robot"})


def test_gtts_long_text_keeps_every_chunk_of_audio(google: list[Any]) -> None:
    long_text = " ".join(["I need some help to wash and dress every morning."] * 5)
    audio = GttsEngine().synthesise(long_text, slow=False)
    # Each patched answer is one second of sound; joined MP3s must not stop after the first.
    assert audio.seconds == pytest.approx(len(google), abs=0.3)
