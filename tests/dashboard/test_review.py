"""The coordinator's moves: claim, ask for changes (the person is told), agree, add a note."""

from __future__ import annotations

import httpx

from ras_core.casework import Case, Coordinator
from ras_core.review import State
from tests.dashboard.reading import page_text
from tests.support.dashboard_server import DashboardServer, csrf_token


def post(client: httpx.Client, case: Case, action: str, **form: str) -> httpx.Response:
    return client.post(
        f"/cases/{case.id}/{action}", data={"csrf_token": csrf_token(client), **form}
    )


def confirmed(client: httpx.Client, response: httpx.Response) -> str:
    """Follow the redirect after an action; the page's words."""
    assert response.status_code == 303, page_text(response.text)
    return page_text(client.get(response.headers["location"]).text)


def test_claim_then_ask_for_changes_tells_the_person(
    server: DashboardServer, client: httpx.Client, coordinator: Coordinator, case: Case
) -> None:
    shown = confirmed(client, post(client, case, "claim"))
    assert "You have claimed this case." in shown and "Status Being reviewed" in shown

    empty = post(client, case, "request-changes", message="   ")
    assert empty.status_code == 409
    assert "Asking for changes needs a message for the person." in page_text(empty.text)
    assert server.work.case(case.id).state is State.IN_REVIEW

    message = "Please tell us who helps if your carer is ill."
    shown = confirmed(client, post(client, case, "request-changes", message=message))
    assert "The person will get your message in their chat." in shown
    assert f"Asked for changes {coordinator.username}" in shown and message in shown
    assert server.work.case(case.id).state is State.CHANGES_REQUESTED
    told = [(m.key, m.params) for m in server.work.undelivered(case.person_id)]
    assert told == [("review_changes_requested", {"reference": case.reference, "message": message})]


def test_agreeing_a_different_budget_needs_a_reason(
    server: DashboardServer, client: httpx.Client, case: Case
) -> None:
    assert case.assessment_id is not None
    budget = server.store.budget(case.assessment_id)
    assert budget is not None
    early = budget.yearly_pounds
    confirmed(client, post(client, case, "claim"))
    page = client.get(f"/cases/{case.id}").text
    assert 'name="final_yearly" type="text" inputmode="numeric"' in page
    assert f'value="{early}"' in page  # pre-filled with the early budget

    no_reason = post(client, case, "agree", final_yearly=str(early + 1000), reason=" ")
    assert no_reason.status_code == 409
    assert "please give a reason" in page_text(no_reason.text)
    assert f'value="{early + 1000}"' in no_reason.text  # what was typed is kept
    not_money = post(client, case, "agree", final_yearly="lots", reason="")
    assert "Please give the final budget in whole pounds" in page_text(not_money.text)
    assert server.work.case(case.id).state is State.IN_REVIEW

    reason = "Needs two carers to move safely"
    shown = confirmed(
        client, post(client, case, "agree", final_yearly=f"£{early + 1000:,}", reason=reason)
    )
    assert "The plan is agreed." in shown and f"£{early + 1000:,} a year: {reason}" in shown
    agreed = server.work.case(case.id)
    assert (agreed.state, agreed.final_yearly_pounds, agreed.final_reason) == (
        State.AGREED,
        early + 1000,
        reason,
    )
    assert [m.key for m in server.work.undelivered(case.person_id)] == ["review_agreed"]


def test_agreeing_the_early_budget_needs_no_reason(
    server: DashboardServer, client: httpx.Client, case: Case
) -> None:
    confirmed(client, post(client, case, "claim"))
    page = client.get(f"/cases/{case.id}").text
    early = page.split('name="final_yearly"')[1].split('value="')[1].split('"')[0]
    shown = confirmed(client, post(client, case, "agree", final_yearly=early, reason=""))
    assert "This plan is agreed. There is nothing more to do." in shown


def test_an_illegal_move_says_why_and_changes_nothing(
    server: DashboardServer, client: httpx.Client, case: Case
) -> None:
    too_soon = post(client, case, "agree", final_yearly="100", reason="Because")
    assert too_soon.status_code == 409
    why = "Cannot agree a plan that is submitted: it must be in_review."
    assert why in page_text(too_soon.text)
    assert server.work.case(case.id).state is State.SUBMITTED
    confirmed(client, post(client, case, "claim"))
    twice = post(client, case, "claim")
    assert twice.status_code == 409 and "Cannot claim a plan that is in_review" in twice.text
    refusals = [e.detail for e in server.work.audit_log(case.id) if e.action == "refused"]
    assert len(refusals) == 2 and refusals[0].startswith("agree: Cannot agree")


def test_a_note_is_saved_and_an_empty_one_is_refused(
    server: DashboardServer, client: httpx.Client, case: Case
) -> None:
    empty = post(client, case, "notes", note="  ")
    assert empty.status_code == 409 and "Please write a note before saving it." in empty.text
    shown = confirmed(client, post(client, case, "notes", note="Called the GP."))
    assert "Your note is saved." in shown and "Called the GP." in shown
    assert [n.text for n in server.work.notes(case.id)] == ["Called the GP."]
