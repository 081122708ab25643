"""The queue, a case in full, its audit log, and the coordinator's moves on it.

Every case is found through `Cases.for_team`, so another team's case does not exist
for this coordinator: 404 by page, by direct address and by form. Every look at a case and
every action is written to the audit log.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from dashboard import case_view
from dashboard.web import Posted, SignedIn, casework, render, store
from ras_core.domain.review import IllegalMove, State
from ras_core.store.accounts import NotFound, Session
from ras_core.store.cases import Case

router = APIRouter()
MOST_POUNDS = 10_000_000  # a final budget above this is a typing slip


def find_case(request: Request, session: Session, case_id: int) -> Case:
    """The case if it is this coordinator's team's; NotFound (a 404) otherwise."""
    try:
        return store(request).cases.for_team(case_id, session.coordinator.team_id)
    except NotFound:
        store(request).audit.add(
            session.coordinator.username, "case_not_found", None, f"case {case_id}"
        )
        raise


def show_case(
    request: Request, session: Session, case: Case, status_code: int = 200, **context: str
) -> Response:
    view = case_view.build(store(request), casework(request), case)
    return render(request, "case.html", session, status_code=status_code, view=view, **context)


def back(case: Case, done: str) -> Response:
    return RedirectResponse(f"/cases/{case.id}?done={done}", status_code=303)


def refused(
    request: Request, session: Session, case: Case, action: str, **context: str
) -> Response:
    """Show the case again with why the action did not happen; nothing has changed."""
    reason = context.get("refusal") or context.get("problem", "")
    store(request).audit.add(
        session.coordinator.username, "refused", case.id, f"{action}: {reason}"
    )
    return show_case(request, session, case, status_code=409, **context)


@router.get("/")
def queue(request: Request, session: SignedIn, status: str = "") -> Response:
    found = store(request)
    chosen = [State(status)] if status in {state.value for state in State} else None
    return render(
        request,
        "queue.html",
        session,
        cases=found.cases.queue(session.coordinator.team_id, chosen),
        team=found.accounts.team(session.coordinator.team_id),
        status=status if chosen else "",
        states=[state.value for state in State],
    )


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, session: SignedIn, done: str = "") -> Response:
    case = find_case(request, session, case_id)
    store(request).audit.add(session.coordinator.username, "viewed_case", case.id)
    return show_case(request, session, case, done=done)


@router.get("/cases/{case_id}/audit")
def audit_page(request: Request, case_id: int, session: SignedIn) -> Response:
    case = find_case(request, session, case_id)
    audit = store(request).audit
    audit.add(session.coordinator.username, "viewed_audit_log", case.id)
    return render(request, "audit.html", session, case=case, entries=audit.entries(case.id))


@router.post("/cases/{case_id}/claim")
def claim(request: Request, case_id: int, session: Posted) -> Response:
    case = find_case(request, session, case_id)
    try:
        casework(request).claim(case.id, session.coordinator)
    except IllegalMove as error:
        return refused(request, session, case, "claim", **why(error))
    return back(case, "claimed")


@router.post("/cases/{case_id}/notes")
def add_note(request: Request, case_id: int, session: Posted, note: str = Form("")) -> Response:
    case = find_case(request, session, case_id)
    if not note.strip():
        return refused(request, session, case, "add_note", problem="note_empty")
    coordinator = session.coordinator
    store(request).notes.add(case.id, coordinator.id, coordinator.username, note)
    return back(case, "note_added")


@router.post("/cases/{case_id}/request-changes")
def request_changes(
    request: Request, case_id: int, session: Posted, message: str = Form("")
) -> Response:
    case = find_case(request, session, case_id)
    try:
        casework(request).request_changes(case.id, session.coordinator, message)
    except IllegalMove as error:
        return refused(request, session, case, "request_changes", **why(error), message=message)
    return back(case, "changes_requested")


@router.post("/cases/{case_id}/agree")
def agree(
    request: Request,
    case_id: int,
    session: Posted,
    final_yearly: str = Form(""),
    reason: str = Form(""),
) -> Response:
    case = find_case(request, session, case_id)
    kept = {"final_yearly": final_yearly, "reason": reason}
    pounds = whole_pounds(final_yearly)
    if pounds is None:
        return refused(request, session, case, "agree", problem="final_not_pounds", **kept)
    indicative = case_view.indicative_yearly(store(request), case)
    try:
        casework(request).agree(case.id, session.coordinator, pounds, reason, indicative)
    except IllegalMove as error:
        return refused(request, session, case, "agree", **why(error), **kept)
    return back(case, "agreed")


def why(error: IllegalMove) -> dict[str, str]:
    """What the page needs to say why a move was refused, in words from words.html."""
    return {"refusal": error.code, **{f"refusal_{k}": v for k, v in error.params.items()}}


def whole_pounds(typed: str) -> int | None:
    """ "12400", "£12,400" or "12,400.00" as whole pounds; None if it is not an amount."""
    typed = typed.strip()
    if len(typed) > 20:  # no real budget is that long; also keeps the pattern and int() cheap
        return None
    # Either plain digits or groups of three with commas: one way to read each, no backtracking.
    found = re.fullmatch(r"£?([0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.00)?", typed)
    pounds = int(found.group(1).replace(",", "")) if found else None
    return pounds if pounds is not None and pounds <= MOST_POUNDS else None
