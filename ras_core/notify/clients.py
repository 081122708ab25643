"""The two ways a team is told: an SMTP email, and a message in the team's Telegram chat."""

from __future__ import annotations

import json
import smtplib
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage

from ras_core import settings as project_settings

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class NotifySettings:
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "assistant@localhost"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    dashboard_url: str = "http://127.0.0.1:8080"
    telegram_token: str = ""  # the coordinators' chat uses the assistant's own bot
    telegram_api_root: str = project_settings.TELEGRAM_API_ROOT

    @classmethod
    def current(cls) -> NotifySettings:
        found = project_settings.current()
        return cls(
            smtp_host=found.smtp.host,
            smtp_port=found.smtp.port,
            smtp_from=found.smtp.sender,
            smtp_user=found.smtp.user,
            smtp_password=found.smtp.password,
            smtp_starttls=found.smtp.starttls,
            dashboard_url=found.dashboard_url,
            telegram_token=found.telegram.token,
            telegram_api_root=found.telegram.api_root_or_telegram,
        )


def send_email(settings: NotifySettings, to: str, subject: str, text: str) -> None:
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


def send_telegram(settings: NotifySettings, chat_id: str, text: str) -> None:
    """One sendMessage call to the Bot API (or the server in TELEGRAM_BASE_URL)."""
    url = f"{settings.telegram_api_root}/bot{settings.telegram_token}/sendMessage"
    body = json.dumps({"chat_id": chat_id, "text": text}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        if not json.loads(response.read()).get("ok"):
            raise ValueError("the Bot API did not accept the message")
