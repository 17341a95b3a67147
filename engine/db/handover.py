"""Case handovers: prepared and executed batches, their cases, and the previous organisation's read-only grants."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class HandoverBatch(Base):
    """One handover (a single case, a leaving caseworker's cases, a municipality's cases) with its note."""

    __tablename__ = "handover_batch"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))          # case | caseworker | municipality
    status: Mapped[str] = mapped_column(String(20))        # prepared | done ("running" only inside its transaction)
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    from_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    to_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str] = mapped_column(Text)
    executed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    handed_over: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)


class HandoverCase(Base):
    """A case of a batch with the version seen when the batch was prepared; a changed version means skipped."""

    __tablename__ = "handover_case"
    batch_id: Mapped[str] = mapped_column(ForeignKey("handover_batch.id"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"), primary_key=True, index=True)
    version: Mapped[int] = mapped_column(Integer)
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))   # handed_over | skipped


class CaseAccessGrant(Base):
    """Read-only access of a case's previous organisation until a moment (the handover's read-only period)."""

    __tablename__ = "case_access_grant"
    __table_args__ = (Index("ix_case_access_grant_case_org", "case_id", "organisation_id", "until"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    until: Mapped[datetime] = mapped_column(UtcDateTime)
    batch_id: Mapped[str] = mapped_column(ForeignKey("handover_batch.id"))
    # The caseworker who handed the case over keeps reading it too, whichever municipalities they serve.
    previous_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
