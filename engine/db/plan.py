"""The integration plan as structured records: assessment per life area, goals, contacts and notes."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JsonType, UtcDateTime, new_id


class AssessmentArea(Base):
    """Situation, resources and needs of one life area (Handlungsfeld) from the needs assessment."""

    __tablename__ = "assessment_area"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"), index=True)
    life_area: Mapped[str] = mapped_column(String(30))
    situation: Mapped[str | None] = mapped_column(Text)
    resources: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    support_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    assessed_on: Mapped[date] = mapped_column(Date)


class Goal(Base):
    """A goal of the target agreement: what the client does (Fordern), what is offered (Fördern), status."""

    __tablename__ = "goal"
    __table_args__ = (Index("ix_goal_area_status", "life_area", "status"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"), index=True)
    life_area: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    obligations: Mapped[str] = mapped_column(Text)
    support: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    status_reason: Mapped[str | None] = mapped_column(Text)
    achieved_on: Mapped[date | None] = mapped_column(Date)
    final_evaluation: Mapped[str | None] = mapped_column(Text)
    agreed_on: Mapped[date] = mapped_column(Date)
    # The goal in the client's language (the German text stays authoritative); printed beside it.
    translation: Mapped[str | None] = mapped_column(Text)
    translation_language: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Contact(Base):
    """A logged contact or counselling session; kept outside the workflow so history stays cheap."""

    __tablename__ = "contact"
    __table_args__ = (Index("ix_contact_case_date", "case_id", "occurred_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    topics: Mapped[list] = mapped_column(JsonType)
    interpreter_used: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Note(Base):
    """A free-text case note."""

    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Setting(Base):
    """A configurable value (deadlines of the funding period); defaults come from domain.md."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict | list | str | int] = mapped_column(JsonType)
