"""Random references people and coordinators can read aloud: cases ("IB-7KX2M9") and people
("P-7KX2M9QH", how the audit log names a person)."""

from __future__ import annotations

import secrets

from sqlalchemy import Column, select
from sqlalchemy.engine import Connection

REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: easy to read aloud


def new_reference(
    conn: Connection,
    prefix: str,
    length: int,
    taken: tuple[Column, ...],
) -> str:
    """A reference in none of the `taken` columns: never one a past, erased row had either,
    so an old audit entry can never seem to be about someone new."""
    while True:
        reference = prefix + "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(length))
        if all(
            conn.execute(select(column).where(column == reference).limit(1)).first() is None
            for column in taken
        ):
            return reference
