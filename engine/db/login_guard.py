"""Failed sign-in attempts, kept in the database so every web worker sees the same count."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class LoginFailure(Base):
    """One failed sign-in: which username was tried, from which client address, when.

    A successful sign-in deletes the username's rows (the counter resets); old rows are only ever read
    through a time window, so they need no clean-up to stay correct.
    """

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_username_at", "username", "at"),
                      Index("ix_login_failure_client_at", "client_ip", "at"))
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    username: Mapped[str] = mapped_column(String(80))
    client_ip: Mapped[str] = mapped_column(String(64))
