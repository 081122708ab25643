"""Tables for the coordinators' side: teams, accounts, sessions, cases, plans, notes, audit.

They share `storage.metadata`, so one set of Alembic migrations covers everything.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from ras_core.storage import metadata

WHEN = DateTime(timezone=True)

teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("email", String(200), nullable=False, default=""),
    Column("telegram_chat_id", String(64), nullable=False, default=""),
    # New cases go to the team that takes them (the intake team).
    Column("takes_new_cases", Boolean, nullable=False, default=False),
    Column("created_at", WHEN, nullable=False),
)

coordinators = Table(
    "coordinators",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("team_id", ForeignKey("teams.id"), nullable=False, index=True),
    Column("password_hash", String(200), nullable=False),
    Column("failed_sign_ins", Integer, nullable=False, default=0),
    Column("locked_until", WHEN),
    Column("created_at", WHEN, nullable=False),
)

coordinator_sessions = Table(
    "coordinator_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    # Only a hash of the cookie is stored, so a copy of the database cannot sign anyone in.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("csrf_token", String(64), nullable=False),
    Column("coordinator_id", ForeignKey("coordinators.id"), nullable=False, index=True),
    Column("created_at", WHEN, nullable=False),
    Column("expires_at", WHEN, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("assessment_id", ForeignKey("assessments.id")),
    Column("team_id", ForeignKey("teams.id"), nullable=False, index=True),
    Column("state", String(24), nullable=False),
    Column("urgent", Boolean, nullable=False, default=False),
    Column("urgent_reason", Text, nullable=False, default=""),
    Column("claimed_by", ForeignKey("coordinators.id")),
    Column("final_yearly_pounds", Integer),
    Column("final_reason", Text, nullable=False, default=""),
    Column("created_at", WHEN, nullable=False),
    Column("submitted_at", WHEN),  # first sent for review: the queue's "oldest first"
    Column("updated_at", WHEN, nullable=False),
)

case_steps = Table(
    "case_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False, index=True),
    Column("move", String(32), nullable=False),
    Column("from_state", String(24), nullable=False),
    Column("to_state", String(24), nullable=False),
    Column("by", String(128), nullable=False),
    Column("role", String(16), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("at", WHEN, nullable=False),
)

plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False, unique=True),
    Column("draft_json", Text, nullable=False),
    # Where the planning conversation stands, like assessments.stage for the questions.
    Column("stage", String(32), nullable=False),
    Column("previous_stage", String(32)),
    Column("updated_at", WHEN, nullable=False),
)

case_notes = Table(
    "case_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False, index=True),
    Column("coordinator_id", ForeignKey("coordinators.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", WHEN, nullable=False),
)

# Append-only: the migration adds triggers that refuse UPDATE and DELETE.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", WHEN, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("case_id", ForeignKey("cases.id"), index=True),
    Column("detail", Text, nullable=False, default=""),
)

# Messages for a person that did not come as a reply: a coordinator's request or decision.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("case_id", ForeignKey("cases.id")),
    Column("key", String(64), nullable=False),  # a response name in the domain
    Column("params_json", Text, nullable=False),
    Column("created_at", WHEN, nullable=False),
    Column("delivered_at", WHEN),
)
