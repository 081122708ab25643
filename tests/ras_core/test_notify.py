"""Notifying coordinators: a real local SMTP server and the loopback Telegram Bot API."""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import ras_core.notify
from ras_core.casework import Casework
from ras_core.domain.review import Role
from ras_core.notify import EVENTS, NotifySettings, notify_soon, notify_team
from ras_core.settings import SettingsError, SmtpSettings, from_mapping
from ras_core.store import Store, open_store
from ras_core.store.cases import Case
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.mail import Mailbox, free_port, smtp_server


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
    assert mail.subject == f"A case needs you: {case.reference}"
    assert mail.message["Importance"] is None
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
    assert mail.subject == f"A case needs you: {case.reference}"
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
    assert (telegram.text or "").startswith(f"A case needs you: {case.reference}\n")
    # The subject says nothing of what happened; the email is marked important instead.
    assert mail.subject == f"A case needs you: {case.reference}"
    assert (mail.message["Importance"], mail.message["X-Priority"]) == ("high", "1")
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


@pytest.mark.parametrize("event", EVENTS)
def test_every_subject_says_only_that_a_case_needs_you_and_its_reference(
    store: Store, event: str
) -> None:
    """A subject is read where the email is not opened: it never says what happened."""
    store.accounts.add_team("North", email="north@council.example", takes_new_cases=True)
    case = new_case(store)
    with smtp_server() as (mailbox, port):
        assert notify_team(store, case, event, NotifySettings(smtp=smtp(port))) == ["email"]
        [mail] = mailbox.wait_for(1)
    assert mail.subject == f"A case needs you: {case.reference}"


# STARTTLS against a certificate authority made here: the mail server's certificate must be
# checked, so a server the system does not trust is refused unless SMTP_CA_FILE names its CA.


def _certificate_authority(
    tmp_path: Path, names: Sequence[x509.GeneralName]
) -> tuple[Path, Path, Path]:
    """(ca.pem, server.pem, server.key): a CA, and a server certificate for `names` it signed."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test council CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail server")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = (tmp_path / "ca.pem", tmp_path / "server.pem", tmp_path / "server.key")
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@contextmanager
def starttls_server(certificate: Path, key: Path) -> Iterator[tuple[Mailbox, int]]:
    """The loopback mail server of tests/support/mail.py, offering STARTTLS."""
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(certificate, key)
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=tls)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def _starttls(port: int, ca_file: Path | None = None) -> NotifySettings:
    return NotifySettings(
        smtp=SmtpSettings(host="127.0.0.1", port=port, starttls=True, ca_file=ca_file)
    )


LOOPBACK = [x509.IPAddress(IPv4Address("127.0.0.1"))]


def test_starttls_refuses_a_mail_server_whose_certificate_it_cannot_check(
    store: Store, tmp_path: Path
) -> None:
    store.accounts.add_team("North", email="north@council.example", takes_new_cases=True)
    case = new_case(store)
    _ca, certificate, key = _certificate_authority(tmp_path, LOOPBACK)
    with starttls_server(certificate, key) as (mailbox, port):
        assert notify_team(store, case, "urgent", _starttls(port)) == []
    assert mailbox.received == []
    [failed] = [e for e in store.audit.entries(case.id) if e.action == "notify_failed"]
    assert failed.detail.startswith("email:") and "CERTIFICATE_VERIFY_FAILED" in failed.detail


def test_starttls_trusts_a_councils_own_certificate_authority(store: Store, tmp_path: Path) -> None:
    store.accounts.add_team("North", email="north@council.example", takes_new_cases=True)
    case = new_case(store)
    ca, certificate, key = _certificate_authority(tmp_path, LOOPBACK)
    settings = from_mapping(
        {"SMTP_HOST": "127.0.0.1", "SMTP_STARTTLS": "1", "SMTP_CA_FILE": str(ca)}
    )
    assert settings.smtp.ca_file == ca
    with starttls_server(certificate, key) as (mailbox, port):
        assert notify_team(store, case, "urgent", _starttls(port, ca)) == ["email"]
        [mail] = mailbox.wait_for(1)
    assert mail.subject == f"A case needs you: {case.reference}"


def test_starttls_checks_the_name_on_the_certificate_too(store: Store, tmp_path: Path) -> None:
    store.accounts.add_team("North", email="north@council.example", takes_new_cases=True)
    case = new_case(store)
    elsewhere = [x509.DNSName("mail.elsewhere.example")]
    ca, certificate, key = _certificate_authority(tmp_path, elsewhere)
    with starttls_server(certificate, key) as (mailbox, port):
        assert notify_team(store, case, "submitted", _starttls(port, ca)) == []
    assert mailbox.received == []
    [failed] = [e for e in store.audit.entries(case.id) if e.action == "notify_failed"]
    assert "mismatch" in failed.detail  # the CA is trusted, but the name is not this server's


def test_a_ca_file_that_is_not_there_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SMTP_CA_FILE"):
        from_mapping({"SMTP_CA_FILE": str(tmp_path / "missing.pem")})
