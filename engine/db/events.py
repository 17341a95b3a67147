"""The append-only event log: every state change, who did it and when."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JsonType, UtcDateTime


class Event(Base):
    """One audited happening; rows are only ever inserted."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_case_id", "case_id", "id"), Index("ix_event_kind_at", "kind", "at"))
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("client_case.id"))
    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict] = mapped_column(JsonType)
