"""Deadline reminders, the in-app inbox and the outgoing mail queue."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class Reminder(Base):
    """One reminder to one person about one deadline in one period; the unique key makes it happen once."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "stage", "period", "recipient_id", name="uq_reminder_once"),
        Index("ix_reminder_recipient_unread", "recipient_id", "read_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))     # assessment | target_agreement | review | counselling_end | …
    stage: Mapped[str] = mapped_column(String(20))    # upcoming | overdue | escalation
    period: Mapped[str] = mapped_column(String(40))   # due date for upcoming/escalation, the day for daily overdue
    recipient_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OutgoingMail(Base):
    """A queued e-mail (the daily digest); retried with backoff, failures visible to admins."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (
        UniqueConstraint("recipient_id", "digest_day", name="uq_outgoing_mail_digest"),
        Index("ix_outgoing_mail_status_next", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    to_address: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    digest_day: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
