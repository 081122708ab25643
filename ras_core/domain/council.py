"""The council's own details: its safeguarding number, how soon coordinators reply, and how
long a person's data is kept (`load_retention`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ras_core.domain.datafile import DATA_DIR, DataFileError, Fields, read_yaml_mapping

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


@dataclass(frozen=True)
class Retention:
    """Days each kind of personal data is kept (council.yml, `retention`; docs/privacy.md)."""

    unfinished_days: int = 90  # answers never sent for review, after the last activity
    closed_case_days: int = 730  # an agreed case and all it holds, after it was agreed
    conversation_after_close_days: int = 30  # the conversation, after its case was agreed
    conversation_without_case_days: int = 1  # the conversation of someone with no case
    export_files_days: int = 30  # a person's export (var/exports), after it was made


def load_retention(path: Path = COUNCIL_FILE) -> Retention:
    """The council's retention periods; each is a whole number of days, at least 1."""
    data = read_yaml_mapping(path)
    if data.get("retention") is None:
        return Retention()
    fields = Fields(path, data["retention"], "retention")
    unknown = sorted(set(fields.data) - set(Retention.__dataclass_fields__))
    if unknown:
        raise fields.error(unknown[0], "is not a kind of data kept: see docs/privacy.md")
    defaults = Retention()
    return Retention(
        **{
            name: fields.integer(name, getattr(defaults, name), minimum=1)
            for name in Retention.__dataclass_fields__
        }
    )
