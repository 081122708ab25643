"""Notifying coordinators: a real local SMTP server and the loopback Telegram Bot API."""

from __future__ import annotations

from pathlib import Path

import pytest

from ras_core.casework import Casework
from ras_core.db import open_store
from ras_core.notify import NotifySettings, notify_team
from ras_core.review import Role
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.mail import smtp_server


@pytest.fixture()
def work(tmp_path: Path) -> Casework:
    return Casework(open_store(f"sqlite:///{tmp_path / 'notify.db'}").engine)


def test_a_submitted_plan_emails_the_team_with_a_link_and_no_care_details(work: Casework) -> None:
    work.add_team("North", email="north-team@council.example", takes_new_cases=True)
    case = work.open_case(work_person(work), None)
    case = work.move(case.id, "submit", by="rest:sam", role=Role.PERSON)
    with smtp_server() as (mailbox, port):
        settings = NotifySettings(
            smtp_host="127.0.0.1", smtp_port=port, dashboard_url="http://dash"
        )
        assert notify_team(work, case, "submitted", settings) == ["email"]
        [mail] = mailbox.wait_for(1)
    assert mail.recipients == ("north-team@council.example",)
    assert mail.subject == f"Plan {case.reference} is ready for review"
    assert f"http://dash/cases/{case.id}" in mail.body
    assert "notified" in [e.action for e in work.audit_log(case.id)]


def test_an_urgent_case_also_reaches_the_team_telegram_chat(work: Casework) -> None:
    with FakeBotAPI() as api, smtp_server() as (mailbox, port):
        duty_phone = api.new_user("Duty coordinator")
        work.add_team("North", email="north@council.example", telegram_chat_id=str(duty_phone.id),
                      takes_new_cases=True)  # fmt: skip
        case = work.open_case(work_person(work), None)
        case = work.flag_urgent(case.id, by="assistant", role=Role.SYSTEM, reason="danger")
        settings = NotifySettings(
            smtp_host="127.0.0.1",
            smtp_port=port,
            telegram_token=api.token,
            telegram_api_root=api.url,
        )
        assert notify_team(work, case, "urgent", settings) == ["email", "telegram"]
        [telegram] = duty_phone.wait_for_messages(1)
        [mail] = mailbox.wait_for(1)
    assert (telegram.text or "").startswith(f"URGENT: safeguarding concern, case {case.reference}")
    assert mail.subject.startswith("URGENT")


def test_an_unreachable_mail_server_is_logged_and_does_not_raise(work: Casework) -> None:
    work.add_team("North", email="north@council.example", takes_new_cases=True)
    case = work.open_case(work_person(work), None)
    settings = NotifySettings(smtp_host="127.0.0.1", smtp_port=1)  # nothing listens on port 1
    assert notify_team(work, case, "submitted", settings) == []
    failed = [e for e in work.audit_log(case.id) if e.action == "notify_failed"]
    assert failed and failed[0].detail.startswith("email:")


def work_person(work: Casework) -> int:
    from ras_core.storage import Store

    return Store(work.engine).person("rest", "sam").id
