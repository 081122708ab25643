"""The database engine: which database, how SQLite is set up, and the clock.

SQLAlchemy Core in 2.0 style (future=True) on 1.4, because Rasa pins SQLAlchemy below 1.5.
SQLite by default; PostgreSQL when DATABASE_URL says so.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool

from ras_core import settings
from ras_core.settings import REPO

BUSY_TIMEOUT_MS = 30_000


def now() -> datetime:
    return datetime.now(timezone.utc)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def database_url() -> str:
    """DATABASE_URL, or a SQLite file under var/ in the repository."""
    url = settings.current().database_url
    if url == settings.default_database_url():
        settings.VAR.mkdir(exist_ok=True)
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Every connection: foreign keys on, wait up to 30 s for a lock, the file in WAL mode, and
    deleted rows overwritten with zeros (secure_delete), so an erased person's words do not
    linger in free pages of the file (see `forget_deleted`).

    WAL lets readers go on while one writer writes, so the servers (and Rasa's tracker store,
    which opens the same file) wait for each other instead of failing. It is a property of the
    file, set by whichever connection comes first; synchronous=NORMAL is safe only under WAL.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode not in ("wal", "memory"):
            mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode == "wal":
            cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def forget_deleted(engine: Engine) -> None:
    """After deleting personal data from SQLite: copy the write-ahead log into the file and
    empty it, so no old page holding deleted rows stays in `<database>-wal`. Best effort: a
    reader still busy keeps the log until its next checkpoint. PostgreSQL keeps deleted rows
    in its files until VACUUM (docs/privacy.md)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        # The action server and Rasa's tracker store share the file: wait for locks, don't fail.
        # A file's connections are pooled (SQLAlchemy 1.4 would open, set up and close one per
        # transaction, a third of the action server's time); each is used by one thread at a
        # time, so it may move between threads.
        in_memory = (make_url(url).database or ":memory:") == ":memory:"
        pooling: dict[str, Any] = {} if in_memory else {"poolclass": QueuePool}
        engine = create_engine(
            url,
            future=True,
            hide_parameters=True,  # an SQL error names the statement, never a person's words
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": in_memory},
            **pooling,
        )

        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)


def rasa_tracker_store_env(database_url: str, repo: Path = REPO) -> dict[str, str]:
    """The DB_* variables that bot/rasa/endpoints.yml reads, from one SQLAlchemy URL.

    Rasa's SQL tracker store builds its own URL from these parts, so it uses the same
    database as our tables. A relative SQLite path is taken from the repository, where
    both servers run.
    """
    try:
        url = make_url(database_url)
    except Exception as error:  # sqlalchemy raises ArgumentError, but be plain about any
        raise ValueError(f"DATABASE_URL is not a database address: {error}") from None
    database = url.database or ""
    if url.get_backend_name() == "sqlite":
        if database in ("", ":memory:"):
            raise ValueError(
                "The Rasa server and the action server share the database, so it must be a "
                "file: DATABASE_URL=sqlite:///path/to/assistant.db"
            )
        if not Path(database).is_absolute():
            database = str(repo / database)
    return {
        "DB_DIALECT": url.drivername,
        "DB_HOST": url.host or "",
        # Rasa needs a whole number here (an empty value fails); 0 means the default port.
        "DB_PORT": str(url.port or 0),
        "DB_NAME": database,
        "DB_USER": url.username or "",
        "DB_PASSWORD": url.password or "",
    }
