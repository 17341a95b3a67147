"""Firing the due timers of a batch of claimed cases with a fixed number of statements.

The sweep used to run a dozen statements per case; here the batch is read in a few queries, every workflow
is advanced in memory, and all changes are written with one statement per kind (executemany). A case whose
timer step fails is left out before anything is written, so it cannot spoil the others' writes.
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
    """A case changed between reading and writing the batch; the caller retries case by case."""


@dataclass
class BatchOutcome:
    """What firing one batch did: timers fired, and cases whose step failed (id, message)."""

    fired: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


def fire_batch(uow, case_ids: list[str], worker_id: str) -> BatchOutcome:
    """Fire the due timers of claimed cases inside the caller's transaction (the caller commits)."""
    conn, now, runtime = uow.session.connection(), uow.clock.now(), uow.runtime
    outcome = BatchOutcome()
    cases = _claimed_cases(conn, case_ids, worker_id)
    workflows = {c.id: runtime.checkout(c.id, c.version) for c in cases}
    stored = read_stored(conn, [case_id for case_id, wf in workflows.items() if wf is None])
    advanced = []  # (case row, model, workflow, fired element ids, ready tasks, pending save)
    for case in cases:
        try:
            model = model_by_id(uow, case.definition_id)
            workflow = workflows[case.id] or _restore(runtime, model, stored, case.id)
            fired = runtime.fire_timers(workflow)
            ready = runtime.ready_user_tasks(model, workflow)
            advanced.append((case, model, workflow, fired, ready,
                             prepare_save(runtime, case.id, case.definition_id, workflow)))
        except Exception as exc:  # noqa: BLE001 - any failure of one case is recorded, the batch goes on
            runtime.forget(case.id)
            failure = step_failure(exc) if isinstance(exc, ScriptFailure) else exc
            outcome.failures.append((case.id, getattr(failure, "message", None)
                                     or f"{type(failure).__name__}: {failure}"))
    if not advanced:
        failed = {case_id for case_id, _message in outcome.failures}
        _release(conn, [c.id for c in cases if c.id not in failed], worker_id)
        return outcome
    existing = open_tasks_of(conn, [case.id for case, *_ in advanced])
    changes, bumps = [], []
    for case, _model, _workflow, _fired, ready, pending in advanced:
        change = plan_projection(case, ready, existing[case.id], now, review_date_of(pending.next_timer_at))
        changes.append(change)
        bumps.append({"c": case.id, "v": case.version, "nv": case.version + 1, "now": now,
                      "next_review_due": change.next_review_due, "phase": change.phase})
    if conn.execute(_BUMP, bumps).rowcount != len(bumps):
        raise BatchConflict("a case changed while its timers fired")
    write_saves(conn, [pending for *_, pending in advanced], now)
    write_projections(conn, changes)
    _release(conn, [case.id for case, *_ in advanced], worker_id)
    for case, model, workflow, fired, _ready, _pending in advanced:
        for element in fired:
            record_event(uow, "timer_fired", None, case.id, element=element,
                         title=model.element_names.get(element, element))
        outcome.fired += len(fired)
        uow.after_commit(lambda c=case.id, v=case.version + 1, w=workflow: runtime.checkin(c, v, w))
    return outcome


def _claimed_cases(conn, case_ids: list[str], worker_id: str) -> list:
    # Cases whose lease another worker took over (ours expired) are not ours to fire any more.
    stmt = (select(_CASES.c.id, _CASES.c.version, _CASES.c.definition_id, _CASES.c.responsible_user_id,
                   _CASES.c.organisation_id, _CASES.c.municipality_id)
            .join(_STATES, and_(_STATES.c.case_id == _CASES.c.id, _STATES.c.timer_claimed_by == worker_id))
            .where(_CASES.c.id.in_(case_ids)).order_by(_CASES.c.id))
    if conn.dialect.name == "postgresql":
        # Hold the rows until commit so no task completion changes a case between our read and our write.
        stmt = stmt.with_for_update(of=_CASES)
    return conn.execute(stmt).all()


def _restore(runtime, model, stored: dict, case_id: str):
    if case_id not in stored:
        raise UnsupportedState("Für den Fall ist kein Prozesszustand gespeichert.")
    try:
        return restore_workflow(runtime, model, *stored[case_id])
    except (LookupError, UnsupportedState) as exc:
        raise UnsupportedState(f"Der gespeicherte Prozesszustand des Falls ist nicht lesbar: {exc}") from exc


def _release(conn, case_ids: list[str], worker_id: str) -> None:
    if case_ids:
        conn.execute(update(_STATES).where(_STATES.c.case_id.in_(case_ids), _STATES.c.timer_claimed_by == worker_id)
                     .values(timer_claimed_until=None, timer_claimed_by=None))
