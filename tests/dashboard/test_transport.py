"""What goes over the wire: Secure cookies and HSTS by default, security headers on every
response, and a limit on how much a request may send (413, never a 500).

The shared test server talks plain http on purpose (tests/support/dashboard_server.py), so the
tests of the defaults start their own with the settings as they are by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from ras_core.settings import DashboardSecurity, SettingsError, from_mapping
from ras_core.store.accounts import Coordinator
from ras_core.store.cases import Case
from tests.dashboard.reading import page_text
from tests.support.dashboard_server import (
    PASSWORD,
    DashboardServer,
    csrf_token,
    hidden,
    post_sign_in,
    serve,
)

TOO_LARGE = "What was sent is too big for this dashboard. Nothing was changed."
SECURITY_VARIABLES = (
    "DASHBOARD_INSECURE_HTTP",
    "DASHBOARD_SECURE_COOKIES",
    "DASHBOARD_SIGN_INS_PER_ADDRESS",
    "DASHBOARD_SIGN_INS_OVERALL",
    "DASHBOARD_MAX_BODY_BYTES",
)


@pytest.fixture()
def settings_as_set(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """None of the dashboard's security variables set; a test sets what it needs."""
    for name in SECURITY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch


def flags(response: httpx.Response, cookie: str) -> set[str]:
    """The attributes of one Set-Cookie, lower case: {"httponly", "secure", "path=/", ...}."""
    found = next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{cookie}="))
    return {part.strip().lower() for part in found.split(";")[1:]}


def cookie_value(response: httpx.Response, cookie: str) -> str:
    found = re.search(rf"{cookie}=([^;]+)", response.headers["set-cookie"])
    assert found is not None
    return found.group(1)


def test_by_default_cookies_are_secure_and_pages_ask_for_https(
    server: DashboardServer, coordinator: Coordinator, settings_as_set: pytest.MonkeyPatch
) -> None:
    with serve(server.store, security=None) as url:
        form = httpx.get(url + "/sign-in")
        assert {"secure", "httponly", "samesite=strict", "path=/sign-in"} <= flags(
            form, "dashboard_sign_in"
        )
        assert form.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
        # httpx keeps Secure cookies for https, so the cookie goes back by hand here.
        token = hidden(form.text, "sign_in_token")
        sent = {"username": coordinator.username, "password": PASSWORD, "sign_in_token": token}
        cookie = {"cookie": f"dashboard_sign_in={cookie_value(form, 'dashboard_sign_in')}"}
        signed_in = httpx.post(url + "/sign-in", data=sent, headers=cookie)
        assert signed_in.status_code == 303
        assert {"secure", "httponly", "samesite=strict", "path=/"} <= flags(
            signed_in, "dashboard_session"
        )
        session = {"cookie": f"dashboard_session={cookie_value(signed_in, 'dashboard_session')}"}
        queue = httpx.get(url + "/", headers=session)
        assert queue.status_code == 200 and "strict-transport-security" in queue.headers
        signed_out = httpx.post(
            url + "/sign-out",
            data={"csrf_token": hidden(queue.text, "csrf_token")},
            headers=session,
        )
        assert "secure" in flags(signed_out, "dashboard_session")  # deleted as it was set


def test_only_dashboard_insecure_http_turns_them_off(
    server: DashboardServer, settings_as_set: pytest.MonkeyPatch
) -> None:
    settings_as_set.setenv("DASHBOARD_INSECURE_HTTP", "1")
    with serve(server.store, security=None) as url:
        form = httpx.get(url + "/sign-in")
    assert "secure" not in flags(form, "dashboard_sign_in")
    assert "strict-transport-security" not in form.headers
    assert form.headers["x-frame-options"] == "DENY"  # the other headers stay

    settings_as_set.setenv("DASHBOARD_SECURE_COOKIES", "1")  # from before: secure still wins
    with serve(server.store, security=None) as url:
        form = httpx.get(url + "/sign-in")
    assert "secure" in flags(form, "dashboard_sign_in")
    assert "strict-transport-security" in form.headers


def test_every_response_carries_the_security_headers(
    server: DashboardServer, client: httpx.Client
) -> None:
    responses = [
        client.get("/"),
        client.get("/cases/999999"),  # 404
        client.get("/static/dashboard.css"),
        client.post("/sign-out", data={"csrf_token": "forged"}),  # 403
        client.post("/sign-in", content=b"x" * 70_000),  # 413
        httpx.get(server.url + "/sign-in"),
        httpx.get(server.url + "/"),  # 303 to sign in
    ]
    assert [r.status_code for r in responses] == [200, 404, 200, 403, 413, 200, 303]
    for response in responses:
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "form-action 'self'" in policy and "strict-transport-security" not in headers


def test_the_pages_work_under_the_content_security_policy(
    server: DashboardServer, coordinator: Coordinator, browser_page: Page
) -> None:
    page = browser_page
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(server.url + "/sign-in")
    page.get_by_label("User name").fill(coordinator.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases for North")
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 0  # the CSS is loaded
    assert [text for text in refused if "Content Security Policy" in text] == []


def test_a_form_over_64_kb_gets_413_and_a_plain_page_and_nothing_is_saved(
    server: DashboardServer, client: httpx.Client, case: Case
) -> None:
    token = csrf_token(client)
    big = client.post(f"/cases/{case.id}/notes", data={"csrf_token": token, "note": "x" * 70_000})
    assert big.status_code == 413 and TOO_LARGE in page_text(big.text)
    assert server.store.notes.for_case(case.id) == []

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted as it comes
        yield f"csrf_token={token}&note=".encode()
        for _ in range(70):
            yield b"y" * 1000

    streamed = client.post(
        f"/cases/{case.id}/notes",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413 and TOO_LARGE in page_text(streamed.text)
    huge = client.post("/sign-in", content=b"z" * 5_000_000)  # far over: still a plain 413
    assert huge.status_code == 413 and TOO_LARGE in page_text(huge.text)
    assert server.store.notes.for_case(case.id) == []

    fits = client.post(f"/cases/{case.id}/notes", data={"csrf_token": token, "note": "n" * 60_000})
    assert fits.status_code == 303
    assert [len(n.text) for n in server.store.notes.for_case(case.id)] == [60_000]


def test_the_body_limit_is_a_setting(
    server: DashboardServer, settings_as_set: pytest.MonkeyPatch
) -> None:
    settings_as_set.setenv("DASHBOARD_INSECURE_HTTP", "1")
    settings_as_set.setenv("DASHBOARD_MAX_BODY_BYTES", "1000")
    with serve(server.store, security=None) as url, httpx.Client(base_url=url) as client:
        small = post_sign_in(client, "nobody", "x" * 500)
        large = post_sign_in(client, "nobody", "x" * 2000)
    assert (small.status_code, large.status_code) == (401, 413)


def test_the_security_settings_and_their_defaults() -> None:
    assert from_mapping({}).dashboard_security == DashboardSecurity(
        insecure_http=False, sign_ins_per_address=20, sign_ins_overall=120, max_body_bytes=65_536
    )
    found = from_mapping(
        {
            "DASHBOARD_INSECURE_HTTP": "1",
            "DASHBOARD_SIGN_INS_PER_ADDRESS": "5",
            "DASHBOARD_SIGN_INS_OVERALL": "50",
            "DASHBOARD_MAX_BODY_BYTES": "10000",
        }
    )
    assert found.dashboard_security == DashboardSecurity(True, 5, 50, 10_000)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DASHBOARD_INSECURE_HTTP", "perhaps"),
        ("DASHBOARD_SIGN_INS_PER_ADDRESS", "0"),
        ("DASHBOARD_SIGN_INS_OVERALL", "many"),
        ("DASHBOARD_MAX_BODY_BYTES", "-1"),
        ("DASHBOARD_MAX_BODY_BYTES", "64k"),
    ],
)
def test_a_bad_security_setting_is_a_plain_error_naming_it(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        from_mapping({name: value})
    assert str(caught.value).startswith(name)
