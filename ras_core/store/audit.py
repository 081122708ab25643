"""The append-only audit log: who did what, to which case, and when.

The migrations add triggers that refuse UPDATE and DELETE on the table. Entries are written
with `record` inside the transaction of the change they describe, so neither lands alone.

An entry holds references and kinds of action, never free text, so it can outlive the
person's data (docs/privacy.md):
- the case by its reference ("IB-7KX2M9"), not a foreign key, so erasing the case leaves
  the entry;
- a person acting by their pseudonymous reference ("P-7KX2M9QH", `Person.reference`), never
  their channel id; coordinators by user name, the assistant as "assistant";
- the detail as a code ("wrong_password") or a reference to the row that holds the words
  ("note:12", "step:40", "contact_request:3"): the words stay in that row, which erasure
  removes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ras_core.store.engine import aware, now
from ras_core.store.repository import Repository
from ras_core.store.schema import audit_log, cases


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    case_reference: str | None
    detail: str


def ref(kind: str, row_id: int) -> str:
    """A detail naming the row that holds the words: "note:12"."""
    return f"{kind}:{row_id}"


def record(
    conn: Connection,
    actor: str,
    action: str,
    case_id: int | None = None,
    detail: str = "",
    *,
    case_reference: str | None = None,
) -> None:
    """One entry, in the caller's transaction; the case is kept by its reference (given, or
    looked up from `case_id`)."""
    reference = case_reference
    if case_id is not None:
        reference = conn.execute(select(cases.c.reference).where(cases.c.id == case_id)).scalar()
    conn.execute(
        audit_log.insert().values(
            at=now(), actor=actor, action=action, case_reference=reference, detail=detail
        )
    )


class Audit(Repository):
    def add(self, actor: str, action: str, case_id: int | None = None, detail: str = "") -> None:
        with self.engine.begin() as conn:
            record(conn, actor, action, case_id, detail)

    def entries(self, case_id: int | None = None) -> list[AuditEntry]:
        """Every entry, or those about one case (by its reference), oldest first."""
        if case_id is None:
            return self._entries(None)
        row = self.first(select(cases.c.reference).where(cases.c.id == case_id))
        return self._entries(row.reference) if row is not None else []

    def for_reference(self, case_reference: str) -> list[AuditEntry]:
        """The entries about a case, also after the case itself was erased."""
        return self._entries(case_reference)

    def _entries(self, case_reference: str | None) -> list[AuditEntry]:
        query = select(audit_log).order_by(audit_log.c.id)
        if case_reference is not None:
            query = query.where(audit_log.c.case_reference == case_reference)
        return [
            AuditEntry(aware(r.at) or now(), r.actor, r.action, r.case_reference, r.detail)
            for r in self.rows(query)
        ]
