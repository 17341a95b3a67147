"""Reading and writing workflows in the database (header row + per-task rows), one process or a batch.

A workflow belongs to one process of a case (`case_process`; the journey's has the case's id). Every function
works for a batch so the timer sweep can load and save hundreds of workflows with a handful of statements; the
single-workflow paths used by task completion are the same code with one element.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from engine.db import EncodedJson, Prebuilt, WorkflowState, WorkflowTask, WorkflowTaskArchive

from .codec import FORMAT_VERSION, Snapshot
from .model import ProcessModel
from .runtime import ScriptFailure, WorkflowRuntime

_STATES, _TASKS, _ARCHIVE = WorkflowState.__table__, WorkflowTask.__table__, WorkflowTaskArchive.__table__
# Statements built once: constructing SQLAlchemy expressions per call costs more than SQLite running them.
_UPDATE_STATE = Prebuilt(update(_STATES).where(_STATES.c.process_id == bindparam("p"))
                         .values(definition_id=bindparam("definition_id"),
                                 serializer_version=bindparam("serializer_version"), header=bindparam("header"),
                                 completed=bindparam("completed"), next_timer_at=bindparam("next_timer_at"),
                                 visited=bindparam("visited")))
_UPDATE_TASK = Prebuilt(update(_TASKS).where(_TASKS.c.process_id == bindparam("p"), _TASKS.c.task_id == bindparam("t"))
                        .values(payload=bindparam("payload")))
_DELETE_TASK = Prebuilt(delete(_TASKS).where(_TASKS.c.process_id == bindparam("p"),
                                             _TASKS.c.task_id == bindparam("t")))
_INSERT_STATE, _INSERT_TASK, _INSERT_ARCHIVE = (Prebuilt(insert(_STATES)), Prebuilt(insert(_TASKS)),
                                                 Prebuilt(insert(_ARCHIVE)))


class UnsupportedState(RuntimeError):
    """Stored state was written by a format we cannot read (needs a migration)."""


@dataclass
class PendingSave:
    """One process's workflow, serialized and ready to be written."""

    process_id: str
    case_id: str
    values: dict
    snapshot: Snapshot
    is_new: bool = False

    @property
    def next_timer_at(self):
        """Due time of the earliest waiting timer (None when nothing waits)."""
        return self.values["next_timer_at"]


def load_workflow(session: Session, runtime: WorkflowRuntime, process_id: str, model: ProcessModel):
    """Deserialize a process's workflow from its rows (the slow path; the runtime cache avoids it)."""
    stored = read_stored(session.connection(), [process_id])
    if process_id not in stored:
        raise LookupError(process_id)
    return restore_workflow(runtime, model, *stored[process_id])


def read_stored(conn, process_ids: list[str]) -> dict[str, tuple]:
    """Stored (state row, task payloads) per process, in two queries for the whole batch."""
    states = conn.execute(select(_STATES.c.process_id, _STATES.c.serializer_version, _STATES.c.header,
                                 _STATES.c.visited).where(_STATES.c.process_id.in_(process_ids))).all()
    payloads: dict[str, dict] = {process_id: {} for process_id in process_ids}
    for process_id, task_id, payload in conn.execute(
            select(_TASKS.c.process_id, _TASKS.c.task_id, _TASKS.c.payload)
            .where(_TASKS.c.process_id.in_(process_ids))):
        payloads[process_id][task_id] = payload
    return {state.process_id: (state, payloads[state.process_id]) for state in states}


def restore_workflow(runtime: WorkflowRuntime, model: ProcessModel, state, payloads: dict):
    """Rebuild one workflow from what read_stored returned."""
    if state.serializer_version != FORMAT_VERSION:
        raise UnsupportedState(f"Gespeicherter Zustand im Format {state.serializer_version} ist nicht lesbar.")
    workflow = runtime.codec.restore(model.spec, model.subprocess_specs, state.header, payloads,
                                     runtime.script_engine)
    workflow._ifl_visited = set(state.visited or ())
    return workflow


def load_with_history(session: Session, runtime: WorkflowRuntime, process_id: str, model: ProcessModel):
    """Deserialize a process's workflow with its archived history joined back on (a reset may go back into it).

    Returns (workflow, ids of tasks that came from the archive). Those count as unsaved, so the next save writes
    the ones still in the tree to the live table; call `unarchive` for them first (a task lives in one table).
    """
    conn = session.connection()
    stored = read_stored(conn, [process_id])
    if process_id not in stored:
        raise LookupError(process_id)
    state, payloads = stored[process_id]
    archived = dict(conn.execute(select(_ARCHIVE.c.task_id, _ARCHIVE.c.payload)
                                 .where(_ARCHIVE.c.process_id == process_id)).all())
    if not archived:
        return restore_workflow(runtime, model, state, payloads), set()
    if state.serializer_version != FORMAT_VERSION:
        raise UnsupportedState(f"Gespeicherter Zustand im Format {state.serializer_version} ist nicht lesbar.")
    merged = {**archived, **payloads}
    parent_of = {child: task_id for task_id, payload in merged.items() for child in payload["children"]}
    for task_id, payload in merged.items():
        if payload["parent"] is None and task_id in parent_of:  # a cut made it a root; join it on again
            merged[task_id] = {**payload, "parent": parent_of[task_id]}
    root = next(task_id for task_id in merged if task_id not in parent_of)
    workflow = runtime.codec.restore(model.spec, model.subprocess_specs, {**state.header, "root": root}, merged,
                                     runtime.script_engine)
    workflow._ifl_visited = set(state.visited or ())
    for task_id in archived:
        workflow._ifl_saved.pop(UUID(task_id), None)
    return workflow, set(archived)


def unarchive(session: Session, process_id: str, workflow, archived_ids: set[str]) -> None:
    """Remove from the archive the tasks that are back in the workflow (the next save writes them again)."""
    back = [task_id for task_id in archived_ids if UUID(task_id) in workflow.tasks]
    if back:
        session.connection().execute(delete(_ARCHIVE).where(_ARCHIVE.c.process_id == process_id,
                                                            _ARCHIVE.c.task_id.in_(back)))


def prepare_save(runtime: WorkflowRuntime, process_id: str, case_id: str, definition_id: int, workflow,
                 is_new: bool = False) -> PendingSave:
    """Serialize what changed since the workflow was loaded (no database access)."""
    visited = runtime.visited_elements(workflow)  # before pruning removes completed tasks from the live tree
    snap = runtime.codec.snapshot(workflow)
    values = dict(definition_id=definition_id, serializer_version=FORMAT_VERSION, header=snap.header,
                  completed=runtime.is_completed(workflow), next_timer_at=runtime.next_timer(workflow),
                  visited=visited)
    return PendingSave(process_id, case_id, values, snap, is_new)


def encode_save(save: PendingSave) -> PendingSave:
    """Encode a pending save's JSON now, so that writing it later only binds text (done before the write lock)."""
    values, snap = save.values, save.snapshot
    values["header"], values["visited"] = _encoded(values["header"]), _encoded(values["visited"])
    for rows in (snap.changed, snap.archived):
        for task_id, payload in rows.items():
            rows[task_id] = _encoded(payload)
    return save


def _encoded(value):
    if value is None or isinstance(value, EncodedJson):
        return value
    try:
        return EncodedJson(json.dumps(value))
    except (TypeError, ValueError) as exc:
        # Scripts are checked as they store (engine.workflow.limits); this catches what reaches the data otherwise
        # (a message payload, a decision's output), before the write instead of as a database error.
        raise ScriptFailure(f"Die Daten des Falls enthalten einen Wert, der nicht gespeichert werden kann ({exc})") \
            from exc


def write_saves(conn, saves: list[PendingSave], now) -> None:
    """Write headers and changed task rows of many workflows with one statement per kind of change."""
    for save in saves:
        encode_save(save)  # a no-op for a save encoded already (engine.casework.compute_step does so early)
    new_states = [dict(process_id=s.process_id, case_id=s.case_id, **s.values) for s in saves if s.is_new]
    if new_states:
        _INSERT_STATE(conn, new_states)
    old_states = [dict(p=s.process_id, **s.values) for s in saves if not s.is_new]
    if old_states:
        _UPDATE_STATE(conn, old_states)
    removed, inserted, changed, archived = [], [], [], []
    for save in saves:
        process_id, snap = save.process_id, save.snapshot
        removed += [{"p": process_id, "t": task_id} for task_id in snap.removed]
        for task_id, payload in snap.changed.items():
            if task_id in snap.inserted:
                inserted.append({"process_id": process_id, "task_id": task_id, "payload": payload})
            else:
                changed.append({"p": process_id, "t": task_id, "payload": payload})
        archived += [{"process_id": process_id, "task_id": task_id, "payload": payload, "archived_at": now}
                     for task_id, payload in snap.archived.items()]
    if removed:
        _DELETE_TASK(conn, removed)
    if inserted:
        _INSERT_TASK(conn, inserted)
    if archived:
        _INSERT_ARCHIVE(conn, archived)
    if changed:
        _UPDATE_TASK(conn, changed)


def save_workflow(session: Session, runtime: WorkflowRuntime, process_id: str, case_id: str, definition_id: int,
                  workflow, now, is_new: bool = False):
    """Write the header and only the changed task rows; returns the next timer's due time (or None)."""
    pending = prepare_save(runtime, process_id, case_id, definition_id, workflow, is_new)
    write_saves(session.connection(), [pending], now)
    return pending.next_timer_at
