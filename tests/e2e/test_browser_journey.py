"""The whole journey, for real: a person in the chat (REST, real Rasa and action servers), a
coordinator in Debian's Chromium (Playwright) on the real dashboard, one shared database,
and emails caught by a local SMTP server.

1. The person answers the questions and drafts and sends a plan.
2. A coordinator signs in, finds the case and asks for a change.
3. The person hears it, revises the plan in the chat and sends it again.
4. The coordinator agrees the plan.
5. The person hears that it is agreed.
A coordinator from another team can neither see nor act on the case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from bot.launcher.servers import Servers
from ras_core.domain.review import State
from ras_core.store import open_store
from tests.support.browser import browser, browser_page  # noqa: F401  (fixtures)
from tests.support.dashboard_server import serve
from tests.support.mail import Mailbox
from tests.support.rest import Person

pytestmark = pytest.mark.e2e
PASSWORD = "a long and private password"
TEAM_EMAIL = "adults-north@council.example"


@pytest.fixture(scope="module")
def dashboard(database: str) -> Iterator[str]:
    store = open_store(database)
    accounts = store.accounts
    accounts.add_team("Adults North", email=TEAM_EMAIL, takes_new_cases=True)
    accounts.add_team("Adults South", email="adults-south@council.example")
    accounts.add_coordinator("asha", "Asha Patel", "Adults North", PASSWORD)
    accounts.add_coordinator("ben", "Ben Okafor", "Adults South", PASSWORD)
    with serve(store) as url:
        yield url


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/sign-in")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cases for")


def answer_the_questions(jo: Person) -> None:
    assert "Do you want to go on?" in jo.says("hello")
    assert "Who are the questions about?" in jo.taps("Yes")
    assert "Question 1 of 11" in jo.says("its for me")
    for _ in range(10):
        jo.taps("B:")
    assert "Here is what you told me" in jo.taps("B:")
    assert "Would you like to start your plan now?" in jo.says("yes")


def draft_and_send_the_plan(jo: Person) -> str:
    assert "First, what matters most to you?" in jo.taps("Make my plan")
    assert "change or do" in jo.says("My dog Bess and my garden")
    assert "What support would you like?" in jo.says("I would like to get out to the park more")
    assert "Tell me what getting out" in jo.taps("C:")
    assert "Roughly how much help?" in jo.says("Someone to walk with me to the park")
    assert "Who would give this help?" in jo.says("4 hours a week")
    assert "add more support?" in jo.taps("A:")
    assert "How would you like the money to be managed?" in jo.taps("No, that is all")
    assert "Who is helping you make this plan?" in jo.taps("A:")
    assert "What should happen in an emergency?" in jo.says("my daughter Kim")
    readback = jo.says("I don't know")
    assert "In an emergency: not said yet" in readback
    sent = jo.taps("Send it")
    found = re.search(r"Your reference is (IB-[A-Z0-9]{6})\.", sent)
    assert found, sent
    assert "within 10 working days" in sent
    return found.group(1)


def test_a_plan_goes_to_a_coordinator_and_back_until_it_is_agreed(
    servers: Servers,
    database: str,
    mail: Mailbox,
    dashboard: str,
    browser_page: Page,  # noqa: F811
) -> None:
    page = browser_page
    jo = Person(servers, "rest:journey-jo")

    # 1. The person answers the questions and sends a plan; the team is emailed.
    answer_the_questions(jo)
    reference = draft_and_send_the_plan(jo)
    store = open_store(database)
    cases = store.cases
    case = next(
        c
        for c in cases.queue(store.accounts.team_named("Adults North").id)
        if c.reference == reference
    )
    [email] = [m for m in mail.wait_for(len(mail.received) + 1) if reference in m.subject]
    assert email.recipients == (TEAM_EMAIL,)
    assert "Someone to walk" not in email.body  # no care details by email

    # 2. A coordinator signs in, finds the case, sees the plan and its flags, asks for a change.
    sign_in(page, dashboard, "asha")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    expect(page.get_by_text("Someone to walk with me to the park").first).to_be_visible()
    expect(page.get_by_text("does not say what happens in an emergency")).to_be_visible()
    expect(page.get_by_text("I would like to get out to the park more").first).to_be_visible()
    page.get_by_role("button", name="Claim this case").click()
    page.get_by_label("What should the person change?").fill(
        "Please tell us who can help if Kim is away."
    )
    page.get_by_role("button", name="Ask for changes").click()
    assert cases.get(case.id).state is State.CHANGES_REQUESTED

    # Another team's coordinator cannot see the case or act on it.
    other = page.context.browser.new_context()  # type: ignore[union-attr]
    try:
        ben = other.new_page()
        sign_in(ben, dashboard, "ben")
        expect(ben.get_by_role("link", name=reference)).to_have_count(0)
        response = ben.goto(f"{dashboard}/cases/{case.id}")
        assert response is not None and response.status == 404
        assert reference not in ben.content()
    finally:
        other.close()

    # 3. The person hears it, changes the emergency part, and sends the plan again.
    back = jo.says("hello")
    assert 'They said: "Please tell us who can help if Kim is away."' in back
    assert "You can change your plan and send it again." in back
    assert "Which part would you like to change?" in jo.taps("Change something")
    assert "What should happen in an emergency?" in jo.taps("G:")
    readback = jo.says("My neighbour Pat has a key and will come")
    assert "In an emergency: My neighbour Pat has a key and will come" in readback
    assert f"Your reference is still {reference}." in jo.taps("Send it")
    assert cases.get(case.id).state is State.RESUBMITTED
    resent = [m for m in mail.wait_for(len(mail.received) + 1) if "sent it again" in m.body]
    assert resent and resent[-1].subject == f"A case needs you: {reference}"

    # 4. The coordinator agrees the plan at the early budget.
    page.reload()
    expect(page.get_by_text("My neighbour Pat has a key and will come").first).to_be_visible()
    page.get_by_role("button", name="Claim this case").click()
    page.get_by_role("button", name="Agree the plan").click()
    agreed = cases.get(case.id)
    assert agreed.state is State.AGREED and agreed.final_yearly_pounds is not None

    # 5. The person hears that it is agreed, with the budget.
    news = jo.says("hello")
    assert f"Good news. Your plan {reference} is agreed." in news
    assert f"£{agreed.final_yearly_pounds:,} a year" in news

    moves = [(s.move, s.by) for s in cases.steps(case.id)]
    assert moves == [
        ("submit", "rest:journey-jo"), ("claim", "asha"), ("request_changes", "asha"),
        ("resubmit", "rest:journey-jo"), ("claim", "asha"), ("agree", "asha"),
    ]  # fmt: skip
    audit = [(e.actor, e.action) for e in store.audit.entries(case.id)]
    assert ("asha", "request_changes") in audit and ("asha", "agree") in audit
