"""Moving running processes of cases to another version: migration (one process per transaction, under the case
row lock) and revert. Each migration loads the workflow and checks again, so a stale preview
(engine.authoring.impact) never moves a process that can no longer move. A case's journey has the case's id as
its process id, so for the journey "case id" and "process id" are the same.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from engine.base import Actor, bump_case_version, model_by_id, model_for, record_event, visible_case
from engine.casework import ProcessRef, clear_step_failure, current_workflow, persist
from engine.db import Case, CaseProcess, Event, OpenTask, ProcessDefinition, WorkflowState
from engine.errors import Conflict, IntegraflowError, NotFound
from engine.workflow import MigrationRefused, migrate

from .impact import definitions_of, require_migrator, target_version

log = logging.getLogger("integraflow.migration")
BATCH_LIMIT = 200  # cases per request: a request must never run for minutes; the rest is reported


@dataclass
class MigrationResult:
    """What a batch did: moved cases, skipped cases with reasons, and cases left for the next request."""

    migrated: list[tuple[str, str]] = field(default_factory=list)          # (case_id, reference)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)      # (case_id, reference, reason)
    remaining: list[str] = field(default_factory=list)


def migrate_cases(new_uow, actor: Actor, key: str, to_version: int | None,
                  selection: list[tuple[str, int | None]], limit: int = BATCH_LIMIT) -> MigrationResult:
    """Migrate the selected processes (id, case version seen in the preview or None), each in its own transaction."""
    require_migrator(actor)
    uow = new_uow()
    with uow:
        target = target_version(definitions_of(uow, key), to_version)
        target_id = target.id
    result = MigrationResult(remaining=[case_id for case_id, _ in selection[limit:]])
    for case_id, expected in selection[:limit]:
        try:
            reference = migrate_case(new_uow(), actor, case_id, target_id, expected)
        except IntegraflowError as exc:
            result.skipped.append((case_id, _reference(new_uow, case_id), exc.message))
        except Exception as exc:  # noqa: BLE001 - one broken case must not stop the batch; it was rolled back
            log.exception("migration of case %s failed", case_id)
            result.skipped.append((case_id, _reference(new_uow, case_id),
                                   f"Unerwarteter Fehler, nichts geändert ({type(exc).__name__})."))
        else:
            result.migrated.append((case_id, reference))
    return result


def _reference(new_uow, process_id: str) -> str:
    uow = new_uow()
    with uow:
        return uow.session.execute(select(Case.reference).join(CaseProcess, CaseProcess.case_id == Case.id)
                                   .where(CaseProcess.id == process_id)).scalar() or process_id


def migrate_case(uow, actor: Actor, process_id: str, target_id: int, expected_version: int | None = None,
                 revert: bool = False, allow: frozenset[str] = frozenset(), reason: str | None = None,
                 repair: bool = False) -> str:
    """Move one process of a case (its journey: the case id) to another version in one transaction; returns the
    case reference.

    `allow`: elements the process reached that may differ anyway (a repair's failed element); `repair` also clears
    the recorded timer error and failed completion in the same transaction.
    """
    require_migrator(actor)
    with uow:
        process = uow.session.get(CaseProcess, process_id) if process_id and len(process_id) <= 36 else None
        if process is None:
            raise NotFound("Der Fall wurde nicht gefunden.")
        case = visible_case(uow.session, actor, process.case_id, with_client=False)
        source = uow.session.get(ProcessDefinition, process.definition_id)
        target = uow.session.get(ProcessDefinition, target_id)
        if target is None or target.key != source.key:
            raise NotFound("Die Zielversion gehört nicht zum Prozess dieses Falls.")
        if case.status != "open" or process.status != "running":
            raise Conflict("Der Fall ist abgeschlossen und wird nicht mehr migriert.")
        if target.id == source.id:
            raise Conflict(f"Der Fall läuft bereits auf Version {target.version}.")
        lock_case(uow, case, expected_version)
        try:
            _move(uow, case, process, source, target, allow)
        except BaseException:
            uow.runtime.forget(process.id)
            raise
        if repair:
            clear_step_failure(uow, case.id)
            uow.session.execute(update(WorkflowState).where(WorkflowState.process_id == process.id)
                                .values(timer_error=None, timer_error_at=None)
                                .execution_options(synchronize_session=False))
        record_event(uow, "case_migrated", actor.id, case.id, from_definition_id=source.id,
                     from_version=source.version, to_definition_id=target.id, to_version=target.version,
                     actor=actor.username, revert=revert, reason=reason, process_id=process.id,
                     title=("" if process.kind == "journey" else f"{source.name}: ")
                           + f"Version {source.version} → {target.version}" + (" (zurückgenommen)" if revert else ""))
        reference = case.reference
        uow.commit()
        return reference


def lock_case(uow, case: Case, expected_version: int | None) -> None:
    """Version bump as the first write: takes the row lock and refuses a case changed since the preview."""
    version = case.version if expected_version is None else expected_version
    if not bump_case_version(uow, case.id, version):
        raise Conflict("Der Fall wurde seit der Vorschau geändert und daher nicht migriert. Bitte Vorschau "
                       "neu laden.")
    set_committed_value(case, "version", version + 1)


def _move(uow, case: Case, process: CaseProcess, source: ProcessDefinition, target: ProcessDefinition,
          allow: frozenset[str]) -> None:
    old_model, new_model = model_by_id(uow, source.id), model_for(uow, target)
    workflow = current_workflow(uow, process.id, case.version - 1, old_model)
    try:
        migrate(uow.runtime.codec.registry, workflow, old_model, new_model, allow)
    except MigrationRefused as exc:
        raise Conflict(" ".join(exc.reasons)) from exc
    process.definition_id = target.id
    journey = process.kind == "journey"
    if journey:
        case.definition_id = target.id
    persist(uow, case, new_model, workflow, ProcessRef(process.id, target.id, journey),
            previous_version=case.version - 1)
    # Open tasks that stayed open keep their id and claim; title, form, role and step come from the new model.
    for task in uow.runtime.ready_user_tasks(new_model, workflow):
        uow.session.execute(update(OpenTask).where(OpenTask.id == task.id)
                            .values(title=task.title, form_key=task.form_key, lane=task.lane, role=task.role,
                                    due_on=task.due_on, task_spec=task.spec_name, step=task.step,
                                    needs_consent=task.needs_consent)
                            .execution_options(synchronize_session=False))


def previous_definition(uow, case: Case, process_id: str | None = None) -> ProcessDefinition | None:
    """The version a migrated process (default: the journey) came from; None if its latest migration was a revert
    or it moved on since."""
    process_id = process_id or case.id
    current = uow.session.execute(select(CaseProcess.definition_id).where(CaseProcess.id == process_id)).scalar()
    payloads = uow.session.execute(select(Event.payload).where(Event.case_id == case.id,
                                                               Event.kind == "case_migrated")
                                   .order_by(Event.seq.desc())).scalars()
    # Migrations recorded before several processes existed name no process: they were the journey's.
    payload = next((p for p in payloads if (p.get("process_id") or case.id) == process_id), None)
    if not payload or payload.get("revert") or payload.get("to_definition_id") != current:
        return None
    return uow.session.get(ProcessDefinition, payload.get("from_definition_id"))


def revert_migration(uow, actor: Actor, process_id: str, expected_version: int | None = None) -> str:
    """Move a migrated process (the journey: the case id) back to the version it came from; returns the reference."""
    require_migrator(actor)
    with uow:
        process = uow.session.get(CaseProcess, process_id) if process_id and len(process_id) <= 36 else None
        if process is None:
            raise NotFound("Der Fall wurde nicht gefunden.")
        case = visible_case(uow.session, actor, process.case_id, with_client=False)
        previous = previous_definition(uow, case, process.id)
        if previous is None:
            raise Conflict("Dieser Fall wurde nicht migriert; es gibt nichts zurückzunehmen.")
        previous_id = previous.id
    return migrate_case(uow, actor, process_id, previous_id, expected_version, revert=True)
