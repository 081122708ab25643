"""A person's data under their control: a pseudonymous reference for each person, an audit log
of references and kinds of action only, and a register of erasures.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

- `people.reference`: random ("P-7KX2M9QH"), given to every person already there.
- `audit_log` is rebuilt without its foreign key to `cases` (so a person's cases can be
  erased): `case_id` becomes the case's `case_reference`; a person acting is named by their
  reference, not their channel id; and details that held free text (notes, the person's own
  words, urgent reasons, review notes) are emptied: that text is still in the rows it came
  from, which erasure can remove. The append-only triggers are dropped for the rebuild and made
  again, all in the one transaction ras_core.store.migrate runs this in.
- `erasures`: who erased whose data (by reference), why, and how many rows.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as ras_core.store.people makes them
# The actions whose detail only ever held a code, a channel or a staff member's name: every
# other detail may have held someone's words, so it is emptied.
CODED_DETAILS = (
    "sign_in", "sign_in_failed", "sign_in_refused", "sign_out", "add_team", "add_coordinator",
    "disable_coordinator", "enable_coordinator", "reset_password", "end_sessions", "refused",
    "case_not_found", "notified", "notify_skipped", "notify_failed",
)  # fmt: skip
PERSON_CHANNELS = ("telegram", "rest")  # an actor "telegram:123" was a person
REBUILT = "audit_log_rebuilt"


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("people", sa.Column("reference", sa.String(16)))
    _give_every_person_a_reference(bind)
    with op.batch_alter_table("people") as batch:
        batch.alter_column("reference", existing_type=sa.String(16), nullable=False)
        batch.create_unique_constraint("uq_people_reference", ["reference"])

    _drop_append_only(bind.dialect.name)
    _new_audit_log(sa.Column("case_reference", sa.String(16)))
    coded = ", ".join(f"'{action}'" for action in CODED_DETAILS)
    channels = " OR ".join(f"a.actor LIKE '{channel}:%'" for channel in PERSON_CHANNELS)
    op.execute(
        f"INSERT INTO {REBUILT} (id, at, actor, action, case_reference, detail) "
        "SELECT a.id, a.at, "
        f"CASE WHEN p.reference IS NOT NULL THEN p.reference WHEN {channels} THEN 'person' "
        "ELSE a.actor END, "
        "a.action, c.reference, "
        f"CASE WHEN a.action IN ({coded}) THEN a.detail ELSE '' END "
        "FROM audit_log a LEFT JOIN cases c ON c.id = a.case_id "
        "LEFT JOIN people p ON a.actor = p.channel || ':' || p.channel_user_id"
    )
    _swap_in(bind.dialect.name, "case_reference")
    _make_append_only(bind.dialect.name)

    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("person_reference", sa.String(16), nullable=False, index=True),
        sa.Column("by", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("removed_json", sa.Text, nullable=False),
    )


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_table("erasures")
    _drop_append_only(bind.dialect.name)
    _new_audit_log(sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")))
    op.execute(
        f"INSERT INTO {REBUILT} (id, at, actor, action, case_id, detail) "
        "SELECT a.id, a.at, "
        "COALESCE(p.channel || ':' || p.channel_user_id, a.actor), a.action, c.id, a.detail "
        "FROM audit_log a LEFT JOIN cases c ON c.reference = a.case_reference "
        "LEFT JOIN people p ON p.reference = a.actor"
    )
    _swap_in(bind.dialect.name, "case_id")
    _make_append_only(bind.dialect.name)
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint("uq_people_reference", type_="unique")
        batch.drop_column("reference")


def _give_every_person_a_reference(bind: sa.engine.Connection) -> None:
    ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM people ORDER BY id"))]
    given: set[str] = set()
    for person_id in ids:
        reference = _reference()
        while reference in given:
            reference = _reference()
        given.add(reference)
        bind.execute(
            sa.text("UPDATE people SET reference = :reference WHERE id = :id"),
            {"reference": reference, "id": person_id},
        )


def _reference() -> str:
    return "P-" + "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(8))


def _new_audit_log(case_column: sa.Column) -> None:
    op.create_table(
        REBUILT,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        case_column,
        sa.Column("detail", sa.Text, nullable=False, default=""),
    )


def _swap_in(dialect: str, case_column: str) -> None:
    """The rebuilt table takes the old one's place, names, index and id sequence."""
    op.drop_table("audit_log")
    op.rename_table(REBUILT, "audit_log")
    if dialect == "postgresql":
        op.execute(f"ALTER INDEX {REBUILT}_pkey RENAME TO audit_log_pkey")
        op.execute(f"ALTER SEQUENCE {REBUILT}_id_seq RENAME TO audit_log_id_seq")
        op.execute(
            "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), "
            "COALESCE((SELECT MAX(id) FROM audit_log), 0) + 1, false)"
        )
        if case_column == "case_id":
            op.execute(
                f"ALTER TABLE audit_log RENAME CONSTRAINT {REBUILT}_case_id_fkey "
                "TO audit_log_case_id_fkey"
            )
    op.create_index(f"ix_audit_log_{case_column}", "audit_log", [case_column])


def _drop_append_only(dialect: str) -> None:
    if dialect == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{verb}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")


def _make_append_only(dialect: str) -> None:
    """As 0003 made it: the database itself refuses to change or delete audit entries."""
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
