"""Retention on a fixed clock: each kind of data goes when the council's period has run out,
and not a day before; casework still under review is never purged."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ras_core import settings
from ras_core.casework import Casework
from ras_core.domain.council import Retention, load_retention
from ras_core.domain.datafile import DataFileError
from ras_core.domain.progress import PlanStage
from ras_core.domain.questionnaire import load_questionnaire
from ras_core.domain.review import Role
from ras_core.privacy.retention import purge
from ras_core.store import Store, open_store
from ras_core.store.engine import now
from tests.privacy.dump import database_text
from tests.privacy.people import PLAN, SAID_IN_CHAT, add_events, teams

REPO = Path(__file__).resolve().parents[2]
PERIODS = Retention()  # the defaults, as council.yml sets them: 90, 730, 30, 1, 30 days
START = now()


def days(count: float) -> datetime:
    return START + timedelta(days=count)


def run(store: Store, at: datetime, exports: Path | None = None) -> dict[str, int]:
    return purge(store, at, PERIODS, exports or Path("/nonexistent")).counts


def started(store: Store, user: str) -> tuple[int, int]:
    """A person part way through the questions: (person id, assessment id)."""
    questionnaire = load_questionnaire()
    person = store.people.person("telegram", user)
    store.people.record_consent(person.id)
    assessment = store.assessments.start(person.id, questionnaire.id, questionnaire.version, "self")
    store.assessments.save_answer(
        assessment.id, "looking_after_myself", "A", "I fell in the bath", "words", True
    )
    return person.id, assessment.id


def test_the_council_sets_retention_in_its_data_file(tmp_path: Path) -> None:
    assert load_retention() == Retention(90, 730, 30, 1, 30)
    wrong = tmp_path / "council.yml"
    wrong.write_text("name: x\nretention:\n  closed_case_days: 0\n")
    with pytest.raises(DataFileError, match="retention.closed_case_days"):
        load_retention(wrong)
    wrong.write_text("name: x\nretention:\n  forever_days: 3\n")
    with pytest.raises(DataFileError, match="forever_days"):
        load_retention(wrong)


def test_an_unfinished_assessment_goes_90_days_after_the_last_answer(store: Store) -> None:
    person_id, assessment_id = started(store, "101")
    assert run(store, days(89))["unfinished_assessments"] == 0
    assert store.assessments.find(assessment_id) is not None
    counts = run(store, days(91))
    assert counts["unfinished_assessments"] == 1
    assert store.assessments.find(assessment_id) is None
    assert "I fell in the bath" not in database_text(store.engine)
    # With nothing left and not heard from for a day, the person goes too: new if they return.
    assert counts["people"] == 1
    assert store.people.find("telegram", "101") is None


def test_a_plan_under_review_is_never_purged(store: Store) -> None:
    asha = teams(store)
    person_id, assessment_id = started(store, "102")
    work = Casework(store)
    case = work.open_case(person_id, assessment_id)
    store.plans.save(case.id, PLAN, PlanStage.READBACK)
    work.submit(case.id, store.people.by_id(person_id))
    work.claim(case.id, asha)
    assert run(store, days(5000)) == dict.fromkeys(
        ("unfinished_assessments", "unsent_plans", "closed_cases", "conversation_events",
         "people", "export_files"), 0,
    )  # fmt: skip
    assert store.cases.get(case.id).reference == case.reference
    assert store.assessments.find(assessment_id) is not None


def test_an_agreed_case_keeps_its_chat_30_days_and_itself_2_years(store: Store) -> None:
    asha = teams(store)
    person_id, assessment_id = started(store, "103")
    person = store.people.by_id(person_id)
    add_events(store.engine, person.sender, [("user", SAID_IN_CHAT), ("bot", "Thanks")], START)
    work = Casework(store)
    case = work.open_case(person_id, assessment_id)
    store.plans.save(case.id, PLAN, PlanStage.READBACK)
    work.submit(case.id, person)
    work.claim(case.id, asha)
    work.agree(case.id, asha, 9000, "", indicative_yearly=9000)

    assert run(store, days(29))["conversation_events"] == 0
    assert store.transcripts.lines(person_id) is not None
    counts = run(store, days(31))
    assert counts["conversation_events"] == 2 and counts["closed_cases"] == 0
    assert store.transcripts.lines(person_id) is None
    assert store.cases.get(case.id).state.value == "agreed"

    assert run(store, days(729))["closed_cases"] == 0
    counts = run(store, days(731))
    assert counts["closed_cases"] == 1 and counts["people"] == 1
    assert store.people.find("telegram", "103") is None
    assert store.assessments.find(assessment_id) is None
    assert PLAN.what_matters not in database_text(store.engine)
    # The audit log keeps that the case was, by reference only.
    assert [e.action for e in store.audit.for_reference(case.reference)][-1] == "agree"


def test_a_person_who_said_no_at_the_start_leaves_nothing_after_a_day(store: Store) -> None:
    person = store.people.person("telegram", "104")  # never consented: no assessment, no case
    add_events(store.engine, person.sender, [("user", "no thanks"), ("bot", "Goodbye")], START)
    add_events(store.engine, "rest:nobody-row", [("user", "just looking")], START)
    assert run(store, days(0.5))["conversation_events"] == 0
    assert store.people.find("telegram", "104") is not None
    counts = run(store, days(1.5))
    assert counts["conversation_events"] == 3 and counts["people"] == 1
    text = database_text(store.engine)
    assert "no thanks" not in text and "just looking" not in text
    assert store.people.find("telegram", "104") is None


def test_unsent_drafts_go_after_90_days_and_urgent_ones_after_2_years(store: Store) -> None:
    teams(store)
    work = Casework(store)
    asked = store.people.person("rest", "asked")
    work.record_contact(asked, None, "asked_for_person", "call me about my mum")
    worried = store.people.person("rest", "worried")
    urgent = work.record_contact(worried, None, "safeguarding", "he hits me")
    work.flag_urgent(urgent.id, by="assistant", role=Role.SYSTEM, reason="abuse: 'he hits me'")

    assert run(store, days(89))["unsent_plans"] == 0
    counts = run(store, days(91))
    assert (counts["unsent_plans"], counts["closed_cases"]) == (1, 0)
    assert store.cases.latest_for(asked.id) is None
    assert store.people.contact_requests(asked.id) == []
    assert store.cases.latest_for(worried.id) is not None
    assert run(store, days(731))["closed_cases"] == 1
    assert "he hits me" not in database_text(store.engine)


def test_old_export_files_go_after_30_days(store: Store, tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    old, new = exports / "P-OLD-1.json", exports / "P-NEW-1.json"
    for path, age in ((old, 31), (new, 29)):
        path.write_text("{}")
        made = (START - timedelta(days=age)).timestamp()
        os.utime(path, (made, made))
    assert run(store, START, exports)["export_files"] == 1
    assert [p.name for p in exports.iterdir()] == ["P-NEW-1.json"]


def test_make_purge_prints_the_counts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    open_store(url)
    env = {**settings.environment(), "DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "ras_core.privacy", "purge", "--exports", str(tmp_path)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "unfinished assessments: 0" in done.stdout and "closed cases: 0" in done.stdout


def test_purge_takes_its_clock_from_the_caller(store: Store) -> None:
    _, assessment_id = started(store, "105")
    yesterday = datetime(2000, 1, 1, tzinfo=timezone.utc)
    assert run(store, yesterday)["unfinished_assessments"] == 0
    assert store.assessments.find(assessment_id) is not None
