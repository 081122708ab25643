"""People, assessments, answers, budgets and contact requests.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("channel_user_id", sa.String(128), nullable=False),
        sa.Column("consented_at", WHEN),
        sa.Column("created_at", WHEN, nullable=False),
        sa.UniqueConstraint("channel", "channel_user_id", name="uq_people_channel_user"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("questionnaire_id", sa.String(64), nullable=False),
        sa.Column("questionnaire_version", sa.String(32), nullable=False),
        sa.Column("answering_for", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("previous_stage", sa.String(32)),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("pending_letter", sa.String(1)),
        sa.Column("pending_words", sa.Text),
        sa.Column("pending_how", sa.String(16)),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("completed_at", WHEN),
    )
    op.create_index("ix_assessments_person_id", "assessments", ["person_id"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), nullable=False),
        sa.Column("area_id", sa.String(64), nullable=False),
        sa.Column("letter", sa.String(1)),
        sa.Column("not_sure", sa.Boolean, nullable=False),
        sa.Column("own_words", sa.Text, nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("confirmed", sa.Boolean, nullable=False),
        sa.Column("answered_at", WHEN, nullable=False),
        sa.UniqueConstraint("assessment_id", "area_id", name="uq_answers_assessment_area"),
    )
    op.create_index("ix_answers_assessment_id", "answers", ["assessment_id"])
    op.create_table(
        "budgets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "assessment_id",
            sa.Integer,
            sa.ForeignKey("assessments.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("scheme_id", sa.String(64), nullable=False),
        sa.Column("scheme_name", sa.String(200), nullable=False),
        sa.Column("scheme_version", sa.String(32), nullable=False),
        sa.Column("total_points", sa.Integer, nullable=False),
        sa.Column("yearly_pounds", sa.Integer, nullable=False),
        sa.Column("weekly_pounds", sa.Integer, nullable=False),
        sa.Column("needs_panel", sa.Boolean, nullable=False),
        sa.Column("breakdown_json", sa.Text, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "contact_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id")),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("words", sa.Text, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_index("ix_contact_requests_person_id", "contact_requests", ["person_id"])


def downgrade() -> None:
    for table in ("contact_requests", "budgets", "answers", "assessments", "people"):
        op.drop_table(table)
