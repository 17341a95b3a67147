"""Closing a case: the one place that marks a case closed, always with a reason and an event."""
from __future__ import annotations

from datetime import date

from engine.db import Case

from .events import record_event


def close_case(uow, case: Case, reason: str | None, closed_on: date | None, actor_id: int | None, **extra) -> None:
    """Mark a case closed with its reason (every closure has one)."""
    case.status, case.phase = "closed", "closed"
    case.closure_reason = reason or "other"
    case.closed_on = closed_on or uow.clock.today()
    case.next_review_due = None
    record_event(uow, "case_closed", actor_id, case.id, reason=case.closure_reason,
                 closed_on=case.closed_on.isoformat(), **extra)
