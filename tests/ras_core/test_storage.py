"""Storage: the migrations build exactly the tables the code expects, and preferences persist."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ras_core.store import Store, open_store
from ras_core.store.schema import metadata  # every table, the coordinators' ones too


def test_migrations_match_the_tables_the_code_uses(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    # Alembic's own version table is the only table the code does not describe.
    assert [d for d in differences if d[0] != "remove_table"] == []


def test_voice_preferences_start_unasked_and_survive_a_new_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'voice.db'}"
    store = open_store(url)
    sam = store.people.person("telegram", "42")
    assert store.people.voice_preferences(sam.id).reads_aloud is None
    assert store.people.voice_preferences(sam.id).slow is False

    store.people.set_voice_preferences(sam.id, reads_aloud=True)
    store.people.set_voice_preferences(sam.id, slow=True)

    again = Store(open_store(url).engine)
    prefs = again.people.voice_preferences(again.people.person("telegram", "42").id)
    assert (prefs.reads_aloud, prefs.slow) == (True, True)


def test_turning_voice_off_keeps_the_speed_choice(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'voice.db'}")
    sam = store.people.person("telegram", "7")
    store.people.set_voice_preferences(sam.id, reads_aloud=True, slow=True)
    prefs = store.people.set_voice_preferences(sam.id, reads_aloud=False)
    assert (prefs.reads_aloud, prefs.slow) == (False, True)
