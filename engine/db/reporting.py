"""Records the state report and the printable target agreement need: eligible persons, generated PDF versions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class EligiblePersons(Base):
    """Persons in follow-up accommodation eligible for counselling, entered per municipality and period.

    The denominator of the coverage figure. Rows are only inserted: a correction is a newer row, so a report
    for an earlier as-of time still finds the figure that was valid then. `quarter` 0 means the whole year.
    """

    __tablename__ = "eligible_persons"
    __table_args__ = (Index("ix_eligible_persons_period", "year", "quarter", "municipality_id", "recorded_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    persons: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))


class TargetAgreementDocument(Base):
    """One generated PDF of a case's Zielvereinbarung; every version is kept, byte for byte."""

    __tablename__ = "target_agreement_document"
    __table_args__ = (UniqueConstraint("case_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    # The client's language printed beside the German text; None for the German-only document.
    language: Mapped[str | None] = mapped_column(String(10))
