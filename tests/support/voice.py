"""Voice notes of a person speaking, for tests: made with the offline engine, as Telegram
sends them (OGG/Opus)."""

from __future__ import annotations

from functools import cache

from accessibility.voice import OfflineEngine, encode_ogg_opus


@cache
def _engine() -> OfflineEngine:
    return OfflineEngine()


def spoken(text: str) -> bytes:
    return encode_ogg_opus(_engine().synthesise(text, slow=False))
