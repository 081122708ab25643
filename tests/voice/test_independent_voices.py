"""Speech in, on voices that are not the bot's own: two of the held-out espeak-ng voices of
tests/support/voice_testset.py (nothing was tuned on them), every short-list phrase, clean,
in noise at 10 dB SNR and through a telephone band, as OGG/Opus notes.

The safety property holds on every note: a note that is not a yes is never taken as the
person's yes, so a misheard note never acts (every note is checked: "I heard: ... Is that
right?"). The accuracy floors are a little under what was measured on these voices (the
whole set and every voice: `make bench`, benchmarks/voice_bench.py); they guard against the
hearing getting worse, not a claim that it is good enough.

Free dictation is left out here (it is slow, and never gives a yes): the short list only.
"""

from __future__ import annotations

import pytest

from accessibility.voice import Confidence, PocketsphinxTranscriber
from tests.support.voice_scoring import Heard, acted_wrongly, by, hear, tally
from tests.support.voice_testset import VOICES, available, items

pytestmark = pytest.mark.skipif(not available(), reason="needs the Debian package espeak-ng")
HELD_OUT = ("gb", "rp-female")
# Measured on these two voices with the short list only (right / offered back wrong, as shares
# of notes): clean 67% / 9%, noise 53% / 26%, telephone 54% / 17%. Less a margin for other
# machines and espeak-ng versions. Far under the 95% and 85%: see the bench.
FLOORS = {"clean": 0.60, "noise": 0.45, "telephone": 0.45}
WRONG_AT_MOST = {"clean": 0.15, "noise": 0.35, "telephone": 0.25}


@pytest.fixture(scope="module")
def heard() -> list[Heard]:
    voices = tuple(v for v in VOICES if v.name in HELD_OUT)
    short_list_only = PocketsphinxTranscriber(Confidence(words_seconds=0), workers=1)
    return hear(items(voices), short_list_only)


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
