"""Declarative base and column types shared by all tables."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonType = JSON().with_variant(JSONB(), "postgresql")


class EncodedJson(str):
    """JSON text encoded ahead of time (e.g. before a write lock is taken); JSON columns store it as it is."""


def encode_json(value) -> str:
    """The engines' JSON serializer: plain values are encoded, EncodedJson passes through."""
    return str(value) if isinstance(value, EncodedJson) else json.dumps(value)


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Normalise to UTC before storing."""
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        """Return aware UTC datetimes."""
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def new_id() -> str:
    """A fresh random identifier (UUID4 text), usable in URLs without revealing counts."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Fallback timestamp for rows created outside a service (services pass the clock's time)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Base of all mapped classes."""

    metadata = MetaData(naming_convention=NAMING)
