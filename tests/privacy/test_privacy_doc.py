"""docs/privacy.md keeps in step with the database: every column of every table we keep, and of
Rasa's `events`, is listed with what it holds, and nothing is listed that is not there."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from ras_core.domain.council import Retention
from ras_core.store.schema import metadata

DOC = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"
MARKS = {"special", "yes", "staff", "pseudonymous", "no"}
SECTION = re.compile(r"^### `(\w+)`", re.M)
ROW = re.compile(r"^\| `(\w+)` \| (\w+) \| (.+) \|$", re.M)


def rasa_events_columns() -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from rasa.core.tracker_store import SQLTrackerStore
    return [column.name for column in SQLTrackerStore.SQLEvent.__table__.columns]


def checkpoint_columns() -> list[str]:
    from bot.rasa.tracker_store import CHECKPOINTS

    return [column.name for column in CHECKPOINTS.columns]


RASA_SIDE = {"events": rasa_events_columns, "tracker_checkpoints": checkpoint_columns}


def sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    found = list(SECTION.finditer(text))
    ends = [match.start() for match in found[1:]] + [len(text)]
    return {
        match.group(1): text[match.end() : end].split("\n## ")[0]
        for match, end in zip(found, ends, strict=True)
    }


TABLES = {name: [c.name for c in table.columns] for name, table in metadata.tables.items()}


def test_every_table_is_in_the_doc_and_nothing_else() -> None:
    assert set(sections()) == {*TABLES, *RASA_SIDE}


@pytest.mark.parametrize("table", [*sorted(TABLES), *RASA_SIDE])
def test_every_column_is_listed_with_what_it_holds(table: str) -> None:
    section = sections()[table]
    rows = {name: (mark, holds) for name, mark, holds in ROW.findall(section)}
    columns = TABLES[table] if table in TABLES else RASA_SIDE[table]()
    assert list(rows) == columns  # the same columns, in the schema's order
    assert {mark for mark, _ in rows.values()} <= MARKS
    assert all(holds.strip() for _, holds in rows.values())
    if any(mark not in ("no", "staff") for mark, _ in rows.values()):
        for heading in ("**Why**", "**Kept**"):
            assert heading in section, f"{table}: say {heading}"
    if any(mark in ("special", "yes") for mark, _ in rows.values()):
        for heading in ("**Export**", "**Erasure**"):
            assert heading in section, f"{table}: say {heading}"


def test_the_retention_defaults_are_the_ones_in_the_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, days in vars(Retention()).items():
        assert f"| `{name}` | {days} |" in text


def test_the_files_and_tools_are_named() -> None:
    text = DOC.read_text(encoding="utf-8")
    for place in (
        "var/telegram-state.pickle", "var/voice-cache/", "var/exports/", "var/log/",
        "make export", "make erase", "make purge",
    ):  # fmt: skip
        assert place in text
