"""A person with something in every table that can hold their data, for the privacy tests.

Made for real through ras_core (answers, budget, a plan, a review with notes, requests to talk
to someone, messages from a coordinator), plus Rasa's `events` as its SQL tracker store keeps
them. Every sentence the person or a coordinator wrote about them is in SENTENCES, so a test
can look for each one anywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Engine

from ras_core.casework import Casework
from ras_core.domain.plan_rules import Payee, SupportItem
from ras_core.domain.support_plan import PlanDraft
from ras_core.store import Store
from ras_core.store.accounts import Coordinator
from ras_core.store.cases import Case
from ras_core.store.people import Person
from tests.dashboard.builders import make_case

PASSWORD = "correct horse battery staple"
OWN_WORDS = "I cannot get up the stairs since my fall in March"
ASKED = "Please ring my daughter Keziah on Tuesday"
PLAN = PlanDraft(
    what_matters="Feeding the ducks at Oxbridge pond with Bernadette",
    items=(SupportItem("getting_out", "A walk to the allotment", 2000, Payee("Zebedee Quill")),),
    emergency="Ring Bernadette Quill next door",
)
NOTE = "Spoke to Mr Quill about the fall on the stairs"
CHANGES = "Please say who takes you to the allotment"
SAID_IN_CHAT = "my hip is sore after the fall"
SENTENCES = (
    OWN_WORDS, ASKED, PLAN.what_matters, PLAN.items[0].words, "Zebedee Quill",
    "Ring Bernadette Quill next door", NOTE, CHANGES, SAID_IN_CHAT,
)  # fmt: skip
EVENTS_TABLE = (
    "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
    " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
    " action_name VARCHAR(255), data TEXT)"
)


@dataclass(frozen=True)
class Someone:
    person: Person
    case: Case
    coordinator: Coordinator


def add_events(engine: Engine, sender: str, said: list[tuple[str, str]], at: datetime) -> None:
    """Events as Rasa's SQL tracker store writes them: (type, text) each, one second apart."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(EVENTS_TABLE.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY")))
        else:
            conn.execute(text(EVENTS_TABLE))
        for second, (kind, words) in enumerate(said):
            conn.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, data)"
                    " VALUES (:sender, :kind, :at, :data)"
                ),
                {
                    "sender": sender,
                    "kind": kind,
                    "at": at.timestamp() + second,
                    "data": json.dumps({"event": kind, "text": words}),
                },
            )


def teams(store: Store) -> Coordinator:
    store.accounts.add_team("North", email="north@council.example", takes_new_cases=True)
    return store.accounts.add_coordinator("asha", "Asha Patel", "North", PASSWORD)


def someone(store: Store, coordinator: Coordinator, channel: str = "telegram") -> Someone:
    """A person whose plan went through a review: notes, changes asked for, contact requests."""
    work = Casework(store)
    case = make_case(store, work, plan=PLAN, channel=channel, submit=False)
    person = store.people.by_id(case.person_id)
    assert case.assessment_id is not None
    store.assessments.save_answer(
        case.assessment_id, "my_home", "A", OWN_WORDS, "words", confirmed=True
    )
    work.record_contact(person, case.assessment_id, "asked_for_person", ASKED)
    work.submit(case.id, person)
    work.claim(case.id, coordinator)
    store.notes.add(case.id, coordinator.id, coordinator.username, NOTE)
    work.request_changes(case.id, coordinator, CHANGES)
    case = store.cases.get(case.id)
    return Someone(person, case, coordinator)
