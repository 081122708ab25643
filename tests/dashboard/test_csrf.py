"""Every form carries the session's CSRF token; without it nothing happens."""

from __future__ import annotations

import httpx
import pytest

from ras_core.store.cases import Case
from tests.support.dashboard_server import DashboardServer, csrf_token

ACTIONS = {
    "claim": {},
    "notes": {"note": "A note that must not be saved"},
    "request-changes": {"message": "Please change this"},
    "agree": {"final_yearly": "100", "reason": "Because"},
}


def snapshot(server: DashboardServer, case: Case) -> tuple[object, ...]:
    store = server.store
    return (
        store.cases.get(case.id),
        store.cases.steps(case.id),
        store.notes.for_case(case.id),
        store.audit.entries(case.id),
        store.outbox.undelivered(case.person_id),
    )


@pytest.mark.parametrize("token", [None, "", "a-token-from-somewhere-else"])
def test_a_form_without_the_right_token_is_refused_and_changes_nothing(
    server: DashboardServer, client: httpx.Client, case: Case, token: str | None
) -> None:
    before = snapshot(server, case)
    sent = {} if token is None else {"csrf_token": token}
    for action, form in ACTIONS.items():
        response = client.post(f"/cases/{case.id}/{action}", data={**form, **sent})
        assert response.status_code == 403, action
        assert "Nothing was changed" in response.text
    assert snapshot(server, case) == before


def test_signing_out_needs_the_token_too(server: DashboardServer, client: httpx.Client) -> None:
    assert client.post("/sign-out", data={"csrf_token": "wrong"}).status_code == 403
    assert client.get("/").status_code == 200  # still signed in
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    assert client.get("/").status_code == 303  # signed out: sent to the sign-in page


def test_the_token_is_in_every_form(client: httpx.Client, case: Case) -> None:
    token = csrf_token(client)
    for path in ("/", f"/cases/{case.id}"):
        page = client.get(path).text
        forms = page.count('method="post"')
        assert forms >= 1 and page.count(f'name="csrf_token" value="{token}"') == forms
