"""The audit log holds references and kinds of action, never free text or a channel id; 0004
rebuilds an older log that way, keeping its append-only guard."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ras_core.casework import Casework
from ras_core.conversation import attention
from ras_core.store import Store
from ras_core.store.engine import make_engine
from ras_core.store.migrate import downgrade, migrate
from tests.privacy.conftest import fresh_postgres
from tests.privacy.people import SENTENCES, someone, teams
from tests.ras_core.test_migrations import AT_0001, AT_0003, write


def test_casework_writes_only_references_and_kinds_to_the_audit_log(store: Store) -> None:
    asha = teams(store)
    sam = someone(store, asha)  # contact words, notes, changes asked for
    work = Casework(store)
    attention.raise_concern(store, sam.person, None, "he took my money", "financial: 'took'")
    work.submit(sam.case.id, sam.person)
    work.claim(sam.case.id, asha)
    work.agree(sam.case.id, asha, 1, "Because the panel said so", indicative_yearly=9)
    entries = store.audit.entries()
    logged = " ".join(f"{e.actor} {e.action} {e.case_reference} {e.detail}" for e in entries)
    for words in (*SENTENCES, "he took my money", "took", "Because the panel said so", "£1"):
        assert words not in logged
    assert sam.person.sender not in logged and sam.person.channel_user_id not in logged
    moves = [e for e in entries if e.case_reference and not e.action.startswith("notif")]
    details = {e.detail.split(":")[0] for e in moves}  # notify_*: "email", a code
    assert details <= {"", "step", "note", "contact_request"}
    submits = [e for e in entries if e.action in ("submit", "resubmit")]
    assert {e.actor for e in submits} == {sam.person.reference}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    return fresh_postgres(request.getfixturevalue("postgres_server"))


def test_0004_keeps_only_references_in_the_audit_log(database: str) -> None:
    engine = make_engine(database)
    migrate(engine, "0003")
    write(engine, {name: AT_0001[name] for name in ("people", "assessments")})
    write(engine, {name: rows for name, rows in AT_0003.items() if name != "outbox"})
    write(engine, {"audit_log": [
        {"id": 3, "at": AT_0003["audit_log"][0]["at"], "actor": "asha", "action": "add_note",
         "case_id": 1, "detail": "Rang Sam, all fine."},
        {"id": 4, "at": AT_0003["audit_log"][0]["at"], "actor": "assistant",
         "action": "asked_for_person", "case_id": 2, "detail": "can I talk to a real person"},
        {"id": 5, "at": AT_0003["audit_log"][0]["at"], "actor": "rest:gone", "action": "submit",
         "case_id": None, "detail": ""},
        {"id": 6, "at": AT_0003["audit_log"][0]["at"], "actor": "tom", "action": "sign_in_failed",
         "case_id": None, "detail": "wrong_password"},
    ]})  # fmt: skip
    assert migrate(engine) is True

    store = Store(engine)
    reference = store.people.by_id(1).reference
    assert reference.startswith("P-") and reference != store.people.by_id(2).reference
    logged = [(e.actor, e.action, e.case_reference, e.detail) for e in store.audit.entries()]
    assert logged == [
        (reference, "submit", "RAS-0001", ""),
        ("priya", "claim", "RAS-0001", ""),  # "from the queue" was free text
        ("asha", "add_note", "RAS-0001", ""),
        ("assistant", "asked_for_person", "RAS-0002", ""),
        ("person", "submit", None, ""),  # a channel id nobody has any more
        ("tom", "sign_in_failed", None, "wrong_password"),  # a code: kept
    ]
    store.audit.add("asha", "viewed_case", 1)  # the id sequence goes on after the copied rows
    assert store.audit.entries()[-1].case_reference == "RAS-0001"
    for change in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(change))
    # The cases can now be deleted under the log (no foreign key), and going back works.
    assert downgrade(engine, "0003") is True
    with engine.connect() as conn:
        back = conn.execute(sa.text("SELECT actor, case_id FROM audit_log ORDER BY id")).all()
    assert back[0] == ("telegram:5550101", 1) and back[-1] == ("asha", 1)
    assert migrate(engine) is True
