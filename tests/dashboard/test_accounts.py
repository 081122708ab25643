"""Teams and coordinator accounts from the command line; `python -m dashboard` serves the app."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dashboard.accounts import main
from ras_core.store.accounts import Accounts
from ras_core.store.engine import make_engine

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


@pytest.fixture()
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def with_stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_a_team_and_a_coordinator_are_added_and_can_sign_in(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add-team", "East", "--email", "east@council.example", "--intake"]) == 0
    with_stdin(monkeypatch, PASSWORD + "\n")
    assert main(["add-coordinator", "dee", "--name", "Dee Jones", "--team", "East"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Added the team East. It takes new cases.",
        "Added Dee Jones (dee) to the team East.",
    ]
    accounts = Accounts(make_engine(database))
    team = accounts.team_named("East")
    assert (team.email, team.takes_new_cases) == ("east@council.example", True)
    signed_in = accounts.sign_in("dee", PASSWORD).coordinator
    assert signed_in is not None and signed_in.team_id == team.id


@pytest.mark.parametrize(
    ("argv", "password", "says"),
    [
        (["add-coordinator", "dee", "--name", "Dee", "--team", "Nowhere"], PASSWORD,
         "There is no team called 'Nowhere'."),
        (["add-coordinator", "dee", "--name", "Dee", "--team", "East"], "too short",
         "A password needs at least 12 characters."),
        (["add-team", "East"], "", "There is already a team called 'East'."),
    ],
)  # fmt: skip
def test_problems_are_one_plain_line_and_exit_code_2(
    database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    password: str,
    says: str,
) -> None:
    assert main(["add-team", "East"]) == 0
    with_stdin(monkeypatch, password + "\n")
    assert main(argv) == 2
    assert capsys.readouterr().err == says + "\n"
    assert Accounts(make_engine(database)).coordinator("dee") is None


def test_the_same_username_twice_is_refused(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["add-team", "East"])
    for expected in (0, 2):
        with_stdin(monkeypatch, PASSWORD + "\n")
        assert main(["add-coordinator", "dee", "--name", "Dee", "--team", "East"]) == expected
    assert capsys.readouterr().err == "There is already a coordinator called 'dee'.\n"


def environment(database: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database, "PYTHONPATH": str(REPO), **extra}


def test_the_commands_run_as_modules_with_the_password_piped_in(
    database: str, tmp_path: Path
) -> None:
    """The real entry points: accounts from the shell, then `python -m dashboard` serves them."""
    env = environment(database)
    accounts = [sys.executable, "-m", "dashboard.accounts"]
    subprocess.run([*accounts, "add-team", "West", "--intake"], env=env, check=True)
    made = subprocess.run(
        [*accounts, "add-coordinator", "wyn", "--name", "Wyn Evans", "--team", "West"],
        env=env, input=PASSWORD + "\n", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (made.returncode, made.stdout) == (0, "Added Wyn Evans (wyn) to the team West.\n")

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = environment(database, DASHBOARD_PORT=str(port))
    env.pop("DASHBOARD_INSECURE_HTTP", None)  # as deployed: Secure cookies and HSTS
    server = subprocess.Popen([sys.executable, "-m", "dashboard"], env=env, cwd=tmp_path)
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/sign-in")
        assert "Sign in" in page.text and page.headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" in page.headers
        assert "secure" in page.headers["set-cookie"].lower().split("; ")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(url: str) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(url)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
