"""Looking after accounts from the command line, then seeing the web app obey at once.

`main(argv)` of `python -m dashboard.accounts` runs on the shared test server's database, so a
coordinator signed in through the real form is signed out by the command, not by the test.
"""

from __future__ import annotations

import io
import sys
from contextlib import closing

import httpx
import pytest

from dashboard.accounts import main
from ras_core.store.accounts import COMMAND_LINE, Coordinator
from tests.support.dashboard_server import PASSWORD, DashboardServer, post_sign_in

WRONG = "not the right password"
NEW_PASSWORD = "a brand new long password"


@pytest.fixture()
def command(
    server: DashboardServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Command:
    monkeypatch.setenv("DATABASE_URL", str(server.store.engine.url))
    return Command(monkeypatch, capsys)


class Command:
    """Runs `python -m dashboard.accounts ...` in this process: (exit code, what it printed)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.monkeypatch = monkeypatch
        self.capsys = capsys

    def __call__(self, *argv: str, typed: str = "") -> tuple[int, str]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
        self.capsys.readouterr()
        code = main(list(argv))
        printed = self.capsys.readouterr()
        return code, (printed.out + printed.err).strip()


def signed_in(client: httpx.Client) -> bool:
    return client.get("/").status_code == 200


def can_sign_in(server: DashboardServer, username: str, password: str = PASSWORD) -> bool:
    with server.client() as client:
        response = post_sign_in(client, username, password)
    assert response.status_code in (303, 401)
    return response.status_code == 303


def audited(server: DashboardServer, action: str) -> list[str]:
    """The user names in the audit log's entries for this change made from the command line."""
    return [e.detail for e in server.store.audit.entries()
            if (e.actor, e.action, e.case_reference) == (COMMAND_LINE, action, None)]  # fmt: skip


def test_a_disabled_account_is_signed_out_at_once_and_cannot_sign_in_until_enabled(
    server: DashboardServer, command: Command
) -> None:
    coordinator = server.add_coordinator()
    name = coordinator.username
    with closing(server.sign_in(name)) as client:
        assert signed_in(client)
        assert command("disable", name) == (
            0,
            f"Disabled {name}: they cannot sign in, and they are signed out everywhere.",
        )
        assert not signed_in(client)  # the open session stops working at once
        response = client.get("/")
        assert (response.status_code, response.headers["location"]) == (303, "/sign-in")
    assert not can_sign_in(server, name)
    assert server.store.accounts.standing(name).disabled
    assert command("disable", name) == (0, f"{name} was disabled already.")

    assert command("enable", name) == (
        0,
        f"Enabled {name}: they can sign in again with their password.",
    )
    assert can_sign_in(server, name)
    assert command("enable", name) == (0, f"{name} was not disabled.")
    assert audited(server, "disable_coordinator")[-1] == name
    assert audited(server, "enable_coordinator")[-1] == name


def test_a_new_password_made_up_and_printed_ends_every_session_and_lifts_a_lock(
    server: DashboardServer, command: Command
) -> None:
    coordinator = server.add_coordinator()
    name = coordinator.username
    with closing(server.sign_in(name)) as client:
        for _ in range(5):  # locked, from another browser
            can_sign_in(server, name, WRONG)
        assert server.store.accounts.standing(name).locked_until is not None
        code, said = command("reset-password", name, "--generate")
        assert code == 0 and not signed_in(client)
    first, given, how = said.splitlines()
    assert first == f"{name} has a new password and is signed out everywhere."
    assert how == "Give it to them in person or by phone."
    new_password = given.removeprefix("The new password is: ")
    assert len(new_password) >= 20
    assert not can_sign_in(server, name, PASSWORD)
    assert can_sign_in(server, name, new_password)  # the lock is lifted too
    assert audited(server, "reset_password")[-1] == name
    assert all(new_password not in e.detail for e in server.store.audit.entries())


def test_a_new_password_can_be_typed_and_a_short_one_is_refused(
    server: DashboardServer, command: Command
) -> None:
    name = server.add_coordinator().username
    assert command("reset-password", name, typed="too short\n") == (
        2,
        "A password needs at least 12 characters.",
    )
    assert can_sign_in(server, name, PASSWORD)
    assert command("reset-password", name, typed=NEW_PASSWORD + "\n") == (
        0,
        f"{name} has a new password and is signed out everywhere.",
    )
    assert can_sign_in(server, name, NEW_PASSWORD) and not can_sign_in(server, name, PASSWORD)


def test_a_disabled_account_given_a_new_password_stays_disabled(
    server: DashboardServer, command: Command
) -> None:
    name = server.add_coordinator().username
    command("disable", name)
    command("reset-password", name, typed=NEW_PASSWORD + "\n")
    assert not can_sign_in(server, name, NEW_PASSWORD)
    command("enable", name)
    assert can_sign_in(server, name, NEW_PASSWORD)


def test_end_sessions_signs_a_coordinator_out_everywhere_but_they_may_sign_in_again(
    server: DashboardServer, command: Command, other_coordinator: Coordinator
) -> None:
    name = server.add_coordinator().username
    with (
        closing(server.sign_in(name)) as desk,
        closing(server.sign_in(name)) as laptop,
        closing(server.sign_in(other_coordinator.username)) as someone_else,
    ):
        assert command("end-sessions", name) == (
            0,
            f"Signed {name} out everywhere (2 sessions ended).",
        )
        assert not signed_in(desk) and not signed_in(laptop)
        assert signed_in(someone_else)
    assert command("end-sessions", name) == (0, f"Signed {name} out everywhere (0 sessions ended).")
    assert can_sign_in(server, name)
    assert audited(server, "end_sessions")[-2:] == [name, name]


@pytest.mark.parametrize("what", ["disable", "enable", "reset-password", "end-sessions"])
def test_an_account_that_does_not_exist_is_one_plain_line_and_exit_code_2(
    command: Command, what: str
) -> None:
    assert command(what, "nobody-by-this-name", typed=NEW_PASSWORD + "\n") == (
        2,
        "There is no coordinator called 'nobody-by-this-name'.",
    )
