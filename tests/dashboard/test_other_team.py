"""Another team's case does not exist for a coordinator: 404 by page, by address and by form."""

from __future__ import annotations

import httpx

from ras_core.store.cases import Case
from tests.dashboard.reading import page_text
from tests.support.dashboard_server import DashboardServer, csrf_token

FORMS = {
    "claim": {},
    "notes": {"note": "Not my case"},
    "request-changes": {"message": "Change it"},
    "agree": {"final_yearly": "1", "reason": "Because"},
}


def test_another_team_gets_404_everywhere_and_the_case_is_unchanged(
    server: DashboardServer, other_client: httpx.Client, case: Case
) -> None:
    store = server.store
    before = (store.cases.get(case.id), store.cases.steps(case.id), store.notes.for_case(case.id))
    log_before = store.audit.entries(case.id)
    for path in ("", "/audit", "/plan.pdf"):
        response = other_client.get(f"/cases/{case.id}{path}")
        assert response.status_code == 404, path
        assert "There is no such page or case for your team." in page_text(response.text)
        assert case.reference not in response.text
    token = csrf_token(other_client)
    for action, form in FORMS.items():
        response = other_client.post(
            f"/cases/{case.id}/{action}", data={"csrf_token": token, **form}
        )
        assert response.status_code == 404, action
    after = (store.cases.get(case.id), store.cases.steps(case.id), store.notes.for_case(case.id))
    assert after == before
    assert store.audit.entries(case.id) == log_before
    assert store.outbox.undelivered(case.person_id) == []
    tries = [e for e in store.audit.entries() if e.action == "case_not_found"]
    assert tries[-1].detail == f"case {case.id}"


def test_a_case_that_does_not_exist_is_a_plain_404(client: httpx.Client) -> None:
    for path in ("/cases/999999", "/cases/not-a-number", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "There is no such page or case for your team." in page_text(response.text)
