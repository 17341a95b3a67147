"""Funded positions: full-time equivalents the state granted per organisation and municipality and period."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class FundedPosition(Base):
    """Vollzeitäquivalente granted for one organisation's work in one municipality during a funding period."""

    __tablename__ = "funded_position"
    __table_args__ = (
        UniqueConstraint("organisation_id", "municipality_id", "period_start", name="uq_funded_position_period"),
        Index("ix_funded_position_period", "period_start", "period_end"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    fte: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    note: Mapped[str | None] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
