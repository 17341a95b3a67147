"""The timer sweep: find processes whose BPMN timers are due (one indexed query), claim them, fire them.

Timers belong to the workflow of one process of a case (a case's journey has the case's id). Each is fired
through the same path as a task completion (case version bump, workflow delta, projection, events), so a second
scheduler or a crashed worker never fires a timer twice: the claim (row lock with SKIP LOCKED on PostgreSQL,
SQLite's write lock) hands each process to one worker, an expired lease lets another worker take over, and the
version bump makes a late duplicate fail cleanly.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from engine.base import Actor, ensure_processing_allowed, record_event, scope_cases, visible_case
from engine.casework import process_ref, workflow_of
from engine.db import Case, Client, WorkflowState
from engine.errors import Forbidden, NotFound

from .timer_batch import fire_batch

log = logging.getLogger("integraflow.timers")
LEASE = timedelta(minutes=5)


@dataclass
class SweepResult:
    """What one sweep did."""

    claimed: int = 0
    fired: int = 0
    failed: list[str] = field(default_factory=list)


def claim_due_cases(container, worker_id: str, limit: int = 500) -> list[str]:
    """Claim up to `limit` processes with a due timer for this worker (lease); returns their process ids."""
    now = container.clock.now()
    states = WorkflowState.__table__
    uow = container.uow()
    with uow:
        conn = uow.session.connection()
        # A case whose consent was withdrawn is not processed: its timers wait until consent is given again.
        restricted = exists().where(Case.id == states.c.case_id, Case.processing_restricted.is_(True))
        stmt = (select(states.c.process_id)
                .where(states.c.next_timer_at <= now, states.c.timer_error.is_(None), ~restricted,
                       or_(states.c.timer_claimed_until.is_(None), states.c.timer_claimed_until < now))
                .order_by(states.c.next_timer_at).limit(limit))
        if conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        process_ids = list(conn.execute(stmt).scalars())
        if process_ids:
            conn.execute(update(states).where(states.c.process_id.in_(process_ids))
                         .values(timer_claimed_until=now + LEASE, timer_claimed_by=worker_id))
        uow.commit()
    return process_ids


def fire_case_timers(uow, process_id: str, worker_id: str) -> list[str]:
    """Fire the due timers of one claimed process in one transaction; returns the ids of timers that fired."""
    with uow:
        fired = _fire(uow, process_id, worker_id)
        uow.commit()
        return fired


def _fire(uow, process_id: str, worker_id: str) -> list[str]:
    states = WorkflowState.__table__
    conn = uow.session.connection()
    claim = conn.execute(select(states.c.timer_claimed_by, states.c.case_id)
                         .where(states.c.process_id == process_id)).first()
    if claim is None or claim.timer_claimed_by != worker_id:
        return []  # our lease expired and another worker took the process over
    case_id = claim.case_id
    case = uow.session.get(Case, case_id, options=(lazyload(Case.client),))
    version = case.version
    bumped = conn.execute(update(Case.__table__).where(Case.__table__.c.id == case_id,
                                                       Case.__table__.c.version == version)
                          .values(version=version + 1, updated_at=uow.clock.now()))
    if bumped.rowcount != 1:
        return []  # someone changed the case meanwhile; the next sweep tries again
    set_committed_value(case, "version", version + 1)
    with workflow_of(uow, case, version, process_ref(uow, case, process_id)) as (model, workflow):
        fired = uow.runtime.fire_timers(workflow)
    conn.execute(update(states).where(states.c.process_id == process_id)
                 .values(timer_claimed_until=None, timer_claimed_by=None))
    for element in fired:
        record_event(uow, "timer_fired", None, case_id, element=element,
                     title=model.element_names.get(element, element))
    uow.session.flush()
    return fired


def _record_failure(container, process_id: str, message: str) -> None:
    states = WorkflowState.__table__
    uow = container.uow()
    with uow:
        conn = uow.session.connection()
        case_id = conn.execute(select(states.c.case_id).where(states.c.process_id == process_id)).scalar()
        conn.execute(update(states).where(states.c.process_id == process_id)
                     .values(timer_error=message[:2000], timer_error_at=uow.clock.now(), timer_claimed_until=None,
                             timer_claimed_by=None))
        record_event(uow, "timer_failed", None, case_id, error=message[:2000], process_id=process_id)
        uow.commit()


def sweep_timers(container, worker_id: str, limit: int = 500, batch: int = 100) -> SweepResult:
    """Claim due processes and fire their timers; one failing process is marked and never blocks the others.

    Processes are fired in batches sharing one commit (engine.time.timer_batch). Should writing a batch fail,
    it is rolled back and its processes are fired again one by one, each inside its own savepoint; a crash before
    the commit only leaves claims that expire and are retried (never a double).
    """
    result = SweepResult()
    claimed = claim_due_cases(container, worker_id, limit)
    result.claimed = len(claimed)
    for start in range(0, len(claimed), batch):
        process_ids = claimed[start:start + batch]
        try:
            uow = container.uow()
            with uow:
                outcome = fire_batch(uow, process_ids, worker_id)
                uow.commit()
            fired, failures = outcome.fired, outcome.failures
        except Exception as exc:  # noqa: BLE001 - the batch is retried case by case below
            log.info("timer batch rolled back (%s: %s); firing its cases one by one", type(exc).__name__, exc)
            for process_id in process_ids:
                container.runtime.forget(process_id)
            fired, failures = _fire_one_by_one(container, process_ids, worker_id)
        result.fired += fired
        for process_id, message in failures:
            log.warning("timer of process %s failed: %s", process_id, message)
            _record_failure(container, process_id, message)
            result.failed.append(process_id)
    return result


def sweep_all_due(container, worker_id: str, limit: int = 500) -> SweepResult:
    """Sweep until no due case is left, so a backlog (e.g. after downtime) clears in one scheduler run."""
    total = SweepResult()
    while True:
        result = sweep_timers(container, worker_id, limit)
        total.claimed += result.claimed
        total.fired += result.fired
        total.failed += result.failed
        if result.claimed < limit:
            return total


def _fire_one_by_one(container, process_ids: list[str], worker_id: str) -> tuple[int, list[tuple[str, str]]]:
    fired, failures = 0, []
    uow = container.uow()
    with uow:
        for process_id in process_ids:
            savepoint = uow.session.begin_nested()
            try:
                fired += len(_fire(uow, process_id, worker_id))
                savepoint.commit()
            except Exception as exc:  # noqa: BLE001 - any failure of one case is recorded, the sweep goes on
                savepoint.rollback()
                container.runtime.forget(process_id)
                failures.append((process_id, getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"))
        uow.commit()
    return fired, failures


@dataclass(frozen=True)
class FailedTimer:
    """A case whose timer step failed, for the supervisors' overview."""

    case_id: str
    reference: str
    client_name: str
    error: str
    failed_at: object


def failed_timers(uow, actor: Actor, limit: int = 100) -> list[FailedTimer]:
    """Cases with a failed timer step that the actor may see (one indexed query)."""
    states = WorkflowState.__table__
    stmt = (select(Case.id, Case.reference, Client.first_name, Client.last_name, states.c.timer_error,
                   states.c.timer_error_at)
            .join(states, states.c.case_id == Case.id).join(Client, Client.id == Case.client_id)
            .where(states.c.timer_error.is_not(None)).order_by(states.c.timer_error_at).limit(limit))
    return [FailedTimer(r[0], r[1], f"{r[3]}, {r[2]}", r[4], r[5])
            for r in uow.session.execute(scope_cases(stmt, actor))]


def retry_timer(uow, actor: Actor, case_id: str) -> None:
    """Supervisor clears a timer error so the next sweep tries the case again."""
    if actor.role not in ("supervisor", "admin"):
        raise Forbidden("Nur die Teamleitung kann einen fehlgeschlagenen Zeitgeber erneut starten.")
    states = WorkflowState.__table__
    with uow:
        ensure_processing_allowed(visible_case(uow.session, actor, case_id))
        changed = uow.session.connection().execute(
            update(states).where(states.c.case_id == case_id, states.c.timer_error.is_not(None))
            .values(timer_error=None, timer_error_at=None))
        if changed.rowcount < 1:
            raise NotFound("Für diesen Fall liegt kein Zeitgeber-Fehler vor.")
        record_event(uow, "timer_retried", actor.id, case_id)
        uow.commit()
