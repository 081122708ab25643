"""The voice cache's part in erasure: which cached voice notes were made from a person's texts.

Erasure gathers every text said to or by the person (their own words, plan, the assistant's
replies in the conversation) and deletes the cache files this returns for them.

HOOK, to be filled by the voice-privacy work: today cache files are named by a hash of the
engine, the speed and the text (accessibility/voice/notes.py). Once texts holding personal
data are spoken offline and never cached, and names are keyed with a secret, nothing made
from a person's texts is cached, and this rightly finds nothing. Any cache that does hold a
person's texts must list those files here (ras_core may not import accessibility: the key
function it needs belongs in ras_core, reading its secret from ras_core.settings).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def voice_cache_entries_for(texts: Iterable[str]) -> list[Path]:
    """The cached voice notes made from any of these texts (none are, today: see above)."""
    return []
