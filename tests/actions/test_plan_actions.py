"""The support plan through the plan form, as the action server runs it, on a real database.

Email goes to a real local SMTP server (aiosmtpd); nothing is mocked.
"""

from __future__ import annotations

from typing import Any

import pytest

from actions.context import store
from actions.forms import FINISHED, ActionAskPlanAnswer
from actions.journey import ActionBegin, ActionFinishAssessment
from actions.plan import ActionDeliverNews, ActionFinishPlan
from ras_core.casework import Casework
from ras_core.domain.plan_rules import load_rules
from ras_core.domain.review import Role, State
from ras_core.store.schema import teams
from tests.actions.conftest import answer, plan_answer, run, tracker
from tests.actions.test_actions import start, texts, titles
from tests.support.mail import smtp_server

Domain = dict[str, Any]
SENDER = "test:7"


def ask_plan(domain: Domain) -> str:
    messages, _ = run(ActionAskPlanAnswer(), tracker("", SENDER, active_loop="plan_form"), domain)
    return texts(messages)


def finish_questions(domain: Domain, letter: str = "B") -> str:
    start(domain)
    for _ in range(11):
        answer(letter, domain)
    answer("/affirm", domain)
    messages, _ = run(ActionFinishAssessment(), tracker("/affirm"), domain)
    return texts(messages)


def say(domain: Domain, text: str) -> str:
    """One message in the plan form, then what the form asks next (as Rasa would)."""
    messages, value = plan_answer(text, domain)
    if value == FINISHED:
        finished, _ = run(ActionFinishPlan(), tracker(text), domain)
        return texts(messages + finished)
    return "\n".join(filter(None, [texts(messages), ask_plan(domain)]))


def test_after_the_budget_the_plan_is_offered_and_started(domain: Domain) -> None:
    said = finish_questions(domain)
    assert "Would you like to start your plan now?" in said
    messages, events = run(ActionBegin(), tracker("/start_plan"), domain)
    assert "make a plan for your support" in texts(messages)
    assert {"event": "slot", "timestamp": None, "name": "journey", "value": "plan"} in events
    assert ask_plan(domain).startswith("First, what matters most to you?")


def test_a_whole_plan_is_drafted_read_back_and_sent(domain: Domain, monkeypatch) -> None:
    finish_questions(domain)
    run(ActionBegin(), tracker("/start_plan"), domain)
    assert "What would you like to change" in say(domain, "My grandchildren and my garden")
    category = say(domain, "I want to go back to work and go to church on Sundays")
    assert "A: Personal care. Help to wash, dress, eat or take medicine." in category
    assert "Tell me what personal care help" in say(domain, '/choose_option{"option":"A"}')
    assert "Roughly how much help?" in say(domain, "Help to get up and dressed")
    who = say(domain, "7 hours a week")
    assert "That is about £8,736 a year." in who  # 7 hours x £24 x 52 weeks
    assert "Who would give this help?" in who
    assert "Who are they to you?" in say(domain, "c")  # family or a friend
    assert "Do they live with you?" in say(domain, "my wife")
    assert "Would you like to add more support?" in say(domain, "no")
    assert "What support would you like?" in say(domain, "yes")
    say(domain, "E")  # short breaks for my carer
    refused = say(domain, "betting on the horses")
    assert "cannot be spent on gambling" in refused
    say(domain, "a week away for my wife each year")
    over = say(domain, "£30000 a year")
    assert "more than your early budget" in over
    say(domain, "the second one")  # a personal assistant
    assert "add more support" in say(domain, "no")  # no DBS check
    money = say(domain, "no")
    assert "B: The council manages it. The council arranges and pays" in money
    assert "Who is helping you make this plan?" in say(domain, "A")
    assert "What should happen in an emergency?" in say(domain, "my son")
    readback = say(domain, "don't know")
    assert "A coordinator can help you with this part." in readback
    assert "What matters: My grandchildren and my garden" in readback
    assert "1. Personal care: Help to get up and dressed. About £8,736 a year." in readback
    assert "Money: Direct payment" in readback
    assert "In an emergency: not said yet" in readback

    with smtp_server() as (mailbox, port):
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(port))
        intake = store().accounts.intake_team()
        with store().engine.begin() as conn:
            conn.execute(teams.update().values(email="intake@council.example"))
        sent = say(domain, "/affirm")
        [mail] = mailbox.wait_for(1)

    case = store().cases.latest_for(store().people.person("test", "7").id)
    assert case is not None and case.state is State.SUBMITTED and case.team_id == intake.id
    assert f"Your reference is {case.reference}." in sent
    assert "within 10 working days" in sent
    assert mail.subject == f"A case needs you: {case.reference}"  # no more in a subject

    stored = store().plans.get(case.id)
    assert stored is not None
    draft = stored.draft
    assert [item.category for item in draft.items] == ["personal_care", "carer_breaks"]
    assert draft.items[0].payee is not None and draft.items[0].payee.lives_with_person is False
    flags = {f.code for f in load_rules().check(draft.for_rules(10_000, ()))}
    assert flags == {"over_budget", "personal_assistant_without_dbs", "no_emergency_plan"}


def test_the_coordinator_asks_for_a_change_and_the_person_revises(domain: Domain) -> None:
    finish_questions(domain)
    run(ActionBegin(), tracker("/start_plan"), domain)
    for text in ("My cat", "Get out more", "C", "Go to the park", "3 hours", "A", "no", "A",
                 "nobody", "my sister comes"):  # fmt: skip
        say(domain, text)
    assert "Here is your plan." in ask_plan(domain)
    say(domain, "/affirm")
    work = Casework(store())
    person = store().people.person("test", "7")
    case = store().cases.latest_for(person.id)
    assert case is not None
    store().accounts.add_team("Reviewers")
    asha = store().accounts.add_coordinator("asha", "Asha", "Reviewers", "a long enough password")
    work.claim(case.id, asha)
    work.request_changes(case.id, asha, "Please add who helps at night.")

    # The front end passes the news on as soon as it can:
    news, _ = run(ActionDeliverNews(), tracker("/EXTERNAL_review_news"), domain)
    assert (
        'The coordinator asks for a change. They said: "Please add who helps at night."'
        in texts(news)
    )
    assert titles(news)[0] == "Change my plan"
    again, _ = run(ActionDeliverNews(), tracker("/EXTERNAL_review_news"), domain)
    assert again == []  # said once only

    messages, events = run(ActionBegin(), tracker("/start_plan"), domain)
    assert "You can change your plan and send it again." in texts(messages)
    assert {"event": "slot", "timestamp": None, "name": "journey", "value": "plan"} in events
    assert "Which part would you like to change?" in say(domain, "/change_answer")
    assert "What should happen in an emergency?" in say(domain, "G")
    readback = say(domain, "My sister, and my neighbour at night")
    assert "I have changed that." in readback
    assert "In an emergency: My sister, and my neighbour at night" in readback
    resent = say(domain, "yes")
    assert f"Your reference is still {case.reference}." in resent
    assert store().cases.get(case.id).state is State.RESUBMITTED
    assert [s.move for s in store().cases.steps(case.id)] == [
        "submit",
        "claim",
        "request_changes",
        "resubmit",
    ]
    assert [s.role for s in store().cases.steps(case.id)][-1] is Role.PERSON


def test_coming_back_after_sending_says_where_the_plan_is(domain: Domain) -> None:
    finish_questions(domain)
    run(ActionBegin(), tracker("/start_plan"), domain)
    for text in ("Family", "Cook more", "no", "A", "nobody", "my son", "/affirm"):
        say(domain, text)
    messages, events = run(ActionBegin(), tracker("hello"), domain)
    assert "is with a coordinator" in texts(messages)
    assert {"event": "slot", "timestamp": None, "name": "journey", "value": "done"} in events


@pytest.mark.parametrize(
    ("said", "yearly"),
    [("6 hours a week", 7488), ("£50 a week", 2600), ("£200 a month", 2400), ("300 pounds", 300),
     ("two hours", 2496), ("4", 4992), ("£1,200", 1200), ("not sure", 0)],
)  # fmt: skip
def test_amounts_in_hours_or_money(domain: Domain, said: str, yearly: int) -> None:
    finish_questions(domain)
    run(ActionBegin(), tracker("/start_plan"), domain)
    for text in ("Family", "Cook more", "B", "Help with cooking"):
        say(domain, text)
    say(domain, said)
    case = store().cases.latest_for(store().people.person("test", "7").id)
    assert case is not None
    stored = store().plans.get(case.id)
    assert stored is not None and stored.draft.pending["yearly_cost"] == yearly


def test_go_back_explain_ask_for_a_person_and_take_support_out(domain: Domain) -> None:
    finish_questions(domain)
    run(ActionBegin(), tracker("/start_plan"), domain)
    say(domain, "My church")
    # Here the NLU model is not running: intents come as payloads (tests/e2e use the model).
    assert say(domain, "/go_back").startswith("OK. Let's go back one question.")
    assert say(domain, "/go_back").startswith("This is the first part of your plan.")
    assert "people, places and things" in say(domain, "/explain")
    assert "What would you like to change" in say(domain, "My church and my friends")
    asked = say(domain, "/ask_for_person")
    assert "I have asked for a person" in asked
    person = store().people.person("test", "7")
    assert store().people.contact_requests(person.id)[-1].reason == "asked_for_person"
    answers = ["Go to church more", "C", "Lifts to church", "£20 a week", "A", "yes", "B",
               "Help with shopping", "2 hours", "A", "no", "A", "nobody", "my son"]  # fmt: skip
    for text in answers:
        say(domain, text)
    say(domain, "/change_answer")
    assert "1. Getting out and seeing people: Lifts to church." in say(domain, "D")
    readback = say(domain, "1")
    assert "I have taken that out of your plan." in readback
    assert "1. Help at home: Help with shopping. About £2,496 a year." in readback
    assert "Lifts to church" not in readback


def test_after_an_agreed_plan_new_answers_start_a_new_plan(domain: Domain) -> None:
    finish_questions(domain)
    run(ActionBegin(), tracker("/start_plan"), domain)
    for text in ("Family", "Cook more", "no", "A", "nobody", "my son", "/affirm"):
        say(domain, text)
    work = Casework(store())
    first = store().cases.latest_for(store().people.person("test", "7").id)
    assert first is not None
    store().accounts.add_team("Reviewers")
    asha = store().accounts.add_coordinator("asha", "Asha", "Reviewers", "a long enough password")
    work.claim(first.id, asha)
    work.agree(first.id, asha, 100, "Agreed at panel", indicative_yearly=0)

    run(ActionBegin(), tracker("/start_again"), domain)
    finish_questions(domain, "C")  # the questions again, with different answers
    messages, _ = run(ActionBegin(), tracker("/start_plan"), domain)
    assert "make a plan for your support" in texts(messages)
    say(domain, "My garden")
    second = store().cases.latest_for(store().people.person("test", "7").id)
    assert second is not None and second.id != first.id and second.state is State.DRAFT


def test_a_carer_is_asked_about_the_person_they_look_after(domain: Domain) -> None:
    start(domain, who="/for_someone_else")
    for _ in range(11):
        answer("B", domain)
    answer("/affirm", domain)
    run(ActionFinishAssessment(), tracker("/affirm"), domain)
    messages, _ = run(ActionBegin(), tracker("/start_plan"), domain)
    assert "make a plan for their support" in texts(messages)
    assert ask_plan(domain).startswith("First, what matters most to them?")
    assert "What would they like to change" in say(domain, "Her cat and her garden")
