"""Reading and writing a case's workflow in the database (header row + per-task rows)."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from engine.db import WorkflowState, WorkflowTask, WorkflowTaskArchive

from .codec import FORMAT_VERSION
from .model import ProcessModel
from .runtime import WorkflowRuntime


class UnsupportedState(RuntimeError):
    """Stored state was written by a format we cannot read (needs a migration)."""


def load_workflow(session: Session, runtime: WorkflowRuntime, case_id: str, model: ProcessModel):
    """Deserialize a case's workflow from its rows (the slow path; the runtime cache avoids it)."""
    states = WorkflowState.__table__
    state = session.connection().execute(
        select(states.c.serializer_version, states.c.header, states.c.visited).where(states.c.case_id == case_id)
    ).first()
    if state is None:
        raise LookupError(case_id)
    if state.serializer_version != FORMAT_VERSION:
        raise UnsupportedState(f"Gespeicherter Zustand im Format {state.serializer_version} ist nicht lesbar.")
    tasks = WorkflowTask.__table__
    rows = session.connection().execute(select(tasks.c.task_id, tasks.c.payload)
                                        .where(tasks.c.case_id == case_id)).all()
    payloads = {task_id: payload for task_id, payload in rows}
    workflow = runtime.codec.restore(model.spec, model.subprocess_specs, state.header, payloads,
                                     runtime.script_engine)
    workflow._ifl_visited = set(state.visited or ())
    return workflow


def save_workflow(session: Session, runtime: WorkflowRuntime, case_id: str, definition_id: int, workflow,
                  now, is_new: bool = False):
    """Write the header and only the changed task rows; returns the next timer's due time (or None)."""
    visited = runtime.visited_elements(workflow)  # before pruning removes completed tasks from the live tree
    snap = runtime.codec.snapshot(workflow)
    values = dict(definition_id=definition_id, serializer_version=FORMAT_VERSION, header=snap.header,
                  completed=runtime.is_completed(workflow), next_timer_at=runtime.next_timer(workflow),
                  visited=visited)
    # Core statements on the tables: the ORM's bulk paths cost more Python per row than the SQL itself.
    conn = session.connection()
    states, tasks, archive = WorkflowState.__table__, WorkflowTask.__table__, WorkflowTaskArchive.__table__
    if is_new:
        conn.execute(insert(states).values(case_id=case_id, **values))
    else:
        conn.execute(update(states).where(states.c.case_id == case_id).values(**values))
    if snap.removed:
        conn.execute(delete(tasks).where(tasks.c.case_id == case_id, tasks.c.task_id.in_(snap.removed)))
    new_rows = [{"case_id": case_id, "task_id": tid, "payload": p} for tid, p in snap.changed.items()
                if tid in snap.inserted]
    changed_rows = [{"c": case_id, "t": tid, "payload": p} for tid, p in snap.changed.items()
                    if tid not in snap.inserted]
    if new_rows:
        conn.execute(insert(tasks), new_rows)
    if snap.archived:
        conn.execute(insert(archive), [{"case_id": case_id, "task_id": tid, "payload": p, "archived_at": now}
                                       for tid, p in snap.archived.items()])
    if changed_rows:
        conn.execute(update(tasks).where(tasks.c.case_id == bindparam("c"), tasks.c.task_id == bindparam("t"))
                     .values(payload=bindparam("payload")), changed_rows)
    return values["next_timer_at"]
