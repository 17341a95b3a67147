"""Data protection records: consent per person and purpose, and the append-only access log."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JsonType, UtcDateTime

BigId = BigInteger().with_variant(Integer, "sqlite")


class ConsentRecord(Base):
    """One consent of one person (the client or a household member) to a set of purposes; withdrawn, not deleted."""

    __tablename__ = "consent_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("client.id"))
    # None: the client; otherwise the household member the consent is for.
    household_member_id: Mapped[int | None] = mapped_column(ForeignKey("household_member.id"))
    purposes: Mapped[list] = mapped_column(JsonType)  # basic | special_categories | share_with_partners
    given_on: Mapped[date] = mapped_column(Date)
    form: Mapped[str] = mapped_column(String(30))  # written | oral | oral_interpreter | electronic
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))  # None: taken over by migration
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # A withdrawal may cover some purposes only; the record counts as withdrawn once all are.
    withdrawn_purposes: Mapped[list | None] = mapped_column(JsonType)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    withdrawal_note: Mapped[str | None] = mapped_column(Text)

    @property
    def active_purposes(self) -> list[str]:
        """Purposes still covered by this consent."""
        gone = set(self.withdrawn_purposes or [])
        return [p for p in self.purposes if p not in gone]


class AccessLog(Base):
    """Who looked at (or tried to look at) which case, when and how; rows are only ever inserted.

    Case and client are kept as ids without foreign keys: a refused attempt may name a case that does not
    exist, and anonymisation leaves the log intact because it holds no names.
    """

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_case_at", "case_id", "at"), Index("ix_access_log_user_at", "user_id", "at"),
                      Index("ix_access_log_at", "at"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    case_id: Mapped[str | None] = mapped_column(String(36))
    client_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(30))   # view | task | export | print | download | change
    outcome: Mapped[str] = mapped_column(String(20))  # ok | refused | not_found
    path: Mapped[str] = mapped_column(String(300))
