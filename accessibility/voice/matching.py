"""Free words matched to the short list by how they sound, not how they are spelt.

A recogniser that writes what it hears ("Let her be.", "Hey.", "Yes, Lee.") is often close to
a short-list phrase ("letter b", "a", "yes please") in sound but not in spelling. Each side is
turned into phones with the pronouncing dictionary that ships inside pocketsphinx's wheel
(CMUdict), and compared by edit distance over phones: 1.0 is the same sound, 0.0 nothing alike.
Phrases that mean the same (`meaning_of`) are one choice, so "b" and "the second one" do not
compete; what decides is how far the best meaning is ahead of the best other meaning.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from accessibility.voice.hearing import meaning_of, normalise

# Letters said on their own are their names, not "uh" (a) or the word "be".
LETTER_NAMES = {"a": ("EY",), "b": ("B", "IY"), "c": ("S", "IY"), "d": ("D", "IY")}
# Sounds that carry no answer, left out of what the recogniser wrote.
FILLERS = {"uh", "um", "er", "erm", "hmm", "mm", "oh", "ah"}

_lock = threading.Lock()
_dictionary: dict[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Match:
    phrase: str  # the short-list phrase nearest in sound ("" when there is nothing to match)
    similarity: float  # 0..1: 1 - phone edit distance / the longer one's phones
    margin: float  # over the nearest phrase that means something else


def pronouncing() -> dict[str, tuple[str, ...]]:
    """CMUdict from pocketsphinx's wheel: word -> its first pronunciation (read once)."""
    global _dictionary
    with _lock:
        if _dictionary is None:
            from pocketsphinx import get_model_path

            path = os.path.join(get_model_path(), "en-us", "cmudict-en-us.dict")
            found: dict[str, tuple[str, ...]] = {}
            with open(path, encoding="utf-8") as lines:
                for line in lines:
                    word, _, phones = line.partition(" ")
                    if word and "(" not in word:
                        found[word] = tuple(phones.split())
            _dictionary = found
        return _dictionary


def tidy(text: str) -> str:
    """What a recogniser wrote, as short-list words: "Yes, please." -> "yes please".
    Filler sounds go, and a word or two said over and over (a recogniser's loop on noise:
    "no no no no") is kept once."""
    words = [w for w in normalise(text.replace("-", " ")).split() if w not in FILLERS]
    for size in (1, 2):
        unit = words[:size]
        if len(words) > size and len(words) % size == 0 and unit * (len(words) // size) == words:
            return " ".join(unit)
    return " ".join(words)


def phones(phrase: str) -> tuple[str, ...]:
    """The phones of a phrase. A word the dictionary lacks is spelt out as its letters,
    which still lines up with words that look alike."""
    lookup = pronouncing()
    found: list[str] = []
    words = phrase.split()
    for at, word in enumerate(words):
        if _letter_name(words, at):
            found += LETTER_NAMES[word]
        elif word in lookup:
            found += lookup[word]
        elif word.rstrip("s").rstrip("'") in lookup:  # "lee's" -> "lee" and a plural "s"
            found += [*lookup[word.rstrip("s").rstrip("'")], "Z"]
        else:
            found += [letter.upper() for letter in word if letter.isalpha()]
    return tuple(found)


def _letter_name(words: Sequence[str], at: int) -> bool:
    """Is this word a letter said by its name? b, c and d always are; "a" is when it is
    all that was said, follows "letter", or is a button's letter ("a a lot of help")."""
    word = words[at]
    if word not in LETTER_NAMES:
        return False
    if word != "a":
        return True
    return (
        len(words) == 1
        or (at > 0 and words[at - 1] == "letter")
        or words[at : at + 2] == ["a", "a"]
    )


def similarity(said: Sequence[str], phrase: Sequence[str]) -> float:
    longest = max(len(said), len(phrase))
    return 1.0 - _distance(said, phrase) / longest if longest else 0.0


def nearest(text: str, phrases: Sequence[str], extra_words: float | None = None) -> Match:
    """The short-list phrase nearest in sound to what was written, and by how much.

    With `extra_words`, a phrase may also be found inside what was written ("not sure what
    they think"), when the recogniser added words around it: then its similarity is lowered
    by `extra_words` times the share of the words that are not part of it."""
    said = tidy(text)
    if not said or not phrases:
        return Match("", 0.0, 0.0)
    words = said.split()
    best_of: dict[str, tuple[float, str]] = {}
    for phrase in phrases:
        size = len(phrase.split())
        parts = [(said, 0)] + [
            (" ".join(words[at : at + length]), len(words) - length)
            for length in (size, size + 1)
            if extra_words is not None and length < len(words)
            for at in range(len(words) - length + 1)
        ]
        score = max(
            _alike(part, phrase) * (1 - (extra_words or 0) * extra / len(words))
            for part, extra in parts
        )
        meaning = meaning_of(phrase, phrases)
        if score > best_of.get(meaning, (-1.0, ""))[0]:
            best_of[meaning] = (score, phrase)
    ranked = sorted(best_of.values(), reverse=True)
    best_score, best = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    return Match(best, best_score, best_score - runner_up)


@lru_cache(maxsize=4096)
def _alike(said: str, phrase: str) -> float:
    return 1.0 if said == phrase else similarity(phones(said), phones(phrase))


def _distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance over phones."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]
