"""The operational figures behind `/metrics`: counts over indexed columns, read at scrape time.

Every figure comes from the database, so several web workers and scheduler processes report the same numbers.
Nothing here deserializes a workflow or reads a client's data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from engine.db import AuditVerification, CompletedTask, OutgoingMail, Reminder, StepFailure, WorkflowState

from .heartbeat import last_heartbeat


@dataclass(frozen=True)
class OperationalFigures:
    """A snapshot of the queues and error counts an operator alerts on (ages in seconds, None: never)."""

    task_completions: int
    timers_due: int
    oldest_due_timer_lateness: float
    failed_timers: int
    failed_steps: int
    mail_pending: int
    mail_failed: int
    reminders_unread: int
    audit_verification_age: float | None
    audit_last_ok: bool | None
    scheduler_heartbeat_age: float | None


def _age(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else max(0.0, (now - then).total_seconds())


def operational_figures(uow) -> OperationalFigures:
    """Read the figures in one read-only unit of work."""
    with uow:
        s, now = uow.session, uow.clock.now()
        states = WorkflowState.__table__
        due = (states.c.next_timer_at <= now) & states.c.timer_error.is_(None)
        timers_due, oldest = s.execute(select(func.count(), func.min(states.c.next_timer_at)).where(due)).one()
        audit = s.execute(select(AuditVerification.started_at, AuditVerification.ok)
                          .order_by(AuditVerification.started_at.desc()).limit(1)).first()
        return OperationalFigures(
            task_completions=s.execute(select(func.count()).select_from(CompletedTask)).scalar_one(),
            timers_due=timers_due,
            oldest_due_timer_lateness=_age(now, _aware(oldest)) or 0.0,
            failed_timers=s.execute(select(func.count()).where(states.c.timer_error.is_not(None))).scalar_one(),
            failed_steps=s.execute(select(func.count()).select_from(StepFailure)).scalar_one(),
            mail_pending=_mail(s, "pending"),
            mail_failed=_mail(s, "failed"),
            reminders_unread=s.execute(select(func.count()).where(Reminder.read_at.is_(None))).scalar_one(),
            audit_verification_age=_age(now, audit[0]) if audit else None,
            audit_last_ok=bool(audit[1]) if audit else None,
            scheduler_heartbeat_age=_age(now, last_heartbeat(s)),
        )


def _mail(session, status: str) -> int:
    return session.execute(select(func.count()).where(OutgoingMail.status == status)).scalar_one()


def _aware(value: datetime | None) -> datetime | None:
    # An aggregate keeps the column type, but be safe about SQLite's naive text either way.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
