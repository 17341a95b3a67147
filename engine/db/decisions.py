"""Decision tables (DMN): immutable deployed versions and the indexed outcomes of their evaluations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JsonType, UtcDateTime


class DecisionDefinition(Base):
    """An immutable deployed version of a decision table; process versions pin the ones they were deployed with."""

    __tablename__ = "decision_definition"
    __table_args__ = (UniqueConstraint("key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    dmn_xml: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)
    deployed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DecisionOutcome(Base):
    """One evaluation of a decision table for a case, as compliance filters it (never read from a workflow).

    `outcome` is the evaluation's main result as short text (the first output, e.g. "False" or "3"); `event_id`
    is not stored because the event row gets its id at commit: the audit event carries the same payload.
    """

    __tablename__ = "decision_outcome"
    __table_args__ = (Index("ix_decision_outcome_key_outcome", "decision_key", "outcome", "case_id"),
                      Index("ix_decision_outcome_case", "case_id", "evaluated_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"))
    process_id: Mapped[str | None] = mapped_column(String(36))
    decision_key: Mapped[str] = mapped_column(String(100))
    decision_name: Mapped[str] = mapped_column(String(200))
    decision_version: Mapped[int | None] = mapped_column(Integer)
    rules: Mapped[list] = mapped_column(JsonType)
    outputs: Mapped[dict] = mapped_column(JsonType)
    outcome: Mapped[str] = mapped_column(String(200))
    explanation: Mapped[str] = mapped_column(Text)
    evaluated_at: Mapped[datetime] = mapped_column(UtcDateTime)
