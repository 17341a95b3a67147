"""Webhooks: endpoints an organisation registered, and the outbox of deliveries written with the change itself."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JsonType, UtcDateTime

BigId = BigInteger().with_variant(Integer, "sqlite")


class WebhookEndpoint(Base):
    """A receiver of one organisation for some event types; signed with its own secret (HMAC-SHA256)."""

    __tablename__ = "webhook_endpoint"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))  # needed in clear to sign; shown once at registration
    events: Mapped[list] = mapped_column(JsonType)     # case.created | task.completed | case.closed | …
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)  # payloads may carry the reference
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class WebhookDelivery(Base):
    """One event for one endpoint: pending until the receiver answered 2xx, retried with backoff, then failed."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
                      Index("ix_webhook_delivery_order", "endpoint_id", "case_id", "id"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id"))
    event_seq: Mapped[int] = mapped_column(BigId)       # the event in the log this delivery announces
    case_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict] = mapped_column(JsonType)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
