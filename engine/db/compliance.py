"""Versions of the mandated-step rules file, and the indexes the set-based rule checks read through."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime
from .workflow_tables import CompletedTask


class RuleSetVersion(Base):
    """One accepted version of the rules file; the newest one is in force (refused edits are never stored)."""

    __tablename__ = "rule_set_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    source: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


# Rules look up completions of one step across all cases ("every assessment"), not one case's history.
Index("ix_completed_task_spec_case", CompletedTask.task_spec, CompletedTask.case_id, CompletedTask.completed_at)
Index("ix_completed_task_step_case", CompletedTask.step, CompletedTask.case_id, CompletedTask.completed_at)
