"""A person asked to talk to someone: it goes on their case and their team is told."""

from __future__ import annotations

from ras_core.casework import Case, Casework
from ras_core.notify import notify_in_background
from ras_core.storage import Store

REASON = "asked_for_person"


def hand_over(store: Store, person_id: int, assessment_id: int | None, words: str) -> Case:
    work = Casework(store.engine)
    case = work.hand_to_person(person_id, assessment_id, REASON, words)
    notify_in_background(work, case, "contact")
    return case
