"""The coordinators' side: teams, accounts, sessions, cases and their review steps, plans,
notes, an append-only audit log, and messages waiting for a person.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
TABLES = (
    "outbox", "audit_log", "case_notes", "plans", "case_steps", "cases",
    "coordinator_sessions", "coordinators", "teams",
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("email", sa.String(200), nullable=False, default=""),
        sa.Column("telegram_chat_id", sa.String(64), nullable=False, default=""),
        # New cases go to the team that takes them (the intake team).
        sa.Column("takes_new_cases", sa.Boolean, nullable=False, default=False),
        sa.Column("created_at", WHEN, nullable=False),
    )

    op.create_table(
        "coordinators",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False, index=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer, nullable=False, default=0),
        sa.Column("locked_until", WHEN),
        sa.Column("created_at", WHEN, nullable=False),
    )

    op.create_table(
        "coordinator_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        # Only a hash of the cookie is stored, so a copy of the database cannot sign anyone in.
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column(
            "coordinator_id",
            sa.Integer,
            sa.ForeignKey("coordinators.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
    )

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id")),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False, index=True),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False, default=False),
        sa.Column("urgent_reason", sa.Text, nullable=False, default=""),
        sa.Column("claimed_by", sa.Integer, sa.ForeignKey("coordinators.id")),
        sa.Column("final_yearly_pounds", sa.Integer),
        sa.Column("final_reason", sa.Text, nullable=False, default=""),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("submitted_at", WHEN),  # first sent for review: the queue's "oldest first"
        sa.Column("updated_at", WHEN, nullable=False),
    )

    op.create_table(
        "case_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("move", sa.String(32), nullable=False),
        sa.Column("from_state", sa.String(24), nullable=False),
        sa.Column("to_state", sa.String(24), nullable=False),
        sa.Column("by", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False, default=""),
        sa.Column("at", WHEN, nullable=False),
    )

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, unique=True),
        sa.Column("draft_json", sa.Text, nullable=False),
        # Where the planning conversation stands, like assessments.stage for the questions.
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("previous_stage", sa.String(32)),
        sa.Column("updated_at", WHEN, nullable=False),
    )

    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("coordinator_id", sa.Integer, sa.ForeignKey("coordinators.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", WHEN, nullable=False),
    )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), index=True),
        sa.Column("detail", sa.Text, nullable=False, default=""),
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("key", sa.String(64), nullable=False),  # a response name in the domain
        sa.Column("params_json", sa.Text, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("delivered_at", WHEN),
    )

    _make_audit_log_append_only()


def _make_audit_log_append_only() -> None:
    """The database itself refuses to change or delete audit entries."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in TABLES:
        op.drop_table(table)
