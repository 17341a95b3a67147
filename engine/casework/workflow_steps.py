"""Running one step of a process of a case inside a unit of work: load (or reuse), act, save, project.

A case runs its journey (whose process id is the case id) and possibly further processes; each has its own
workflow, definition version and open tasks. Every step is guarded by the case's version column.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from engine.base import model_by_id
from engine.clock import BERLIN
from engine.db import Case, CaseProcess
from engine.decisions import record_decisions
from engine.errors import Conflict, NotFound, WorkflowFailure
from engine.workflow import (
    DUE_DATE_FAILED,
    PendingSave,
    ScriptFailure,
    TaskNotReady,
    UnsupportedState,
    encode_save,
    load_workflow,
    prepare_save,
    save_workflow,
    write_saves,
)

from .projection import (
    ProjectionChange,
    apply_case_fields,
    plan_projection,
    sync_open_tasks,
    write_projections,
)


@dataclass(frozen=True)
class ProcessRef:
    """Which workflow of a case a step runs on: its process id, definition version and whether it is the journey."""

    id: str
    definition_id: int
    journey: bool


def journey_of(case: Case) -> ProcessRef:
    """The case's journey (its process id is the case id; its version is the case's definition)."""
    return ProcessRef(case.id, case.definition_id, True)


def process_ref(uow, case: Case, process_id: str | None) -> ProcessRef:
    """The journey for None or the case's id, otherwise the case's further process with that id."""
    if process_id is None or process_id == case.id:
        return journey_of(case)
    process = uow.session.get(CaseProcess, process_id)
    if process is None or process.case_id != case.id:
        raise NotFound("Dieser Ablauf gehört nicht zu diesem Fall.")
    return ProcessRef(process.id, process.definition_id, process.kind == "journey")


@contextmanager
def workflow_of(uow, case: Case, loaded_version: int, process: ProcessRef | None = None):
    """Yield (model, workflow) of a process of the case; persist and re-project when the block ends without error.

    The cached instance is taken out of the cache while we work on it and only put back (under the new case
    version) after the commit, so a failed transaction never leaves a half-changed workflow in memory.
    """
    process = process or journey_of(case)
    model = model_by_id(uow, process.definition_id)
    workflow = current_workflow(uow, process.id, loaded_version, model)
    try:
        yield model, workflow
    except ScriptFailure as exc:
        raise step_failure(exc) from exc
    except TaskNotReady as exc:
        # The projection said the task was open but the workflow disagrees: refuse instead of guessing.
        raise Conflict("Diese Aufgabe ist im Prozess nicht mehr offen. Bitte laden Sie den Fall neu.") from exc
    persist(uow, case, model, workflow, process, previous_version=loaded_version)


@dataclass
class ComputedStep:
    """A step of a process worked out without writing: the workflow after it, its delta and its projection."""

    process: ProcessRef
    workflow: object
    save: PendingSave
    projection: ProjectionChange
    finished: bool
    closure_reason: str | None
    decisions: list  # the decision tables this step evaluated, recorded with its writes


def compute_step(uow, case: Case, loaded_version: int, process: ProcessRef, task_id: str, data: dict,
                 existing_open: dict) -> ComputedStep:
    """Complete a user task in memory and work out everything persisting it writes (reads only, no lock needed).

    The case's list fields are set on `case` (written with its version claim); the cached instance stays
    checked out, so a step that is not committed never leaves a half-changed workflow in the cache.
    """
    model = model_by_id(uow, process.definition_id)
    workflow = current_workflow(uow, process.id, loaded_version, model)
    try:
        uow.runtime.complete(workflow, task_id, data)
        finished = uow.runtime.is_completed(workflow)
        reason = uow.runtime.closure_reason(model, workflow) if finished else None
        ready = ready_tasks(uow, model, workflow)
        save = encode_save(prepare_save(uow.runtime, process.id, case.id, process.definition_id, workflow))
    except ScriptFailure as exc:
        raise step_failure(exc) from exc
    except TaskNotReady as exc:
        raise Conflict("Diese Aufgabe ist im Prozess nicht mehr offen. Bitte laden Sie den Fall neu.") from exc
    change = plan_projection(case, process.id, ready, existing_open, uow.clock.now(),
                             review_date_of(save.next_timer_at), process.journey)
    apply_case_fields(case, change)
    decisions = uow.runtime.take_decisions(workflow)
    return ComputedStep(process, workflow, save, change, finished, reason, decisions)


def write_step(uow, case: Case, step: ComputedStep, previous_version: int, conn=None) -> None:
    """Write a computed step (delta rows, open tasks) along with the claim of `previous_version`; cache it on commit
    under the version that claim gives the case (the claim's answer may not be known yet, see engine.db.pipeline).

    `conn` may be DeferredWrites (engine.db.prebuilt): the rows are then bound now and sent with the others later.
    """
    conn = conn if conn is not None else uow.session.connection()
    write_saves(conn, [step.save], uow.clock.now())
    write_projections(conn, [step.projection])
    record_decisions(uow, case.id, step.process.id, step.decisions, conn)
    process_id, case_id, version, workflow = step.process.id, case.id, previous_version + 1, step.workflow
    uow.after_commit(lambda: uow.runtime.checkin(process_id, case_id, version, workflow, previous_version))


def ready_tasks(uow, model, workflow):
    """The workflow's ready user tasks; a failing due-date expression is a step failure."""
    try:
        return uow.runtime.ready_user_tasks(model, workflow)
    except ScriptFailure as exc:
        # The runtime's message already says what failed; the element goes where the other step failures have it.
        detail = str(exc).removeprefix(DUE_DATE_FAILED + ": ")
        raise WorkflowFailure(f"{DUE_DATE_FAILED} ({exc.element_id}): {detail}",
                              element_id=exc.element_id) from exc


def current_workflow(uow, process_id: str, version: int, model):
    """A process's workflow at case `version`: the cached instance (now owned by the caller) or loaded."""
    workflow = uow.runtime.checkout(process_id, version)
    if workflow is not None:
        return workflow
    try:
        return load_workflow(uow.session, uow.runtime, process_id, model)
    except (LookupError, UnsupportedState) as exc:
        raise WorkflowFailure(f"Der gespeicherte Prozesszustand des Falls ist nicht lesbar: {exc}") from exc


def persist(uow, case: Case, model, workflow, process: ProcessRef | None = None, is_new: bool = False,
            previous_version: int | None = None) -> None:
    """Save the workflow delta, refresh its open tasks, and cache the instance once the commit succeeded."""
    process = process or journey_of(case)
    ready = ready_tasks(uow, model, workflow)
    record_decisions(uow, case.id, process.id, uow.runtime.take_decisions(workflow))
    next_timer = save_workflow(uow.session, uow.runtime, process.id, case.id, process.definition_id, workflow,
                               uow.clock.now(), is_new=is_new)
    sync_open_tasks(uow, case, process.id, ready, journey=process.journey,
                    waiting_review=review_date_of(next_timer))
    process_id, case_id, version = process.id, case.id, case.version
    uow.after_commit(lambda: uow.runtime.checkin(process_id, case_id, version, workflow, previous_version))


def step_failure(exc: ScriptFailure) -> WorkflowFailure:
    """The error a user sees when a script, condition or timer of the process failed."""
    return WorkflowFailure(f"Der Prozess konnte nicht fortgesetzt werden ({exc.element_id or 'unbekannt'}): {exc}",
                           element_id=exc.element_id)


def review_date_of(next_timer):
    """While the journey waits for its review timer there is no task yet; the case shows the review date."""
    return next_timer.astimezone(BERLIN).date() if next_timer else None
