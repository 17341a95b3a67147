"""Firing the due timers of a batch of claimed processes with a fixed number of statements.

The sweep used to run a dozen statements per case; here the batch is read in a few queries, every workflow
is advanced in memory, and all changes are written with one statement per kind (executemany). A process whose
timer step fails is left out before anything is written, so it cannot spoil the others' writes. Processes of one
case share one version bump of the case.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, func, select, update

from engine.base import model_by_id, record_event
from engine.casework import open_tasks_of, plan_projection, review_date_of, step_failure, write_projections
from engine.db import Case, WorkflowState
from engine.workflow import ScriptFailure, UnsupportedState, prepare_save, read_stored, restore_workflow, write_saves

_CASES, _STATES = Case.__table__, WorkflowState.__table__
_BUMP = (update(_CASES).where(_CASES.c.id == bindparam("c"), _CASES.c.version == bindparam("v"))
         .values(version=bindparam("nv"), updated_at=bindparam("now"),
                 next_review_due=bindparam("next_review_due"),
                 phase=func.coalesce(bindparam("phase", type_=_CASES.c.phase.type), _CASES.c.phase)))


class BatchConflict(RuntimeError):
    """A case changed between reading and writing the batch; the caller retries process by process."""


@dataclass
class BatchOutcome:
    """What firing one batch did: timers fired, and processes whose step failed (id, message)."""

    fired: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Advanced:
    row: object
    model: object
    workflow: object
    fired: list[str]
    ready: list
    pending: object


def fire_batch(uow, process_ids: list[str], worker_id: str) -> BatchOutcome:
    """Fire the due timers of claimed processes inside the caller's transaction (the caller commits)."""
    conn, now, runtime = uow.session.connection(), uow.clock.now(), uow.runtime
    outcome = BatchOutcome()
    rows = _claimed(conn, process_ids, worker_id)
    workflows = {r.process_id: runtime.checkout(r.process_id, r.version) for r in rows}
    stored = read_stored(conn, [pid for pid, wf in workflows.items() if wf is None])
    advanced: list[_Advanced] = []
    for row in rows:
        try:
            model = model_by_id(uow, row.definition_id)
            workflow = workflows[row.process_id] or _restore(runtime, model, stored, row.process_id)
            fired = runtime.fire_timers(workflow)
            ready = runtime.ready_user_tasks(model, workflow)
            advanced.append(_Advanced(row, model, workflow, fired, ready,
                                      prepare_save(runtime, row.process_id, row.case_id, row.definition_id,
                                                   workflow)))
        except Exception as exc:  # noqa: BLE001 - any failure of one process is recorded, the batch goes on
            runtime.forget(row.process_id)
            failure = step_failure(exc) if isinstance(exc, ScriptFailure) else exc
            outcome.failures.append((row.process_id, getattr(failure, "message", None)
                                     or f"{type(failure).__name__}: {failure}"))
    if not advanced:
        failed = {process_id for process_id, _message in outcome.failures}
        _release(conn, [r.process_id for r in rows if r.process_id not in failed], worker_id)
        return outcome
    existing = open_tasks_of(conn, [a.row.process_id for a in advanced])
    changes, bumps = [], {}
    for a in advanced:
        row, journey = a.row, a.row.process_id == a.row.case_id
        change = plan_projection(row, a.row.process_id, a.ready, existing[row.process_id], now,
                                 review_date_of(a.pending.next_timer_at), journey)
        changes.append(change)
        bump = bumps.setdefault(row.case_id, {"c": row.case_id, "v": row.version, "nv": row.version + 1,
                                              "now": now, "next_review_due": row.next_review_due, "phase": None})
        if journey:
            bump.update(next_review_due=change.next_review_due, phase=change.phase)
    if conn.execute(_BUMP, list(bumps.values())).rowcount != len(bumps):
        raise BatchConflict("a case changed while its timers fired")
    write_saves(conn, [a.pending for a in advanced], now)
    write_projections(conn, changes)
    _release(conn, [a.row.process_id for a in advanced], worker_id)
    for a in advanced:
        for element in a.fired:
            record_event(uow, "timer_fired", None, a.row.case_id, element=element,
                         title=a.model.element_names.get(element, element))
        outcome.fired += len(a.fired)
        uow.after_commit(lambda r=a.row, w=a.workflow: runtime.checkin(r.process_id, r.case_id, r.version + 1, w,
                                                                      r.version))
    return outcome


def _claimed(conn, process_ids: list[str], worker_id: str) -> list:
    # Processes whose lease another worker took over (ours expired) are not ours to fire any more.
    stmt = (select(_STATES.c.process_id, _STATES.c.case_id, _STATES.c.definition_id, _CASES.c.id,
                   _CASES.c.version, _CASES.c.responsible_user_id, _CASES.c.organisation_id,
                   _CASES.c.municipality_id, _CASES.c.next_review_due)
            .join(_CASES, _CASES.c.id == _STATES.c.case_id)
            .where(_STATES.c.process_id.in_(process_ids), and_(_STATES.c.timer_claimed_by == worker_id))
            .order_by(_CASES.c.id, _STATES.c.process_id))
    if conn.dialect.name == "postgresql":
        # Hold the rows until commit so no task completion changes a case between our read and our write.
        stmt = stmt.with_for_update(of=_CASES)
    return conn.execute(stmt).all()


def _restore(runtime, model, stored: dict, process_id: str):
    if process_id not in stored:
        raise UnsupportedState("Für den Ablauf ist kein Prozesszustand gespeichert.")
    try:
        return restore_workflow(runtime, model, *stored[process_id])
    except (LookupError, UnsupportedState) as exc:
        raise UnsupportedState(f"Der gespeicherte Prozesszustand des Falls ist nicht lesbar: {exc}") from exc


def _release(conn, process_ids: list[str], worker_id: str) -> None:
    if process_ids:
        conn.execute(update(_STATES).where(_STATES.c.process_id.in_(process_ids),
                                           _STATES.c.timer_claimed_by == worker_id)
                     .values(timer_claimed_until=None, timer_claimed_by=None))
