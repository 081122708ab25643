"""Speech in: voice notes made with the offline engine, sent through OGG/Opus as Telegram does,
heard as the bot hears them (Moonshine with pocketsphinx's short list), and by pocketsphinx
alone, which is still a `Transcriber` of its own.

The bot's own voice is only a smoke test here: how well voices the project was not built on
are heard is in test_independent_voices.py and benchmarks/voice_bench.py."""

from __future__ import annotations

import numpy as np
import pytest

from accessibility.voice import (
    Audio,
    MoonshineTranscriber,
    PocketsphinxTranscriber,
    SpeechError,
    Transcriber,
    decode_ogg,
    expected_phrases,
)
from tests.support.voice import spoken

BUTTONS = ["A: A lot of help", "B: Some help", "C: Help now and then", "D: Hardly any help"]


@pytest.fixture(scope="module", params=["moonshine", "pocketsphinx"])
def transcriber(request: pytest.FixtureRequest) -> Transcriber:
    return MoonshineTranscriber() if request.param == "moonshine" else PocketsphinxTranscriber()


@pytest.mark.parametrize("said", ["the second one", "go back", "not sure", "some help"])
def test_short_answers_are_heard_exactly_from_the_list(transcriber: Transcriber, said: str) -> None:
    heard = transcriber.transcribe(decode_ogg(spoken(said)), expected_phrases(BUTTONS))
    assert (heard.text, heard.from_grammar) == (said, True)


def test_anything_else_is_heard_freely(transcriber: Transcriber) -> None:
    said = "I need help to wash every morning"
    heard = transcriber.transcribe(decode_ogg(spoken(said)), expected_phrases(BUTTONS))
    assert not heard.from_grammar
    assert {"help", "wash", "morning"} <= set(heard.text.split())


def test_a_voice_note_that_is_not_audio_is_an_error() -> None:
    with pytest.raises(SpeechError):
        decode_ogg(b"OggS this is not really audio")
    with pytest.raises(SpeechError):
        decode_ogg(b"")


def test_expected_phrases_cover_buttons_letters_positions_and_commands() -> None:
    phrases = expected_phrases(BUTTONS, ["I need a lot of support to take care of myself."])
    for phrase in ["a a lot of help", "a lot of help", "b", "letter c", "the second one",
                   "the last one", "yes", "no", "go back", "talk to a person",
                   "i need a lot of support to take care of myself"]:  # fmt: skip
        assert phrase in phrases
    assert len(phrases) == len(set(phrases))


def test_noise_and_mumbling_are_not_echoed_back(transcriber: Transcriber) -> None:
    """Nothing confident: nothing offered, so the front end says it did not catch that."""
    rng = np.random.default_rng(7)
    hiss = Audio((0.05 * rng.standard_normal(32000)).astype(np.float32), 16000)
    heard = transcriber.transcribe(hiss, expected_phrases(BUTTONS))
    assert heard.text == "" and not heard.certain
