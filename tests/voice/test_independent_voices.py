"""Speech in, as the bot hears (Moonshine with pocketsphinx's short list), on voices that are
not the bot's own: two of the held-out espeak-ng voices of tests/support/voice_testset.py
(nothing was tuned on them) taking turns, so every short-list phrase is said once, clean, in
noise at 10 dB SNR and through a telephone band, as OGG/Opus notes. (One voice per phrase
keeps this under a minute and a half; the bench hears every voice say every phrase.)

The safety property holds on every note: a note that is not a yes is never taken as the
person's yes, so a misheard note never acts (every note is checked: "I heard: ... Is that
right?"). The accuracy floors are a little under what was measured on these voices (the
whole set and every voice: `make bench`, benchmarks/voice_bench.py); they guard against the
hearing getting worse, not a claim that it is good enough.
"""

from __future__ import annotations

import pytest

from accessibility.voice import MoonshineTranscriber
from tests.support.voice_scoring import Heard, acted_wrongly, by, hear, tally
from tests.support.voice_testset import VOICES, available, items

pytestmark = pytest.mark.skipif(not available(), reason="needs the Debian package espeak-ng")
HELD_OUT = ("gb", "rp-female")
# Measured on these notes (right / offered back wrong, as shares of notes): clean 90% / 4%,
# noise 63% / 27%, telephone 76% / 12% (every phrase said by both voices: 88% / 6%, 60% / 23%,
# 78% / 11%). Less a margin for other machines and espeak-ng versions. Still under the issue's
# 95% and 85%: see the bench.
FLOORS = {"clean": 0.80, "noise": 0.50, "telephone": 0.70}
WRONG_AT_MOST = {"clean": 0.12, "noise": 0.32, "telephone": 0.20}


@pytest.fixture(scope="module")
def heard() -> list[Heard]:
    voices = tuple(v for v in VOICES if v.name in HELD_OUT)
    phrases = list(dict.fromkeys(item.phrase for item in items(voices[:1])))
    turn = {phrase: voices[at % len(voices)] for at, phrase in enumerate(phrases)}
    chosen = [item for item in items(voices) if item.voice == turn[item.phrase]]
    return hear(chosen, MoonshineTranscriber(workers=1))


def test_no_note_is_taken_as_a_yes_it_was_not(heard: list[Heard]) -> None:
    wrong = [(h.item.voice.name, h.item.condition, h.item.phrase, h.text) for h in heard]
    assert [w for w, h in zip(wrong, heard, strict=True) if acted_wrongly(h)] == []
    assert any(h.taken_as_yes for h in heard)  # and a clear yes is still heard as one


@pytest.mark.parametrize("condition", list(FLOORS))
def test_accuracy_floor(heard: list[Heard], condition: str) -> None:
    found = by(heard, "condition")[condition]
    assert found.share("right") >= FLOORS[condition], dict(found.counts)
    assert found.share("wrong") <= WRONG_AT_MOST[condition], dict(found.counts)


def test_every_voice_is_heard_at_least_sometimes(heard: list[Heard]) -> None:
    for voice, found in by(heard, "voice").items():
        assert found.share("right") > 0.25, (voice, dict(found.counts))
    assert tally(heard).notes == len(heard)
