"""How much audio the bot listens to, so one note cannot hold up or hurt everyone else.

A voice note or audio file is accepted only up to MAX_SECONDS long and MAX_BYTES in size.
Both are checked from what Telegram says about the file before it is downloaded, the size
again after, and at most MAX_SECONDS of sound is ever decoded (a file may claim to be
shorter than it is). Anything bigger gets a plain message instead (messages.yml:
voice_too_long, voice_too_big). An answer is a few words: a minute is plenty.
"""

from __future__ import annotations

MAX_SECONDS = 60
MAX_BYTES = 1024 * 1024  # 1 MB: a minute of a voice note is about 0.2 MB, of an MP3 about 1 MB
DOWNLOAD_SECONDS = 30  # a slow download waits this long (it holds up only its own chat)


class TooLong(ValueError):
    """The audio goes on past MAX_SECONDS."""


def refusal(duration: int | None, file_size: int | None) -> str | None:
    """The message key for a note too long or too big, from what Telegram says; else None."""
    if duration is not None and duration > MAX_SECONDS:
        return "voice_too_long"
    if file_size is not None and file_size > MAX_BYTES:
        return "voice_too_big"
    return None
