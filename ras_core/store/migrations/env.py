"""Alembic environment: uses the engine handed over by ras_core.store.migrate, or DATABASE_URL."""

from __future__ import annotations

from alembic import context

from ras_core.store.engine import make_engine
from ras_core.store.schema import metadata

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
