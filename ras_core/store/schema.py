"""Every table the project keeps, in one place (Alembic migrations in migrations/ build them).

Rasa's own tracker-store table (`events`) lives in the same database but is Rasa's:
store/transcripts.py is the only code that reads it.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()
WHEN = DateTime(timezone=True)

# The person's side: who they are, their assessments, answers, budgets and requests.
people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("channel_user_id", String(128), nullable=False),
    Column("consented_at", WHEN),
    Column("created_at", WHEN, nullable=False),
    Column("reads_aloud", Boolean),  # None until asked
    Column("slow_speech", Boolean, nullable=False, default=False),
    # Random, made when the person first writes: how the audit log names them ("P-7KX2M9QH"),
    # never by their channel id. It means nothing once the person's rows are erased.
    Column("reference", String(16), nullable=False),
    UniqueConstraint("channel", "channel_user_id", name="uq_people_channel_user"),
    UniqueConstraint("reference", name="uq_people_reference"),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("questionnaire_id", String(64), nullable=False),
    Column("questionnaire_version", String(32), nullable=False),
    Column("answering_for", String(16), nullable=False),  # "self" or "someone_else"
    Column("status", String(16), nullable=False),  # in_progress, complete, abandoned
    # Where the interview stands: stage is question, review, choose_change or confirm_restart.
    Column("stage", String(32), nullable=False),
    Column("previous_stage", String(32)),
    Column("position", Integer, nullable=False),  # 0-based index of the current area
    # An answer heard in own words, waiting for a yes or no before it is saved.
    Column("pending_letter", String(1)),
    Column("pending_words", Text),
    Column("pending_how", String(16)),
    Column("started_at", WHEN, nullable=False),
    Column("updated_at", WHEN, nullable=False),
    Column("completed_at", WHEN),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", ForeignKey("assessments.id"), nullable=False, index=True),
    Column("area_id", String(64), nullable=False),
    Column("letter", String(1)),  # None when the person is not sure
    Column("not_sure", Boolean, nullable=False, default=False),
    Column("own_words", Text, nullable=False),  # exactly what the person said or tapped
    Column("how", String(16), nullable=False),  # button, letter, position, words, voice
    Column("confirmed", Boolean, nullable=False),  # checked back with the person
    Column("answered_at", WHEN, nullable=False),
    UniqueConstraint("assessment_id", "area_id", name="uq_answers_assessment_area"),
)

budgets = Table(
    "budgets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", ForeignKey("assessments.id"), nullable=False, unique=True),
    Column("scheme_id", String(64), nullable=False),
    Column("scheme_name", String(200), nullable=False),
    Column("scheme_version", String(32), nullable=False),
    Column("total_points", Integer, nullable=False),
    Column("yearly_pounds", Integer, nullable=False),
    Column("weekly_pounds", Integer, nullable=False),
    Column("needs_panel", Boolean, nullable=False),
    Column("breakdown_json", Text, nullable=False),
    Column("created_at", WHEN, nullable=False),
)

contact_requests = Table(
    "contact_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("assessment_id", ForeignKey("assessments.id")),
    Column("reason", String(64), nullable=False),
    Column("words", Text, nullable=False),
    Column("created_at", WHEN, nullable=False),
)

# The coordinators' side: teams, accounts, sessions, cases and their steps, plans, notes,
# the audit log and the outbox.
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

# Append-only: the migrations add triggers that refuse UPDATE and DELETE. It holds references
# and kinds of action, never free text, and no foreign key: a person's cases can be erased
# while the log keeps that something happened to case "IB-..." (ras_core/store/audit.py).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", WHEN, nullable=False),
    Column("actor", String(128), nullable=False),  # a coordinator, "assistant" or "P-..."
    Column("action", String(64), nullable=False),
    Column("case_reference", String(16), index=True),
    Column("detail", Text, nullable=False, default=""),  # a code or a reference ("note:12")
)

# Each erasure: whose (the person's reference only), who erased, why, and how many rows went.
erasures = Table(
    "erasures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", WHEN, nullable=False),
    Column("person_reference", String(16), nullable=False, index=True),
    Column("by", String(128), nullable=False),
    Column("reason", Text, nullable=False),
    Column("removed_json", Text, nullable=False),  # rows removed, by table
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
