"""Errored cases and their repair: a failed timer or task completion, retried, migrated to a fixed version, or
reset to an earlier user task with a reason. Every repair is one transaction with an audit event."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import literal, select, union_all, update

from engine.base import Actor, model_by_id, model_for, record_event, scope_cases, visible_case
from engine.casework import ProcessRef, clear_step_failure, persist
from engine.db import Case, CaseProcess, Client, ProcessDefinition, StepFailure, User, WorkflowState
from engine.errors import Conflict, InvalidInput, NotFound
from engine.time import retry_timer
from engine.workflow import (
    ResetRefused,
    ResetTarget,
    UnsupportedState,
    blockers,
    load_with_history,
    reached_in,
    reset_targets,
    reset_to,
    unarchive,
)
from engine.workflow import spec_changes as diff_versions

from .migration import lock_case, migrate_case, previous_definition, require_migrator

_ELEMENT_IN_MESSAGE = re.compile(r"\(([A-Za-z_][\w.-]*)\)")
REASON_MAX = 1000
# The intake is done by opening the case (engine.casework.intake), never as a task form: it cannot be reopened.
_NOT_RESETTABLE_STEPS = frozenset({"intake"})


@dataclass(frozen=True)
class ErroredCase:
    """A case whose timer step or last task completion failed."""

    case_id: str
    reference: str
    client_name: str
    kind: str  # "timer" or "task"
    message: str
    failed_at: datetime


def errored_cases(uow, actor: Actor, limit: int = 200) -> list[ErroredCase]:
    """Cases with a failed timer or a failed task completion that the actor may repair, oldest failure first."""
    require_migrator(actor)
    states, failures = WorkflowState.__table__, StepFailure.__table__
    timer = scope_cases(select(Case.id, Case.reference, Client.first_name, Client.last_name, states.c.timer_error,
                               states.c.timer_error_at, _kind("timer"))
                        .join(states, states.c.case_id == Case.id).join(Client, Client.id == Case.client_id)
                        .where(states.c.timer_error.is_not(None)), actor)
    task = scope_cases(select(Case.id, Case.reference, Client.first_name, Client.last_name, failures.c.message,
                              failures.c.failed_at, _kind("task"))
                       .join(failures, failures.c.case_id == Case.id).join(Client, Client.id == Case.client_id), actor)
    both = union_all(timer, task).subquery()
    rows = uow.session.execute(select(both).order_by(both.c[5]).limit(limit)).all()
    return [ErroredCase(r[0], r[1], f"{r[3]}, {r[2]}", r[6], r[4], r[5]) for r in rows]


def _kind(value: str):
    return literal(value).label("kind")


@dataclass(frozen=True)
class FixedVersion:
    """A newer version of the case's process and whether the case could move there."""

    definition_id: int
    version: int
    comment: str | None
    reasons: list[str]


@dataclass
class RepairView:
    """Everything the repair page shows for one case: the process that failed (its journey unless another one)."""

    case: Case
    process_id: str
    client_name: str
    definition: ProcessDefinition
    timer_error: str | None
    timer_error_at: datetime | None
    failure: StepFailure | None
    failed_by: str | None
    failed_elements: list[str]
    done_elements: list[str]
    current_elements: list[str]
    reset_targets: list[ResetTarget] = field(default_factory=list)
    versions: list[FixedVersion] = field(default_factory=list)
    previous: ProcessDefinition | None = None  # the version a migration came from (revert possible)
    unreadable: str | None = None

    @property
    def has_error(self) -> bool:
        """True while a timer error or a failed completion is recorded."""
        return bool(self.timer_error or self.failure)


def repair_process(session, case: Case) -> CaseProcess:
    """The process to repair: the one whose completion or timer failed (the journey when nothing failed)."""
    failure = session.get(StepFailure, case.id)
    process_id = failure.process_id if failure is not None and failure.process_id else None
    if process_id is None:
        process_id = session.execute(select(WorkflowState.process_id).where(
            WorkflowState.case_id == case.id, WorkflowState.timer_error.is_not(None)).limit(1)).scalar()
    return session.get(CaseProcess, process_id or case.id)


def repair_view(uow, actor: Actor, case_id: str) -> RepairView:
    """The error, the diagram markers, the tasks the case can be reset to and the versions it could move to."""
    require_migrator(actor)
    case = visible_case(uow.session, actor, case_id)
    process = repair_process(uow.session, case)
    state = uow.session.get(WorkflowState, process.id)
    failure = uow.session.get(StepFailure, case.id)
    definition = uow.session.get(ProcessDefinition, process.definition_id)
    model = model_by_id(uow, definition.id)
    view = RepairView(case, process.id, f"{case.client.last_name}, {case.client.first_name}", definition,
                      state.timer_error if state else None, state.timer_error_at if state else None, failure,
                      _name(uow, failure.failed_by) if failure else None, [], sorted(state.visited or []) if state
                      else [], [])
    try:
        workflow, _archived = load_with_history(uow.session, uow.runtime, process.id, model)
    except (LookupError, UnsupportedState) as exc:
        view.unreadable = f"Der gespeicherte Prozesszustand ist nicht lesbar: {exc}"
        return view
    reached = reached_in(workflow)
    view.current_elements = sorted(e for e, kind in reached.items() if kind != "done")
    view.failed_elements = sorted(failed_elements(view, model, reached))
    if case.status == "open" and process.status == "running":
        view.previous = previous_definition(uow, case, process.id)
        view.reset_targets = [t for t in reset_targets(workflow, model) if t.spec_name not in _not_resettable(model)]
        newer = uow.session.execute(select(ProcessDefinition).where(ProcessDefinition.key == definition.key,
                                                                   ProcessDefinition.version > definition.version)
                                    .order_by(ProcessDefinition.version.desc())).scalars()
        allow = frozenset(view.failed_elements)
        for candidate in newer:
            changes = diff_versions(uow.runtime.codec.registry, model, model_for(uow, candidate))
            view.versions.append(FixedVersion(candidate.id, candidate.version, candidate.comment,
                                              blockers(changes, reached, model, allow)))
    return view


def failed_elements(view: RepairView, model, reached: dict[str, str]) -> set[str]:
    """Elements to mark as failed: the recorded element, or for a timer error the element named in the message
    (else the timers the case waits at); these may change in a fixed version, they have not succeeded yet."""
    found = set()
    if view.failure is not None and view.failure.element_id:
        found.add(view.failure.element_id)
    if view.timer_error:
        named = [m for m in _ELEMENT_IN_MESSAGE.findall(view.timer_error) if m in model.element_names]
        found.update(named or [e for e, kind in reached.items() if kind == "waiting"])
    return found


def _name(uow, user_id: int | None) -> str | None:
    user = uow.session.get(User, user_id) if user_id else None
    return user.display_name if user else None


def retry_case(uow, actor: Actor, case_id: str) -> str:
    """Retry after a fix: a failed timer runs again at the next sweep; a failed completion is cleared and its task
    stays open for the caseworker to submit again. Returns what happens next, for the message."""
    require_migrator(actor)
    with uow:
        visible_case(uow.session, actor, case_id, with_client=False)
        has_timer_error = uow.session.execute(select(WorkflowState.process_id).where(
            WorkflowState.case_id == case_id, WorkflowState.timer_error.is_not(None)).limit(1)).first() is not None
        failure = uow.session.get(StepFailure, case_id)
        if failure is not None:
            title = failure.task_title
            clear_step_failure(uow, case_id)
            record_event(uow, "case_repaired", actor.id, case_id, action="retry", element=failure.element_id,
                         title=f"Aufgabe „{title}“ wieder freigegeben" if title else "Fehler quittiert",
                         reason="Erneuter Versuch nach Korrektur")
            uow.commit()
    if has_timer_error:
        retry_timer(uow, actor, case_id)
        return "timer"
    if failure is None:
        raise NotFound("Für diesen Fall liegt kein Fehler vor.")
    return "task"


def migrate_to_fixed_version(uow, actor: Actor, case_id: str, definition_id: int,
                             expected_version: int | None = None) -> str:
    """Move an errored case to a corrected version; the failed element itself may differ there."""
    require_migrator(actor)
    with uow:
        view = repair_view(uow, actor, case_id)
        allow = frozenset(view.failed_elements)
        process_id = view.process_id
    return migrate_case(uow, actor, process_id, definition_id, expected_version, allow=allow, repair=True,
                        reason="Reparatur: Wechsel auf korrigierte Version")


def reset_case(uow, actor: Actor, case_id: str, task_id: str, reason: str,
               expected_version: int | None = None) -> str:
    """Reopen an earlier user task with a required reason; later data stays in the history. Returns its title."""
    require_migrator(actor)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput("Bitte geben Sie einen Grund für das Zurücksetzen an (höchstens 1000 Zeichen).",
                           {"reason": "Bitte einen Grund angeben."}, {"reason": reason[:REASON_MAX]})
    with uow:
        case = visible_case(uow.session, actor, case_id, with_client=False)
        if case.status != "open":
            raise Conflict("Ein abgeschlossener Fall kann nicht zurückgesetzt werden.")
        loaded_version = case.version
        lock_case(uow, case, expected_version)
        process = repair_process(uow.session, case)
        model = model_by_id(uow, process.definition_id)
        uow.runtime.forget(process.id)
        try:
            workflow, archived = load_with_history(uow.session, uow.runtime, process.id, model)
            spec_name = reset_to(workflow, task_id, refuse=_not_resettable(model))
        except ResetRefused as exc:
            raise Conflict(str(exc)) from exc
        except (LookupError, UnsupportedState) as exc:
            raise Conflict(f"Der gespeicherte Prozesszustand des Falls ist nicht lesbar: {exc}") from exc
        unarchive(uow.session, process.id, workflow, archived)
        persist(uow, case, model, workflow, ProcessRef(process.id, process.definition_id, process.kind == "journey"),
                previous_version=expected_version if expected_version is not None else loaded_version)
        clear_step_failure(uow, case.id)
        uow.session.execute(update(WorkflowState).where(WorkflowState.process_id == process.id)
                            .values(timer_error=None, timer_error_at=None, timer_claimed_until=None,
                                    timer_claimed_by=None).execution_options(synchronize_session=False))
        info = model.user_tasks.get(spec_name)
        title = info.title if info else spec_name
        record_event(uow, "case_reset", actor.id, case.id, to_task=spec_name, task_id=task_id,
                     title=f"zurück zu „{title}“: {reason}", reason=reason, actor=actor.username)
        uow.commit()
        return title


def _not_resettable(model) -> frozenset[str]:
    """Task names of the steps a case can never go back to (the intake)."""
    return frozenset(name for name, info in model.user_tasks.items() if info.step in _NOT_RESETTABLE_STEPS)
