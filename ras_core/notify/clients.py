"""The two ways a team is told: an SMTP email, and a message in the team's Telegram chat."""

from __future__ import annotations

import json
import smtplib
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage

from ras_core import settings as project_settings
from ras_core.settings import TELEGRAM_API_ROOT, SmtpSettings

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class NotifySettings:
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    dashboard_url: str = "http://127.0.0.1:8080"
    telegram_token: str = ""  # the coordinators' chat uses the assistant's own bot
    telegram_api_root: str = TELEGRAM_API_ROOT

    @classmethod
    def current(cls) -> NotifySettings:
        found = project_settings.current()
        return cls(
            smtp=found.smtp,
            dashboard_url=found.dashboard_url,
            telegram_token=found.telegram.token,
            telegram_api_root=found.telegram.api_root_or_telegram,
        )


def send_email(settings: NotifySettings, to: str, subject: str, text: str) -> None:
    message = EmailMessage()
    server = settings.smtp
    message["From"] = server.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    with smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS) as smtp:
        if server.starttls:
            smtp.starttls()
        if server.user:
            smtp.login(server.user, server.password)
        smtp.send_message(message)


def send_telegram(settings: NotifySettings, chat_id: str, text: str) -> None:
    """One sendMessage call to the Bot API (or the server in TELEGRAM_BASE_URL)."""
    url = f"{settings.telegram_api_root}/bot{settings.telegram_token}/sendMessage"
    body = json.dumps({"chat_id": chat_id, "text": text}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        if not json.loads(response.read()).get("ok"):
            raise ValueError("the Bot API did not accept the message")
