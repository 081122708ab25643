"""The two ways a team is told: an SMTP email, and a message in the team's Telegram chat."""

from __future__ import annotations

import json
import smtplib
import ssl
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


def send_email(
    settings: NotifySettings, to: str, subject: str, text: str, *, urgent: bool = False
) -> None:
    """One email. An urgent one is marked high importance: the subject never says why."""
    message = EmailMessage()
    server = settings.smtp
    message["From"] = server.sender
    message["To"] = to
    message["Subject"] = subject
    if urgent:
        message["Importance"] = "high"
        message["X-Priority"] = "1"
    message.set_content(text)
    with smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS) as smtp:
        if server.starttls:
            smtp.starttls(context=tls_context(server))
        if server.user:
            smtp.login(server.user, server.password)
        smtp.send_message(message)


def tls_context(server: SmtpSettings) -> ssl.SSLContext:
    """Checks the mail server's certificate and name: against SMTP_CA_FILE when a council uses
    its own certificate authority, otherwise against the system's."""
    cafile = str(server.ca_file) if server.ca_file else None
    return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)


def send_telegram(settings: NotifySettings, chat_id: str, text: str) -> None:
    """One sendMessage call to the Bot API (or the server in TELEGRAM_BASE_URL)."""
    url = f"{settings.telegram_api_root}/bot{settings.telegram_token}/sendMessage"
    body = json.dumps({"chat_id": chat_id, "text": text}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        if not json.loads(response.read()).get("ok"):
            raise ValueError("the Bot API did not accept the message")
