"""A person's data from their case page: download everything held about them (JSON and an
Easy Read PDF), or erase it all.

Only a coordinator of the case's team reaches either (`find_case`). Erasing takes two steps:
a page saying plainly what will go, then a form with the session's CSRF token, a reason and a
tick to confirm. Every download and erasure is written to the audit log by reference
(ras_core.privacy).
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from dashboard.cases import find_case
from dashboard.web import Posted, SignedIn, render, store
from ras_core.privacy.erasure import erase_person
from ras_core.privacy.export import Export, export_person
from ras_core.store.accounts import NotFound, Session
from ras_core.store.cases import Case

router = APIRouter()
KINDS = {"json": "application/json", "pdf": "application/pdf"}


def _export(request: Request, session: Session, case: Case) -> Export:
    person = store(request).people.by_id(case.person_id)
    found = export_person(
        store(request),
        person.channel,
        person.channel_user_id,
        by=session.coordinator.username,
        case_id=case.id,
    )
    if found is None:
        raise NotFound(f"There is nobody on case {case.id}.")
    return found


@router.get("/cases/{case_id}/person.{kind}")
def download(request: Request, case_id: int, kind: str, session: SignedIn) -> Response:
    if kind not in KINDS:
        raise NotFound(f"No download called person.{kind}.")
    case = find_case(request, session, case_id)
    export = _export(request, session, case)
    body = export.json if kind == "json" else export.pdf
    filename = f"personal-data-{export.name}.{kind}"
    return Response(
        body,
        media_type=KINDS[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/cases/{case_id}/erase")
def erase_page(request: Request, case_id: int, session: SignedIn) -> Response:
    """The first step: what erasing will remove, and the form to confirm it."""
    case = find_case(request, session, case_id)
    return _confirm(request, session, case)


@router.post("/cases/{case_id}/erase")
def erase(
    request: Request,
    case_id: int,
    session: Posted,
    reason: str = Form(""),
    confirm: str = Form(""),
) -> Response:
    case = find_case(request, session, case_id)
    problem = "" if reason.strip() else "erase_reason_empty"
    problem = problem or ("" if confirm == "yes" else "erase_not_confirmed")
    if problem:
        store(request).audit.add(
            session.coordinator.username, "refused", case.id, f"erase: {problem}"
        )
        return _confirm(request, session, case, 409, problem=problem, reason=reason)
    person = store(request).people.by_id(case.person_id)
    report = erase_person(
        store(request),
        person.channel,
        person.channel_user_id,
        by=session.coordinator.username,
        reason=reason.strip(),
    )
    return render(request, "erased.html", session, report=report)


def _confirm(
    request: Request, session: Session, case: Case, status_code: int = 200, **context: str
) -> Response:
    person = store(request).people.by_id(case.person_id)
    held = store(request).personal_data.held(person.id) or {}
    counts = {
        "cases": len(held.get("cases", [])),
        "assessments": len(held.get("assessments", [])),
        "asked": len(held.get("contact_requests", [])),
        "conversation": len(held.get("conversation", [])),
    }
    return render(request, "erase.html", session, status_code, case=case, counts=counts, **context)
