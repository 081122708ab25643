"""The database engine: which database, how SQLite is set up, and the clock.

SQLAlchemy Core in 2.0 style (future=True) on 1.4, because Rasa pins SQLAlchemy below 1.5.
SQLite by default; PostgreSQL when DATABASE_URL says so.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from ras_core import settings


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


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        # The action server and Rasa's tracker store share the file: wait for locks, don't fail.
        engine = create_engine(url, future=True, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)
