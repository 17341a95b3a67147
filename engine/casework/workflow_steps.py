"""Running one step of a case's workflow inside a unit of work: load (or reuse), act, save, project."""
from __future__ import annotations

from contextlib import contextmanager

from engine.base import model_by_id
from engine.clock import BERLIN
from engine.db import Case
from engine.errors import Conflict, WorkflowFailure
from engine.workflow import ScriptFailure, TaskNotReady, UnsupportedState, load_workflow, save_workflow

from .projection import sync_open_tasks


@contextmanager
def workflow_of(uow, case: Case, loaded_version: int):
    """Yield (model, workflow) for a case; persist and re-project when the block ends without error.

    The cached instance is taken out of the cache while we work on it and only put back (under the new case
    version) after the commit, so a failed transaction never leaves a half-changed workflow in memory.
    """
    model = model_by_id(uow, case.definition_id)
    workflow = current_workflow(uow, case.id, loaded_version, model)
    try:
        yield model, workflow
    except ScriptFailure as exc:
        raise step_failure(exc) from exc
    except TaskNotReady as exc:
        # The projection said the task was open but the workflow disagrees: refuse instead of guessing.
        raise Conflict("Diese Aufgabe ist im Prozess nicht mehr offen. Bitte laden Sie den Fall neu.") from exc
    persist(uow, case, model, workflow)


def current_workflow(uow, case_id: str, version: int, model):
    """The case's workflow at `version`: the cached instance (now owned by the caller) or loaded from the store."""
    workflow = uow.runtime.checkout(case_id, version)
    if workflow is not None:
        return workflow
    try:
        return load_workflow(uow.session, uow.runtime, case_id, model)
    except (LookupError, UnsupportedState) as exc:
        raise WorkflowFailure(f"Der gespeicherte Prozesszustand des Falls ist nicht lesbar: {exc}") from exc


def persist(uow, case: Case, model, workflow, is_new: bool = False) -> None:
    """Save the workflow delta, refresh open tasks, and cache the instance once the commit succeeded."""
    try:
        ready = uow.runtime.ready_user_tasks(model, workflow)
    except ScriptFailure as exc:
        raise WorkflowFailure(f"Fälligkeit konnte nicht berechnet werden ({exc.element_id}): {exc}",
                              element_id=exc.element_id) from exc
    next_timer = save_workflow(uow.session, uow.runtime, case.id, case.definition_id, workflow, uow.clock.now(),
                               is_new=is_new)
    sync_open_tasks(uow, case, ready, waiting_review=review_date_of(next_timer))
    case_id, version = case.id, case.version
    uow.after_commit(lambda: uow.runtime.checkin(case_id, version, workflow))


def step_failure(exc: ScriptFailure) -> WorkflowFailure:
    """The error a user sees when a script, condition or timer of the process failed."""
    return WorkflowFailure(f"Der Prozess konnte nicht fortgesetzt werden ({exc.element_id or 'unbekannt'}): {exc}",
                           element_id=exc.element_id)


def review_date_of(next_timer):
    """While the journey waits for its review timer there is no task yet; the case shows the review date."""
    return next_timer.astimezone(BERLIN).date() if next_timer else None
