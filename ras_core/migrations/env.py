"""Alembic environment: uses the engine handed over by ras_core.db, or DATABASE_URL."""

from __future__ import annotations

from alembic import context

from ras_core import case_tables  # noqa: F401  (adds the coordinators' tables to the metadata)
from ras_core.storage import make_engine, metadata

config = context.config
engine = config.attributes.get("engine") or make_engine()

# Keep Alembic's version table apart from Rasa's tracker-store tables in the same database.
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table="ras_core_alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()
