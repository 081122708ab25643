"""Scoring speech in on the test set (tests/support/voice_testset.py), as a person would feel it.

Each note is heard as the Telegram front end hears it, and ends one of three ways:
  right   the bot offers back the right meaning ("I heard: the second one. Is that right?")
  wrong   the bot offers back something else: the person says no, and nothing is done
  asked   nothing confident: "Sorry, I did not catch that. You can tap a button, or try again."
The front end acts on a voice note only after the person's yes, so the one way a misheard
note can act is a note taken as that yes. Each note is therefore also heard as the answer to a
pending "Is that right?": `acted_wrongly` counts notes that are not a yes but would be taken
as one.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from accessibility.voice import MoonshineTranscriber, Transcriber, decode_ogg, same_meaning
from bot.telegram.handlers import takes_as_yes
from ras_core.domain.understanding import read_yes_no
from tests.support.voice_testset import Item, recording

OUTCOMES = ("right", "wrong", "asked")


@dataclass(frozen=True)
class Heard:
    item: Item
    text: str
    outcome: str  # right, wrong or asked
    taken_as_yes: bool  # would confirm a pending "Is that right?"
    seconds: float  # time to hear it
    best_right: bool = False  # the short list's best phrase was right, sure or not


def hear(items: Iterable[Item], transcriber: Transcriber | None = None) -> list[Heard]:
    transcriber = transcriber or MoonshineTranscriber(workers=1)  # as the bot hears
    results = []
    for item in items:
        audio = decode_ogg(recording(item))
        started = time.perf_counter()
        heard = transcriber.transcribe(audio, item.expected)
        seconds = time.perf_counter() - started
        if not heard.text:
            outcome = "asked"
        elif same_meaning(heard.text, item.phrase, item.expected):
            outcome = "right"
        else:
            outcome = "wrong"
        yes = takes_as_yes(heard)
        best = same_meaning(heard.best_guess, item.phrase, item.expected)
        results.append(Heard(item, heard.text, outcome, yes, seconds, best))
    return results


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    acted_wrongly: int = 0
    best_right: int = 0

    @property
    def notes(self) -> int:
        return sum(self.counts.values())

    def share(self, outcome: str) -> float:
        return self.counts[outcome] / self.notes if self.notes else 0.0

    @property
    def acted_wrongly_share(self) -> float:
        return self.acted_wrongly / self.notes if self.notes else 0.0


def tally(results: Iterable[Heard]) -> Tally:
    found = Tally()
    for result in results:
        found.counts[result.outcome] += 1
        found.acted_wrongly += acted_wrongly(result)
        found.best_right += result.best_right
    return found


def acted_wrongly(result: Heard) -> bool:
    """Taken as the person's yes when they said something else."""
    return result.taken_as_yes and read_yes_no(result.item.phrase) != "yes"


def by(results: list[Heard], key: str) -> dict[str, Tally]:
    """Tallies per voice name ("voice") or per condition ("condition")."""
    groups: dict[str, list[Heard]] = {}
    for result in results:
        name = result.item.voice.name if key == "voice" else result.item.condition
        groups.setdefault(name, []).append(result)
    return {name: tally(group) for name, group in groups.items()}


def median_ms(results: list[Heard]) -> float:
    return statistics.median(r.seconds for r in results) * 1000 if results else 0.0
