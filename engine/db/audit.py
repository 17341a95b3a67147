"""Runs of the audit-chain verification (Prüfpfad): when, by whom, OK or the first broken link."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime

BigNumber = BigInteger().with_variant(Integer, "sqlite")


class AuditVerification(Base):
    """One verification of the event chain: when, by whom, how many events, OK or the first broken link."""

    __tablename__ = "audit_verification"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    seconds: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))  # web | cli | scheduler
    triggered_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    ok: Mapped[bool] = mapped_column(Boolean)
    events_checked: Mapped[int] = mapped_column(BigNumber)
    redacted: Mapped[int] = mapped_column(BigNumber, default=0)
    # The chain head seen (a later run checks that this position still carries this hash).
    head_seq: Mapped[int] = mapped_column(BigNumber)
    head_hash: Mapped[str] = mapped_column(String(64))
    broken_seq: Mapped[int | None] = mapped_column(BigNumber)
    broken_event_id: Mapped[int | None] = mapped_column(BigNumber)
    problem: Mapped[str | None] = mapped_column(Text)
