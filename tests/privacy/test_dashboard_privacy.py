"""A person's data from their case page: download it all (JSON, Easy Read PDF), or erase it
(coordinators of the case's team only, a form with its CSRF token, a reason, a tick)."""

from __future__ import annotations

import json

import httpx
from playwright.sync_api import Page, expect

from ras_core.store.accounts import Coordinator
from tests.dashboard.reading import page_text, pdf_runs
from tests.dashboard.test_accessibility import sign_in, violations
from tests.privacy.dump import database_text
from tests.privacy.people import OWN_WORDS, someone
from tests.support.dashboard_server import DashboardServer, csrf_token


def test_a_coordinator_downloads_everything_kept_about_the_person(
    server: DashboardServer, client: httpx.Client, coordinator: Coordinator
) -> None:
    sam = someone(server.store, coordinator)
    page = client.get(f"/cases/{sam.case.id}").text
    assert f'href="/cases/{sam.case.id}/person.json"' in page
    response = client.get(f"/cases/{sam.case.id}/person.json")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="personal-data-{sam.person.reference}-'
    )
    data = json.loads(response.content)
    assert data["sender_id"] == sam.person.sender
    assert OWN_WORDS in [a["own_words"] for a in data["assessments"][0]["answers"]]
    pdf = client.get(f"/cases/{sam.case.id}/person.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "What we keep about you" in [words for _, words in pdf_runs(pdf.content)]
    exports = [e for e in server.store.audit.entries(sam.case.id) if e.action == "export_person"]
    assert [(e.actor, e.detail) for e in exports] == [
        (coordinator.username, sam.person.reference)
    ] * 2
    audit = page_text(client.get(f"/cases/{sam.case.id}/audit").text)
    assert "Downloaded everything kept about the person" in audit


def test_another_team_cannot_download_or_erase(
    server: DashboardServer, coordinator: Coordinator, other_client: httpx.Client
) -> None:
    sam = someone(server.store, coordinator)
    for path in ("person.json", "person.pdf", "erase"):
        assert other_client.get(f"/cases/{sam.case.id}/{path}").status_code == 404
    form = {"csrf_token": csrf_token(other_client), "reason": "asked", "confirm": "yes"}
    assert other_client.post(f"/cases/{sam.case.id}/erase", data=form).status_code == 404
    assert server.store.people.find("telegram", sam.person.channel_user_id) is not None


def test_erasing_needs_the_token_a_reason_and_a_tick_and_then_removes_everything(
    server: DashboardServer, client: httpx.Client, coordinator: Coordinator
) -> None:
    sam = someone(server.store, coordinator)
    confirm = page_text(client.get(f"/cases/{sam.case.id}/erase").text)
    assert "It deletes: 1 case, with their plans, notes and history" in confirm
    assert "It cannot be undone." in confirm
    token = csrf_token(client)
    address = f"/cases/{sam.case.id}/erase"
    for form, status, problem in (
        ({"reason": "asked", "confirm": "yes"}, 403, "Nothing was changed"),
        ({"csrf_token": token, "reason": " ", "confirm": "yes"}, 409, "Please say why"),
        ({"csrf_token": token, "reason": "asked"}, 409, "Please tick the box"),
    ):
        response = client.post(address, data=form)
        assert (response.status_code, problem in page_text(response.text)) == (status, True)
        assert server.store.people.find("telegram", sam.person.channel_user_id) is not None

    form = {"csrf_token": token, "reason": "The person asked on the phone", "confirm": "yes"}
    done = client.post(address, data=form)
    assert done.status_code == 200
    assert "Everything the assistant kept about the person is deleted." in page_text(done.text)
    assert server.store.people.find("telegram", sam.person.channel_user_id) is None
    assert client.get(f"/cases/{sam.case.id}").status_code == 404
    dump = database_text(server.store.engine)  # shared with other tests' people: look for Sam
    assert sam.person.channel_user_id not in dump
    assert server.store.personal_data.held(sam.person.id) is None
    erased = [e for e in server.store.audit.entries() if e.action == "erase_person"][-1]
    assert (erased.actor, erased.detail) == (coordinator.username, sam.person.reference)


def test_the_erase_page_is_accessible(
    server: DashboardServer, coordinator: Coordinator, browser_page: Page
) -> None:
    sam = someone(server.store, coordinator)
    sign_in(browser_page, server, coordinator.username)
    browser_page.goto(f"{server.url}/cases/{sam.case.id}")
    browser_page.get_by_role("link", name="Erase everything about the person").click()
    expect(browser_page.get_by_role("heading", level=1)).to_have_text(
        "Erase everything about this person"
    )
    assert violations(browser_page) == []
    browser_page.get_by_role("button", name="Erase everything about this person").click()
    assert browser_page.url.endswith(f"/cases/{sam.case.id}/erase")  # required fields: not sent
    browser_page.get_by_label("Why are you erasing it?").fill("The person asked us to")
    browser_page.get_by_label("I understand this cannot be undone").check()
    browser_page.get_by_role("button", name="Erase everything about this person").click()
    expect(browser_page.get_by_role("heading", level=1)).to_have_text(
        "Everything about this person is erased"
    )
    assert violations(browser_page) == []
