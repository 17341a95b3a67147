"""Network partners, referrals to them, counselling appointments and the personal calendar feed."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime, new_id


class Partner(Base):
    """A partner the caseworkers refer clients to (Jobcenter, Ausländerbehörde …); not a user.

    `organisation_id` None is the district's shared directory (kept by the administration); otherwise the partner
    belongs to one organisation's directory. `municipality_id` narrows it to one municipality.
    """

    __tablename__ = "partner"
    __table_args__ = (Index("ix_partner_org_kind", "organisation_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    contact_person: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Referral(Base):
    """A referral of a case's client to a partner, its follow-up date and what came of it."""

    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_case_date", "case_id", "referred_on"),
                      Index("ix_referral_follow_up", "outcome", "follow_up_on"),
                      Index("ix_referral_date", "referred_on"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    goal_id: Mapped[str | None] = mapped_column(ForeignKey("goal.id"))
    reason: Mapped[str] = mapped_column(Text)
    referred_on: Mapped[date] = mapped_column(Date)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(30), default="offen")
    outcome_note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Appointment(Base):
    """A counselling appointment on a case, in Berlin local date and time (as agreed with the client)."""

    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_case_day", "case_id", "day"),
                      Index("ix_appointment_user_day", "caseworker_id", "day"))
    # A random id: it is also the calendar entry's stable UID.
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"))
    caseworker_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    home_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str | None] = mapped_column(String(200))
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    interpreter_language: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned | cancelled
    # Raised on every change, so calendar programs replace their copy (iCal SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CalendarFeed(Base):
    """A caseworker's personal iCal feed: only the token's hash is kept; revoked feeds answer 404."""

    __tablename__ = "calendar_feed"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    names: Mapped[str] = mapped_column(String(20), default="none")  # none | initials | full
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
