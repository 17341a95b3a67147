"""Persisted workflow state per case, the open-task projection and the completed-task record."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JsonType, UtcDateTime


class ProcessDefinition(Base):
    """An immutable deployed version of a BPMN process."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    # What the process declares (journey or further case process); the journey's latest version starts new cases.
    kind: Mapped[str] = mapped_column(String(20), default="case_process", server_default="case_process")
    # The versions of the processes its call activities call, pinned at deploy time: {process key: definition id}.
    calls: Mapped[dict | None] = mapped_column(JsonType)
    # The versions of the decision tables its business-rule tasks use, pinned at deploy time: {key: decision id}.
    decisions: Mapped[dict | None] = mapped_column(JsonType)
    comment: Mapped[str | None] = mapped_column(Text)
    deployed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseProcess(Base):
    """One running (or finished) process of a case: its journey, or a further process started for it.

    The journey's process has the case's own id, so a case's journey workflow is found without a lookup.
    """

    __tablename__ = "case_process"
    __table_args__ = (Index("ix_case_process_case", "case_id", "started_at"),
                      Index("ix_case_process_definition_status", "definition_id", "status"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"))
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    kind: Mapped[str] = mapped_column(String(20))          # journey | case_process
    status: Mapped[str] = mapped_column(String(20))        # running | completed | cancelled
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WorkflowState(Base):
    """Workflow-level part of a process's serialized BpmnWorkflow (the tasks live in workflow_task)."""

    __tablename__ = "workflow_state"
    process_id: Mapped[str] = mapped_column(ForeignKey("case_process.id"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    serializer_version: Mapped[str] = mapped_column(String(20))
    header: Mapped[dict] = mapped_column(JsonType)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    # BPMN ids of every element the case has passed (kept across history pruning), for the diagram.
    visited: Mapped[list | None] = mapped_column(JsonType)
    # Earliest waiting timer, so a sweep can find due cases with one indexed query.
    next_timer_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # A sweep worker's lease on this case's timers; an expired lease may be taken over (crashed worker).
    timer_claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    timer_claimed_by: Mapped[str | None] = mapped_column(String(80))
    # A timer step that failed: shown to supervisors, skipped by the sweep until retried.
    timer_error: Mapped[str | None] = mapped_column(Text)
    timer_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WorkflowTask(Base):
    """One serialized SpiffWorkflow task; only changed tasks are rewritten (delta writes)."""

    __tablename__ = "workflow_task"
    process_id: Mapped[str] = mapped_column(ForeignKey("case_process.id"), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    payload: Mapped[dict] = mapped_column(JsonType)


class OpenTask(Base):
    """Projection of a ready user task: what worklists read, never the workflow itself."""

    __tablename__ = "open_task"
    __table_args__ = (
        Index("ix_open_task_org_assignee_due", "organisation_id", "assignee_id", "due_on"),
        Index("ix_open_task_assignee_due", "assignee_id", "due_on"),
        # The organisation's worklist in display order, so a page is read off the index (no sort).
        Index("ix_open_task_org_due", "organisation_id", "due_on", "created_at", "id"),
        # The deadline overview counts an organisation's due items per person and municipality off this index
        # alone (an index-only scan), without visiting the task rows.
        Index("ix_open_task_org_due_counts", "organisation_id", "due_on", "assignee_id", "municipality_id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"), index=True)
    process_id: Mapped[str] = mapped_column(ForeignKey("case_process.id"), index=True)
    task_spec: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    form_key: Mapped[str | None] = mapped_column(String(100))
    lane: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(20))
    # What the BPMN task declares (engine.workflow.declarations): its mandated step and whether it waits for consent.
    step: Mapped[str | None] = mapped_column(String(30))
    needs_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CompletedTask(Base):
    """Who completed which task when, with the submitted data: the case page reads this, not the workflow."""

    __tablename__ = "completed_task"
    __table_args__ = (Index("ix_completed_task_case", "case_id", "completed_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("client_case.id"))
    process_id: Mapped[str | None] = mapped_column(String(36))
    task_spec: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    form_key: Mapped[str | None] = mapped_column(String(100))
    step: Mapped[str | None] = mapped_column(String(30))
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_on: Mapped[date | None] = mapped_column(Date)
    data: Mapped[dict] = mapped_column(JsonType)
    note: Mapped[str | None] = mapped_column(Text)


class WorkflowTaskArchive(Base):
    """Finished tasks cut from a live workflow (see engine.workflow.history); kept, never loaded on the hot path."""

    __tablename__ = "workflow_task_archive"
    process_id: Mapped[str] = mapped_column(ForeignKey("case_process.id"), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    payload: Mapped[dict] = mapped_column(JsonType)
    archived_at: Mapped[datetime] = mapped_column(UtcDateTime)
