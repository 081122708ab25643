"""Long replies are split at sentence ends so each message stays short and readable."""

from __future__ import annotations

import re

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
    pieces: list[str] = []
    current = ""
    joiner = ""
    for line in text.split("\n"):
        if not line.strip():
            joiner = "\n\n" if current else ""
            continue
        for sentence in _SENTENCE_END.split(line.strip()):
            for part in _hard_wrap(sentence, limit):
                candidate = f"{current}{joiner}{part}" if current else part
                if len(candidate) <= limit:
                    current = candidate
                else:
                    pieces.append(current)
                    current = part
                joiner = " "
        joiner = "\n"
    if current:
        pieces.append(current)
    return pieces


def _hard_wrap(sentence: str, limit: int) -> list[str]:
    """A sentence longer than the limit is broken between words (or inside a very long word)."""
    if len(sentence) <= limit:
        return [sentence]
    parts: list[str] = []
    current = ""
    for word in sentence.split():
        while len(word) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = word
    if current:
        parts.append(current)
    return parts
