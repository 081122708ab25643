"""Speech in: what a person said in a voice note, heard offline, and how sure we are of it.

The audio is matched against a short list of what can be said at this point (the question's
buttons and statements, letters, positions, yes and no, commands). The short list's answer is
used only when the search itself is sure of it (`Confidence`): the best phrase must beat the
best phrase that means something else by a clear margin, and fit the sound about as well as
free phones do. Nothing is decided by agreement with free dictation, which is poor on voices
it was not trained on.

When the short list is not sure, free dictation is offered back only when it looks like words
(the search's own posterior and its fit against free phones); otherwise nothing is returned,
and the front end says plainly that it did not catch that. Whatever is returned is still
checked with the person ("I heard: ... Is that right?") before anything is done with it.

pocketsphinx alone (sphinx.py) is one `Transcriber`; the bot uses `MoonshineTranscriber`
(listening.py), where Moonshine's free words, matched to this short list by sound, come first
and pocketsphinx's short list search (with these thresholds) runs beside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import yaml

from accessibility.voice.audio import Audio
from ras_core.domain.letters import STATEMENT_LETTERS
from ras_core.domain.understanding import read_letter, read_position, read_yes_no

PHRASES = Path(__file__).resolve().parents[1] / "data" / "spoken_phrases.yml"
# Phrases on the short list that mean the same as another (the NLU model reads them alike).
SAME_AS = {"stop": "pause", "say that again": "repeat", "i don't know": "not sure"}
# Other ways people say some buttons (as the NLU model knows them), listened for with them.
OTHER_WAYS = {"me": ("myself", "for me", "just me"), "someone i look after": ("someone else",)}
SAME_AS |= {other: phrase for phrase, others in OTHER_WAYS.items() for other in others}
_LETTERS = ("a", "b", "c", "d")


@dataclass(frozen=True)
class Transcript:
    text: str  # "" when nothing was heard well enough to offer back
    from_grammar: bool  # from the short list (else free dictation, or nothing)
    confidence: float = 0.0  # the margin that decided it (see `Confidence`)
    best_guess: str = ""  # the short list's best phrase, even when not sure (for measuring)
    certain: bool = False  # sure enough to act on as an answer to "Is that right?"


class Transcriber(Protocol):
    def transcribe(self, audio: Audio, expected: Sequence[str]) -> Transcript: ...


@dataclass(frozen=True)
class Confidence:
    """How sure the searches must be. Scores are pocketsphinx's log units per 10 ms frame.

    Chosen on the voices marked "tune" in tests/support/voice_testset.py only; the figures
    for the other voices are in benchmarks/voice_bench.py. What is offered back is checked
    with the person, so offering asks for less than taking a spoken yes as the person's yes.
    """

    margin: float = 1.0  # to offer: best phrase over the best phrase meaning something else
    fit: float = -12.0  # best phrase against free phones: far below means no phrase was said
    coverage: float = 0.3  # share of the speech the phrase's words lie on (not a long ramble)
    word_frames: int = 8  # the phrase's words last at least 80 ms
    confirm_margin: float = 2.0  # to take a spoken yes as the person's yes (never wrong in tuning)
    confirm_fit: float = -8.0
    words_least: int = 3  # free dictation is offered only as a few words, never one or two
    words_posterior: float = 0.01  # free dictation's own posterior probability
    words_fit: float = -3.0  # free dictation against free phones
    words_seconds: float = 20.0  # longer notes are not dictated (too slow; answers are short)


@cache
def always_expected() -> tuple[str, ...]:
    data = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))
    return tuple(str(phrase) for phrase in data["phrases"])


def normalise(phrase: str) -> str:
    """Lower case words only: "B: Some help" -> "b some help"."""
    phrase = phrase.lower().replace("’", "'")
    return " ".join(re.findall(r"[a-z']+", phrase))


def expected_phrases(button_titles: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    """Everything that can be said now: buttons (and their words after "B:"), extras, always.

    Letters and positions are left out when there are buttons but none with a letter ("Me",
    "Someone I look after"): there is nothing for them to choose, and "me" sounds like "a"."""
    found: list[str] = []
    lettered = any(re.match(r"^[A-D]:\s", title) for title in button_titles)
    for title in [*button_titles, *extra]:
        found.append(title)
        if re.match(r"^[A-D]:\s", title):
            found.append(title[3:])
    found += [
        phrase
        for phrase in always_expected()
        if lettered or not button_titles or not meaning_of(phrase, ()).startswith("letter:")
    ]
    unique: dict[str, None] = {}
    for phrase in found:
        words = normalise(phrase)
        for said in (words, *OTHER_WAYS.get(words, ())) if words else ():
            unique.setdefault(said, None)
    return list(unique)


def meaning_of(phrase: str, phrases: Sequence[str]) -> str:
    """What a short-list phrase stands for, so that phrases meaning the same are one choice:
    "b", "letter b", "the second one", "b some help" and "some help" are all "letter:B"."""
    answer = read_yes_no(phrase)
    if answer is not None:
        return answer
    letter = read_letter(phrase) or read_position(phrase, STATEMENT_LETTERS[:4])
    first, _, rest = phrase.partition(" ")
    if letter is None and first in _LETTERS and rest in phrases:
        letter = first.upper()  # "b some help": the button's letter and its words
    if letter is None:
        letter = next((x.upper() for x in _LETTERS if f"{x} {phrase}" in phrases), None)
    return f"letter:{letter}" if letter else SAME_AS.get(phrase, phrase)


def same_meaning(heard: str, said: str, phrases: Sequence[str]) -> bool:
    return bool(heard) and meaning_of(heard, phrases) == meaning_of(said, phrases)
