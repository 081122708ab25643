"""A subject access request: everything held about one person, as JSON and an Easy Read PDF.

    python -m ras_core.privacy export telegram:123      (make export WHO=telegram:123)

The JSON holds every row about the person (store/personal_data.py): their row, assessments
with answers in their own words and budgets with the working, requests to talk to someone,
cases with steps, plans, notes and their audit entries, messages from coordinators, and the
conversation as Rasa keeps it. The PDF (words in summary_easy_read.txt) says the same in
Easy Read. Files are named by the person's reference, never their channel id, and only the
owner can read them (0600). Every export is written to the audit log: who, and whose
reference.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ras_core import deployment
from ras_core.domain.council import load_retention
from ras_core.domain.money import format_money
from ras_core.privacy.easy_read import easy_read_lines, easy_read_pdf
from ras_core.settings import VAR
from ras_core.store import Store

EXPORTS = VAR / "exports"
HERE = Path(__file__).resolve().parent
UK = ZoneInfo("Europe/London")
_words = Environment(
    loader=FileSystemLoader(str(HERE)),
    autoescape=False,  # plain text: each line is escaped for ReportLab
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_words.filters["money"] = format_money


@dataclass(frozen=True)
class Export:
    person_reference: str
    name: str  # the files' name without the ending: "P-7KX2M9QH-20261201T120000Z"
    data: dict[str, Any]
    json: bytes
    pdf: bytes


def parse_who(who: str) -> tuple[str, str]:
    """ "telegram:123" -> ("telegram", "123"): the channel, and the id within it."""
    channel, _, user_id = who.strip().partition(":")
    if not channel or not user_id:
        raise ValueError(f"Say who as <channel>:<id>, for example telegram:123, not {who!r}.")
    return channel, user_id


def export_person(
    store: Store,
    channel: str,
    channel_user_id: str,
    *,
    by: str,
    case_id: int | None = None,
    at: datetime | None = None,
) -> Export | None:
    """Everything held about the person; None when nobody has that id. Audited."""
    person = store.people.find(channel, channel_user_id)
    held = store.personal_data.held(person.id) if person is not None else None
    if person is None or held is None:
        return None
    at = (at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    name = f"{person.reference}-{at.strftime('%Y%m%dT%H%M%SZ')}"
    data = {
        "exported_at": at.isoformat(),
        "person_reference": person.reference,
        "sender_id": person.sender,
        "retention_days": asdict(load_retention()),
        **held,
    }
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    lines = summary_lines(data, f"{name}.json")
    pdf = easy_read_pdf(lines, f"What we keep about you ({person.reference})")
    store.audit.add(by, "export_person", case_id, person.reference)
    return Export(person.reference, name, data, text.encode("utf-8"), pdf)


def write_export(export: Export, folder: Path = EXPORTS) -> tuple[Path, Path]:
    """The JSON and the PDF in `folder` (made 0700), each readable by its owner only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    paths = (folder / f"{export.name}.json", folder / f"{export.name}.pdf")
    for path, body in zip(paths, (export.json, export.pdf), strict=True):
        private_file(path, body)
    return paths


def private_file(path: Path, body: bytes) -> None:
    """Write a new file that only its owner can read, whatever the umask."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(handle, 0o600)
        os.write(handle, body)
    finally:
        os.close(handle)


def exports_of(person_reference: str, folder: Path = EXPORTS) -> list[Path]:
    """The export files made for this person (erasure removes them)."""
    if not person_reference or not folder.is_dir():
        return []
    return sorted(folder.glob(f"{person_reference}-*"))


def summary_lines(data: dict[str, Any], json_name: str) -> list[str]:
    """The Easy Read summary's lines (summary_easy_read.txt), one sentence a line."""
    text = _words.get_template("summary_easy_read.txt").render(s=summary(data, json_name))
    return easy_read_lines(text)


def summary(data: dict[str, Any], json_name: str) -> dict[str, Any]:
    """What the Easy Read summary needs, as plain values."""
    person = data["person"]
    said = [e for e in data["conversation"] if e["type_name"] in ("user", "bot")]
    return {
        "made": _day(data["exported_at"]),
        "reference": data["person_reference"],
        "json_name": json_name,
        "started": _day(person["created_at"]),
        "consented": _day(person["consented_at"]),
        "reads_aloud": bool(person["reads_aloud"]),
        "assessments": [_assessment(a) for a in data["assessments"]],
        "cases": [_case(c) for c in data["cases"]],
        "asked": [
            {"at": _day(r["created_at"]), "words": r["words"]} for r in data["contact_requests"]
        ],
        "messages": len(said),
        "news": len(data["messages_from_coordinators"]),
        "days": data["retention_days"],
    }


def _assessment(assessment: dict[str, Any]) -> dict[str, Any]:
    budget = assessment["budget"] or {}
    return {
        "started": _day(assessment["started_at"]),
        "for_someone_else": assessment["answering_for"] == "someone_else",
        "answers": [
            {"area": _area_name(a["area_id"]), "words": a["own_words"]}
            for a in assessment["answers"]
        ],
        "yearly": budget.get("yearly_pounds"),
        "weekly": budget.get("weekly_pounds"),
    }


def _case(case: dict[str, Any]) -> dict[str, Any]:
    draft = (case["plan"] or {}).get("draft") or {}
    return {
        "reference": case["reference"],
        "state": case["state"],
        "final_yearly": case["final_yearly_pounds"],
        "what_matters": draft.get("what_matters", ""),
        "support": [item.get("words", "") for item in draft.get("items", [])],
        "notes": len(case["notes"]),
    }


def _area_name(area_id: str) -> str:
    try:
        return deployment.questionnaire().area(area_id).name
    except KeyError:
        return area_id.replace("_", " ").capitalize()


def _day(value: str | None) -> str:
    """An ISO time as a UK date: "1 December 2026"; "" for none."""
    if not value:
        return ""
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(UK).strftime("%-d %B %Y")
