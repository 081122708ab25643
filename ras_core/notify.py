"""Telling a coordinators' team that a case needs them: email through SMTP, and optionally
a message in the team's Telegram chat.

Messages carry the reference and a link, never the person's answers: email is not a safe
place for care details, and the dashboard is. A failure is written to the audit log and
never stops the person's conversation.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from ras_core.casework import Case, Casework

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10

SUBJECTS = {
    "submitted": "Plan {reference} is ready for review",
    "resubmitted": "Plan {reference} has been changed and sent again",
    "urgent": "URGENT: safeguarding concern, case {reference}",
    "contact": "Case {reference}: a person asked to talk to someone",
}
BODIES = {
    "submitted": "A person has sent their support plan for review.",
    "resubmitted": "A person has changed their support plan and sent it again.",
    "urgent": (
        "The assistant heard something that may mean a person is in danger.\n"
        "They have been given 999, Samaritans and the safeguarding number.\n"
        "Please look at the case now."
    ),
    "contact": "A person asked to talk to someone from the council. Please get in touch.",
}


@dataclass(frozen=True)
class NotifySettings:
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "assistant@localhost"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    dashboard_url: str = "http://127.0.0.1:8080"
    telegram_token: str = ""
    telegram_api_root: str = "https://api.telegram.org"

    @classmethod
    def from_env(cls) -> NotifySettings:
        env = os.environ
        return cls(
            smtp_host=env.get("SMTP_HOST", ""),
            smtp_port=int(env.get("SMTP_PORT", "25") or 25),
            smtp_from=env.get("SMTP_FROM", cls.smtp_from),
            smtp_user=env.get("SMTP_USER", ""),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            smtp_starttls=env.get("SMTP_STARTTLS", "") in ("1", "true", "yes"),
            dashboard_url=env.get("DASHBOARD_URL", cls.dashboard_url).rstrip("/"),
            # The coordinators' chat uses the assistant's own bot, when there is one.
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", ""),
            # Same meaning as for the bot: a server root, with or without "/bot".
            telegram_api_root=(
                env.get("TELEGRAM_BASE_URL", "").strip().rstrip("/").removesuffix("/bot")
                or cls.telegram_api_root
            ),
        )


def notify_team(
    work: Casework, case: Case, event: str, settings: NotifySettings | None = None
) -> list[str]:
    """Send what is set up for the case's team; returns where it went ("email", "telegram")."""
    settings = settings or NotifySettings.from_env()
    team = work.team(case.team_id)
    subject = SUBJECTS[event].format(reference=case.reference)
    text = f"{BODIES[event]}\n\nOpen the case: {settings.dashboard_url}/cases/{case.id}\n"
    sent: list[str] = []
    if team.email and settings.smtp_host:
        _try(work, case, "email", lambda: _email(settings, team.email, subject, text), sent)
    elif team.email:
        work.audit("assistant", "notify_skipped", case.id, "email: SMTP_HOST is not set")
    if team.telegram_chat_id and settings.telegram_token:
        chat = team.telegram_chat_id
        _try(work, case, "telegram", lambda: _telegram(settings, chat, f"{subject}\n{text}"), sent)
    return sent


def notify_in_background(work: Casework, case: Case, event: str) -> None:
    """Email can take seconds: the person's reply must not wait for it."""
    threading.Thread(target=notify_team, args=(work, case, event), daemon=True).start()


def _try(work: Casework, case: Case, how: str, send: Callable[[], None], sent: list[str]) -> None:
    try:
        send()
    except (OSError, smtplib.SMTPException, ValueError) as error:
        log.warning("Could not notify the team about %s by %s: %s", case.reference, how, error)
        work.audit("assistant", "notify_failed", case.id, f"{how}: {error}")
        return
    work.audit("assistant", "notified", case.id, how)
    sent.append(how)


def _email(settings: NotifySettings, to: str, subject: str, text: str) -> None:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


def _telegram(settings: NotifySettings, chat_id: str, text: str) -> None:
    """One sendMessage call to the Bot API (or the server in TELEGRAM_BASE_URL)."""
    url = f"{settings.telegram_api_root}/bot{settings.telegram_token}/sendMessage"
    body = json.dumps({"chat_id": chat_id, "text": text}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        if not json.loads(response.read()).get("ok"):
            raise ValueError("the Bot API did not accept the message")
