"""Reading the conversation from Rasa's tracker store table, which may not exist yet."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from ras_core.store import open_store
from ras_core.store.transcripts import Line


def test_no_events_table_means_no_conversation(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    person = store.people.person("telegram", "42")
    assert store.transcripts.lines(person.id) is None
    assert store.transcripts.lines(999) is None


def test_only_what_was_said_is_read_oldest_first(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'events.db'}")
    person = store.people.person("telegram", "42")
    with store.engine.begin() as conn:
        conn.execute(text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255),"
            " type_name VARCHAR(255), timestamp FLOAT, data TEXT)"
        ))  # fmt: skip
        rows = [
            ("telegram:42", "user", '{"text": "Hello"}'),
            ("telegram:42", "slot", '{"name": "journey"}'),
            ("telegram:42", "bot", '{"text": "Hi. Shall we start?"}'),
            ("telegram:43", "user", '{"text": "Someone else"}'),
            ("telegram:42", "bot", "not json"),
            ("telegram:42", "user", '{"text": "  "}'),
        ]
        for sender, kind, data in rows:
            conn.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data)"
                     " VALUES (:s, :k, NULL, :d)"),
                {"s": sender, "k": kind, "d": data},
            )  # fmt: skip
    assert store.transcripts.lines(person.id) == [
        Line("person", "Hello", None),
        Line("assistant", "Hi. Shall we start?", None),
    ]
