"""Moonshine in its own child process (accessibility/voice/scribe.py): replaced after a number of
notes; a child that dies or hangs is replaced and the note tried again, so no note waits for
ever. Real child processes, the real model."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from accessibility.voice import SpeechError
from accessibility.voice.scribe import Scribe
from tests.support.processes import resident_mb
from tests.support.voice_testset import VOICES, available, speak

pytestmark = pytest.mark.skipif(not available(), reason="needs the Debian package espeak-ng")
VOICE = next(v for v in VOICES if v.name == "gb-tune")


def said(text: str) -> np.ndarray:
    audio = speak(VOICE, text).resampled(16000)
    return np.clip(audio.samples, -1, 1).astype(np.float32)


def words(written: str) -> str:
    return " ".join("".join(c for c in written.lower() if c.isalpha() or c == " ").split())


def test_a_note_is_written_down_in_a_child_process_not_in_this_one() -> None:
    scribe = Scribe()
    try:
        assert words(scribe.write_down(said("go back"))) == "go back"
        child = scribe.pid()
        assert child is not None and child != os.getpid()
        assert resident_mb(child) > 300  # the model lives there, not here
    finally:
        scribe.close()


def test_the_child_is_replaced_after_its_notes_and_the_next_one_still_hears() -> None:
    scribe = Scribe(notes_per_process=2)
    try:
        assert words(scribe.write_down(said("yes"))) == "yes"
        first = scribe.pid()
        assert words(scribe.write_down(said("the first one"))) == "the first one"
        assert words(scribe.write_down(said("not sure"))) == "not sure"  # in the next child
        assert scribe.pid() not in (None, first)
    finally:
        scribe.close()


def test_a_child_that_is_killed_is_replaced_and_the_note_still_heard() -> None:
    scribe = Scribe()
    try:
        scribe.start()
        child = scribe.pid()
        assert child is not None
        os.kill(child, signal.SIGKILL)
        time.sleep(0.2)
        assert words(scribe.write_down(said("some help"))) == "some help"
        assert scribe.pid() != child
    finally:
        scribe.close()


def test_a_child_that_hangs_is_killed_and_the_note_heard_by_a_new_one() -> None:
    scribe = Scribe()
    try:
        scribe.write_down(said("yes"))  # loaded and answering
        child = scribe.pid()
        assert child is not None
        os.kill(child, signal.SIGSTOP)  # hangs: alive, never answers
        scribe.answer_seconds = 5.0
        started = time.monotonic()
        assert words(scribe.write_down(said("go back"))) == "go back"
        assert time.monotonic() - started < 20
        with pytest.raises(ProcessLookupError):
            os.kill(child, 0)  # the hung child is gone
    finally:
        scribe.close()


def test_when_no_child_answers_in_time_the_note_fails_plainly_and_soon() -> None:
    scribe = Scribe(answer_seconds=0.05)  # too short even to load the model
    try:
        started = time.monotonic()
        with pytest.raises(SpeechError):
            scribe.write_down(said("yes"))
        assert time.monotonic() - started < 15
    finally:
        scribe.close()


def test_when_moonshine_fails_the_note_is_still_answered_and_only_offered_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from accessibility.voice import MoonshineTranscriber, expected_phrases, scribe

    failing = Scribe(answer_seconds=0.05)  # a real child that never answers in time
    monkeypatch.setattr(scribe, "_shared", failing)
    buttons = ["A: A lot of help", "B: Some help", "C: Help now and then", "D: Hardly any help"]
    try:
        found = MoonshineTranscriber(workers=1).transcribe(
            speak(VOICE, "go back"), expected_phrases(buttons)
        )
    finally:
        failing.close()
    # No error reaches the person: pocketsphinx's short list alone decides, and whatever it
    # found is only offered back ("Is that right?"), never acted on without a yes.
    assert found.text in [*expected_phrases(buttons), ""]
    assert not found.certain


def test_a_front_end_starts_even_when_no_process_can_be_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Simulated: running out of processes cannot be made safely on a shared machine.
    from accessibility.voice import scribe

    def no_process(cls: object) -> None:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(scribe._Child, "start", classmethod(no_process))
    monkeypatch.setattr(scribe, "_shared", Scribe())
    scribe.preload()  # no error: the front end goes on starting
    with pytest.raises(SpeechError):  # and a note then fails plainly (the short list decides)
        scribe.write_down(said("yes"))
