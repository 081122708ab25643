"""Long replies are split at sentence ends so each message stays short and readable."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# A short message is easier to read and to listen to; Telegram's own limit is 4096.
MESSAGE_LIMIT = 1000
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, broken between sentences where possible.

    Line breaks inside a piece are kept; a blank line between paragraphs too.
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    return _pack(_sentences(text, limit), limit)


def _sentences(text: str, limit: int) -> Iterator[tuple[str, str]]:
    """(joiner, part): each sentence, or each slice of a too-long one, with what goes before it."""
    joiner = ""
    for line in text.split("\n"):
        if not line.strip():
            joiner = "\n\n"
            continue
        for sentence in _SENTENCE_END.split(line.strip()):
            for part in _hard_wrap(sentence, limit):
                yield joiner, part
                joiner = " "
        joiner = "\n"


def _hard_wrap(sentence: str, limit: int) -> list[str]:
    """A sentence longer than the limit is broken between words (or inside a very long word)."""
    if len(sentence) <= limit:
        return [sentence]
    words = (word[i : i + limit] for word in sentence.split() for i in range(0, len(word), limit))
    return _pack(((" ", word) for word in words), limit)


def _pack(parts: Iterable[tuple[str, str]], limit: int) -> list[str]:
    """Join parts (each with its joiner) into as few pieces of at most `limit` as they allow."""
    pieces: list[str] = []
    current = ""
    for joiner, part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = part
    if current:
        pieces.append(current)
    return pieces
