"""The append-only event log: every state change, who did it and when, hash-chained in `seq` order."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JsonType, UtcDateTime

BigId = BigInteger().with_variant(Integer, "sqlite")


class Event(Base):
    """One audited happening; rows are only ever inserted (redaction of a payload is the one sanctioned update).

    `hash` = SHA-256 over `prev_hash` and the canonical JSON of (seq, at, actor_id, case_id, kind,
    payload_digest), see engine.base.event_chain. The payload enters the chain only through its digest, so
    an authorised redaction (an `event_redacted` event naming the new digest) keeps the chain verifiable.
    """

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_case_id", "case_id", "id"), Index("ix_event_kind_at", "kind", "at"),
        # Rule checks and reports ask "when did each case first/last get an event of this kind": answered from
        # this index alone (PostgreSQL carries the id along for "latest event of the kind").
        Index("ix_event_kind_case_at", "kind", "case_id", "at", postgresql_include=["id"]),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigId, unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("client_case.id"))
    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict] = mapped_column(JsonType)
    payload_digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    redacted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class EventChainHead(Base):
    """The single row (id 1) holding the last chain position; writers lock it to append in order."""

    __tablename__ = "event_chain_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigId)
    hash: Mapped[str] = mapped_column(String(64))
