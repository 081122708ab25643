"""The coordinator's moves: claim, ask for changes (the person is told), agree, add a note;
and two coordinators claiming the same case at once."""

from __future__ import annotations

import threading

import httpx
import pytest

from ras_core.casework import Casework
from ras_core.domain.review import IllegalMove, State
from ras_core.store import Store
from ras_core.store.accounts import Coordinator
from ras_core.store.cases import Case
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
    asked = "Please write a message for the person, saying what to change."
    assert asked in page_text(empty.text)
    assert server.store.cases.get(case.id).state is State.IN_REVIEW

    message = "Please tell us who helps if your carer is ill."
    shown = confirmed(client, post(client, case, "request-changes", message=message))
    assert "The person will get your message in their chat." in shown
    assert f"Asked for changes {coordinator.username}" in shown and message in shown
    assert server.store.cases.get(case.id).state is State.CHANGES_REQUESTED
    told = [(m.key, m.params) for m in server.store.outbox.undelivered(case.person_id)]
    assert told == [("review_changes_requested", {"reference": case.reference, "message": message})]


def test_agreeing_a_different_budget_needs_a_reason(
    server: DashboardServer, client: httpx.Client, case: Case
) -> None:
    assert case.assessment_id is not None
    budget = server.store.assessments.budget(case.assessment_id)
    assert budget is not None
    early = budget.yearly_pounds
    confirmed(client, post(client, case, "claim"))
    page = client.get(f"/cases/{case.id}").text
    assert 'name="final_yearly" type="text" inputmode="numeric"' in page
    assert f'value="{early}"' in page  # pre-filled with the early budget

    no_reason = post(client, case, "agree", final_yearly=str(early + 1000), reason=" ")
    assert no_reason.status_code == 409
    needs_reason = "The final budget is not the same as the early budget. Please give a reason."
    assert needs_reason in page_text(no_reason.text)
    assert f'value="{early + 1000}"' in no_reason.text  # what was typed is kept
    not_money = post(client, case, "agree", final_yearly="lots", reason="")
    assert "Please give the final budget in whole pounds" in page_text(not_money.text)
    assert server.store.cases.get(case.id).state is State.IN_REVIEW

    reason = "Needs two carers to move safely"
    shown = confirmed(
        client, post(client, case, "agree", final_yearly=f"£{early + 1000:,}", reason=reason)
    )
    assert "The plan is agreed." in shown and f"£{early + 1000:,} a year: {reason}" in shown
    agreed = server.store.cases.get(case.id)
    assert (agreed.state, agreed.final_yearly_pounds, agreed.final_reason) == (
        State.AGREED,
        early + 1000,
        reason,
    )
    assert [m.key for m in server.store.outbox.undelivered(case.person_id)] == ["review_agreed"]


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
    why = "This cannot be done now. The plan is: Sent, waiting for a coordinator."
    assert why in page_text(too_soon.text)
    assert server.store.cases.get(case.id).state is State.SUBMITTED
    confirmed(client, post(client, case, "claim"))
    twice = post(client, case, "claim")
    assert twice.status_code == 409
    assert "This cannot be done now. The plan is: Being reviewed." in page_text(twice.text)
    refusals = [e.detail for e in server.store.audit.entries(case.id) if e.action == "refused"]
    assert refusals == ["agree: wrong_state", "claim: wrong_state"]


def test_a_note_is_saved_and_an_empty_one_is_refused(
    server: DashboardServer, client: httpx.Client, case: Case
) -> None:
    empty = post(client, case, "notes", note="  ")
    assert empty.status_code == 409 and "Please write a note before saving it." in empty.text
    shown = confirmed(client, post(client, case, "notes", note="Called the GP."))
    assert "Your note is saved." in shown and "Called the GP." in shown
    assert [n.text for n in server.store.notes.for_case(case.id)] == ["Called the GP."]


def test_two_coordinators_claiming_at_once_make_one_claim_and_the_other_is_refused(
    server: DashboardServer,
    coordinator: Coordinator,
    case: Case,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each reads the case before either writes, so both start from the same (soon stale)
    review: the guard on the stored state lets one claim through and refuses the other."""
    colleague = server.add_coordinator()
    store = Store(server.store.engine)
    work = Casework(store)
    read = store.cases.get
    both_have_read = threading.Barrier(2, timeout=10)
    this_thread = threading.local()

    def read_then_wait(case_id: int) -> Case:
        found = read(case_id)
        if not getattr(this_thread, "has_read", False):  # only the read before the move
            this_thread.has_read = True
            both_have_read.wait()
        return found

    monkeypatch.setattr(store.cases, "get", read_then_wait)
    outcomes: dict[str, Case | Exception] = {}

    def claim(who: Coordinator) -> None:
        try:
            outcomes[who.username] = work.claim(case.id, who)
        except Exception as error:  # kept, to be checked below
            outcomes[who.username] = error

    threads = [threading.Thread(target=claim, args=(who,)) for who in (coordinator, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    claimed = {name: got for name, got in outcomes.items() if isinstance(got, Case)}
    refused = {name: got for name, got in outcomes.items() if isinstance(got, IllegalMove)}
    assert (len(claimed), len(refused)) == (1, 1), outcomes
    assert [error.code for error in refused.values()] == ["moved_meanwhile"]
    [winner] = claimed
    winner_id = next(who.id for who in (coordinator, colleague) if who.username == winner)

    stored = server.store.cases.get(case.id)
    assert (stored.state, stored.claimed_by) == (State.IN_REVIEW, winner_id)
    claims = [step for step in server.store.cases.steps(case.id) if step.move == "claim"]
    assert [(step.by, step.from_state, step.to_state) for step in claims] == [
        (winner, State.SUBMITTED, State.IN_REVIEW)
    ]
    logged = [e.actor for e in server.store.audit.entries(case.id) if e.action == "claim"]
    assert logged == [winner]
