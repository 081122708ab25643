"""Database set-up: run the Alembic migrations, once, under a lock.

`python -m ras_core.store.migrate upgrade` brings the database named by DATABASE_URL (or the
local SQLite file) up to date; the launcher runs it before the servers start. Every process
also calls `migrate()` through `open_store()`: that only reads the revision when the database
is already up to date.

When there is work to do, one process at a time does it:
- PostgreSQL: `pg_advisory_lock` on the connection that runs the upgrade, in one transaction;
- SQLite: an exclusive `flock` on `<database>.migrate.lock` beside the file, then one
  `BEGIN EXCLUSIVE` transaction around every step, with foreign keys off (SQLite's own recipe
  for rebuilding a table) and `PRAGMA foreign_key_check` before it commits. A failed step
  leaves nothing behind, not even half a table.
Whoever waited reads the revision again and finds the work done.
"""

from __future__ import annotations

import fcntl
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from ras_core.store.engine import database_url, make_engine
from ras_core.store.schema import metadata

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Kept apart from Rasa's tracker-store tables in the same database.
VERSION_TABLE = "ras_core_alembic_version"
# Any fixed number, the same in every process: the key of PostgreSQL's advisory lock.
ADVISORY_LOCK_KEY = 4_715_902_117_334
# Alembic's batch mode builds a table under this prefix, then swaps it for the original.
LEFTOVER_PREFIX = "_alembic_tmp_"

Step = Callable[[Config, str], None]


class MigrationError(RuntimeError):
    """The database cannot be brought to the wanted revision safely."""


def alembic_config(connection: Connection) -> Config:
    """Alembic's settings; migrations/env.py runs them on this connection, in its transaction."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=8)
def wanted_revisions(revision: str = "head") -> frozenset[str]:
    """The revision ids that `revision` ("head", "base" or an id) names."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config).get_revisions(revision)
    return frozenset(script.revision for script in scripts if script is not None)


def current_revisions(connection: Connection) -> set[str]:
    """Where the database is: empty before the first migration."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return set(context.get_current_heads())


def migrate(engine: Engine, revision: str = "head") -> bool:
    """Create or upgrade our tables; True if this call changed them.

    Safe to run every time, from any number of processes at once.
    """
    return _move(engine, revision, command.upgrade)


def downgrade(engine: Engine, revision: str) -> bool:
    """Go back to `revision`, under the same lock and in one transaction (for tests and rescue)."""
    return _move(engine, revision, command.downgrade)


def _move(engine: Engine, revision: str, step: Step) -> bool:
    wanted = wanted_revisions(revision)
    with engine.connect() as connection:
        if current_revisions(connection) == wanted:
            return False  # the usual case: nothing to do and no lock taken
    with _migration_transaction(engine) as connection:
        if current_revisions(connection) == wanted:
            return False  # another process did it while this one waited
        drop_leftovers(connection)
        step(alembic_config(connection), revision)
        return True


def drop_leftovers(connection: Connection) -> list[str]:
    """Drop `_alembic_tmp_<table>` left by a batch rebuild that failed before this version.

    Batch mode drops the original only in the same transaction that renames the copy into its
    place, so while the original is still there the copy is a stale duplicate. Without the
    original the copy may hold the only rows: then stop and leave it for a person to look at.
    """
    names = set(inspect(connection).get_table_names())
    dropped = []
    for name in sorted(names):
        original = name[len(LEFTOVER_PREFIX) :]
        if not name.startswith(LEFTOVER_PREFIX) or original not in metadata.tables:
            continue
        if original not in names:
            raise MigrationError(
                f"Table {name} was left by a failed migration and table {original} is missing, "
                f"so {name} may hold the only copy of its rows. Rename it back to {original} "
                "by hand, then start again."
            )
        connection.execute(text(f'DROP TABLE "{name}"'))
        dropped.append(name)
    return dropped


@contextmanager
def _migration_transaction(engine: Engine) -> Iterator[Connection]:
    """One connection, in one transaction, that no other process's migration runs beside."""
    dialect = engine.dialect.name
    if dialect == "sqlite":
        with _sqlite_file_lock(engine.url.database), _sqlite_transaction(engine) as connection:
            yield connection
    elif dialect == "postgresql":
        with _postgresql_transaction(engine) as connection:
            yield connection
    else:
        with engine.begin() as connection:
            yield connection


@contextmanager
def _sqlite_file_lock(database: str | None) -> Iterator[None]:
    """Waits for any other process migrating the same file; the lock file itself stays."""
    if not database or database == ":memory:" or database.startswith("file:"):
        yield  # nothing else can open it, or a URI: BEGIN EXCLUSIVE alone keeps order
        return
    with open(f"{database}.migrate.lock", "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextmanager
def _sqlite_transaction(engine: Engine) -> Iterator[Connection]:
    """A real transaction around DDL too, with foreign keys checked once at the end.

    Python's sqlite3 commits before DDL on its own, which is how a failed rebuild left
    `_alembic_tmp_people` behind; here it is told to keep out (isolation_level None) and the
    transaction is ours. PRAGMA foreign_keys can only change outside a transaction.
    """
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        isolation = raw.isolation_level
        raw.isolation_level = None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                connection.exec_driver_sql("BEGIN EXCLUSIVE")
                before = _broken_foreign_keys(connection)
                yield connection
                broken = _broken_foreign_keys(connection) - before
                if broken:
                    raise MigrationError(
                        f"The migration would break {len(broken)} foreign keys, for example "
                        f"{sorted(broken, key=repr)[0]} (table, row, parent, key); nothing was "
                        "changed."
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
            raw.isolation_level = isolation


def _broken_foreign_keys(connection: Connection) -> set[tuple[object, ...]]:
    return {tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check")}


@contextmanager
def _postgresql_transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        connection.commit()  # the lock belongs to the session and outlives this transaction
        try:
            with connection.begin():
                yield connection
        except BaseException:
            connection.invalidate()  # closing the session releases the lock
            raise
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
        connection.commit()


def main(argv: list[str]) -> int:
    if argv[1:] != ["upgrade"]:
        print("Usage: python -m ras_core.store.migrate upgrade", file=sys.stderr)
        return 2
    engine = make_engine(database_url())
    changed = migrate(engine)
    where = engine.url.render_as_string(hide_password=True)
    print(f"Database {'updated' if changed else 'already up to date'}: {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
