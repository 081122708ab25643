"""Notifying coordinators: a real local SMTP server and the loopback Telegram Bot API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ras_core.notify
from ras_core.casework import Casework
from ras_core.domain.review import Role
from ras_core.notify import NotifySettings, notify_soon, notify_team
from ras_core.settings import SmtpSettings
from ras_core.store import Store, open_store
from ras_core.store.cases import Case
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.mail import smtp_server


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return open_store(f"sqlite:///{tmp_path / 'notify.db'}")


def smtp(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port)


def new_case(store: Store) -> Case:
    return Casework(store).open_case(store.people.person("rest", "sam").id, None)


def test_a_submitted_plan_emails_the_team_with_a_link_and_no_care_details(store: Store) -> None:
    store.accounts.add_team("North", email="north-team@council.example", takes_new_cases=True)
    sam = store.people.person("rest", "sam")
    case = Casework(store).submit(new_case(store).id, sam)
    with smtp_server() as (mailbox, port):
        settings = NotifySettings(smtp=smtp(port), dashboard_url="http://dash")
        assert notify_team(store, case, "submitted", settings) == ["email"]
        [mail] = mailbox.wait_for(1)
    assert mail.recipients == ("north-team@council.example",)
    assert mail.subject == f"Plan {case.reference} is ready for review"
    assert "A person has sent their support plan for review." in mail.body
    assert f"http://dash/cases/{case.id}" in mail.body
    assert "notified" in [e.action for e in store.audit.entries(case.id)]


def test_asking_for_a_person_emails_the_team(store: Store) -> None:
    store.accounts.add_team("North", email="north@council.example", takes_new_cases=True)
    case = new_case(store)
    with smtp_server() as (mailbox, port):
        settings = NotifySettings(smtp=smtp(port), dashboard_url="http://dash")
        assert notify_team(store, case, "asked_for_person", settings) == ["email"]
        [mail] = mailbox.wait_for(1)
    assert mail.subject == f"Case {case.reference}: a person asked to talk to someone"
    assert "Please get in touch." in mail.body


def test_an_urgent_case_also_reaches_the_team_telegram_chat(store: Store) -> None:
    with FakeBotAPI() as api, smtp_server() as (mailbox, port):
        duty_phone = api.new_user("Duty coordinator")
        store.accounts.add_team(
            "North",
            email="north@council.example",
            telegram_chat_id=str(duty_phone.id),
            takes_new_cases=True,
        )
        case = new_case(store)
        case = Casework(store).flag_urgent(
            case.id, by="assistant", role=Role.SYSTEM, reason="danger"
        )
        settings = NotifySettings(
            smtp=smtp(port),
            telegram_token=api.token,
            telegram_api_root=api.url,
        )
        assert notify_team(store, case, "urgent", settings) == ["email", "telegram"]
        [telegram] = duty_phone.wait_for_messages(1)
        [mail] = mailbox.wait_for(1)
    assert (telegram.text or "").startswith(f"URGENT: safeguarding concern, case {case.reference}")
    assert mail.subject.startswith("URGENT")
    # The words file's body is one line: the email reads as one paragraph, then the link.
    assert mail.body.startswith(
        "The assistant heard something that may mean a person is in danger. They have been given"
    )


def test_an_unreachable_mail_server_is_logged_and_does_not_raise(store: Store) -> None:
    store.accounts.add_team("North", email="north@council.example", takes_new_cases=True)
    case = new_case(store)
    settings = NotifySettings(smtp=smtp(1))  # nothing listens on port 1
    assert notify_team(store, case, "submitted", settings) == []
    failed = [e for e in store.audit.entries(case.id) if e.action == "notify_failed"]
    assert failed and failed[0].detail.startswith("email:")


def test_without_a_mail_server_the_skip_is_written_down(store: Store) -> None:
    store.accounts.add_team("North", email="north@council.example", takes_new_cases=True)
    case = new_case(store)
    assert notify_team(store, case, "submitted", NotifySettings()) == []
    skipped = [e for e in store.audit.entries(case.id) if e.action == "notify_skipped"]
    assert skipped and "SMTP_HOST" in skipped[0].detail


def test_notify_soon_works_in_a_worker_and_a_failure_never_reaches_the_caller(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = new_case(store)
    calls: list[tuple[Any, ...]] = []

    def broken(*args: Any) -> list[str]:
        calls.append(args)
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(ras_core.notify, "notify_team", broken)
    future = notify_soon(store, case, "submitted")
    assert future.result(timeout=10) is None
    assert calls == [(store, case, "submitted")]
    failed = [e for e in store.audit.entries(case.id) if e.action == "notify_failed"]
    assert [e.detail for e in failed] == ["submitted: RuntimeError"]
