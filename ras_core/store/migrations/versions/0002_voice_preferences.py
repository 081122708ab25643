"""How a person likes to hear the assistant: read aloud or not, and how fast.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        # NULL until the person has been asked, so the question is asked once.
        batch.add_column(sa.Column("reads_aloud", sa.Boolean))
        batch.add_column(
            sa.Column("slow_speech", sa.Boolean, nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("slow_speech")
        batch.drop_column("reads_aloud")
