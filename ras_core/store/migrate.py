"""Database set-up: run the Alembic migrations.

`python -m ras_core.store.migrate upgrade` brings the database named by DATABASE_URL (or the
local SQLite file) up to date; the launcher runs it before the servers start.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from ras_core.store.engine import database_url, make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Create or upgrade our tables. Safe to run every time."""
    command.upgrade(alembic_config(engine), "head")


def main(argv: list[str]) -> int:
    if argv[1:] != ["upgrade"]:
        print("Usage: python -m ras_core.store.migrate upgrade", file=sys.stderr)
        return 2
    engine = make_engine(database_url())
    migrate(engine)
    print(f"Database is up to date: {engine.url.render_as_string(hide_password=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
