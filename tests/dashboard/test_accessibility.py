"""Accessibility in Chromium: axe-core finds nothing wrong, and the keyboard alone is enough."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from ras_core.domain.review import State
from ras_core.store.accounts import Coordinator
from tests.dashboard.builders import make_case
from tests.support.dashboard_server import PASSWORD, DashboardServer

AXE = Axe()


def violations(page: Page) -> list[str]:
    """Every axe-core rule (WCAG A and AA, and best practice) the page breaks, with where."""
    found: list[dict[str, Any]] = AXE.run(page).response["violations"]
    return [f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes']]}" for v in found]


def sign_in(page: Page, server: DashboardServer, username: str) -> None:
    page.goto(server.url + "/sign-in")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server.url + "/")


def test_axe_finds_no_violations_on_sign_in_queue_and_a_case_with_a_full_plan(
    server: DashboardServer, coordinator: Coordinator, browser_page: Page
) -> None:
    page = browser_page
    urgent = make_case(server.store, server.work, urgent_reason="Said they were hit at home")
    server.work.claim(urgent.id, coordinator)  # in review: every form shows
    server.store.notes.add(urgent.id, coordinator.id, coordinator.username, "Rang them back.")
    page.goto(server.url + "/sign-in")
    assert violations(page) == []
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert violations(page) == []  # with the error message

    sign_in(page, server, coordinator.username)
    assert violations(page) == []
    page.goto(f"{server.url}/cases/{urgent.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {urgent.reference}")
    assert violations(page) == []
    page.goto(f"{server.url}/cases/{urgent.id}/audit")
    assert violations(page) == []


def focused(page: Page) -> dict[str, str]:
    found: dict[str, str] = page.evaluate(
        """() => {
            const e = document.activeElement;
            const style = getComputedStyle(e);
            return {tag: e.tagName, id: e.id, text: (e.innerText || '').trim(),
                    outline: style.outlineStyle, shadow: style.boxShadow};
        }"""
    )
    return found


def tab_to(page: Page, tag: str, text: str = "", element_id: str = "") -> None:
    """Press Tab until the element is focused, and check its focus can be seen."""
    for _ in range(300):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["tag"] == tag and (text in ("", now["text"])) and element_id in ("", now["id"]):
            assert now["outline"] != "none" or now["shadow"] != "none", f"focus not visible: {now}"
            return
    raise AssertionError(f"Tab never reached <{tag}> {text or element_id}")


def test_a_coordinator_can_sign_in_and_claim_a_case_with_the_keyboard_alone(
    server: DashboardServer, coordinator: Coordinator, browser_page: Page
) -> None:
    page = browser_page
    case = make_case(server.store, server.work)
    page.goto(server.url + "/sign-in")
    tab_to(page, "A", "Skip to main content")
    page.keyboard.press("Enter")
    tab_to(page, "INPUT", element_id="username")
    page.keyboard.type(coordinator.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases for North")

    tab_to(page, "A", case.reference)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    tab_to(page, "BUTTON", "Claim this case")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You have claimed this case.")
    assert server.store.cases.get(case.id).state is State.IN_REVIEW
    assert server.store.cases.get(case.id).claimed_by == coordinator.id
