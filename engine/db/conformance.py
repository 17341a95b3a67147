"""Stored conformance (Prozesstreue) results: does a case's sequence of completed steps fit its process model."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JsonType, UtcDateTime


class ConformanceResult(Base):
    """The last conformance check of one case against the process version it runs on."""

    __tablename__ = "conformance_result"
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"), primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    fits: Mapped[bool] = mapped_column(Boolean, index=True)
    explained: Mapped[bool] = mapped_column(Boolean)
    steps: Mapped[int] = mapped_column(Integer)
    # [{"position", "step", "title", "kind", "expected": [titles]}], explanations [{"kind", "at", "text"}]
    deviations: Mapped[list] = mapped_column(JsonType)
    explanations: Mapped[list] = mapped_column(JsonType)
