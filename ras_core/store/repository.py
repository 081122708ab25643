"""What every repository shares: its engine, and short reads each on their own connection."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.sql import Executable


class Repository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def first(self, query: Executable) -> Any:
        """The first row of a query, or None."""
        with self.engine.connect() as conn:
            return conn.execute(query).first()

    def one(self, query: Executable) -> Any:
        """The only row of a query; raises when there is none."""
        with self.engine.connect() as conn:
            return conn.execute(query).one()

    def rows(self, query: Executable) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(query).all())
