"""The dashboard's tests run the real app (uvicorn) over a real SQLite database, and Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ras_core.store.accounts import Coordinator
from ras_core.store.cases import Case
from tests.dashboard.builders import make_case
from tests.support.browser import browser, browser_page  # noqa: F401 (fixtures)
from tests.support.dashboard_server import (  # noqa: F401 (fixture)
    OTHER_TEAM,
    DashboardServer,
    dashboard_server,
)


@pytest.fixture(scope="session")
def server(dashboard_server: DashboardServer) -> DashboardServer:  # noqa: F811
    return dashboard_server


@pytest.fixture(scope="session")
def coordinator(server: DashboardServer) -> Coordinator:
    """A coordinator in the team that gets new cases (shared: each test makes its own cases)."""
    return server.add_coordinator()


@pytest.fixture(scope="session")
def other_coordinator(server: DashboardServer) -> Coordinator:
    return server.add_coordinator(OTHER_TEAM)


@pytest.fixture()
def client(server: DashboardServer, coordinator: Coordinator) -> Iterator[httpx.Client]:
    signed_in = server.sign_in(coordinator.username)
    yield signed_in
    signed_in.close()


@pytest.fixture()
def other_client(server: DashboardServer, other_coordinator: Coordinator) -> Iterator[httpx.Client]:
    """Signed in as a coordinator of another team."""
    signed_in = server.sign_in(other_coordinator.username)
    yield signed_in
    signed_in.close()


@pytest.fixture()
def case(server: DashboardServer) -> Case:
    """A case the person has sent, with every kind of answer and a plan that raises every flag."""
    return make_case(server.store, server.work)
