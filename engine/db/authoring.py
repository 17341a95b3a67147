"""Working drafts of process definitions and forms, and the immutable deployed form versions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JsonType, UtcDateTime


class DefinitionDraft(Base):
    """The one working draft of a process definition key; `version` guards against overwriting a colleague."""

    __tablename__ = "definition_draft"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    bpmn_xml: Mapped[str] = mapped_column(Text)
    based_on_definition_id: Mapped[int | None] = mapped_column(ForeignKey("process_definition.id"))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class FormVersion(Base):
    """An immutable deployed version of a form-js schema; tasks use the latest version of their form."""

    __tablename__ = "form_version"
    __table_args__ = (UniqueConstraint("form_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    schema: Mapped[dict] = mapped_column(JsonType)
    checksum: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)
    deployed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FormDraft(Base):
    """The one working draft of a form; `version` guards against overwriting a colleague."""

    __tablename__ = "form_draft"
    form_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    schema: Mapped[dict] = mapped_column(JsonType)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
