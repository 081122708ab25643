"""The Telegram front end's own file (TELEGRAM_STATE_FILE, var/telegram-state.pickle): for each
chat, the live keyboard and its button titles, and a voice note's words waiting for a yes.

python-telegram-bot's PicklePersistence keeps `chat_data` and `user_data` keyed by the
Telegram id. Erasure removes that id's entries from the file. A running front end keeps its
own copy in memory and writes it back, so it must also drop the chat itself
(`Application.drop_chat_data` / `drop_user_data`): see docs/privacy.md.

The file is the project's own, written by the front end; loading it needs the front end's
classes (bot.telegram.keyboards), which pickle imports by name.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

SECTIONS = ("chat_data", "user_data")


def forget_chat(state_file: Path, telegram_id: str) -> int:
    """Remove the chat's entries from the file; how many went (0 with no file or entry)."""
    if not state_file.is_file() or not telegram_id.lstrip("-").isdigit():
        return 0
    with state_file.open("rb") as handle:
        state: Any = pickle.load(handle)  # our own file, 0600
    if not isinstance(state, dict):
        return 0
    gone = 0
    for section in SECTIONS:
        held = state.get(section)
        if isinstance(held, dict) and held.pop(int(telegram_id), None) is not None:
            gone += 1
    if gone:
        temporary = state_file.with_name(f".{state_file.name}.erasing")
        handle_fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle_fd, "wb") as out:
            pickle.dump(state, out)
        os.replace(temporary, state_file)
    return gone
