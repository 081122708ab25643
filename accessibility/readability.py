"""Plain-language check for anything the assistant says.

`check_text` returns a list of problems in plain English; an empty list means the text passes.
The rules follow GOV.UK content design and Easy Read guidance:

- a Flesch-Kincaid grade of 6 or lower (a reading age of about 11 or 12),
- no sentence over 20 words,
- none of the words in data/words_to_avoid.yml, each reported with its plain alternative.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import textstat
import yaml

MAX_GRADE = 6
MAX_SENTENCE_WORDS = 20
# The grade formula only means something for running text. Button labels and other short
# texts ("A lot of help", "Yes") give wild grades from one long word, so below this many
# words the grade rule is not applied. The sentence and word rules still are.
MIN_WORDS_FOR_GRADE = 8

WORDS_TO_AVOID_FILE = Path(__file__).resolve().parent / "data" / "words_to_avoid.yml"

# A marker at the start of a line that is not part of the sentence: "-", "*", "•", "1.", "2)",
# "A:" or "B)". The letter form is how the assistant lists questionnaire statements.
_BULLET = re.compile(r"^\s*(?:[-*•·–—>]|\d{1,2}[.)]|[A-Z][:)])\s+")
# A sentence ends at . ! or ? (with any closing quote or bracket) followed by a space or the
# end. So "£12,400." ends a sentence, but the point in "£12.50" or "1.5" does not.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'’”)\]]*\s+")
# A comma or point inside a number, as in "£12,400" or "12.50": dropped before grading so the
# number reads as one short word, as it would be heard.
_NUMBER_SEPARATOR = re.compile(r"(?<=\d)[.,](?=\d)")
_HAS_LETTER_OR_DIGIT = re.compile(r"\w")


@lru_cache(maxsize=1)
def _entries() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(word or phrase, alternative, pattern) for each entry in words_to_avoid.yml."""
    data = yaml.safe_load(WORDS_TO_AVOID_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{WORDS_TO_AVOID_FILE}: must be a mapping of word to plain alternative")
    entries = []
    for word, alternative in data.items():
        if not isinstance(word, str) or not isinstance(alternative, str) or not word.strip():
            raise ValueError(
                f"{WORDS_TO_AVOID_FILE}: entry {word!r} must map a word to a plain alternative"
            )
        parts = word.lower().split()
        body = r"\s+".join(re.escape(part) for part in parts)
        pattern = re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)
        entries.append((" ".join(parts), alternative.strip(), pattern))
    return tuple(entries)


def words_to_avoid() -> dict[str, str]:
    """Each word or phrase to avoid, mapped to its plain alternative (the file is read once)."""
    return {word: alternative for word, alternative, _ in _entries()}


def _lines(text: str) -> list[str]:
    """Non-empty lines with any bullet marker taken off."""
    return [_BULLET.sub("", line).strip() for line in text.splitlines() if line.strip()]


def sentences(text: str) -> list[str]:
    """Split on . ! ? and new lines, ignoring bullet markers and points inside numbers."""
    found = []
    for line in _lines(text):
        found += [part.strip() for part in _SENTENCE_END.split(line) if part.strip()]
    return found


def word_count(text: str) -> int:
    """Words are runs of characters between spaces that have a letter or digit in them."""
    return sum(1 for token in text.split() if _HAS_LETTER_OR_DIGIT.search(token))


def grade(text: str) -> float:
    """Flesch-Kincaid grade, with new lines treated as sentence ends and numbers as one word."""
    parts = []
    for sentence in sentences(text):
        sentence = _NUMBER_SEPARATOR.sub("", sentence)
        parts.append(sentence if sentence[-1] in ".!?" else f"{sentence}.")
    return float(textstat.flesch_kincaid_grade(" ".join(parts)))


def _start(sentence: str, words: int = 6) -> str:
    tokens = sentence.split()
    return " ".join(tokens[:words]) + (" …" if len(tokens) > words else "")


def check_text(text: str) -> list[str]:
    """Plain-English problems with `text`; an empty list means it passes."""
    problems: list[str] = []
    if word_count(text) >= MIN_WORDS_FOR_GRADE:
        score = grade(text)
        if score > MAX_GRADE:
            problems.append(
                f"Reading grade is {score:.1f}, above {MAX_GRADE}. "
                "Try shorter, more everyday wording."
            )
    for sentence in sentences(text):
        count = word_count(sentence)
        if count > MAX_SENTENCE_WORDS:
            problems.append(
                f"A sentence has {count} words; keep each sentence to {MAX_SENTENCE_WORDS} "
                f'words or fewer: "{_start(sentence)}"'
            )
    found = []
    for word, alternative, pattern in _entries():
        match = pattern.search(text)
        if match:
            found.append((match.start(), word, alternative))
    for _, word, alternative in sorted(found):
        if alternative.startswith("(") and alternative.endswith(")"):
            problems.append(f'Do not use "{word}": {alternative[1:-1]}.')
        else:
            problems.append(f'Use "{alternative}", not "{word}".')
    return problems
