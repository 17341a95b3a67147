"""The last failed step of a case (a script or condition raised while a task was completed)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class StepFailure(Base):
    """Written in its own short transaction after the failed completion was rolled back, so a supervisor finds it;
    deleted by the case's next successful step or by a repair."""

    __tablename__ = "step_failure"
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"), primary_key=True)
    # The process whose step failed (the journey's is the case id).
    process_id: Mapped[str | None] = mapped_column(String(36))
    task_id: Mapped[str | None] = mapped_column(String(36))
    task_title: Mapped[str | None] = mapped_column(String(200))
    element_id: Mapped[str | None] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    failed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
