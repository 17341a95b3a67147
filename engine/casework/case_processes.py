"""Further processes of a case: started from the case page ("Weiteren Ablauf starten"), finished, listed.

Besides its journey, a case may run any process a team lead declared as a case process (`integraflow.kind =
case_process`), e.g. accompanying the recognition of a foreign qualification. Each runs on its own workflow and
version, with its tasks in the worklist under the case; several may run at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from engine.base import (
    CASE_PROCESS,
    Actor,
    bump_case_version,
    ensure_processing_allowed,
    latest_definition,
    load_deadlines,
    model_for,
    record_event,
    require_editor,
    visible_case,
)
from engine.db import CaseProcess, ProcessDefinition, new_id
from engine.errors import Conflict, Forbidden, NotFound, WorkflowFailure
from engine.workflow import ScriptFailure

from .step_failures import record_step_failure
from .workflow_steps import ProcessRef, persist, step_failure


@dataclass(frozen=True)
class ProcessChoice:
    """A process caseworkers may start on a case, and whether it already runs there."""

    key: str
    name: str
    running: bool


@dataclass(frozen=True)
class ProcessView:
    """One process of a case as the case page shows it."""

    id: str
    key: str
    name: str
    version: int
    definition_id: int
    journey: bool
    status: str
    started_at: datetime
    started_by: int | None
    completed_at: datetime | None


STATUS_LABELS = {"running": "läuft", "completed": "abgeschlossen", "cancelled": "beendet (Fall abgeschlossen)"}


def processes_of(session, case_id: str) -> list[ProcessView]:
    """The case's journey and further processes, journey first, then by start."""
    rows = session.execute(select(CaseProcess, ProcessDefinition.key, ProcessDefinition.name,
                                  ProcessDefinition.version)
                           .join(ProcessDefinition, ProcessDefinition.id == CaseProcess.definition_id)
                           .where(CaseProcess.case_id == case_id)
                           .order_by((CaseProcess.kind != "journey"), CaseProcess.started_at)).all()
    return [ProcessView(p.id, key, name, version, p.definition_id, p.kind == "journey", p.status, p.started_at,
                        p.started_by, p.completed_at) for p, key, name, version in rows]


# Deployed definitions are immutable and every deploy adds a row: the largest id changes exactly when the newest
# version of some process may have.
_DEPLOYED_GENERATION = select(func.max(ProcessDefinition.id))


def startable_processes(uow, case_id: str, processes: list[ProcessView] | None = None) -> list[ProcessChoice]:
    """Newest versions of the case processes caseworkers may start, marked when one already runs on the case
    (`processes`: the case's processes as the caller already read them, saving the query)."""
    generation = uow.session.execute(_DEPLOYED_GENERATION).scalar()
    newest = uow.runtime.derived(("startable processes", generation), lambda: _newest_startable(uow))
    if processes is None:
        running = set(uow.session.execute(
            select(ProcessDefinition.key).join(CaseProcess, CaseProcess.definition_id == ProcessDefinition.id)
            .where(CaseProcess.case_id == case_id, CaseProcess.status == "running")).scalars())
    else:
        running = {p.key for p in processes if p.status == "running"}
    return [ProcessChoice(key, name, key in running) for key, name in newest]


def _newest_startable(uow) -> list[tuple[str, str]]:
    """(key, name) of the newest version of each case process whose model caseworkers may start, by name."""
    newest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
              .where(ProcessDefinition.kind == CASE_PROCESS).group_by(ProcessDefinition.key).subquery())
    definitions = uow.session.execute(
        select(ProcessDefinition).join(newest, (newest.c.key == ProcessDefinition.key)
                                       & (newest.c.version == ProcessDefinition.version))
        .order_by(ProcessDefinition.name).options(defer(ProcessDefinition.bpmn_xml))).scalars().all()
    return [(d.key, d.name) for d in definitions if model_for(uow, d).startable]


def start_process(uow, case_id: str, key: str, actor: Actor, expected_version: int) -> str:
    """Start the newest version of a case process on a case in one transaction; returns the new process id.

    When a script or condition at the start fails (or exceeds its limits), nothing is kept and the failure is
    recorded in its own transaction for the repair list, as for a task completion.
    """
    try:
        try:
            return _start_process(uow, case_id, key, actor, expected_version)
        except ScriptFailure as exc:
            raise step_failure(exc) from exc
    except WorkflowFailure as failure:
        record_step_failure(uow, case_id, None, failure.details.get("element_id"), failure.message, actor.id)
        raise


def _start_process(uow, case_id: str, key: str, actor: Actor, expected_version: int) -> str:
    with uow:
        require_editor(actor)
        case = visible_case(uow.session, actor, case_id, with_client=False)
        if case.status != "open":
            raise Forbidden("Der Fall ist abgeschlossen; es kann kein weiterer Ablauf beginnen.")
        ensure_processing_allowed(case)
        definition = latest_definition(uow.session, key, required=False)
        if definition is None or definition.kind != CASE_PROCESS:
            raise NotFound("Diesen Ablauf gibt es nicht.")
        model = model_for(uow, definition)
        if not model.startable:
            raise Forbidden("Dieser Ablauf wird nur von einem anderen Prozess aufgerufen, nicht von Hand gestartet.")
        if not bump_case_version(uow, case.id, expected_version):
            raise Conflict("Der Fall wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
        set_committed_value(case, "version", expected_version + 1)
        if _running(uow, case.id, key):
            raise Conflict(f"„{definition.name}“ läuft für diesen Fall bereits.")
        now = uow.clock.now()
        process = CaseProcess(id=new_id(), case_id=case.id, definition_id=definition.id, kind=CASE_PROCESS,
                              status="running", started_at=now, started_by=actor.id)
        uow.session.add(process)
        uow.session.flush()
        workflow = uow.runtime.start(model, start_data(uow, case))
        ref = ProcessRef(process.id, definition.id, False)
        persist(uow, case, model, workflow, ref, is_new=True, previous_version=expected_version)
        record_event(uow, "process_started", actor.id, case.id, process_id=process.id, key=key,
                     version=definition.version, name=definition.name)
        if uow.runtime.is_completed(workflow):
            finish_process(uow, case, process.id, actor.id)
        uow.commit()
        return process.id


def start_data(uow, case) -> dict:
    """What every process of a case starts with: the deadlines in force and the case's reference dates."""
    return {"deadlines": load_deadlines(uow.session), "intake_date": case.intake_date.isoformat(),
            "case_reference": case.reference, "step_completed_on": uow.clock.today().isoformat()}


def finish_process(uow, case, process_id: str, actor_id: int | None) -> None:
    """Mark a further process of the case as completed (the case goes on)."""
    process = uow.session.get(CaseProcess, process_id)
    process.status, process.completed_at = "completed", uow.clock.now()
    name = uow.session.execute(select(ProcessDefinition.name)
                               .where(ProcessDefinition.id == process.definition_id)).scalar()
    record_event(uow, "process_completed", actor_id, case.id, process_id=process_id, name=name)


def _running(uow, case_id: str, key: str) -> bool:
    return uow.session.execute(
        select(CaseProcess.id).join(ProcessDefinition, ProcessDefinition.id == CaseProcess.definition_id)
        .where(CaseProcess.case_id == case_id, CaseProcess.status == "running", ProcessDefinition.key == key)
        .limit(1)).first() is not None
