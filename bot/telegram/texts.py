"""The Telegram front end's own words, loaded from messages.yml and checked on load."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Formatter

from ras_core.datafile import DataFileError, read_yaml_mapping

MESSAGES = Path(__file__).resolve().parent / "messages.yml"

# Each text the code uses, with the {placeholders} it fills in.
PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "voice_question": frozenset(),
    "voice_yes": frozenset(),
    "voice_no": frozenset(),
    "voice_on": frozenset(),
    "voice_off": frozenset(),
    "slower_on": frozenset(),
    "slower_off": frozenset(),
    "help": frozenset(),
    "not_words": frozenset(),
    "edited": frozenset(),
    "heard": frozenset({"heard"}),
    "heard_yes": frozenset(),
    "heard_no": frozenset(),
    "heard_nothing": frozenset(),
    "heard_again": frozenset(),
    "voice_unreadable": frozenset(),
    "old_button": frozenset(),
    "you_chose": frozenset({"choice"}),
    "not_now": frozenset(),
    "command_start": frozenset(),
    "command_help": frozenset(),
    "command_voice": frozenset(),
    "command_slower": frozenset(),
    "command_pause": frozenset(),
}


def parse_messages(path: Path) -> dict[str, str]:
    """Read a catalogue; stop with a message naming the file and key when it is wrong."""
    data = read_yaml_mapping(path)
    texts: dict[str, str] = {}
    for key, wanted in PLACEHOLDERS.items():
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise DataFileError(path, key, "is missing or empty: it must be some text")
        used = {name for _, name, _, _ in Formatter().parse(value) if name is not None}
        if used != wanted:
            raise DataFileError(path, key, f"must use exactly {sorted(wanted)}, not {sorted(used)}")
        texts[key] = value.strip()
    unknown = sorted(set(data) - set(PLACEHOLDERS))
    if unknown:
        raise DataFileError(path, unknown[0], "is not a text the front end uses")
    return texts


@cache
def messages() -> Mapping[str, str]:
    return parse_messages(MESSAGES)


def say(key: str, **values: str) -> str:
    return messages()[key].format(**values)
