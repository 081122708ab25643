"""Erasure: remove every row and file about one person.

    python -m ras_core.privacy erase telegram:123 --reason "..."   (make erase WHO=... REASON=...)

`erase_person` removes, in one transaction, the person's rows in our tables and Rasa's
`events` under their sender id ("<channel>:<id>"); then the files made from them: their
exports, any voice notes cached from their texts, and their entries in the Telegram front
end's state file. The audit log keeps only that an erasure happened, the person's random
reference and who did it; the `erasures` register adds why and how many rows went.
If the same person writes again they are someone new: asked for consent afresh.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ras_core import settings
from ras_core.privacy.export import EXPORTS, exports_of
from ras_core.privacy.telegram_state import forget_chat
from ras_core.privacy.voice_cache import voice_cache_entries_for
from ras_core.settings import SettingsError
from ras_core.store import Store


@dataclass(frozen=True)
class ErasureReport:
    person_reference: str  # "" when we held nothing about them but perhaps Rasa's events
    removed: dict[str, int] = field(default_factory=dict)  # rows by table, files by kind
    case_references: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.removed)


def erase_person(
    store: Store,
    channel: str,
    channel_user_id: str,
    *,
    by: str,
    reason: str,
    exports: Path = EXPORTS,
    telegram_state: Path | None = None,
) -> ErasureReport:
    """Remove everything about the person; `by` and a `reason` are required and recorded.

    `telegram_state` is the Telegram front end's file (TELEGRAM_STATE_FILE when None).
    """
    if not by.strip() or not reason.strip():
        raise ValueError("Say who is erasing the person's data, and why.")
    person = store.people.find(channel, channel_user_id)
    held = store.personal_data.held(person.id) if person is not None else None
    texts = sorted(set(_texts(held))) if held is not None else []
    erased = store.personal_data.erase(channel, channel_user_id, by=by.strip(), reason=reason)
    removed = dict(erased.removed)
    files = {
        "export_files": exports_of(erased.person_reference, exports),
        "voice_cache_files": voice_cache_entries_for(texts),
    }
    for kind, paths in files.items():
        gone = sum(_delete(path) for path in paths)
        if gone:
            removed[kind] = gone
    if channel == "telegram":
        state = telegram_state or _telegram_state_file()
        entries = forget_chat(state, channel_user_id) if state is not None else 0
        if entries:
            removed["telegram_state_entries"] = entries
    return ErasureReport(erased.person_reference, removed, tuple(erased.case_references))


def _delete(path: Path) -> int:
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    return 1


def _telegram_state_file() -> Path | None:
    try:
        return settings.current().telegram.state_file
    except SettingsError:
        return None


def _texts(value: Any) -> Iterator[str]:
    """Every piece of text in what is held: own words, plans, what the assistant said."""
    if isinstance(value, str):
        if value.strip():
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
