"""Everything a database and a folder hold, as text, for looking for a person's traces."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def database_text(engine: Engine) -> str:
    """Every table, every column, every row: `iterdump` for SQLite, SELECT * for the rest."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        assert path, "a SQLite file"
        with sqlite3.connect(path) as conn:
            return "\n".join(conn.iterdump())
    lines: list[str] = []
    with engine.connect() as conn:
        for name in sorted(sa.inspect(conn).get_table_names()):
            for row in conn.execute(sa.text(f'SELECT * FROM "{name}"')):
                lines.append(f"{name}: {tuple(row)!r}")
    return "\n".join(lines)


def database_bytes(engine: Engine) -> bytes:
    """The SQLite file and its write-ahead log as they are on disk: free pages included."""
    path = engine.url.database
    assert engine.dialect.name == "sqlite" and path
    return b"".join(
        Path(name).read_bytes() for name in (path, f"{path}-wal") if Path(name).exists()
    )


def folder_bytes(*folders: Path) -> dict[Path, bytes]:
    """Every file under the folders, as bytes."""
    return {
        path: path.read_bytes()
        for folder in folders
        if folder.exists()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def forms(needle: str) -> set[str]:
    """How a piece of text may be written down: as it is, quoted for SQL (iterdump doubles
    ' in a literal), or escaped in JSON."""
    return {needle, needle.replace("'", "''"), needle.replace("'", "\\u0027")}


def traces(haystack: str | bytes, needles: list[str]) -> list[str]:
    """The needles found in the haystack (text, or bytes read as UTF-8), in any of `forms`."""
    if isinstance(haystack, str):
        return [needle for needle in needles if any(form in haystack for form in forms(needle))]
    return [
        needle for needle in needles if any(form.encode() in haystack for form in forms(needle))
    ]
