"""Speech in: what a person said in a voice note, heard offline with pocketsphinx.

First the audio is matched against a short list of what can be said at this point (exact
and fast); free dictation runs too, and the short-list result is used only when dictation
heard much the same words. Otherwise the dictation is returned, and the front end checks it
with the person before anything is saved. A cloud recogniser can be added later as another
`Transcriber`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import yaml

from accessibility.voice.audio import Audio

PHRASES = Path(__file__).resolve().parents[1] / "data" / "spoken_phrases.yml"
AGREEMENT = 0.5  # share of the short-list words dictation must also hear


@dataclass(frozen=True)
class Transcript:
    text: str  # "" when nothing was heard
    from_grammar: bool


class Transcriber(Protocol):
    def transcribe(self, audio: Audio, expected: Sequence[str]) -> Transcript: ...


@cache
def always_expected() -> tuple[str, ...]:
    data = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))
    return tuple(str(phrase) for phrase in data["phrases"])


def normalise(phrase: str) -> str:
    """Lower case words only: "B: Some help" -> "b some help"."""
    phrase = phrase.lower().replace("’", "'")
    return " ".join(re.findall(r"[a-z']+", phrase))


def expected_phrases(button_titles: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    """Everything that can be said now: buttons (and their words after "B:"), extras, always."""
    found: list[str] = []
    for title in [*button_titles, *extra]:
        found.append(title)
        if re.match(r"^[A-D]:\s", title):
            found.append(title[3:])
    found += always_expected()
    unique: dict[str, None] = {}
    for phrase in found:
        words = normalise(phrase)
        if words:
            unique.setdefault(words, None)
    return list(unique)


class PocketsphinxTranscriber:
    """Offline, with the English model inside the pocketsphinx wheel."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self._decoder: Any = Decoder(loglevel="FATAL")
        self._dictation = self._decoder.current_search()
        self._lock = threading.Lock()  # a decoder is not thread-safe
        self._grammars: dict[tuple[str, ...], str] = {}

    def transcribe(self, audio: Audio, expected: Sequence[str]) -> Transcript:
        raw = (np.clip(audio.resampled(16000).samples, -1, 1) * 32767).astype("<i2").tobytes()
        with self._lock:
            free = self._decode(self._dictation, raw)
            grammar = self._grammar([normalise(p) for p in expected])
            short = self._decode(grammar, raw) if grammar else ""
        if short and agreement(short, free) >= AGREEMENT:
            return Transcript(short, from_grammar=True)
        return Transcript(free, from_grammar=False)

    def _decode(self, search: str, raw: bytes) -> str:
        self._decoder.activate_search(search)
        self._decoder.start_utt()
        self._decoder.process_raw(raw, full_utt=True)
        self._decoder.end_utt()
        hypothesis = self._decoder.hyp()
        return " ".join(hypothesis.hypstr.split()) if hypothesis else ""

    def _grammar(self, phrases: list[str]) -> str | None:
        """A JSGF grammar of the phrases whose words are all in the dictionary (cached)."""
        known = tuple(sorted({p for p in phrases if p and all(self._knows(w) for w in p.split())}))
        if not known:
            return None
        if known not in self._grammars:
            name = f"g{len(self._grammars)}"
            jsgf = "#JSGF V1.0;\ngrammar answers;\npublic <answer> = " + " | ".join(known) + ";\n"
            self._decoder.add_jsgf_string(name, jsgf)
            self._grammars[known] = name
        return self._grammars[known]

    def _knows(self, word: str) -> bool:
        return self._decoder.lookup_word(word) is not None


def agreement(short: str, free: str) -> float:
    """How many of the short-list words dictation also heard (0.0 to 1.0)."""
    wanted = short.split()
    heard = set(free.split())
    return sum(word in heard for word in wanted) / len(wanted) if wanted else 0.0
