"""Signing in and out: the form, a wrong password, the cookie and login CSRF.

Lockout, limits and failures that look alike: test_sign_in_limits.py. Secure cookies and HSTS:
test_transport.py.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ras_core.store.accounts import Coordinator
from tests.dashboard.builders import make_case
from tests.support.dashboard_server import (
    PASSWORD,
    DashboardServer,
    hidden,
    post_sign_in,
)

WRONG = "not the right password"


def test_signing_in_opens_the_queue_and_a_wrong_password_says_so(
    server: DashboardServer, coordinator: Coordinator, browser_page: Page
) -> None:
    page = browser_page
    page.goto(server.url + "/")
    expect(page).to_have_url(server.url + "/sign-in")
    page.get_by_label("User name").fill(coordinator.username)
    page.get_by_label("Password", exact=True).fill(WRONG)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The user name or password is not right. Please try again."
    )
    expect(page.get_by_label("User name")).to_have_value(coordinator.username)

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases for North")
    expect(page.get_by_role("navigation")).to_contain_text("Signed in as North Coordinator")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    page.goto(server.url + "/")
    expect(page).to_have_url(server.url + "/sign-in")


def test_the_session_cookie_is_http_only_and_same_site_strict(
    server: DashboardServer, coordinator: Coordinator
) -> None:
    with server.client() as client:
        response = post_sign_in(client, coordinator.username, PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("dashboard_session=")
    )
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/"} <= flags
    assert "secure" not in flags  # plain http on purpose in tests; see test_transport.py


def test_the_sign_in_form_must_carry_its_own_token(
    server: DashboardServer, coordinator: Coordinator
) -> None:
    """Another site cannot post the sign-in form to sign someone in to its own account."""
    form = {"username": coordinator.username, "password": PASSWORD}
    with server.client() as client:
        refused = client.post("/sign-in", data=form)
        assert refused.status_code == 403 and "Nothing was changed" in refused.text
        client.get("/sign-in")  # the cookie is set, but the form's token is forged
        forged = client.post("/sign-in", data={**form, "sign_in_token": "forged"})
        assert forged.status_code == 403
        assert "dashboard_session" not in client.cookies


def test_every_page_but_sign_in_needs_a_session(server: DashboardServer) -> None:
    with server.client() as client:
        for path, back in (
            ("/", "/sign-in"),
            ("/cases/1", "/sign-in?next=%2Fcases%2F1"),
            ("/cases/1/audit", "/sign-in?next=%2Fcases%2F1%2Faudit"),
            ("/cases/1/plan.pdf", "/sign-in"),
        ):
            response = client.get(path)
            assert (response.status_code, response.headers["location"]) == (303, back)
        response = client.post("/cases/1/claim", data={"csrf_token": "x"})
        assert (response.status_code, response.headers["location"]) == (303, "/sign-in")
        client.cookies.set("dashboard_session", "made-up")
        assert client.get("/").status_code == 303


def test_a_link_to_a_case_leads_back_to_it_after_signing_in(
    server: DashboardServer, coordinator: Coordinator, browser_page: Page
) -> None:
    """Team emails link straight to a case; after signing in the coordinator lands on it."""
    case = make_case(server.store, server.work)
    page = browser_page
    page.goto(f"{server.url}/cases/{case.id}")
    page.get_by_label("User name").fill(coordinator.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")


def test_signing_in_never_sends_the_coordinator_to_another_site(
    server: DashboardServer, coordinator: Coordinator
) -> None:
    for next_page in ("//evil.example/", "https://evil.example/", "/cases/1/../../x"):
        with server.client() as client:
            token = hidden(client.get("/sign-in", params={"next": next_page}).text, "sign_in_token")
            form = {"username": coordinator.username, "password": PASSWORD,
                    "sign_in_token": token, "next_page": next_page}  # fmt: skip
            response = client.post("/sign-in", data=form)
            assert (response.status_code, response.headers["location"]) == (303, "/")
