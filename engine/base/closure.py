"""Closing a case: the one place that marks a case closed, always with a reason and an event.

Closing ends every process of the case: the journey counts as completed, further processes still running are
cancelled — their open tasks leave the worklists and their timers stop.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update

from engine.db import Case, CaseProcess, OpenTask, WorkflowState

from .events import record_event


def close_case(uow, case: Case, reason: str | None, closed_on: date | None, actor_id: int | None, **extra) -> None:
    """Mark a case closed with its reason (every closure has one) and end its processes."""
    case.status, case.phase = "closed", "closed"
    case.closure_reason = reason or "other"
    case.closed_on = closed_on or uow.clock.today()
    case.next_review_due = None
    now = uow.clock.now()
    running = CaseProcess.case_id == case.id, CaseProcess.status == "running"
    others = list(uow.session.execute(select(CaseProcess.id).where(*running, CaseProcess.id != case.id)).scalars())
    uow.session.execute(update(CaseProcess).where(*running, CaseProcess.id == case.id)
                        .values(status="completed", completed_at=now).execution_options(synchronize_session=False))
    if others:
        uow.session.execute(update(CaseProcess).where(CaseProcess.id.in_(others))
                            .values(status="cancelled", completed_at=now)
                            .execution_options(synchronize_session=False))
        uow.session.execute(delete(OpenTask).where(OpenTask.process_id.in_(others))
                            .execution_options(synchronize_session=False))
        uow.session.execute(update(WorkflowState).where(WorkflowState.process_id.in_(others))
                            .values(next_timer_at=None).execution_options(synchronize_session=False))
    record_event(uow, "case_closed", actor_id, case.id, reason=case.closure_reason,
                 closed_on=case.closed_on.isoformat(), **extra)
