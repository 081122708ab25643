"""Alembic environment: runs on the connection handed over by ras_core.store.migrate.

That connection is already in a transaction and holds the migration lock, so every step runs
in that one transaction: use `migrate()`, or `python -m ras_core.store.migrate upgrade`.
"""

from __future__ import annotations

from alembic import context

from ras_core.store.migrate import VERSION_TABLE
from ras_core.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with ras_core.store.migrate, which takes the lock first.")

context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
