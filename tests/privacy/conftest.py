"""Stores for the privacy tests: a fresh SQLite file each, and databases on one throwaway
PostgreSQL server (skipped, saying why, only when its binaries are not installed)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ras_core.store import Store, open_store
from tests.dashboard.conftest import (  # noqa: F401 (the dashboard's fixtures, for its pages here)
    browser,
    browser_page,
    client,
    coordinator,
    dashboard_server,
    other_client,
    other_coordinator,
    server,
)
from tests.support import postgres

_names = count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    if not postgres.available():
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed on this machine")
    with postgres.postgres_server() as url:
        yield url


def fresh_postgres(server_url: str) -> str:
    """A new, empty database on the throwaway server."""
    name = f"privacy_{next(_names)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return str(make_url(server_url).set(database=name))


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return open_store(f"sqlite:///{tmp_path / 'assistant.db'}")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return open_store(f"sqlite:///{tmp_path / 'assistant.db'}")
    return open_store(fresh_postgres(request.getfixturevalue("postgres_server")))
