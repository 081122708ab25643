"""The council's own details: its safeguarding number and how soon coordinators reply."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ras_core.datafile import DataFileError, read_yaml_mapping

COUNCIL_FILE = Path(__file__).parent / "data" / "council.yml"


@dataclass(frozen=True)
class Council:
    name: str
    safeguarding_phone: str
    reply_working_days: int


def load_council(path: Path = COUNCIL_FILE) -> Council:
    """Read the file; COUNCIL_NAME, COUNCIL_SAFEGUARDING_PHONE, ... override it."""
    data = read_yaml_mapping(path)
    values = {
        key: os.environ.get(f"COUNCIL_{key.upper()}", data.get(key))
        for key in Council.__dataclass_fields__
    }
    for key in ("name", "safeguarding_phone"):
        if not isinstance(values[key], str) or not str(values[key]).strip():
            raise DataFileError(path, key, "must be some words")
    try:
        days = int(str(values["reply_working_days"]))
    except ValueError as error:
        raise DataFileError(path, "reply_working_days", "must be a whole number") from error
    if days < 1:
        raise DataFileError(path, "reply_working_days", "must be 1 or more")
    return Council(str(values["name"]), str(values["safeguarding_phone"]), days)
