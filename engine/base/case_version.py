"""The case's version column: every write to a case claims it first, so concurrent changes are detected."""
from __future__ import annotations

from sqlalchemy import bindparam, update

from engine.db import Case, Prebuilt

_CASES = Case.__table__
# One prebuilt guard statement per set of case columns written along with the version (a handful of sets exist).
_GUARDS: dict[tuple[str, ...], object] = {}


def bump_case_version(uow, case_id: str, expected_version: int) -> bool:
    """Claim the case for this transaction: version+1 only if nobody changed it since the form was opened.

    Issued as the transaction's first write so concurrent completions queue on the row lock and the losers
    see the new version instead of overwriting the winner.
    """
    return claim_case_version(uow.session.connection(), case_id, expected_version, uow.clock.now(), {})


def claim_case_version(conn, case_id: str, expected_version: int, now, columns: dict) -> bool:
    """bump_case_version that also writes `columns` of the case in the same UPDATE (the step's case changes)."""
    claim = send_case_claim(conn, case_id, expected_version, now, columns)
    try:
        return claim.rowcount == 1
    finally:
        claim.close()


def send_case_claim(conn, case_id: str, expected_version: int, now, columns: dict):
    """claim_case_version whose answer is read later: `.rowcount == 1` once known (inside a PostgreSQL pipeline,
    after the block), so the claim and the writes it guards can go to the server in one round trip."""
    key = tuple(sorted(columns))
    stmt = _GUARDS.get(key)
    if stmt is None:
        stmt = _GUARDS[key] = Prebuilt(
            update(_CASES).where(_CASES.c.id == bindparam("guard_id"), _CASES.c.version == bindparam("guard_version"))
            .values(version=_CASES.c.version + 1, updated_at=bindparam("guard_now"),
                    **{name: bindparam(f"set_{name}") for name in key}))
    params = {f"set_{name}": value for name, value in columns.items()}
    params.update(guard_id=case_id, guard_version=expected_version, guard_now=now)
    return stmt.send(conn, params)
