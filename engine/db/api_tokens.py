"""Personal API access tokens: only a hash of the secret is stored; the secret is shown once at creation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JsonType, UtcDateTime


class ApiToken(Base):
    """One personal access token of one user: name, scopes, expiry; revoked, never deleted."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # sha256 hex of the whole token; the secret has 256 random bits, so no salt or slow hash is needed.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the token's first characters, shown in the list
    scopes: Mapped[list] = mapped_column(JsonType)  # read | work | deploy | admin
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
