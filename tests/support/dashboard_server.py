"""The real dashboard, served by uvicorn in a background thread on a free loopback port.

`dashboard_server` (one per test session) runs it over a fresh SQLite database with two
teams: North takes new cases, South does not. `DashboardServer.sign_in` gives an httpx client
signed in through the real sign-in form. Import the fixture into a conftest.py to use it.

The tests talk plain http, so `serve` turns off Secure cookies and HSTS on purpose
(`insecure_http`, as DASHBOARD_INSECURE_HTTP=1 does), and lifts the sign-in limits that would
stop a whole test session signing in from 127.0.0.1; tests of those give their own.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count

import httpx
import pytest
import uvicorn

from dashboard.app import create_app
from ras_core.casework import Casework
from ras_core.settings import DashboardSecurity
from ras_core.store import Store, open_store
from ras_core.store.accounts import Coordinator

PASSWORD = "correct horse battery staple"
INTAKE_TEAM = "North"
OTHER_TEAM = "South"
OVER_HTTP = DashboardSecurity(
    insecure_http=True, sign_ins_per_address=1_000_000, sign_ins_overall=1_000_000
)


@dataclass
class DashboardServer:
    url: str
    store: Store
    work: Casework
    _numbers: Iterator[int] = field(default_factory=lambda: count(1))

    def add_coordinator(self, team: str = INTAKE_TEAM, password: str = PASSWORD) -> Coordinator:
        """A new account, so each test starts from a clean sign-in record."""
        username = f"{team.lower()}{next(self._numbers)}"
        return self.store.accounts.add_coordinator(username, f"{team} Coordinator", team, password)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=10)

    def sign_in(self, username: str, password: str = PASSWORD) -> httpx.Client:
        """A client signed in through the sign-in form; raises if that did not work."""
        client = self.client()
        response = post_sign_in(client, username, password)
        if response.status_code != 303:
            raise AssertionError(f"sign-in failed: {response.status_code}")
        return client


def hidden(html: str, name: str) -> str:
    """The value of a hidden form field."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    if found is None:
        raise AssertionError(f"no hidden field {name!r} in the page")
    return found.group(1)


def post_sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    token = hidden(client.get("/sign-in").text, "sign_in_token")
    form = {"username": username, "password": password, "sign_in_token": token}
    return client.post("/sign-in", data=form)


def csrf_token(client: httpx.Client) -> str:
    return hidden(client.get("/").text, "csrf_token")


@contextmanager
def serve(store: Store, security: DashboardSecurity | None = OVER_HTTP) -> Iterator[str]:
    """Run the app until the block ends; gives its base URL. None: security from the settings."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(store, security=security)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the dashboard did not start within 10 seconds")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def dashboard_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardServer]:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'dashboard.db'}")
    store.accounts.add_team(INTAKE_TEAM, email="north@council.example", takes_new_cases=True)
    store.accounts.add_team(OTHER_TEAM, email="south@council.example")
    with serve(store) as url:
        yield DashboardServer(url, store, Casework(store))
