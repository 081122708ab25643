"""The voice cache's part in erasure: which cached voice notes were made from a person's texts.

Erasure gathers every text said to or by the person (their own words, plan, the assistant's
replies in the conversation) and deletes the cache files this returns for them.

Nothing is: only fixed catalogue texts, the same for everyone, are ever cached; any other
text is spoken by the offline engine in memory and never written (accessibility/voice/notes.py,
tested in tests/voice/test_voice_privacy.py), and the cache's file names are keyed with a
secret. So this rightly finds nothing. Any future cache that holds a person's texts must list
its files here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def voice_cache_entries_for(texts: Iterable[str]) -> list[Path]:
    """The cached voice notes made from any of these texts: none can be (see above)."""
    return []
