"""The council's own details: its safeguarding number and how soon coordinators reply."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ras_core.domain.datafile import DATA_DIR, DataFileError, read_yaml_mapping

COUNCIL_FILE = DATA_DIR / "council.yml"


@dataclass(frozen=True)
class Council:
    name: str
    safeguarding_phone: str
    reply_working_days: int


def load_council(path: Path = COUNCIL_FILE, overrides: Mapping[str, str] | None = None) -> Council:
    """Read the file; `overrides` (from settings: COUNCIL_NAME, ...) take the place of fields."""
    data = read_yaml_mapping(path)
    values = {
        key: (overrides or {}).get(key, data.get(key)) for key in Council.__dataclass_fields__
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
