"""Migrations on databases with rows in them, several processes starting at once, and SQLite's
WAL mode: upgrades keep every row and every foreign key, leave nothing half done, and run once.

The PostgreSQL cases start a throwaway server (tests/support/postgres.py) and are skipped only
when its binaries are not installed.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError

from ras_core.store import Store, open_store
from ras_core.store.engine import aware, make_engine
from ras_core.store.migrate import (
    MigrationError,
    current_revisions,
    downgrade,
    migrate,
    wanted_revisions,
)
from ras_core.store.schema import metadata
from tests.support import postgres

T0 = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
Rows = dict[str, list[dict[str, Any]]]


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


# What a live database holds at each revision: written with only the columns that exist then.
AT_0001: Rows = {
    "people": [
        {"id": 1, "channel": "telegram", "channel_user_id": "5550101", "consented_at": at(1),
         "created_at": at(0)},
        {"id": 2, "channel": "rest", "channel_user_id": "alex", "consented_at": None,
         "created_at": at(5)},
    ],
    "assessments": [
        {"id": 1, "person_id": 1, "questionnaire_id": "default", "questionnaire_version": "1",
         "answering_for": "self", "status": "complete", "stage": "review",
         "previous_stage": "question", "position": 2, "pending_letter": None,
         "pending_words": None, "pending_how": None, "started_at": at(2), "updated_at": at(9),
         "completed_at": at(9)},
        {"id": 2, "person_id": 2, "questionnaire_id": "default", "questionnaire_version": "1",
         "answering_for": "someone_else", "status": "in_progress", "stage": "confirm_answer",
         "previous_stage": None, "position": 0, "pending_letter": "b",
         "pending_words": "she needs help getting dressed most days", "pending_how": "words",
         "started_at": at(6), "updated_at": at(7), "completed_at": None},
    ],
    "answers": [
        {"id": 1, "assessment_id": 1, "area_id": "looking_after_myself", "letter": "c",
         "not_sure": False, "own_words": "C", "how": "button", "confirmed": True,
         "answered_at": at(3)},
        {"id": 2, "assessment_id": 1, "area_id": "eating_and_drinking", "letter": None,
         "not_sure": True, "own_words": "not sure really", "how": "words", "confirmed": True,
         "answered_at": at(4)},
        {"id": 3, "assessment_id": 1, "area_id": "health_and_wellbeing", "letter": "a",
         "not_sure": False, "own_words": "the first one", "how": "voice", "confirmed": False,
         "answered_at": at(8)},
    ],
    "budgets": [
        {"id": 1, "assessment_id": 1, "scheme_id": "default", "scheme_name": "Example Council",
         "scheme_version": "2026", "total_points": 31, "yearly_pounds": 9620,
         "weekly_pounds": 185, "needs_panel": False,
         "breakdown_json": '{"looking_after_myself": 12}', "created_at": at(9)},
    ],
    "contact_requests": [
        {"id": 1, "person_id": 2, "assessment_id": 2, "reason": "ask_for_person",
         "words": "can I talk to a real person", "created_at": at(8)},
        {"id": 2, "person_id": 1, "assessment_id": None, "reason": "ask_for_person",
         "words": "phone me please", "created_at": at(10)},
    ],
}  # fmt: skip
AT_0002: Rows = {
    "people": [
        {"id": 3, "channel": "telegram", "channel_user_id": "5550303", "consented_at": at(21),
         "created_at": at(20), "reads_aloud": True, "slow_speech": True},
    ],
    "assessments": [
        {"id": 3, "person_id": 3, "questionnaire_id": "default", "questionnaire_version": "1",
         "answering_for": "self", "status": "abandoned", "stage": "question",
         "previous_stage": None, "position": 1, "pending_letter": None, "pending_words": None,
         "pending_how": None, "started_at": at(22), "updated_at": at(23),
         "completed_at": None},
    ],
}  # fmt: skip
AT_0003: Rows = {
    "teams": [
        {"id": 1, "name": "Intake", "email": "intake@example.org", "telegram_chat_id": "-100",
         "takes_new_cases": True, "created_at": at(30)},
        {"id": 2, "name": "North", "email": "", "telegram_chat_id": "",
         "takes_new_cases": False, "created_at": at(30)},
    ],
    "coordinators": [
        {"id": 1, "username": "priya", "display_name": "Priya Shah", "team_id": 1,
         "password_hash": "scrypt$abc", "failed_sign_ins": 0, "locked_until": None,
         "created_at": at(31)},
        {"id": 2, "username": "tom", "display_name": "Tom Reed", "team_id": 2,
         "password_hash": "scrypt$def", "failed_sign_ins": 3, "locked_until": at(90),
         "created_at": at(31)},
    ],
    "coordinator_sessions": [
        {"id": 1, "token_hash": "f" * 64, "csrf_token": "c" * 32, "coordinator_id": 1,
         "created_at": at(32), "expires_at": at(600)},
    ],
    "cases": [
        {"id": 1, "reference": "RAS-0001", "person_id": 1, "assessment_id": 1, "team_id": 1,
         "state": "in_review", "urgent": False, "urgent_reason": "", "claimed_by": 1,
         "final_yearly_pounds": None, "final_reason": "", "created_at": at(33),
         "submitted_at": at(34), "updated_at": at(35)},
        {"id": 2, "reference": "RAS-0002", "person_id": 2, "assessment_id": None, "team_id": 1,
         "state": "draft", "urgent": True, "urgent_reason": "disclosure", "claimed_by": None,
         "final_yearly_pounds": None, "final_reason": "", "created_at": at(36),
         "submitted_at": None, "updated_at": at(36)},
    ],
    "case_steps": [
        {"id": 1, "case_id": 1, "move": "submit", "from_state": "draft",
         "to_state": "submitted", "by": "telegram:5550101", "role": "person", "note": "",
         "at": at(34)},
        {"id": 2, "case_id": 1, "move": "claim", "from_state": "submitted",
         "to_state": "in_review", "by": "priya", "role": "coordinator", "note": "mine",
         "at": at(35)},
    ],
    "plans": [
        {"id": 1, "case_id": 1, "draft_json": '{"goals": ["get out more"]}', "stage": "done",
         "previous_stage": "goals", "updated_at": at(34)},
    ],
    "case_notes": [
        {"id": 1, "case_id": 1, "coordinator_id": 1, "text": "Rang Sam, all fine.",
         "at": at(40)},
    ],
    "audit_log": [
        {"id": 1, "at": at(34), "actor": "telegram:5550101", "action": "submit", "case_id": 1,
         "detail": ""},
        {"id": 2, "at": at(35), "actor": "priya", "action": "claim", "case_id": 1,
         "detail": "from the queue"},
    ],
    "outbox": [
        {"id": 1, "person_id": 1, "case_id": 1, "key": "utter_review_claimed",
         "params_json": "{}", "created_at": at(35), "delivered_at": None},
    ],
}  # fmt: skip


def write(engine: Engine, rows: Rows) -> None:
    """Insert with only the given columns, typed as schema.py types them (untyped when a later
    revision dropped the column, as 0004 did audit_log.case_id)."""
    with engine.begin() as conn:
        for name, table_rows in rows.items():
            table = metadata.tables[name]
            columns = [
                sa.column(key, table.c[key].type if key in table.c else None)
                for key in table_rows[0]
            ]
            conn.execute(sa.table(name, *columns).insert(), table_rows)


def read(engine: Engine, name: str, keys: list[str]) -> list[dict[str, Any]]:
    table = metadata.tables[name]
    with engine.connect() as conn:
        found = conn.execute(sa.select(*(table.c[k] for k in keys)).order_by(table.c.id))
        return [
            {k: aware(v) if isinstance(v, datetime) else v for k, v in row._mapping.items()}
            for row in found
        ]


def expected(*stages: Rows) -> Rows:
    """Every row written so far, as it should read now (0002's columns filled by default)."""
    rows: Rows = {}
    for stage in stages:
        for name, table_rows in stage.items():
            rows.setdefault(name, []).extend(dict(row) for row in table_rows)
    for person in rows["people"]:
        person.setdefault("reads_aloud", None)
        person.setdefault("slow_speech", False)
    return rows


def table_names(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def revision(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return current_revisions(conn)


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    if not postgres.available():
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed")
    with postgres.postgres_server() as url:
        yield url


def fresh_postgres(server_url: str, name: str) -> str:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return str(make_url(server_url).set(database=name))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for an empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'assistant.db'}"
    name = request.node.name.split("[")[0][:40].lower()
    return fresh_postgres(request.getfixturevalue("postgres_server"), name)


def test_each_upgrade_keeps_every_row_and_foreign_key(database: str) -> None:
    engine = make_engine(database)
    assert migrate(engine, "0001") is True
    write(engine, AT_0001)
    assert migrate(engine, "0002") is True
    with engine.begin() as conn:  # a person answers the 0002 question
        conn.execute(sa.text("UPDATE people SET reads_aloud = :no WHERE id = 1"), {"no": False})
    write(engine, AT_0002)
    assert migrate(engine, "0003") is True
    write(engine, AT_0003)
    migrate(engine)

    assert revision(engine) == wanted_revisions("head")
    rows = expected(AT_0001, AT_0002, AT_0003)
    rows["people"][0]["reads_aloud"] = False
    del rows["audit_log"]  # rebuilt by 0004: see test_0004_keeps_only_references_in_the_audit_log
    for name, table_rows in rows.items():
        assert read(engine, name, list(table_rows[-1])) == table_rows, name
    assert not [t for t in table_names(engine) if t.startswith("_alembic_tmp_")]

    store = Store(engine)
    prefs = [store.people.voice_preferences(person) for person in (1, 2, 3)]
    assert [(p.reads_aloud, p.slow) for p in prefs] == [(False, False), (None, False), (True, True)]
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    assert [d for d in differences if d[0] != "remove_table"] == []  # foreign keys included
    with pytest.raises(IntegrityError), engine.begin() as conn:
        write_orphan = sa.text("INSERT INTO case_notes (case_id, coordinator_id, text, at) "
                               "VALUES (99, 1, 'orphan', :at)")  # fmt: skip
        conn.execute(write_orphan, {"at": T0})


def test_going_back_drops_the_voice_columns_without_breaking_references(database: str) -> None:
    engine = make_engine(database)
    migrate(engine, "0001")
    write(engine, AT_0001)
    migrate(engine, "0002")
    assert downgrade(engine, "0001") is True  # SQLite drops columns by rebuilding the table
    assert "slow_speech" not in {c["name"] for c in sa.inspect(engine).get_columns("people")}
    assert read(engine, "assessments", ["id", "person_id"]) == [
        {"id": 1, "person_id": 1}, {"id": 2, "person_id": 2}
    ]  # fmt: skip
    assert not [t for t in table_names(engine) if t.startswith("_alembic_tmp_")]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM people WHERE id = 1"))  # assessment 1 still needs it


def test_a_start_recovers_from_the_rebuild_an_older_version_left_half_done(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'broken.db'}")
    migrate(engine, "0001")
    write(engine, AT_0001)
    # What the old 0002 did: rebuild `people` in batch mode with foreign keys on.
    with (
        pytest.raises(IntegrityError),
        engine.begin() as conn,
        Operations(MigrationContext.configure(conn)).batch_alter_table("people") as batch,
    ):
        batch.add_column(sa.Column("slow", sa.Boolean, server_default=sa.false()))
    assert "_alembic_tmp_people" in table_names(engine)

    assert migrate(engine) is True
    assert "_alembic_tmp_people" not in table_names(engine)
    assert read(engine, "people", ["id", "channel_user_id", "slow_speech"]) == [
        {"id": 1, "channel_user_id": "5550101", "slow_speech": False},
        {"id": 2, "channel_user_id": "alex", "slow_speech": False},
    ]


def test_a_leftover_copy_without_its_original_is_kept_for_a_person(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lost.db'}")
    migrate(engine, "0002")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE _alembic_tmp_teams (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO _alembic_tmp_teams (id) VALUES (1)")
    with pytest.raises(MigrationError, match="may hold the only copy"):
        migrate(engine)
    assert revision(engine) == {"0002"}
    assert "_alembic_tmp_teams" in table_names(engine)


def test_a_failed_upgrade_on_sqlite_leaves_nothing_half_done(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'half.db'}")
    migrate(engine, "0002")
    write(engine, {"people": AT_0002["people"]})
    with engine.begin() as conn:  # 0003 makes eight tables, then fails on the ninth
        conn.exec_driver_sql("CREATE TABLE outbox (id INTEGER PRIMARY KEY)")
    with pytest.raises(sa.exc.OperationalError, match="outbox"):
        migrate(engine)
    assert revision(engine) == {"0002"}
    assert table_names(engine) & {"teams", "cases", "audit_log"} == set()

    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE outbox")
    assert migrate(engine) is True
    assert read(engine, "people", ["id", "reads_aloud"]) == [{"id": 3, "reads_aloud": True}]


def _migrate_in_a_process(url: str, start: Any, results: Any) -> None:
    start.wait()
    try:
        results.put(("changed" if migrate(make_engine(url)) else "up to date", ""))
    except Exception as error:  # reported to the test, which shows it
        results.put(("failed", repr(error)))


def test_processes_starting_together_migrate_once(database: str) -> None:
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(4), context.Queue()
    workers = [
        context.Process(target=_migrate_in_a_process, args=(database, start, results))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes == [("changed", ""), *[("up to date", "")] * 3]
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    engine = make_engine(database)
    assert revision(engine) == wanted_revisions("head")
    with engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT version_num FROM ras_core_alembic_version")
        assert len(versions.all()) == 1


def test_an_up_to_date_database_is_not_locked_again(tmp_path: Path) -> None:
    path = tmp_path / "ready.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    answer: list[bool] = []
    with open(f"{path}.migrate.lock", "a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as if another process were migrating
        checker = threading.Thread(target=lambda: answer.append(migrate(engine)), daemon=True)
        checker.start()
        checker.join(timeout=10)
    assert answer == [False]


def test_sqlite_is_in_wal_mode_and_a_second_writer_waits(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    store = open_store(f"sqlite:///{path}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 30000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 1  # NORMAL
    other = sqlite3.connect(path)  # another engine on the same file, like Rasa's tracker store
    assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)

    holding = threading.Event()

    def hold_a_write_for_a_second() -> None:
        writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO people (channel, channel_user_id, created_at, slow_speech, reference) "
            "VALUES ('rest', 'first', '2026-11-20 09:30:00', 0, 'P-FIRST')"
        )
        holding.set()
        time.sleep(1)
        writer.execute("COMMIT")
        writer.close()

    first = threading.Thread(target=hold_a_write_for_a_second)
    first.start()
    assert holding.wait(timeout=10)
    started = time.monotonic()
    second = store.people.person("rest", "second")  # waits for the lock instead of failing
    waited = time.monotonic() - started
    first.join()
    assert waited > 0.5
    assert [p["channel_user_id"] for p in read(store.engine, "people", ["channel_user_id"])] == [
        "first", "second"
    ]  # fmt: skip
    assert second.id == 2
    other.close()
