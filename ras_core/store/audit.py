"""The append-only audit log: who did what, to which case, and when.

The migration adds triggers that refuse UPDATE and DELETE on the table. Entries are written
with `record` inside the transaction of the change they describe, so neither lands alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ras_core.store.engine import aware, now
from ras_core.store.repository import Repository
from ras_core.store.schema import audit_log


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    case_id: int | None
    detail: str


def record(conn: Connection, actor: str, action: str, case_id: int | None, detail: str) -> None:
    conn.execute(
        audit_log.insert().values(
            at=now(), actor=actor, action=action, case_id=case_id, detail=detail
        )
    )


class Audit(Repository):
    def add(self, actor: str, action: str, case_id: int | None = None, detail: str = "") -> None:
        with self.engine.begin() as conn:
            record(conn, actor, action, case_id, detail)

    def entries(self, case_id: int | None = None) -> list[AuditEntry]:
        query = select(audit_log).order_by(audit_log.c.id)
        if case_id is not None:
            query = query.where(audit_log.c.case_id == case_id)
        rows = self.rows(query)
        return [
            AuditEntry(aware(r.at) or now(), r.actor, r.action, r.case_id, r.detail) for r in rows
        ]
