"""Telling a coordinators' team that a case needs them: email, and optionally their Telegram chat.

Messages carry the reference and a link, never the person's answers (words in words.yml), and
an email's subject only "A case needs you" and the reference. STARTTLS checks the mail server's
certificate (SMTP_CA_FILE for a council's own certificate authority).
`notify_soon` is the one way the conversation tells a team: in a worker thread, so the
person's reply never waits for a slow mail server, and with one error policy: a failure is
logged and written to the audit log, and never reaches the person.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from functools import cache, partial
from pathlib import Path
from typing import Any

from ras_core import background
from ras_core.domain.phrases import parse_phrases
from ras_core.notify.clients import NotifySettings, send_email, send_telegram
from ras_core.store import Store
from ras_core.store.cases import Case

log = logging.getLogger(__name__)
WORDS_FILE = Path(__file__).resolve().parent / "words.yml"
EVENTS = ("submitted", "resubmitted", "urgent", "asked_for_person")
PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    **{f"subject_{event}": frozenset({"reference"}) for event in EVENTS},
    **{f"body_{event}": frozenset() for event in EVENTS},
    "open_case": frozenset({"link"}),
}
ACTOR = "assistant"
URGENT_RETRIES = (5.0, 30.0, 120.0)  # an urgent case's team is asked again when it failed

__all__ = ["EVENTS", "NotifySettings", "notify_soon", "notify_team", "words"]


@cache
def words() -> Mapping[str, str]:
    return parse_phrases(WORDS_FILE, PLACEHOLDERS)


def notify_team(
    store: Store, case: Case, event: str, settings: NotifySettings | None = None
) -> list[str]:
    """Send what is set up for the case's team; returns where it went ("email", "telegram")."""
    settings = settings or NotifySettings.current()
    team = store.accounts.team(case.team_id)
    subject = words()[f"subject_{event}"].format(reference=case.reference)
    link = words()["open_case"].format(link=f"{settings.dashboard_url}/cases/{case.id}")
    text = f"{words()[f'body_{event}']}\n\n{link}\n"
    sent: list[str] = []
    if team.email and settings.smtp.host:
        email = partial(send_email, settings, team.email, subject, text, urgent=event == "urgent")
        _try(store, case, "email", email, sent)
    elif team.email:
        store.audit.add(ACTOR, "notify_skipped", case.id, "email: SMTP_HOST is not set")
    if team.telegram_chat_id and settings.telegram_token:
        message = partial(send_telegram, settings, team.telegram_chat_id, f"{subject}\n{text}")
        _try(store, case, "telegram", message, sent)
    return sent


def notify_soon(store: Store, case: Case, event: str) -> Future[Any]:
    """Tell the case's team from a worker thread; the caller never waits and never fails.

    An urgent case's team is told again later (URGENT_RETRIES) while no way of telling them
    has worked.
    """
    return background.soon(_notify_safely, store, case, event)


def _notify_safely(store: Store, case: Case, event: str) -> None:
    try:
        if _told(store, case, event) or event != "urgent":
            return
    except Exception as error:  # never let a notification problem reach the person
        log.exception("Could not notify the team about %s", case.reference)
        _audit_failure(store, case, f"{event}: {type(error).__name__}")
        return
    what = f"tell the team about urgent case {case.reference}"
    background.keep_trying(lambda: _told(store, case, event), what, URGENT_RETRIES)


def _told(store: Store, case: Case, event: str) -> bool:
    """Whether the team was told, or nothing is set up to tell them (no use trying again)."""
    if notify_team(store, case, event):
        return True
    team = store.accounts.team(case.team_id)
    settings = NotifySettings.current()
    email = bool(team.email and settings.smtp.host)
    return not (email or (team.telegram_chat_id and settings.telegram_token))


def _audit_failure(store: Store, case: Case, detail: str) -> None:
    try:
        store.audit.add(ACTOR, "notify_failed", case.id, detail)
    except Exception:
        log.exception("Could not write the failure to the audit log either")


def _try(store: Store, case: Case, how: str, send: Callable[[], None], sent: list[str]) -> None:
    try:
        send()
    except (OSError, smtplib.SMTPException, ValueError) as error:
        log.warning("Could not notify the team about %s by %s: %s", case.reference, how, error)
        store.audit.add(ACTOR, "notify_failed", case.id, f"{how}: {error}")
        return
    store.audit.add(ACTOR, "notified", case.id, how)
    sent.append(how)
