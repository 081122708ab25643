"""Persistence: one schema, one engine, and one small repository per aggregate.

`Store` gathers the repositories over one engine. Nothing outside this package writes SQL;
the database, not the chat tracker, is the source of truth for where a person is, so a pause,
a restart of the servers or a crash loses nothing.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from ras_core.store.accounts import Accounts
from ras_core.store.assessments import Assessments
from ras_core.store.audit import Audit
from ras_core.store.cases import Cases
from ras_core.store.outbox import Outbox
from ras_core.store.people import People
from ras_core.store.personal_data import PersonalData
from ras_core.store.plans import Notes, Plans
from ras_core.store.retention import Retention
from ras_core.store.transcripts import Transcripts


class Store:
    """Every repository over one engine. Cheap: make one per process (see open_store)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.people = People(engine)
        self.assessments = Assessments(engine)
        self.accounts = Accounts(engine)
        self.cases = Cases(engine)
        self.plans = Plans(engine)
        self.notes = Notes(engine)
        self.audit = Audit(engine)
        self.outbox = Outbox(engine)
        self.transcripts = Transcripts(engine)
        self.personal_data = PersonalData(engine)
        self.retention = Retention(engine)


def open_store(url: str | None = None) -> Store:
    """The store for this URL (DATABASE_URL, or the local SQLite file), migrated first.

    Every process calls this; when the database is up to date (the launcher migrates before
    the servers start) it only reads the revision, and otherwise one process at a time
    migrates under a lock (see ras_core.store.migrate).
    """
    from ras_core.store.engine import make_engine
    from ras_core.store.migrate import migrate

    engine = make_engine(url)
    migrate(engine)
    return Store(engine)


__all__ = ["Store", "open_store"]
