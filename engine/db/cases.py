"""Clients and their cases: the indexed tables every list and search reads."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JsonType, UtcDateTime, new_id


class Client(Base):
    """A refugee in follow-up accommodation; personal data only after intake."""

    __tablename__ = "client"
    # Sorting clients by name walks this index (case search matches and sorts on client_case.search_name).
    __table_args__ = (Index("ix_client_name", "last_name", "first_name"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(20))
    nationality: Mapped[str | None] = mapped_column(String(100))
    languages: Mapped[str | None] = mapped_column(String(200))
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    interpreter_language: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))
    accommodation_address: Mapped[str | None] = mapped_column(String(300))
    residence_status: Mapped[str] = mapped_column(String(50))
    residence_status_evidence: Mapped[str | None] = mapped_column(String(300))
    au_since: Mapped[date | None] = mapped_column(Date)
    counselling_start: Mapped[date | None] = mapped_column(Date)
    household: Mapped[list[HouseholdMember]] = relationship(order_by="HouseholdMember.id",
                                                               cascade="all, delete-orphan")


class HouseholdMember(Base):
    """A person living in the client's household, linked to the same case."""

    __tablename__ = "household_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("client.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str | None] = mapped_column(String(30))
    birth_date: Mapped[date | None] = mapped_column(Date)


class Case(Base):
    """One client's journey; `version` guards against concurrent changes (optimistic locking)."""

    __tablename__ = "client_case"
    __table_args__ = (
        Index("ix_case_org_status", "organisation_id", "status"),
        Index("ix_case_responsible_status", "responsible_user_id", "status"),
        Index("ix_case_municipality_status", "municipality_id", "status"),
        # Counselling periods ending soon, per organisation (deadline overview), without scanning open cases.
        Index("ix_case_org_status_counselling_end", "organisation_id", "status", "counselling_end"),
        # Case lists in name order, read off the index within an organisation and status.
        Index("ix_case_org_status_search", "organisation_id", "status", "search_name", "id"),
        Index("ix_case_status_closed_on", "status", "closed_on"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("client.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | closed
    phase: Mapped[str] = mapped_column(String(30), default="intake")
    intake_date: Mapped[date] = mapped_column(Date)
    eligible: Mapped[bool] = mapped_column(Boolean)
    eligibility_reason: Mapped[str] = mapped_column(Text)
    counselling_end: Mapped[date | None] = mapped_column(Date)
    consent_date: Mapped[date | None] = mapped_column(Date)
    consent_scope: Mapped[list | None] = mapped_column(JsonType)
    plan_date: Mapped[date | None] = mapped_column(Date)
    next_review_due: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_reason: Mapped[str | None] = mapped_column(String(40))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # "last first reference" in lower case, kept by database triggers (migration 0016) whenever a case is
    # created or its client's name changes (intake, rectification, anonymisation, bulk copies), so search can
    # filter, count and sort on this one table; never written by the application.
    search_name: Mapped[str | None] = mapped_column(Text)
    # Consent withdrawn: no further processing (writes refused, timers and reminders stop) until consent again.
    processing_restricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set once the retention period after closure has passed and personal data was removed.
    anonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The client's language for the bilingual target agreement (a code of engine.reporting's AGREEMENT_LANGUAGES).
    client_language: Mapped[str | None] = mapped_column(String(10))
    client: Mapped[Client] = relationship(lazy="joined")
