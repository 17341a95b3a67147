"""The case's version column: every write to a case claims it first, so concurrent changes are detected."""
from __future__ import annotations

from sqlalchemy import update

from engine.db import Case


def bump_case_version(uow, case_id: str, expected_version: int) -> bool:
    """Claim the case for this transaction: version+1 only if nobody changed it since the form was opened.

    Issued as the transaction's first write so concurrent completions queue on the row lock and the losers
    see the new version instead of overwriting the winner.
    """
    cases = Case.__table__
    result = uow.session.connection().execute(
        update(cases).where(cases.c.id == case_id, cases.c.version == expected_version)
        .values(version=cases.c.version + 1, updated_at=uow.clock.now()))
    return result.rowcount == 1
