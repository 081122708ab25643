"""PostgreSQL through DATABASE_URL: our tables by migration, the interview's rows, and Rasa's
tracker store in the same database, all on a real server started for the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from bot.launcher.servers import Servers, ServerSettings
from ras_core.store import open_store
from ras_core.store.schema import metadata, people
from tests.e2e.conftest import MODEL, REPO, free_port
from tests.support import postgres
from tests.support.rest import Person

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not postgres.available(), reason="PostgreSQL binaries not installed"),
]


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with postgres.postgres_server() as url:
        yield url


def test_migrations_build_our_tables_on_postgresql(database: str) -> None:
    store = open_store(database)
    with store.engine.connect() as conn:
        assert conn.execute(text("select version()")).scalar_one().startswith("PostgreSQL")
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in differences if d[0] != "remove_table"] == []
    sam = store.people.person("rest", "pg-sam")
    store.people.set_voice_preferences(sam.id, reads_aloud=True)
    assert store.people.voice_preferences(sam.id).reads_aloud is True


def test_rasa_keeps_the_conversation_in_the_same_postgresql(database: str, tmp_path: Path) -> None:
    open_store(database)
    settings = ServerSettings(REPO, free_port(), free_port(), database, tmp_path, MODEL)
    with Servers(settings) as servers:
        servers.start_actions()
        servers.start_rasa()
        servers.wait_ready()
        reply = Person(servers, "rest:pg-alex").says("hello")
    assert "Do you want to go on?" in reply
    store = open_store(database)
    assert "events" in inspect(store.engine).get_table_names()
    with store.engine.connect() as conn:
        events = conn.execute(
            text("select count(*) from events where sender_id = 'rest:pg-alex'")
        ).scalar_one()
        alex = conn.execute(select(people).where(people.c.channel_user_id == "pg-alex")).one()
    assert events > 0 and alex.channel == "rest"
