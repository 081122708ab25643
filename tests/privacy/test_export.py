"""Export: everything held about one person as valid JSON and a readable Easy Read PDF, in
files only the owner can read, named by reference; audited by reference only."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from accessibility.readability import check_text
from ras_core import settings
from ras_core.privacy.export import export_person, summary_lines, write_export
from ras_core.store import Store, open_store
from tests.dashboard.reading import pdf_runs
from tests.privacy.people import ASKED, OWN_WORDS, PLAN, SAID_IN_CHAT, add_events, someone, teams

REPO = Path(__file__).resolve().parents[2]
AT = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def test_an_export_holds_everything_about_the_person_as_json(store: Store, tmp_path: Path) -> None:
    sam = someone(store, teams(store))
    add_events(store.engine, sam.person.sender, [("user", SAID_IN_CHAT), ("bot", "Thank you")], AT)
    export = export_person(store, "telegram", sam.person.channel_user_id, by="asha", at=AT)
    assert export is not None
    data = json.loads(export.json)

    assert data["sender_id"] == sam.person.sender
    assert data["person_reference"] == data["person"]["reference"] == sam.person.reference
    [assessment] = data["assessments"]
    words = {answer["area_id"]: answer["own_words"] for answer in assessment["answers"]}
    assert words["my_home"] == OWN_WORDS and len(words) == 11
    assert assessment["budget"]["breakdown"]["explanation"]  # the budget's working
    assert [asked["words"] for asked in data["contact_requests"]] == [ASKED]
    [case] = data["cases"]
    assert case["reference"] == sam.case.reference and case["state"] == "changes_requested"
    assert [step["move"] for step in case["steps"]] == ["submit", "claim", "request_changes"]
    assert case["plan"]["draft"]["what_matters"] == PLAN.what_matters
    assert [(note["by"], note["text"]) for note in case["notes"]] == [
        ("Asha Patel", "Spoke to Mr Quill about the fall on the stairs")
    ]
    assert [entry["action"] for entry in case["audit"]][:3] == [
        "open_case", "asked_for_person", "submit"
    ]  # fmt: skip
    [message] = data["messages_from_coordinators"]
    assert message["key"] == "review_changes_requested"
    assert [(e["type_name"], e["data"]["text"]) for e in data["conversation"]] == [
        ("user", SAID_IN_CHAT), ("bot", "Thank you")
    ]  # fmt: skip
    assert data["retention_days"]["closed_case_days"] == 730

    # Audited: who, and the person's reference; nothing else.
    entry = store.audit.entries()[-1]
    assert (entry.actor, entry.action, entry.detail) == (
        "asha",
        "export_person",
        sam.person.reference,
    )


def test_the_easy_read_summary_is_a_readable_pdf(store: Store) -> None:
    sam = someone(store, teams(store))
    export = export_person(store, "telegram", sam.person.channel_user_id, by="asha", at=AT)
    assert export is not None and export.pdf.startswith(b"%PDF")
    runs = pdf_runs(export.pdf)
    lines = [words for _, words in runs]
    shown = " ".join(lines)
    for line in (
        "What we keep about you",
        f"Your reference is {sam.person.reference}.",
        f"It is called {sam.person.reference}-20261201T100000Z.json.",
        f'My home: you said "{OWN_WORDS}".',
        f"Plan {sam.case.reference}",
        "A coordinator asked you to change this plan.",
        f"What matters to you: {PLAN.what_matters}",
        "When you asked to talk to someone",
        "We delete a plan 730 days after it is agreed.",
        "You can ask us to delete all of it.",
    ):
        assert line in shown, line
    assert f'you said: "{ASKED}".' in shown
    assert all(size >= 16 for size, _ in runs)
    # The fixed words pass the project's plain-language check (not the person's own words).
    written = summary_lines(export.data, "P-7KX2M9QH-20261201T100000Z.json")
    fixed = [line for line in written if not line.startswith("#") and '"' not in line]
    fixed = [line for line in fixed if sam.person.reference not in line and ":" not in line]
    problems = [(line, check_text(line)) for line in fixed if check_text(line)]
    assert problems == []


def test_export_files_are_named_by_reference_and_private(store: Store, tmp_path: Path) -> None:
    sam = someone(store, teams(store))
    export = export_person(store, "telegram", sam.person.channel_user_id, by="asha", at=AT)
    assert export is not None
    paths = write_export(export, tmp_path / "exports")
    name = f"{sam.person.reference}-20261201T100000Z"
    assert [p.name for p in paths] == [f"{name}.json", f"{name}.pdf"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in paths)
    assert (tmp_path / "exports").stat().st_mode & 0o777 == 0o700
    assert (
        json.loads(paths[0].read_text())["person"]["channel_user_id"] == sam.person.channel_user_id
    )


def test_nobody_has_nothing_to_export(store: Store) -> None:
    assert export_person(store, "telegram", "404", by="asha") is None
    assert store.audit.entries() == []


def test_make_export_writes_both_files_and_prints_their_paths(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    store = open_store(url)
    sam = someone(store, teams(store))
    env = {**settings.environment(), "DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    who = f"telegram:{sam.person.channel_user_id}"
    done = subprocess.run(
        [sys.executable, "-m", "ras_core.privacy", "export", who, "--to", str(tmp_path / "out")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    printed = [Path(line) for line in done.stdout.split()]
    assert [p.suffix for p in printed] == [".json", ".pdf"] and all(p.exists() for p in printed)
    nobody = subprocess.run(
        [sys.executable, "-m", "ras_core.privacy", "export", "telegram:404"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert nobody.returncode == 1 and "Nothing is held about telegram:404." in nobody.stderr
