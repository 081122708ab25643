"""Erasure: every row about the person goes in one transaction (Rasa's events too), and their
files; the audit log keeps only that it happened, by reference; writing again, they are new.

The same test runs on SQLite and on PostgreSQL (`any_store`)."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from ras_core.casework import Casework
from ras_core.privacy.erasure import erase_person
from ras_core.privacy.export import export_person, write_export
from ras_core.store import Store
from tests.dashboard.builders import make_case
from tests.privacy.dump import database_bytes, database_text, folder_bytes, traces
from tests.privacy.people import SAID_IN_CHAT, SENTENCES, add_events, someone, teams

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def test_erasing_a_person_removes_every_row_and_keeps_only_references(
    any_store: Store, tmp_path: Path
) -> None:
    store = any_store
    asha = teams(store)
    sam = someone(store, asha)
    other = make_case(store, Casework(store), channel="rest")  # someone else, their own words
    other_person = store.people.by_id(other.person_id)
    add_events(store.engine, sam.person.sender, [("user", SAID_IN_CHAT), ("bot", "Hi")], NOW)
    add_events(store.engine, other_person.sender, [("user", "hello there")], NOW)
    exports = tmp_path / "exports"
    export = export_person(store, "telegram", sam.person.channel_user_id, by="asha")
    assert export is not None
    write_export(export, exports)
    held_before = database_text(store.engine)
    assert traces(held_before, [*SENTENCES, sam.person.sender]) == [*SENTENCES, sam.person.sender]

    report = erase_person(
        store, "telegram", sam.person.channel_user_id, by="asha", reason="The person asked us to",
        exports=exports, telegram_state=tmp_path / "none.pickle",
    )  # fmt: skip

    assert report.person_reference == sam.person.reference
    assert report.case_references == (sam.case.reference,)
    assert report.removed == {
        "answers": 11, "assessments": 1, "budgets": 1, "case_notes": 1, "case_steps": 3,
        "cases": 1, "contact_requests": 1, "events": 2, "outbox": 1, "people": 1, "plans": 1,
        "export_files": 2,
    }  # fmt: skip
    dump = database_text(store.engine)
    person_ids = [sam.person.sender, sam.person.channel_user_id]
    # Nothing about Sam is left anywhere in the database; the other person is untouched.
    assert traces(dump, [*SENTENCES, *person_ids]) == []
    assert store.people.find("rest", other_person.channel_user_id) == other_person
    assert store.cases.get(other.id) == other
    assert store.transcripts.lines(other_person.id) is not None
    assert list(exports.iterdir()) == []
    if store.engine.dialect.name == "sqlite":  # overwritten, not only unlinked (secure_delete)
        assert traces(database_bytes(store.engine), [*SENTENCES, *person_ids]) == []

    # The audit log: what happened to the case stays, by reference; the erasure, who and why.
    kept = store.audit.for_reference(sam.case.reference)
    assert [e.action for e in kept] == [
        "open_case", "asked_for_person", "submit", "claim", "add_note", "request_changes",
        "erase_case",
    ]  # fmt: skip
    assert {e.actor for e in kept} == {"assistant", sam.person.reference, "asha"}
    assert [(e.actor, e.action, e.detail) for e in store.audit.entries()][-1] == (
        "asha", "erase_person", sam.person.reference
    )  # fmt: skip
    [erasure] = store.personal_data.erasures()
    assert (erasure["person_reference"], erasure["by"], erasure["reason"]) == (
        sam.person.reference, "asha", "The person asked us to"
    )  # fmt: skip
    assert json.loads(erasure["removed_json"])["answers"] == 11

    # Writing again, Sam is someone new: a new reference, and consent asked afresh.
    again = store.people.person("telegram", sam.person.channel_user_id)
    assert again.id != sam.person.id and again.reference != sam.person.reference
    assert not again.consented and store.cases.latest_for(again.id) is None


def test_the_audit_log_still_refuses_changes_after_an_erasure(any_store: Store) -> None:
    store = any_store
    sam = someone(store, teams(store))
    erase_person(store, "telegram", sam.person.channel_user_id, by="asha", reason="asked")
    for change in ("UPDATE audit_log SET actor = 'someone'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(change))


def test_a_conversation_with_no_person_row_is_erased_too(store: Store) -> None:
    """Someone who never got past the start: only Rasa has their words."""
    add_events(store.engine, "rest:passer-by", [("user", "who are you then")], NOW)
    report = erase_person(store, "rest", "passer-by", by="command line", reason="asked")
    assert report.found and report.person_reference == ""
    assert report.removed == {"events": 1}
    assert "who are you then" not in database_text(store.engine)
    assert store.audit.entries()[-1].action == "erase_person"


def test_erasing_nobody_changes_nothing_and_a_reason_is_needed(store: Store) -> None:
    before = store.audit.entries()
    report = erase_person(store, "telegram", "404", by="asha", reason="asked")
    assert not report.found and report.removed == {}
    assert store.audit.entries() == before
    with pytest.raises(ValueError, match="why"):
        erase_person(store, "telegram", "404", by="asha", reason="  ")


def test_the_telegram_front_ends_file_forgets_the_chat(store: Store, tmp_path: Path) -> None:
    sam = someone(store, teams(store))
    chat = int(sam.person.channel_user_id, 16)  # a Telegram id is a number
    store.people.person("telegram", str(chat))
    state = tmp_path / "telegram-state.pickle"
    kept = {
        "chat_data": {chat: {"heard": SAID_IN_CHAT}, 7: {"heard": "someone else"}},
        "user_data": {chat: {}, 7: {}},
        "bot_data": {},
    }
    state.write_bytes(pickle.dumps(kept))
    report = erase_person(store, "telegram", str(chat), by="asha", reason="asked",
                          telegram_state=state)  # fmt: skip
    assert report.removed["telegram_state_entries"] == 2
    left = pickle.loads(state.read_bytes())
    assert left["chat_data"] == {7: {"heard": "someone else"}} and left["user_data"] == {7: {}}
    assert state.stat().st_mode & 0o777 == 0o600
    assert traces(folder_bytes(tmp_path)[state], [SAID_IN_CHAT]) == []
