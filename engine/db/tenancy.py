"""Who works where: organisations, municipalities and users."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UtcDateTime, utcnow


class Organisation(Base):
    """The district office, a municipality that runs the service itself, or a welfare provider (Träger)."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # district | municipality | provider


class Municipality(Base):
    """A Gemeinde/Stadt; its cases are worked by one responsible organisation."""

    __tablename__ = "municipality"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    organisation: Mapped[Organisation] = relationship()


class User(Base):
    """A person who logs in: caseworker, supervisor, compliance officer or admin."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set by an administrator's password reset: the next sign-in must choose a new password first.
    password_change_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # Second factor (TOTP, RFC 6238): the confirmed secret, and the last time step accepted (a code works once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class UserMunicipality(Base):
    """The municipalities a caseworker serves; used to pick the responsible caseworker at intake."""

    __tablename__ = "user_municipality"
    __table_args__ = (UniqueConstraint("user_id", "municipality_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)


class MunicipalityDelegation(Base):
    """How a municipality has organised the service from a date on: it employs caseworkers itself (`self`), has
    commissioned a welfare organisation (`commissioned`) or has delegated back to the district (`district`).
    Rows are never changed: a new model is a new row from its date, so reports can use the model in force."""

    __tablename__ = "municipality_delegation"
    __table_args__ = (UniqueConstraint("municipality_id", "valid_from", name="uq_municipality_delegation_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    model: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
