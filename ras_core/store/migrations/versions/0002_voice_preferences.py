"""How a person likes to hear the assistant: read aloud or not, and how fast.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Plain ADD COLUMN, not a batch rebuild of `people`: rebuilding drops the table, which other
tables reference, so it failed on any database with rows. SQLite and PostgreSQL both add a
NOT NULL column when it has a constant default, filling the existing rows with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL until the person has been asked, so the question is asked once.
    op.add_column("people", sa.Column("reads_aloud", sa.Boolean))
    op.add_column(
        "people", sa.Column("slow_speech", sa.Boolean, nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    # SQLite drops a column by rebuilding the table: safe because ras_core.store.migrate turns
    # foreign keys off around the migration and checks them all before it commits.
    with op.batch_alter_table("people") as batch:
        batch.drop_column("slow_speech")
        batch.drop_column("reads_aloud")
