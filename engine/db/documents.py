"""Documents kept on a case (scans of permits, the signed agreement, notices): metadata and, by default, the bytes."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Base, UtcDateTime


class CaseDocument(Base):
    """One uploaded file of a case; `content` holds the bytes unless they live in the document directory."""

    __tablename__ = "case_document"
    # The case page lists a case's documents newest first; the compliance rule looks for a category per case.
    __table_args__ = (Index("ix_case_document_case_uploaded", "case_id", "uploaded_at"),
                      Index("ix_case_document_category_case", "category", "case_id"),
                      Index("ix_case_document_sha256", "sha256"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"))
    category: Mapped[str] = mapped_column(String(40))
    document_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage: Mapped[str] = mapped_column(String(10))  # "db" | "dir"
    # Deferred: lists and the case page never load the bytes.
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
