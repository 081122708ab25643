"""The Telegram front end's own words, loaded from messages.yml and checked on load."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from ras_core.domain.datafile import DataFileError
from ras_core.domain.phrases import parse_phrases, placeholders_in

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
    "heard_unsure": frozenset(),
    "heard_again": frozenset(),
    "voice_unreadable": frozenset(),
    "voice_too_long": frozenset(),
    "voice_too_big": frozenset(),
    "old_button": frozenset(),
    "you_chose": frozenset({"choice"}),
    "not_now": frozenset(),
    "emergency_numbers": frozenset(),
    "command_start": frozenset(),
    "command_help": frozenset(),
    "command_voice": frozenset(),
    "command_slower": frozenset(),
    "command_pause": frozenset(),
}


def parse_messages(path: Path) -> Mapping[str, str]:
    """Read a catalogue; stop with a message naming the file and key when it is wrong.

    Checked as every sentence file is (ras_core.domain.phrases), and each text must use all the
    {placeholders} the code fills in, so no value the person needs is silently dropped.
    """
    texts = parse_phrases(path, PLACEHOLDERS)
    for key, wanted in PLACEHOLDERS.items():
        missing = sorted(wanted - placeholders_in(path, key, texts[key]))
        if missing:
            raise DataFileError(path, key, f"must use {{{missing[0]}}}")
    return texts


@cache
def messages() -> Mapping[str, str]:
    return parse_messages(MESSAGES)


def say(key: str, **values: str) -> str:
    return messages()[key].format(**values)
