"""Storage: the migrations build exactly the tables the code expects, and preferences persist."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ras_core import case_tables  # noqa: F401  (the coordinators' tables are checked too)
from ras_core.db import open_store
from ras_core.storage import Store, metadata


def test_migrations_match_the_tables_the_code_uses(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    # Alembic's own version table is the only table the code does not describe.
    assert [d for d in differences if d[0] != "remove_table"] == []


def test_voice_preferences_start_unasked_and_survive_a_new_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'voice.db'}"
    store = open_store(url)
    sam = store.person("telegram", "42")
    assert store.voice_preferences(sam.id).reads_aloud is None
    assert store.voice_preferences(sam.id).slow is False

    store.set_voice_preferences(sam.id, reads_aloud=True)
    store.set_voice_preferences(sam.id, slow=True)

    again = Store(open_store(url).engine)
    prefs = again.voice_preferences(again.person("telegram", "42").id)
    assert (prefs.reads_aloud, prefs.slow) == (True, True)


def test_turning_voice_off_keeps_the_speed_choice(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'voice.db'}")
    sam = store.person("telegram", "7")
    store.set_voice_preferences(sam.id, reads_aloud=True, slow=True)
    prefs = store.set_voice_preferences(sam.id, reads_aloud=False)
    assert (prefs.reads_aloud, prefs.slow) == (False, True)
