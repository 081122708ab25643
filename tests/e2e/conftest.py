"""The real servers for the end-to-end tests, started once per test run on free loopback ports."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.launcher.servers import Servers, ServerSettings
from ras_core.store import open_store
from tests.support.mail import Mailbox, smtp_server

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "assistant.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'assistant.db'}"


@pytest.fixture(scope="session")
def mail() -> Iterator[Mailbox]:
    """A real SMTP server on loopback: coordinators' emails from the action server land here."""
    with smtp_server() as (mailbox, port):
        mailbox.port = port
        yield mailbox


@pytest.fixture(scope="session")
def servers(
    database: str, mail: Mailbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Servers]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` first")
    open_store(database)  # migrate, as the launcher does
    settings = ServerSettings(
        repo=REPO,
        rasa_port=free_port(),
        action_port=free_port(),
        database_url=database,
        log_dir=tmp_path_factory.mktemp("logs"),
        model=MODEL,
        extra_env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(mail.port)},
    )
    with Servers(settings) as running:
        running.start_actions()
        running.start_rasa()
        running.wait_ready()
        yield running
